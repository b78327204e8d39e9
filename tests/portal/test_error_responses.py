"""One error response: every JSON error has the agreed body, with `message` in the request's language, and
no module outside portal/errors.py writes such a body by hand."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory, sign_in_session, submitted
from werkzeug.exceptions import TooManyRequests
from werkzeug.test import TestResponse

from portal.assessments import services, stored
from portal.auth import security
from portal.bureau.models import BureauIndicator
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Role, User
from portal.providers import consent

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"field", "message", "message_zh", "message_en"}


@pytest.fixture
def owner(app: Flask, make: Factory) -> tuple[User, int]:
    user = make.user(Role.ENTERPRISE)
    assessment = services.start(user.company, "miit-sme-digital", user)
    return user, assessment.id


def _signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in_session(client, user)
    return client


def _boom(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("a bug")


def _too_many(*_args: Any, **_kwargs: Any) -> Any:
    raise TooManyRequests()


# (name, status, request) — each request is made by a client signed in as the assessment's owner unless
# it says otherwise; `lang` is appended as ?lang=…
Request = Callable[[Flask, User, int, str, pytest.MonkeyPatch], TestResponse]


def _bad_json(app: Flask, user: User, aid: int, lang: str, mp: pytest.MonkeyPatch) -> TestResponse:
    return _signed_in(app, user).post(
        f"/api/v1/assessments/{aid}/answers?lang={lang}", data="{", content_type="application/json"
    )


def _not_signed_in(app: Flask, user: User, aid: int, lang: str, mp: pytest.MonkeyPatch) -> TestResponse:
    return app.test_client().get(f"/api/v1/assessments/{aid}/answers?lang={lang}")


def _wrong_role(app: Flask, user: User, aid: int, lang: str, mp: pytest.MonkeyPatch) -> TestResponse:
    return _signed_in(app, user).get(f"/api/v1/bureau/summary?lang={lang}")


def _no_route(app: Flask, user: User, aid: int, lang: str, mp: pytest.MonkeyPatch) -> TestResponse:
    return _signed_in(app, user).get(f"/api/v1/no-such-thing?lang={lang}")


def _other_assessment(app: Flask, user: User, aid: int, lang: str, mp: pytest.MonkeyPatch) -> TestResponse:
    return _signed_in(app, user).get(f"/api/v1/assessments/{aid + 1000}/answers?lang={lang}")


def _wrong_method(app: Flask, user: User, aid: int, lang: str, mp: pytest.MonkeyPatch) -> TestResponse:
    return _signed_in(app, user).delete(f"/api/v1/assessments/{aid}/answers?lang={lang}")


def _too_large(app: Flask, user: User, aid: int, lang: str, mp: pytest.MonkeyPatch) -> TestResponse:
    body = '{"answers": ["' + "x" * (5 * 1024 * 1024) + '"]}'
    return _signed_in(app, user).post(
        f"/api/v1/assessments/{aid}/answers?lang={lang}", data=body, content_type="application/json"
    )


def _throttled(app: Flask, user: User, aid: int, lang: str, mp: pytest.MonkeyPatch) -> TestResponse:
    mp.setattr(stored, "read", _too_many)
    return _signed_in(app, user).get(f"/api/v1/assessments/{aid}/answers?lang={lang}")


def _crash(app: Flask, user: User, aid: int, lang: str, mp: pytest.MonkeyPatch) -> TestResponse:
    mp.setattr(stored, "read", _boom)
    mp.setitem(app.config, "HANDLE_ERRORS_IN_TESTS", True)
    return _signed_in(app, user).get(f"/api/v1/assessments/{aid}/answers?lang={lang}")


def _nul(
    app: Flask, user: User, aid: int, lang: str, mp: pytest.MonkeyPatch
) -> TestResponse:  # portal.inputs
    return _signed_in(app, user).get(f"/api/v1/assessments/{aid}/answers?lang={lang}&q=%00")


def _bad_module(
    app: Flask, user: User, aid: int, lang: str, mp: pytest.MonkeyPatch
) -> TestResponse:  # portal.api
    body = {"answers": [{"item_id": "ops.production.quality", "value": 1}]}
    return _signed_in(app, user).post(f"/api/v1/assessments/{aid}/answers?lang={lang}&module=-x-", json=body)


def _invalid_answer(app: Flask, user: User, aid: int, lang: str, mp: pytest.MonkeyPatch) -> TestResponse:
    body = {"answers": [{"item_id": "ops.production.quality", "value": "not a level"}]}  # assessments
    return _signed_in(app, user).post(f"/api/v1/assessments/{aid}/answers?lang={lang}", json=body)


def _token_scope(
    app: Flask, user: User, aid: int, lang: str, mp: pytest.MonkeyPatch
) -> TestResponse:  # security
    token = security.create_api_token(user, "erp", {"assessments:read"}, None)
    body = {"answers": [{"item_id": "ops.production.quality", "value": 1}]}
    return app.test_client().post(
        f"/api/v1/assessments/{aid}/answers?lang={lang}",
        json=body,
        headers={"Authorization": f"Bearer {token.secret}"},
    )


CASES: list[tuple[int, Request]] = [
    (400, _bad_json),
    (400, _nul),
    (400, _bad_module),
    (401, _not_signed_in),
    (403, _wrong_role),
    (403, _token_scope),
    (404, _no_route),
    (404, _other_assessment),
    (405, _wrong_method),
    (413, _too_large),
    (422, _invalid_answer),
    (429, _throttled),
    (500, _crash),
]


@pytest.mark.parametrize(("status", "call"), CASES, ids=[c.__name__.strip("_") for _, c in CASES])
def test_every_json_error_has_the_agreed_body_in_the_request_language(
    app: Flask, owner: tuple[User, int], monkeypatch: pytest.MonkeyPatch, status: int, call: Request
) -> None:
    user, aid = owner
    bodies = {}
    for lang in ("zh_CN", "en"):
        response = call(app, user, aid, lang, monkeypatch)
        assert response.status_code == status
        assert response.mimetype == "application/json"
        (error,) = response.get_json()["errors"]
        assert set(error) == KEYS
        assert error["message_zh"] and error["message_en"] and error["message_zh"] != error["message_en"]
        assert re.search(r"[\u4e00-\u9fff]", error["message_zh"])  # Chinese is Chinese …
        assert not re.search(r"[\u4e00-\u9fff]", error["message_en"])  # … and English is translated
        bodies[lang] = error
    assert bodies["zh_CN"]["message"] == bodies["zh_CN"]["message_zh"]
    assert bodies["en"]["message"] == bodies["en"]["message_en"]
    assert bodies["zh_CN"]["message_en"] == bodies["en"]["message_en"]  # the same error in both requests


def test_a_portal_error_is_a_page_in_the_user_language_outside_the_api(app: Flask) -> None:
    """The same refusal raised under a page (here: a NUL in the query string) is the error page."""
    client = app.test_client()
    zh = client.get("/login?q=%00")
    en = client.get("/login?lang=en&q=%00")
    assert (zh.status_code, zh.mimetype, en.status_code) == (400, "text/html", 400)
    assert "空字符" in zh.get_data(as_text=True)
    assert "NUL character" in en.get_data(as_text=True)


def test_portal_error_takes_a_msgid_or_a_pair(app: Flask) -> None:
    with app.test_request_context("/?lang=en"):
        from flask_babel import lazy_gettext

        msgid = PortalError(404, lazy_gettext("评估不存在"))
        pair = PortalError(422, ("答案无效", "invalid answer"), "x")
        assert (msgid.text(), msgid.message_zh) == ("assessment not found", "评估不存在")
        assert pair.as_dict() == {
            "field": "x",
            "message": "invalid answer",
            "message_zh": "答案无效",
            "message_en": "invalid answer",
        }


# Modules that may spell message_zh as a key: the one error response, the API schema, and the eligibility
# contract's field errors (the engine's shape, attached to HTML form fields, never sent as a portal error).
_MAY_SPELL_IT = {
    "portal/errors.py",
    "portal/api/openapi/schemas.py",
    "portal/eligibility/services.py",
    "portal/eligibility/forms.py",
}
_HAND_BUILT = re.compile(r"""["']message_zh["']\s*:|message_zh\s*=\s*["f]|jsonify\(\s*errors\s*=""")


def test_no_module_builds_a_json_error_body_by_hand() -> None:
    offenders = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "portal").rglob("*.py")
        if str(path.relative_to(ROOT)) not in _MAY_SPELL_IT and _HAND_BUILT.search(path.read_text("utf-8"))
    )
    assert offenders == [], "raise PortalError (portal/errors.py) instead of writing the body"


