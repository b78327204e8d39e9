"""A stranger's journey to a report, in a real browser (Debian chromium), as a person does it: registers the
company, opens the link mailed to them (written to the log without MAIL_SERVER; the test reads the outbox),
completes the profile, answers both questionnaires through their forms, submits each, reads the result,
downloads the PDF, and finds the MIIT level used on the eligibility page. At 1366 px, and again at 390 px."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

import pytest
from browser_support import sign_in
from fixture_types import OpenPage
from flask import current_app
from journey_support import DESKTOP, PHONE, Steps, answer_instrument

from scoring.reference import credit_code

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "Journey-2026"
INSTRUMENTS = (("广东制造业数字化转型成熟度评估", "gd"), ("中小企业数字化水平评测指标", "miit"))


def _register(page: Page, base: str, steps: Steps, name: str, email: str, code: str) -> None:
    page.goto(base + "/")
    steps.shot(page, "landing")
    page.click("text=企业注册")
    page.fill("#company_name", name)
    page.fill("#credit_code", code)
    page.select_option("#city", "揭阳市")
    page.select_option("#district", "揭东区")
    page.fill("#name", "林晓东")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#password2", PASSWORD)
    page.check("#bureau_sharing")
    page.check("#accept_terms")
    steps.shot(page, "register")
    current_app.extensions["outbox"] = []
    page.click("button:has-text('注册')")
    page.wait_for_url("**/login")
    assert email in page.locator(".flash-info").inner_text()
    body = current_app.extensions["outbox"][-1]["body"]
    page.goto(base + "/register/verify/" + body.split("/register/verify/")[1].split()[0])
    assert "邮箱已验证" in page.locator(".flash-success").inner_text()
    steps.shot(page, "verified")
    sign_in(page, base, email, PASSWORD)
    page.wait_for_url("**/company/")
    assert name in page.inner_text("body")
    steps.shot(page, "dashboard_new")


def _profile(page: Page, steps: Steps) -> None:
    page.click("text=企业信息")
    if page.locator("#employees").count() == 0:
        page.click("text=编辑")
    page.select_option("#industry_section", "C")
    page.select_option("#industry_division", "33")
    page.select_option("#cluster", "c05")
    page.fill("#founded_year", "2009")
    page.fill("#employees", "186")
    page.fill("#revenue_wan", "12000")
    page.fill("#total_assets_wan", "9000")
    page.fill("#contact_name", "林晓东")
    page.fill("#contact_phone", "0663-8123456")
    page.click("button:has-text('保存企业信息')")
    assert "企业规模：小型" in page.locator(".flash-success").inner_text()
    steps.shot(page, "profile")


def _answer_and_submit(page: Page, base: str, steps: Steps, title: str, label: str) -> str:
    """Starts the questionnaire, answers it all, submits it; returns the result page's address."""
    page.goto(base + "/company/assessments/")
    page.locator(".feature", has_text=title).locator("button:has-text('开始填报')").click()
    page.wait_for_url("**/company/assessments/*")
    steps.shot(page, f"{label}_overview")
    assert answer_instrument(page, steps, label) > 10
    page.goto(page.url.split("/modules/")[0] + "/review")
    steps.shot(page, f"{label}_review")
    missing = page.locator("ol.missing li")
    assert missing.count() == 0, f"{title}: still missing {missing.all_inner_texts()}"
    page.check("#attest")
    page.click("button:has-text('提交评估')")
    page.wait_for_load_state()
    if "/result" not in page.url:
        page.click("text=查看评估结果")
    page.wait_for_url("**/result")
    assert "级" in page.inner_text("main")
    # every question was answered: no row of the result reads "未作答"
    assert page.locator("td:text-is('未作答')").count() == 0
    steps.shot(page, f"{label}_result")
    return page.url


def _pdf(page: Page, name: str, steps: Steps, tmp: str) -> None:
    page.click("#pdf-report button[type=submit]")
    page.wait_for_selector('[data-role="download"]:not([hidden])', timeout=90_000)
    steps.shot(page, "pdf_ready")
    link = page.locator('[data-role="download"] a')
    response = page.context.request.get(link.evaluate("a => a.href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    path = f"{tmp}/report.pdf"
    with open(path, "wb") as pdf:
        pdf.write(response.body())
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout
    assert name in text, "the company's name is not in the PDF's text"


@pytest.mark.parametrize("width", [DESKTOP[0], PHONE[0]])
def test_a_stranger_registers_answers_both_instruments_and_gets_a_report(
    new_page: OpenPage, live_server: str, width: int, tmp_path: object
) -> None:
    size = DESKTOP if width == DESKTOP[0] else PHONE
    page = new_page(*size)
    steps = Steps(f"company_{width}")
    name = f"揭阳市旅程{'桌面' if width == DESKTOP[0] else '手机'}五金制品有限公司"
    code = credit_code.with_check_char(f"91445200MA4X7Y{width:03d}"[:17])
    _register(page, live_server, steps, name, f"journey{width}@test.dx", code)
    _profile(page, steps)

    for title, label in INSTRUMENTS:
        _answer_and_submit(page, live_server, steps, title, label)
        if label == "gd" and width == DESKTOP[0]:  # the same PDF at any width: rendered once
            _pdf(page, name, steps, str(tmp_path))

    page.goto(live_server + "/company/eligibility")
    computed = page.locator(".elig-computed").inner_text()
    assert "级" in computed and "用于政策匹配" in computed, computed
    steps.shot(page, "eligibility")
    page.goto(live_server + "/company/")
    assert "已提交" in page.inner_text("body")
    steps.shot(page, "dashboard_done")
    if width == PHONE[0]:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
