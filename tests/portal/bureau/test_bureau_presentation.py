"""Bureau pages in English, charts with gaps instead of zeros, exports people can use (numbers as
numbers, percentages as percentages, empty suppressed cells with a note, denominators named, file names
with jurisdiction, filters and date)."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from fixture_types import LoginAs
from flask import Flask
from openpyxl import load_workbook
from tests_support import Factory

from portal.bureau import charts, exports, queries
from portal.bureau.queries.tables import Table
from portal.models import JurisdictionLevel
from tests.portal.bureau.test_bureau_dashboard import officer, population  # noqa: F401 — the shared fixture

CJK = re.compile(r"[\u3400-\u9fff]")


def test_dashboard_in_english_has_no_chinese_labels(
    population: Any,  # noqa: F811 — the fixture imported above
    make: Factory,
    login_as: LoginAs,
) -> None:
    client = login_as(officer(make, JurisdictionLevel.CITY, "揭阳市"))
    html = client.get("/bureau/?lang=en").get_data(as_text=True)
    headers = re.findall(r"<th[^>]*>(.*?)</th>", html)
    labels = re.findall(r'<div class="label">(.*?)</div>', html)
    specs = re.findall(r'<script type="application/json" data-chart="[^"]+">(.*?)</script>', html, re.S)
    titles = [json.loads(spec.replace("\\u003c", "<"))["layout"]["title"]["text"] for spec in specs]
    options = re.findall(r'<select id="f-cluster".*?</select>', html, re.S)
    for text in [*headers, *labels, *titles, *options]:
        assert not CJK.search(re.sub(r"<[^>]+>", "", text)), text
    assert "Registered companies" in html and "Maturity levels" in html and "Jieyang" in html
    assert "gd-mfg-dt" not in html
    body = client.get("/api/v1/bureau/summary?lang=en").get_json()
    assert body["tables"]["headline"]["title"] == "Key figures"
    assert body["tables"]["by_district"]["rows"][0][0].isascii()


def _table(rows: list[list[Any]]) -> Table:
    return Table(
        "trend_month",
        "Monthly trend",
        ["Period", "Assessed", "Maturity assessed", "Cloud", "Rate", "Platform", "L3+", "MIIT2+"],
        rows,
        ["label", "count", "count", "count", "share", "count", "count", "count"],
    )


def test_trend_chart_leaves_gaps_and_says_why_when_empty(app: Flask) -> None:
    with app.test_request_context("/"):
        gap = ["2025-02", "<5", "<5", "<5", "—", "<5", "<5", "<5"]
        spec = charts.trend(
            _table([["2025-01", 12, 10, 8, 0.8, 5, 6, "<5"], gap, ["2025-03", 9, 9, 7, 0.78, 6, 5, 5]])
        )
        assessed = spec["data"][0]
        assert assessed["y"] == [12, None, 9] and assessed["connectgaps"] is False  # a gap, not 0
        assert spec["layout"]["xaxis"]["automargin"] is True and spec["layout"]["annotations"]
        empty = charts.trend(_table([["2025-01", "<5", "<5", "<5", "—", "<5", "<5", "<5"]]))
        assert empty["data"] == [] and "5" in empty["empty"]
        assert charts.trend(_table([]))["empty"]


def test_export_stores_numbers_with_formats_and_names_the_file(
    population: Any,  # noqa: F811 — the fixture imported above
    make: Factory,
    login_as: LoginAs,
) -> None:
    client = login_as(officer(make, JurisdictionLevel.CITY, "揭阳市"))
    response = client.get("/bureau/export.xlsx?cluster=c05&from=2024-01&to=2025-12")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and "filename*=UTF-8''" in disposition
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    today = datetime.now(exports.CHINA).strftime("%Y-%m-%d")
    assert name == f"揭阳市_先进材料_2024-01至2025-12_数字化转型统计_{today}.xlsx"
    book = load_workbook(io.BytesIO(client.get("/bureau/export.xlsx").data))
    assert book.sheetnames[0] == "说明" and "核心指标" in book.sheetnames and "按区县" in book.sheetnames
    sheet = book["按区县"]
    header = [c.value for c in sheet[2]]
    assert "评估覆盖率（分母：注册企业）" in header
    rate = header.index("上云率（分母：完成成熟度评估企业）") + 1
    counts = header.index("已评估") + 1
    cells = [
        row for row in sheet.iter_rows(min_row=3) if row[0].value and not row[0].value.startswith("空白")
    ]
    assert any(isinstance(r[counts - 1].value, int) for r in cells)
    for row in cells:
        assert row[counts - 1].value is None or isinstance(row[counts - 1].value, int)
        assert row[counts - 1].number_format == "#,##0"
        value = row[rate - 1].value
        assert value is None or (isinstance(value, int | float) and 0 <= value <= 1)
        assert row[rate - 1].number_format == "0.0%"
    texts = [
        c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert "<5" not in texts and any("少于 5 家企业" in t for t in texts)
    english = client.get("/bureau/export.xlsx?lang=en").headers["Content-Disposition"]
    assert f"Jieyang_digital_transformation_statistics_{today}.xlsx" in unquote(english)


def test_filters_are_described_in_words(app: Flask) -> None:
    with app.test_request_context("/"):
        described = exports.describe_filters({"city": "揭阳市", "cluster": "c01", "size_class": "small"})
        assert "新一代电子信息" in described and "小型" in described
        assert "size_class" not in described and "c01" not in described
        assert queries.cluster_name("c01") == "新一代电子信息"