def test_javascript_shows_message_and_never_chooses_the_language() -> None:
    for path in (ROOT / "static/js").glob("*.js"):
        assert "message_zh" not in path.read_text("utf-8"), path.name


@pytest.mark.parametrize(
    ("lang", "expected"), [("zh_CN", "当前密码不正确。"), ("en", "The current password is not correct.")]
)
def test_account_refusals_are_in_the_user_language(
    app: Flask, make: Factory, lang: str, expected: str
) -> None:
    """Account refusals were msgids missing from the catalog: English users read them in Chinese."""
    client = _signed_in(app, make.user(Role.ENTERPRISE))
    data = {"current": "Wrong-pass-1", "password": "Newpass-123", "password2": "Newpass-123"}
    page = client.post(f"/account/password?lang={lang}", data=data)
    assert page.status_code == 200  # the form again, with the message on its field
    assert expected in page.get_data(as_text=True)


def test_a_used_reset_link_says_why_in_english(app: Flask) -> None:
    page = app.test_client().get("/password/reset/not-a-token?lang=en")
    assert page.status_code == 410
    assert "This reset link is not valid." in page.get_data(as_text=True)


def test_consent_refusals_are_in_the_user_language(make: Factory, login_as: LoginAs) -> None:
    """Consent and provider refusals were Chinese-only text (shown as is to English users)."""
    assessment, admin = submitted(make)
    org = make.provider_org()
    past = (consent.local_today() - timedelta(days=1)).isoformat()
    data = {"assessment_id": assessment.id, "provider_org_id": org.id, "mode": "share", "ends_on": past}
    client = login_as(admin)
    zh = client.post("/company/sharing/grant", data=data)
    en = client.post("/company/sharing/grant?lang=en", data=data)
    assert (zh.status_code, en.status_code) == (422, 422)
    assert "截止日期不能早于今天" in zh.get_data(as_text=True)
    assert "The end date cannot be before today." in en.get_data(as_text=True)


