"""Each demo bureau's journey in a real browser: the province, a city and a district officer read their
dashboard, narrow it to a part of their jurisdiction, open the list of consenting companies, and export the
figures as Excel (the file opens with openpyxl and names the jurisdiction)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from browser_support import shown, sign_in
from fixture_types import OpenPage
from flask import Flask
from journey_support import DESKTOP, Steps

from portal.bureau import demo as bureau_demo
from portal.bureau import disclosure
from portal.demo import DEMO_PASSWORD, seed

# (account, what its dashboard is about, the filter it narrows by and to what, a consenting company its
# list shows when the list is not withheld; None: no particular one)
BUREAUS = (
    ("sheng@demo.dx", "广东省", "#f-city", "揭阳市", "揭阳市宏达五金制品有限公司"),
    ("jieyang@demo.dx", "揭阳市", "#f-district", "揭东区", None),
    ("meijiang@demo.dx", "梅江区", "#f-size", "中型", None),
)


def test_each_bureau_reads_drills_down_and_exports(
    new_page: OpenPage, live_server: str, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Disclosure control also withholds, keyed on the selection's record keys (which follow the database's
    # ids), half of the lists where every company consented; the journey reads a list that is shown.
    monkeypatch.setattr(disclosure, "WITHHOLD_ALL_CONSENTING", 0)
    seed(n_companies=24)
    bureau_demo.seed()
    for email, scope, narrow, to, company in BUREAUS:
        steps = Steps(f"bureau_{email.split('@')[0]}")
        page = new_page(*DESKTOP)
        sign_in(page, live_server, email, DEMO_PASSWORD)
        page.wait_for_url("**/bureau/")
        assert scope in page.locator("h1").inner_text()
        shown(page, "chart-geo")
        steps.shot(page, "dashboard")

        page.click(".stat a:has-text('企业名单')")  # who the figures count, among those who consent
        page.wait_for_url("**/bureau/companies**")
        # Disclosure control decides whether a list is shown: withheld when its non-consenting companies
        # could be singled out by subtraction (1–4 of them, or a count published as "<5" — the published
        # count follows the record keys, which follow the database's ids). Either way the page says so.
        if page.locator("#list-withheld").count():
            assert "名单暂不显示" in page.locator("#list-withheld").inner_text()
        else:
            listed = page.locator("table tbody").inner_text()
            assert (company or "") in listed and "没有可显示的企业" not in listed
        steps.shot(page, "companies")

        page.goto(live_server + "/bureau/")
        page.select_option(narrow, label=to)
        page.click("button:has-text('应用筛选')")
        page.wait_for_load_state()
        assert page.locator(f"{narrow} option:checked").inner_text() == to
        shown(page, "chart-geo")
        steps.shot(page, "narrowed")

        page.goto(live_server + "/bureau/")
        link = page.locator("a:has-text('导出 Excel')")
        response = page.context.request.get(link.evaluate("a => a.href"))
        assert response.ok, f"{email}: export answered {response.status}"
        book = openpyxl.load_workbook(io.BytesIO(response.body()), read_only=True)
        cells = [
            str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row
        ]
        assert len(book.sheetnames) >= 1 and any(scope in c for c in cells), f"{email}: {scope} not in export"
