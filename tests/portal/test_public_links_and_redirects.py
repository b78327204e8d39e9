"""Links in mail come from PUBLIC_URL, production refuses unknown hosts, redirects stay on the site, and a
bearer header only skips CSRF when its token is valid (issue 16, items 1, 3 and 6)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from tests_support import Factory, csrf_token_from
from werkzeug.test import TestResponse

from portal import create_app
from portal.access import public
from portal.auth import security
from portal.config import ConfigError, load_config
from portal.links import safe_target
from portal.models import Role, User

PUBLIC = "http://127.0.0.1:5000"  # the development and testing default


@pytest.mark.parametrize(
    "headers",
    [{"Host": "attacker.example"}, {"X-Forwarded-Host": "attacker.example"}, {"Host": "attacker.example:80"}],
)
def test_reset_mail_links_to_the_public_url_whatever_host_the_request_named(
    app: Flask, make: Factory, headers: dict[str, str]
) -> None:
    user = make.user(Role.ENTERPRISE)
    app.extensions["outbox"] = []
    response = app.test_client().post("/password/forgot", data={"email": user.email}, headers=headers)
    assert response.status_code == 302
    (mail,) = app.extensions["outbox"]
    assert f"{PUBLIC}/password/reset/" in mail["body"]
    assert "attacker" not in mail["body"]


def test_invitation_link_uses_the_public_url(app: Flask, make: Factory) -> None:
    admin = make.user(Role.ENTERPRISE)
    client = app.test_client()
    evil = "http://attacker.example"  # the whole visit names the attacker's host
    client.post("/login", data={"email": admin.email, "password": "Test-pass-1"}, base_url=evil)
    page = client.post("/company/members/invite", data={"email": "new@test.dx"}, base_url=evil)
    page = page.get_data(as_text=True)
    assert f"{PUBLIC}/invite/" in page
    assert "attacker.example/" not in page


def _production(tmp_path: Path, **env: str) -> Flask:
    settings = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": "x" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        "PUBLIC_URL": "https://dx.example.cn",
        "MAIL_SERVER": "smtp.example.cn",
        **env,
    }
    app = create_app(env=settings)

    @app.get("/_probe")
    @public
    def probe() -> str:
        from flask import request

        return f"{request.remote_addr}|{request.host}|{request.scheme}"

    return app


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("dx.example.cn", 200),
        ("127.0.0.1:8000", 200),  # health checks and the machine's own tools
        ("attacker.example", 400),
        ("dx.example.cn.attacker.example", 400),
    ],
)
def test_production_refuses_requests_for_unknown_hosts(tmp_path: Path, host: str, status: int) -> None:
    app = _production(tmp_path)
    response = app.test_client().get("/_probe", headers={"Host": host}, base_url="https://dx.example.cn")
    assert response.status_code == status


def test_extra_trusted_hosts_are_accepted(tmp_path: Path) -> None:
    app = _production(tmp_path, TRUSTED_HOSTS="dx-intranet.gd.gov")
    response = app.test_client().get("/_probe", headers={"Host": "dx-intranet.gd.gov"})
    assert response.status_code == 200


def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(tmp_path: Path) -> None:
    app = _production(tmp_path, TRUSTED_PROXIES="1")
    response = app.test_client().get(
        "/_probe",
        headers={
            "Host": "dx.example.cn",
            "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "attacker.example",
        },
    )
    assert response.get_data(as_text=True) == "203.0.113.9|dx.example.cn|https"


def test_without_trusted_proxies_x_forwarded_for_is_ignored(tmp_path: Path) -> None:
    app = _production(tmp_path)
    response = app.test_client().get(
        "/_probe", headers={"Host": "dx.example.cn", "X-Forwarded-For": "203.0.113.9"}
    )
    assert response.get_data(as_text=True).startswith("127.0.0.1|")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PUBLIC_URL": ""}, "PUBLIC_URL: required in production"),
        ({"PUBLIC_URL": "http://dx.example.cn"}, "must be https"),
        ({"PUBLIC_URL": "dx.example.cn"}, "expected https://host"),
        ({"PUBLIC_URL": "https://dx.example.cn/portal?x=1"}, "site address only"),
        ({"TRUSTED_HOSTS": "https://x.cn"}, "TRUSTED_HOSTS"),
        ({"TRUSTED_PROXIES": "two"}, "TRUSTED_PROXIES"),
        ({"TRUSTED_PROXIES": "9"}, "TRUSTED_PROXIES"),
    ],
)
def test_public_address_settings_are_validated_at_start(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    settings = {"PORTAL_ENV": "production", "SECRET_KEY": "x" * 40, "PUBLIC_URL": "https://dx.example.cn"}
    settings.update(env)
    if not settings["PUBLIC_URL"]:
        del settings["PUBLIC_URL"]
    with pytest.raises(ConfigError, match=message):
        load_config(str(tmp_path), settings)


def test_development_defaults_to_the_local_address_and_any_host(tmp_path: Path) -> None:
    config = load_config(str(tmp_path), {})
    assert config["PUBLIC_URL"] == PUBLIC and config["TRUSTED_HOSTS"] is None


HOSTILE_TARGETS = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/ok\x00",
    "/" + "a" * 5000,
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_safe_target_refuses_anything_that_leaves_the_site(target: str) -> None:
    assert safe_target(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/company/", "/company/assessments/3?x=1#part", "/bureau/?city=梅州市"])
def test_safe_target_keeps_paths_on_the_site(target: str) -> None:
    assert safe_target(target, "/home") == target


def _stays_on_site(response: TestResponse, default: str) -> bool:
    """Redirected to the default page, or (a NUL character) refused outright."""
    if response.status_code == 400:
        return "空字符" in response.get_data(as_text=True)
    return response.status_code == 302 and response.headers["Location"] == default


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_sign_in_never_redirects_off_site(app: Flask, make: Factory, target: str) -> None:
    user = make.user(Role.ENTERPRISE)
    response = app.test_client().post(
        "/login", query_string={"next": target}, data={"email": user.email, "password": "Test-pass-1"}
    )
    assert _stays_on_site(response, "/company/")


def test_sign_in_follows_a_next_path_on_the_site(app: Flask, make: Factory) -> None:
    user = make.user(Role.ENTERPRISE)
    response = app.test_client().post(
        "/login",
        query_string={"next": "/company/eligibility"},
        data={"email": user.email, "password": "Test-pass-1"},
    )
    assert response.headers["Location"] == "/company/eligibility"


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_language_switch_never_redirects_off_site(app: Flask, target: str) -> None:
    response = app.test_client().post("/lang/en", data={"next": target})
    assert _stays_on_site(response, "/")


def _answers_url(make: Factory) -> tuple[User, str]:
    from portal.assessments.services import start

    user = make.user(Role.ENTERPRISE)
    assessment = start(user.company, "miit-sme-digital", user)
    return user, f"/api/v1/assessments/{assessment.id}/answers"


@pytest.mark.usefixtures("csrf_on")
def test_a_junk_bearer_header_does_not_skip_csrf(app: Flask, make: Factory) -> None:
    user, url = _answers_url(make)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={"email": user.email, "password": "Test-pass-1", "csrf_token": csrf_token_from(page)},
    )
    body = {"answers": [{"item_id": "ops.production.quality", "value": 1}]}
    forged = client.post(url, json=body, headers={"Authorization": "Bearer junk"})
    assert forged.status_code == 400
    assert "CSRF" in forged.get_data(as_text=True)
    assert client.get(url).get_json()["answers"] == {}  # nothing was saved


@pytest.mark.usefixtures("csrf_on")
def test_a_valid_token_acts_as_its_owner_and_ignores_the_session_cookie(app: Flask, make: Factory) -> None:
    owner, url = _answers_url(make)
    token = security.create_api_token(owner, "erp", {"assessments:read"}, None)
    stranger = make.user(Role.ENTERPRISE)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={"email": stranger.email, "password": "Test-pass-1", "csrf_token": csrf_token_from(page)},
    )
    assert client.get(url).status_code == 404  # the stranger's session cannot read the owner's answers
    response = client.get(url, headers={"Authorization": f"Bearer {token.secret}"})
    assert response.status_code == 200


def test_no_absolute_link_is_built_from_the_request() -> None:
    """Every absolute link goes through links.external_url (PUBLIC_URL): none from url_for(_external)
    or the request's host."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for folder in ("portal", "templates")
        for path in sorted((root / folder).rglob("*.*"))
        if path.suffix in (".py", ".html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(s in line for s in ("_external=True", "_external=true", "host_url", "url_root"))
    ]
    assert offenders == []
