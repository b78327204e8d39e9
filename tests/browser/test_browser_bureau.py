"""Bureau dashboard in a real browser: plotly charts drawn from the local plotly.js, filters, suppression,
consenting-only drill-down, targets page; screenshots in tests/artifacts/bureau_*.png."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from browser_support import drawn, screenshot, shown, sign_in, watch
from fixture_types import OpenPage
from tests_support import Factory

from portal.bureau import seed_scale, targets
from portal.models import JurisdictionLevel, Role
from tests.portal.bureau.test_bureau_dashboard import GD, MIIT, submit

if TYPE_CHECKING:
    pass


def _population(make: Factory) -> None:
    rng = random.Random(3)
    gen = seed_scale.Generator(3)
    places = [
        ("揭阳市", "榕城区"),
        ("揭阳市", "揭东区"),
        ("揭阳市", "普宁市"),
        ("梅州市", "梅江区"),
        ("广州市", "番禺区"),
    ]
    for i in range(60):
        city, district = places[i % len(places)]
        company = make.company(
            city=city,
            district=district,
            cluster=rng.choice(["c01", "c05", "c06", "c09"]),
            size_class=rng.choice(["small", "micro", "medium"]),
            bureau_sharing=i % 4 != 0,
            name=f"{city}{district}浏览器样本{i}有限公司",
        )
        for k in range(rng.randint(1, 3)):
            when = datetime(2024, 2, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 640) + k)
            instrument = GD if rng.random() < 0.8 else MIIT
            submit(company, when, instrument, **gen.result(instrument, rng.gauss(0.3, 0.8)))
    targets.ensure_catalogue()


def test_bureau_dashboard_in_browser(new_page: OpenPage, live_server: str, make: Factory) -> None:
    _population(make)
    make.user(
        Role.BUREAU, email="jy@test.dx", jurisdiction_level=JurisdictionLevel.CITY, jurisdiction_city="揭阳市"
    )
    make.user(Role.BUREAU, email="sheng@test.dx", jurisdiction_level=JurisdictionLevel.PROVINCE)
    page = new_page(1366, 900)
    sign_in(page, live_server, "sheng@test.dx", lands="/bureau/")
    shown(page, "chart-levels")  # plotly drew the chart (plotly.js served locally)
    shown(page, "chart-geo")
    assert page.locator("#counting-rule").inner_text().startswith("计数规则")
    screenshot(page, "bureau_dashboard_province")

    page.select_option("#f-city", "揭阳市")
    page.fill("#f-from", "2024-06")
    page.fill("#f-to", "2025-06")
    page.click("button:has-text('应用筛选')")
    page.wait_for_url("**city=**")
    shown(page, "chart-month")
    assert "按区县" in page.content()
    screenshot(page, "bureau_dashboard_filtered")

    jy = new_page(1366, 900)
    sign_in(jy, live_server, "jy@test.dx", lands="/bureau/")
    shown(jy, "chart-levels")
    assert "梅州" not in jy.locator("main").inner_text()
    jy.goto(live_server + "/bureau/companies")
    text = jy.locator("main").inner_text()
    assert "浏览器样本" in text and "梅州" not in text and "未同意共享" in text
    screenshot(jy, "bureau_companies")
    jy.goto(live_server + "/bureau/targets")
    assert "门户未测量" in jy.content()
    assert "seed" not in jy.locator("main").inner_text() and " L2" not in jy.locator("main").inner_text()
    assert (
        "《广东省制造业数字化转型实施方案（2021—2025年）》（粤府〔2021〕45号）" not in jy.content()
    )  # a city sees its own
    assert "（揭市经信[2018]119号）" in jy.content()
    jy.fill("#ind-jy_tu_cloud_enterprises input[name=period]", "2020")
    jy.fill("#ind-jy_tu_cloud_enterprises input[name=value]", "186")
    jy.click("#ind-jy_tu_cloud_enterprises button")
    jy.wait_for_selector("text=已保存实际值")
    screenshot(jy, "bureau_targets")

    english = new_page(1366, 900)
    sign_in(english, live_server, "jy@test.dx", lands="/bureau/")
    english.goto(live_server + "/bureau/?lang=en&from=2024-02&to=2025-12")
    shown(english, "chart-month")
    shown(english, "chart-levels")
    cjk = re.compile(r"[\u3400-\u9fff]")
    labels = [
        *english.locator("th").all_inner_texts(),
        *english.locator(".stat .label").all_inner_texts(),
        *english.locator(".gtitle").all_text_contents(),
        *english.locator("h1, h2, label, #f-cluster option, #f-size option").all_inner_texts(),
    ]
    assert labels and not [t for t in labels if cjk.search(t)], [t for t in labels if cjk.search(t)][:5]
    assert "Key figures" in english.content() or "Registered companies" in english.content()
    assert "gd-mfg-dt" not in english.locator("main").inner_text()
    screenshot(english, "bureau_dashboard_en")

    phone = new_page(390, 844)
    sign_in(phone, live_server, "jy@test.dx", lands="/bureau/")
    shown(phone, "chart-levels")
    screenshot(phone, "bureau_dashboard_phone")


def test_bureau_charts_in_both_languages_answer_clicks(
    new_page: OpenPage, live_server: str, make: Factory
) -> None:
    _population(make)
    make.user(Role.BUREAU, email="sheng@test.dx", jurisdiction_level=JurisdictionLevel.PROVINCE)
    page = new_page(1366, 900)
    errors, _ = watch(page)
    sign_in(page, live_server, "sheng@test.dx", lands="/bureau/")
    """The partial plotly.js bundle (bar, scatter): no script error, its locale, a click on a bar reaches
    the chart (the charts stay interactive)."""
    for lang, locale in (("zh_CN", "zh-CN"), ("en", "en")):
        page.goto(f"{live_server}/bureau/?lang={lang}")
        assert drawn(page, "chart-levels")["locale"] == locale
        shown(page, "chart-geo")
        page.locator("#chart-levels").scroll_into_view_if_needed()
        x, y = page.evaluate(
            """() => {
              const bars = [...document.querySelectorAll('#chart-levels .bars path')]
                .map(p => p.getBoundingClientRect()).sort((a, b) => b.height - a.height);
              return [bars[0].left + bars[0].width / 2, bars[0].top + bars[0].height / 2];
            }"""
        )
        page.evaluate(
            """() => document.getElementById('chart-levels')
                 .on('plotly_click', (e) => { window.clicked = e.points[0].x; })"""
        )
        page.mouse.click(x, y)  # on the tallest bar: plotly answers with the bar's category
        assert page.evaluate("window.clicked")
    assert not errors, errors
