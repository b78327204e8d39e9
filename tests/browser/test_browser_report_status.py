"""Asking for a PDF report in a real browser without Redis (the embedded default): the result page's
button answers at once with the status page, which follows the job (generating → done) by itself and
then offers the download. The render is held until the test lets it go, so the page is seen mid-job."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fixture_types import OpenPage
from tests_support import PASSWORD, Factory, submitted

from portal.reports import local_pool


def test_the_status_page_follows_the_report_job_to_the_download(
    new_page: OpenPage, live_server: str, make: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()

    def held_render(context: Any, *, stats: dict[str, Any] | None = None) -> bytes:
        started.set()
        assert release.wait(timeout=60), "the test never let the render go"
        if stats is not None:
            stats["pages"] = 11
        return b"%PDF-1.7 held report\n%%EOF"

    monkeypatch.setattr("portal.reports.pdf.render_report_pdf", held_render)
    assessment, user = submitted(make)
    page = new_page()
    try:
        page.goto(live_server + "/login")
        page.fill("#email", user.email)
        page.fill("#password", PASSWORD)
        page.click("button:has-text('登录')")
        page.wait_for_load_state()
        page.goto(f"{live_server}/company/assessments/{assessment.id}/result")
        page.click("#pdf-report button[type=submit]")
        page.wait_for_selector("#report-status")  # the status page, while the render is still held
        assert not release.is_set()
        assert started.wait(timeout=30), "the job never started"
        badge = page.locator('[data-role="badge"]')
        page.wait_for_function(
            "document.querySelector('[data-role=\"badge\"]').textContent.trim() === '生成中'", timeout=30_000
        )
        assert page.locator('[data-role="download"]').is_hidden()
        release.set()
        page.wait_for_selector('[data-role="download"]:not([hidden])', timeout=30_000)  # polled, no reload
        assert badge.inner_text().strip() == "已完成"
        assert "11 页" in page.inner_text('[data-role="meta"]')
        assert page.inner_text('[data-role="detail"]').strip() == ""
    finally:
        release.set()
        assert local_pool.wait_all(timeout=60)