def test_bureau_actual_refusals_are_in_the_user_language(make: Factory, login_as: LoginAs) -> None:
    """The targets page flashed str(error): Chinese-only text for English officers."""
    officer = make.user(Role.BUREAU)
    indicator = BureauIndicator(
        code="test_errs",
        jurisdiction_level=officer.jurisdiction_level.value,
        city=officer.jurisdiction_city,
        district=officer.jurisdiction_district,
        name_zh="测试",
        name_en="Test",
        unit="家",
        source_document="-",
        source_lines="-",
        digest_ref="-",
    )
    db.session.add(indicator)
    db.session.commit()
    client = login_as(officer)
    for lang, expected in (("zh_CN", "期间格式：2024、2024Q3 或 2024-06"), ("en", "Period format: 2024")):
        page = client.post(
            f"/bureau/targets/{indicator.id}/actuals?lang={lang}",
            data={"period": "last year", "value": "1"},
            follow_redirects=True,
        )
        assert expected in page.get_data(as_text=True)


def test_a_database_outage_is_a_503_even_for_a_signed_in_user(
    app: Flask, make: Factory, login_as: LoginAs
) -> None:
    """The 503 answer is worded in the user's language; finding that language must not need the database
    that is down (it did: the account's language was read from it, and the outage answered 500)."""
    import sqlalchemy.exc

    client = login_as(make.user(Role.ENTERPRISE))

    def database_down(_token: str) -> Any:
        raise sqlalchemy.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("database down"))

    app.config["HANDLE_ERRORS_IN_TESTS"] = True
    loader = app.login_manager._user_callback
    app.login_manager._user_callback = database_down
    try:
        response = client.get("/api/v1/assessments/1/answers")
    finally:
        app.login_manager._user_callback = loader
        app.config.pop("HANDLE_ERRORS_IN_TESTS")
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert response.get_json()["errors"][0]["message"]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_503_page_of_a_database_outage_is_in_the_users_language(
    app: Flask, make: Factory, login_as: LoginAs, lang: str
) -> None:
    """A signed-in user browsing pages when the database goes down gets the 503 page (not a bare 500:
    the page around it must not read the account), in the account's language, which is noted in the
    session while the account could still be read."""
    import sqlalchemy.exc

    user = make.user(Role.ENTERPRISE)
    user.locale = lang
    db.session.commit()
    client = login_as(user)
    assert client.get("/company/").status_code == 200  # the account is read: its language is noted

    def database_down(_token: str) -> Any:
        raise sqlalchemy.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("database down"))

    app.config["HANDLE_ERRORS_IN_TESTS"] = True
    loader = app.login_manager._user_callback
    app.login_manager._user_callback = database_down
    try:
        page = client.get("/company/", headers={"Accept": "text/html"})
        api = client.get("/api/v1/assessments/1/answers")
    finally:
        app.login_manager._user_callback = loader
        app.config.pop("HANDLE_ERRORS_IN_TESTS")
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and page.headers["Retry-After"] == "2"
    assert api.status_code == 503
    if lang == "en":
        assert 'lang="en"' in html and "database is briefly unavailable" in html, html[-800:]
        assert "数据库暂时不可用" not in html
        assert "briefly unavailable" in api.get_json()["errors"][0]["message"]
    else:
        assert "数据库暂时不可用" in html and "数据库暂时不可用" in api.get_json()["errors"][0]["message"]
