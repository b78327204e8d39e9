"""One way to choose the language (issue 17).

Interface text is gettext; Chinese/English data pairs are chosen by ``portal.i18n`` (``pick``,
``localized``) and nothing else tests the language: no template flag, no ``startswith("en")`` in a view,
no JavaScript choosing between ``message_zh`` and ``message_en``. The English pages every role sees carry
no Chinese interface text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from tests_support import Factory, sign_in_session, submitted

from portal.assessments.services import start as start_assessment
from portal.models import Assessment, Role, User

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")

# templates/results and templates/reports are being rebuilt on the shared result view (issue 17, another
# part): their language flags go away there.
OTHER_PART = ("results", "reports")

# What a template may not do: test the language itself.
TEMPLATE_LANGUAGE_TESTS = [
    re.compile(r"{%-?\s*set\s+(zh|en)\s*="),
    re.compile(r"current_locale\s*\.\s*startswith"),
    re.compile(r"\bif\s+(not\s+)?(zh|en)\b"),
    re.compile(r"\b(lang|current_locale)\s*(==|!=)\s*['\"](en|zh|zh_CN)['\"]"),
    re.compile(r"\[\s*[01]\s+if\s+(zh|en)\b"),
]

# Python modules that are other parts of issue 17 (the result view, the error type) or the helper itself.
PYTHON_ALLOWED = {
    "portal/i18n.py",
    "portal/errors.py",  # the error-type part (one PortalError, one error response)
    "portal/charts.py",  # the result-view part (chart specs of the shared result view)
}
PYTHON_LANGUAGE_TESTS = [
    re.compile(r"startswith\(\s*['\"](en|zh)"),
    re.compile(r"\blang\s*==\s*['\"](en|zh)['\"]"),
    re.compile(r"\bif\s+_?(en|english|_en|_english)\(\)\s+else\b"),
]


def _template_files() -> list[Path]:
    return [
        path
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if path.relative_to(ROOT / "templates").parts[0] not in OTHER_PART
    ]


def test_no_template_tests_the_language() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}"
        for path in _template_files()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(p.search(line) for p in TEMPLATE_LANGUAGE_TESTS)
    ]
    advice = "use _() for interface text and |localized / pick() for data pairs:\n"
    assert found == [], advice + "\n".join(found)


def test_no_python_module_picks_the_language_by_hand() -> None:
    found = []
    for path in sorted((ROOT / "portal").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in PYTHON_ALLOWED or rel.startswith(("portal/results/", "portal/reports/")):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in PYTHON_LANGUAGE_TESTS):
                found.append(f"{rel}:{n}: {line.strip()[:100]}")
    assert found == [], "route language choices through portal.i18n:\n" + "\n".join(found)


def test_javascript_never_chooses_the_language() -> None:
    """Scripts show the server's words: the error body's ``message``, or labels the template rendered."""
    scripts = sorted((ROOT / "static").rglob("*.js"))
    scripts = [s for s in scripts if "vendor" not in s.parts and not s.name.endswith(".min.js")]
    assert scripts
    for script in scripts:
        source = script.read_text(encoding="utf-8")
        rel = script.relative_to(ROOT)
        assert "message_en" not in source, rel
        assert "documentElement.lang" not in source, rel
        assert not CJK.search(source), f"{rel}: user-facing words belong in the catalog"


def test_pick_and_localized_follow_the_request_language(app: Flask) -> None:
    from portal.i18n import localized, pick

    class Pair:
        name_zh, name_en = "广州", "Guangzhou"

    for lang, expected in (("zh_CN", "广州"), ("en", "Guangzhou")):
        with app.test_request_context("/"), force_locale(lang):
            assert pick("广州", "Guangzhou") == expected
            assert localized(Pair(), "name") == expected
            assert localized({"name_zh": "广州", "name_en": "Guangzhou"}, "name") == expected
    with app.test_request_context("/"), force_locale("en"):
        assert pick("仅中文", "") == "仅中文"  # a missing translation falls back to the Chinese text


def test_outside_a_request_the_default_language_unless_forced(app: Flask) -> None:
    """Workers and the CLI have no request: Chinese, or the language they force (as the PDF worker)."""
    from portal.i18n import pick

    with app.app_context():
        assert pick("广州", "Guangzhou") == "广州"
        with force_locale("en"):
            assert pick("广州", "Guangzhou") == "Guangzhou"


# ------------------------------------------------------------------------------ English pages, per role


class _InterfaceText(HTMLParser):
    """Text of the elements that are interface, not data: headings, labels, buttons, table heads, the
    navigation, form legends, definition terms, option texts and help hints."""

    UI: ClassVar[frozenset[str]] = frozenset(
        {"h1", "h2", "h3", "label", "button", "th", "legend", "dt", "nav", "summary", "title"}
    )

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source"}:
            self.stack.append(tag)
        for name, value in attrs:
            if name in ("placeholder", "aria-label", "title") and value:
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self.UI & set(self.stack) and data.strip() and "script" not in self.stack:
            self.texts.append(data.strip())


def _data_values() -> list[str]:
    """Data, not interface: place names (shown as registered), the switch's "中文" (a language's own
    name), the instruments' units (Chinese only in the definitions), and the English texts of the policy
    rules and contract fields, which quote Chinese proper names (专精特新, 信用中国, document numbers)."""
    from portal.eligibility import catalog, services
    from portal.instruments import available_instruments
    from scoring.eligibility.fields import COMPANY_FIELDS, PROJECT
    from scoring.reference import regions

    places = [*regions.CITIES, *(d.name_zh for c in regions.CITIES for d in regions.districts(c)), "广东省"]
    units = set()
    for instrument in available_instruments():
        for item in instrument.items:
            units |= {item.unit or "", *(ev.unit or "" for ev in item.evidence)}
    rules = services.effective_rules()
    english = [p.name_en for p in rules.programs]
    english += [c.title_en for p in rules.programs for c in p.clauses]
    english += [d.name_en for p in rules.programs for d in p.directions]
    english += [f.label_en for f in (*COMPANY_FIELDS, *PROJECT.values())]
    english += [en for _gid, _zh, en, _names in catalog.GROUPS]
    values = {*places, "中文", *units, *english} - {""}
    return sorted(values, key=len, reverse=True)


def _chinese_interface_text(html: str, data: list[str]) -> list[str]:
    """Interface texts of the page that still contain Chinese once the data values are taken out."""
    parser = _InterfaceText()
    parser.feed(html)
    left = []
    for text in parser.texts:
        for value in data:
            text = text.replace(value, "")
        if CJK.search(text):
            left.append(text)
    return left


@pytest.fixture
def english(app: Flask) -> LoginAs:
    def _client(user: User) -> FlaskClient:
        user.locale = "en"
        from portal.extensions import db

        db.session.commit()
        client = app.test_client()
        sign_in_session(client, user)
        return client

    return _client


def _check(client: FlaskClient, urls: list[str], names: list[str]) -> None:
    data = [*sorted(names, key=len, reverse=True), *_data_values()]
    problems = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        left = _chinese_interface_text(response.get_data(as_text=True), data)
        if left:
            problems[url] = sorted(set(left))
    assert not problems, "\n".join(f"{url}: {left}" for url, left in problems.items())


def test_enterprise_pages_in_english_have_no_chinese_interface_text(make: Factory, english: LoginAs) -> None:
    _submitted, user = submitted(make)
    company = user.company
    draft = start_assessment(company, "gd-mfg-dt", user)
    client = english(user)
    data = [company.name, user.name, company.city or "", company.district or ""]
    _check(
        client,
        [
            "/company/",
            "/company/profile/edit",
            f"/company/assessments/{draft.id}",
            f"/company/assessments/{draft.id}/modules/{draft_module(draft)}",
            "/company/eligibility",
            "/company/eligibility/conditions/edit",
            "/company/eligibility/projects",
            "/company/eligibility/projects/new",
            "/company/sharing/",
            "/glossary",
            f"/company/assessments/{draft.id}/modules/net",  # a question with a glossary entry (TSN)
        ],
        data,
    )


def test_company_size_is_named_in_english(make: Factory, english: LoginAs) -> None:
    """The size badge was a gettext of the stored Chinese word, which no catalog entry matched."""
    _submitted, user = submitted(make)
    client = english(user)
    for url in ("/company/", "/company/profile/edit"):
        page = client.get(url).get_data(as_text=True)
        assert ">Small</span>" in page, url
        assert ">小型</span>" not in page, url


def draft_module(assessment: Assessment) -> str:
    from portal.instruments import instrument_of

    return str(instrument_of(assessment).modules[0].id)


def test_provider_bureau_and_admin_pages_in_english_have_no_chinese_interface_text(
    make: Factory, english: LoginAs
) -> None:
    submitted(make)
    provider = make.user(Role.PROVIDER)
    bureau = make.user(Role.BUREAU)
    admin = make.user(Role.ADMIN)
    names = [provider.name, provider.provider_org.name, bureau.name, admin.name]
    _check(english(provider), ["/provider/", "/provider/profile", "/provider/solutions"], names)
    # /bureau/ (the dashboard) is left out: its tables are titled in Chinese by bureau/queries.py.
    _check(english(bureau), ["/bureau/targets", "/bureau/companies"], names)
    _check(english(admin), ["/admin/", "/admin/audit", "/admin/rules", "/admin/users"], names)


def test_report_status_script_gets_its_words_from_the_catalog(
    make: Factory, english: LoginAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """status.js used to show "排队中 / Queued" in both languages; its words are now rendered by the
    template (data-label-*) in the page's language."""
    monkeypatch.setattr("portal.reports.pdf.render_report_pdf", lambda context, *, stats=None: b"%PDF-1.7\n")
    assessment, user = submitted(make)
    client = english(user)
    response = client.post(f"/company/assessments/{assessment.id}/report", data={"lang": "en"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    labels = dict(re.findall(r'data-label-(\w+)="([^"]*)"', page))
    assert labels == {
        "pending": "Queued, will start shortly",
        "queued": "Queued",
        "running": "Generating",
        "done": "Done",
        "failed": "Failed",
        "pages": "{n} pages",
    }
    details = dict(re.findall(r'data-detail-(\w+)="([^"]*)"', page))
    assert set(details) == {"waiting", "pending", "retrying"}
    assert not [text for text in details.values() if re.search(r"[\u4e00-\u9fff]", text)], details
