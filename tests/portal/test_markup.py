"""Markup that assistive technology and the Content-Security-Policy rely on, checked on the key pages of
every role: ids are unique, every label and ARIA reference points at something real, and no page carries
styles the CSP would block (the policy allows stylesheets from our own origin only)."""

from __future__ import annotations

import importlib.util
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory, answer_everything, sign_in_session

from portal.assessments import services as assessments
from portal.models import JurisdictionLevel, Role, User

ROOT = Path(__file__).resolve().parents[2]
LABELABLE = {"button", "input", "meter", "output", "progress", "select", "textarea"}


@dataclass
class Page(HTMLParser):
    ids: Counter[str] = field(default_factory=Counter)
    tags: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    label_for: list[str] = field(default_factory=list)
    aria_refs: list[tuple[str, str]] = field(default_factory=list)
    style_attrs: list[str] = field(default_factory=list)
    style_elements: int = 0

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids[attributes["id"]] += 1
            self.tags[attributes["id"]] = (tag, attributes)
        if tag == "label" and "for" in attributes:
            self.label_for.append(attributes["for"])
        for name in ("aria-describedby", "aria-labelledby", "aria-controls"):
            for ref in attributes.get(name, "").split():
                self.aria_refs.append((name, ref))
        if "style" in attributes:
            self.style_attrs.append(f"<{tag} style={attributes['style']!r}>")
        if tag == "style":
            self.style_elements += 1


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def problems(html: str) -> list[str]:
    page = parse(html)
    found = [f"id {i!r} used {n} times" for i, n in page.ids.items() if n > 1]
    for target in page.label_for:
        tag, attributes = page.tags.get(target, ("", {}))
        if tag not in LABELABLE or (tag == "input" and attributes.get("type") == "hidden"):
            found.append(f"label for={target!r} points at {tag or 'nothing'}")
    found += [f"{name}={ref!r} points at nothing" for name, ref in page.aria_refs if ref not in page.ids]
    found += [f"inline style {s}" for s in page.style_attrs]
    if page.style_elements:
        found.append(f"{page.style_elements} <style> element(s)")
    return found


def test_the_checker_catches_each_kind_of_problem() -> None:
    html = (
        '<form><input type="hidden" id="csrf_token"></form><form><input type="hidden" id="csrf_token"></form>'
        '<label for="x">X</label><div id="x"></div><input aria-describedby="gone"><p style="color:red"></p>'
        "<style>p{}</style>"
    )
    assert problems(html) == [
        "id 'csrf_token' used 2 times",
        "label for='x' points at div",
        "aria-describedby='gone' points at nothing",
        "inline style <p style='color:red'>",
        "1 <style> element(s)",
    ]
    assert problems('<label for="a">A</label><input id="a" aria-describedby="h"><p id="h"></p>') == []


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in_session(client, user)
    return client


@pytest.fixture
def pages(app: Flask, make: Factory) -> dict[str, tuple[FlaskClient, str]]:
    """Key pages of each role, each with a client signed in as someone who may see it."""
    company_user = make.user(Role.ENTERPRISE)
    assert company_user.company is not None
    draft = assessments.start(company_user.company, "gd-mfg-dt", company_user)
    module = assessments.instrument_of(draft).modules[0].id
    done_user = make.user(Role.ENTERPRISE)
    assert done_user.company is not None
    done = assessments.start(done_user.company, "gd-mfg-dt", done_user)
    answer_everything(done, done_user)
    assessments.submit(done, done_user, attested=True)
    company = _client(app, company_user)
    finished = _client(app, done_user)
    provider = _client(app, make.user(Role.PROVIDER))
    bureau = _client(app, make.user(Role.BUREAU, jurisdiction_level=JurisdictionLevel.PROVINCE))
    admin = _client(app, make.user(Role.ADMIN))
    return {
        "company workspace": (company, "/company/"),
        "company profile edit": (company, "/company/profile/edit"),
        "company members": (company, "/company/members"),
        "sharing": (company, "/company/sharing/"),
        "api tokens": (company, "/account/tokens"),
        "module page": (company, f"/company/assessments/{draft.id}/modules/{module}"),
        "overview": (company, f"/company/assessments/{draft.id}"),
        "review": (finished, f"/company/assessments/{done.id}/review"),
        "result": (finished, f"/company/assessments/{done.id}/result"),
        "eligibility": (finished, "/company/eligibility"),
        "eligibility conditions": (finished, "/company/eligibility/conditions/edit"),
        "provider home": (provider, "/provider/"),
        "provider profile": (provider, "/provider/profile"),
        "bureau dashboard": (bureau, "/bureau/"),
        "bureau companies": (bureau, "/bureau/companies"),
        "admin rules": (admin, "/admin/rules"),
        "admin providers": (admin, "/admin/providers/"),
        "sign-in": (app.test_client(), "/login"),
        "registration": (app.test_client(), "/register"),
    }


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_key_pages_have_sound_markup(pages: dict[str, tuple[FlaskClient, str]], language: str) -> None:
    found: dict[str, list[str]] = {}
    for name, (client, url) in pages.items():
        response = client.get(url, query_string={"lang": language})
        assert response.status_code == 200, (name, url, response.status_code)
        issues = problems(response.get_data(as_text=True))
        if issues:
            found[name] = issues
    assert not found, "\n".join(f"{name}: {issue}" for name, issues in found.items() for issue in issues)


def test_csp_allows_no_inline_styles_or_scripts(client: FlaskClient) -> None:
    csp = client.get("/login").headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["style-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert "unsafe-inline" not in csp


def test_plotly_base_styles_match_the_vendored_bundle() -> None:
    """plotly.js finds its rules already linked (static/vendor/plotly-dx.css) and adds no <style> element."""
    spec = importlib.util.spec_from_file_location("plotly_css", ROOT / "scripts" / "plotly" / "plotly_css.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0
    selectors = [selector for selector, _ in module.rules(module.BUNDLE.read_text(encoding="utf-8"))]
    assert ".js-plotly-plot .plotly .modebar" in selectors and len(selectors) > 40
