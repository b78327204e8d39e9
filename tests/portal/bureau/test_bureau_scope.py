"""One jurisdiction rule for every bureau read: close it, and every bureau page, export and API answer
must show nothing. A query that bypassed `portal.bureau.scope.within_jurisdiction` would still show
companies or counts here, so the test fails for any bureau route, present or future, that leaks."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from openpyxl import load_workbook
from tests_support import Factory
from werkzeug.test import TestResponse

from portal.bureau import scope, targets
from portal.models import JurisdictionLevel
from tests.portal.bureau.test_bureau_dashboard import officer, population  # noqa: F401 — the shared fixture


def bureau_get_urls(app: Flask) -> list[str]:
    """Every GET route of the bureau pages and the bureau API, with each export format."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or not (
            rule.rule.startswith("/bureau") or rule.rule.startswith("/api/v1/bureau")
        ):
            continue
        if rule.arguments == {"fmt"}:
            urls += [rule.rule.replace("<fmt>", fmt) for fmt in ("csv", "xlsx")]
        else:
            assert not rule.arguments, f"{rule.rule}: give the scope test a value for {rule.arguments}"
            urls.append(rule.rule)
    return urls


def _text(response: TestResponse) -> str:
    if response.mimetype.endswith("spreadsheetml.sheet"):
        book = load_workbook(io.BytesIO(response.data))
        return " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row)
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return response.get_data(as_text=True)


def test_every_bureau_read_goes_through_the_jurisdiction_rule(
    app: Flask,
    population: dict[str, Any],  # noqa: F811 — the fixture imported above
    make: Factory,
    login_as: LoginAs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    targets.ensure_catalogue()
    client = login_as(officer(make, JurisdictionLevel.PROVINCE))
    urls = bureau_get_urls(app)
    assert len(urls) >= 10
    names = [company.name for company in population["companies"]]
    open_view = {url: _text(client.get(url)) for url in urls}
    assert any(name in "".join(open_view.values()) for name in names)  # the world is visible when open

    monkeypatch.setattr(scope, "within_jurisdiction", lambda *_args: sa.false())
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        leaked = [name for name in names if name in text]
        assert not leaked, f"{url} shows companies outside the (closed) jurisdiction: {leaked[:3]}"
    api = {url: client.get(url).get_json() for url in urls if url.startswith("/api/")}
    assert api["/api/v1/bureau/companies"]["companies"] == []
    assert api["/api/v1/bureau/pipeline"]["items"] == []
    assert api["/api/v1/bureau/targets"]["table"]["rows"] == []
    headline = api["/api/v1/bureau/summary"]["tables"]["headline"]["rows"]
    assert all(cell in (0, "0", None, "—", "<5") for row in headline for cell in row[1:3]), headline
