"""The demo company's upgrade plan to MIIT 二级 (揭阳 is a pilot city, so 二级 is its default target) on the
result page at desktop and phone widths in both languages, the plan form without script, and the same plan
in the PDF report. Screenshots and the PDFs go to tests/artifacts/."""

from __future__ import annotations

import random
import shutil
import subprocess

import sqlalchemy as sa
from browser_support import ARTIFACTS, screenshot
from fixture_types import OpenPage
from flask import Flask

from portal import demo
from portal.assessments import services as assessments
from portal.extensions import db
from portal.models import Assessment, Company, User

WIDTHS = (1366, 390)


def _demo_miit_assessment() -> Assessment:
    """The demo company's MIIT 2024 assessment, answered as a company below 二级 would (submitted), after
    its Guangdong ones."""
    demo.seed(n_companies=4)
    demo.demo_submitted_assessment()
    company = db.session.scalar(sa.select(Company).where(Company.name == demo.DEMO_COMPANY_NAME))
    user = db.session.scalar(sa.select(User).where(User.email == "qiye@demo.dx"))
    assert company is not None and user is not None
    assessment = assessments.start(company, "miit-sme-digital", user)
    demo.fill_in(assessment, user, random.Random(23), 0.3)
    assessments.submit(assessment, user, attested=True)
    db.session.commit()
    return assessment


def _sign_in(page: object, base: str) -> None:
    page.goto(base + "/login")  # type: ignore[attr-defined]
    page.fill("#email", "qiye@demo.dx")  # type: ignore[attr-defined]
    page.fill("#password", demo.DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('登录')")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]


def test_demo_company_plan_to_level_2_page_and_pdf(new_page: OpenPage, live_server: str, app: Flask) -> None:
    assessment = _demo_miit_assessment()
    for width in WIDTHS:
        page = new_page(width=width, height=900)
        _sign_in(page, live_server)
        for lang, words in (
            ("zh_CN", ("升级方案", "二级", "必做")),
            ("en", ("Upgrade plan", "level 2", "Keep")),
        ):
            page.goto(f"{live_server}/company/assessments/{assessment.id}/result?lang={lang}")
            plan = page.inner_text("#plan")
            assert all(w in plan for w in words), plan[:400]
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{overflow}px wider than a {width}px screen"
            ARTIFACTS.mkdir(exist_ok=True)
            page.locator("#plan").screenshot(path=str(ARTIFACTS / f"plan_{lang}_{width}.png"))
        # leave out the first step: the plan is made again without that question (no script involved)
        first = page.locator("#plan-steps tbody tr").first
        question = first.locator("td").nth(1).inner_text()
        first.locator("input[name=exclude]").check()
        page.click("#plan-steps button[type=submit]")
        page.wait_for_load_state()
        assert "exclude=" in page.url
        steps = page.locator("#plan-steps tbody").inner_text() if page.locator("#plan-steps").count() else ""
        assert question.strip().splitlines()[-1] not in steps
        screenshot(page, f"plan_excluded_{width}")

    # the demo company's Guangdong assessment: its plan to the next maturity level, with catalogue solutions
    guangdong = db.session.scalar(
        sa.select(Assessment)
        .where(Assessment.company_id == assessment.company_id, Assessment.instrument_id == "gd-mfg-dt")
        .order_by(Assessment.id.desc())
    )
    assert guangdong is not None
    for lang in ("zh_CN", "en"):
        page.goto(f"{live_server}/company/assessments/{guangdong.id}/result?lang={lang}")
        page.set_viewport_size({"width": 1366, "height": 900})
        assert page.locator("#plan").count() == 1
        page.locator("#plan").screenshot(path=str(ARTIFACTS / f"plan_guangdong_{lang}_1366.png"))

    from portal.reports.context import build_report_context
    from portal.reports.pdf import render_report_pdf, stop_chart_server

    try:
        for lang, title in (("zh", "升级方案"), ("en", "Upgrade plan")):
            context = build_report_context(
                assessment, lang, report_no="DX-PLAN-1", verification_code="AAAA-BBBB"
            )
            path = ARTIFACTS / f"plan_report_{lang}.pdf"
            path.write_bytes(render_report_pdf(context))
            if shutil.which("pdftotext"):
                text = subprocess.run(
                    ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
                ).stdout
                assert title in text
    finally:
        stop_chart_server()
