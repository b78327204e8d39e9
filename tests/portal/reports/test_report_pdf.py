"""The PDF report: fonts (Noto Sans CJK only, embedded and subset), section titles, company and level in the
text, page count, the URL fetcher, and the plain-data context. One render per language, module-scoped."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from tests_support import Factory, answer_everything

from portal.reports.context import build_report_context
from portal.reports.pdf import ForbiddenFetchError, render_report_pdf, static_only_fetcher, stop_chart_server

SECTIONS = {
    "zh": (
        "执行摘要",
        "分维度评估",
        "工信部 2024 版评测明细",
        "升级路线图",
        "政策申报匹配",
        "与上一轮评估对比",
        "附录：全部答案与佐证数据",
        "方法说明与数据来源",
    ),
    "en": (
        "Executive summary",
        "Dimension by dimension",
        "Upgrade roadmap",
        "Support programs",
        "Method and data sources",
    ),
}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: apt-get install poppler-utils")
    return path


def _empty_tables() -> None:
    from portal.extensions import db

    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(scope="module")
def rendered(_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A submitted MIIT assessment (after an earlier one, for the comparison) rendered once in zh and en."""
    if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
        pytest.fail("chromium is missing (kaleido needs it for the charts): apt-get install chromium")
    out: dict[str, Any] = {}
    tmp = tmp_path_factory.mktemp("pdf")
    with _app.app_context():
        try:
            make = Factory()
            from portal.assessments import services as assessments
            from portal.models import Role

            company = make.company(name="揭阳市报告测试五金有限公司", cluster="c05")
            user = make.user(Role.ENTERPRISE, company=company)

            for choice in (1, 2):
                assessment = assessments.start(company, "miit-sme-digital", user)
                answer_everything(assessment, user, choice)
                assessments.submit(assessment, user, attested=True)
            for lang in ("zh", "en"):
                context = build_report_context(
                    assessment, lang, report_no="DX-TEST-1", verification_code="AAAA-BBBB"
                )
                stats: dict[str, Any] = {}
                pdf = render_report_pdf(context, stats=stats)
                path = tmp / f"report-{lang}.pdf"
                path.write_bytes(pdf)
                out[lang] = {"context": context, "pdf": pdf, "path": path, "pages": stats["pages"]}
        finally:
            stop_chart_server()
            _empty_tables()
    return out


def _text(path: Path) -> str:
    return subprocess.run(
        [_tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_fonts_are_noto_cjk_embedded_and_subset(rendered: dict[str, Any]) -> None:
    for lang in ("zh", "en"):
        output = subprocess.run(
            [_tool("pdffonts"), str(rendered[lang]["path"])], capture_output=True, text=True, check=True
        ).stdout
        rows = [line.split() for line in output.splitlines()[2:] if line.strip()]
        assert rows, output
        for row in rows:
            name = row[0].split("+", 1)[-1]
            assert name.replace("-", "").startswith("NotoSansCJK"), output  # no DejaVu or other fallback
            emb, sub = row[-5], row[-4]
            assert (emb, sub) == ("yes", "yes"), output


def test_text_has_sections_company_and_levels(rendered: dict[str, Any]) -> None:
    zh = _text(rendered["zh"]["path"])
    context = rendered["zh"]["context"]
    for title in SECTIONS["zh"]:
        assert title in zh, title
    assert "揭阳市报告测试五金有限公司" in zh
    assert context.view.miit.level_name in zh
    assert f"{context.view.overall.level}级" in zh.replace(" ", "")
    assert "第 1 页 / 共" not in zh  # the cover has no footer
    assert f"共 {rendered['zh']['pages']} 页" in zh
    assert "DX-TEST-1" in zh and "AAAA-BBBB" in zh
    en = _text(rendered["en"]["path"])
    for title in SECTIONS["en"]:
        assert title in en, title
    assert f"of {rendered['en']['pages']}" in en


def test_page_count_in_expected_range(rendered: dict[str, Any]) -> None:
    assert 8 <= rendered["zh"]["pages"] <= 30


def test_context_is_frozen_data_without_orm_objects(rendered: dict[str, Any]) -> None:
    """The print template gets the result view and the report's additions as frozen dataclasses of plain
    values: no ORM object (no lazy load during the render), nothing a template could change."""
    import dataclasses

    def check(value: Any) -> None:
        if dataclasses.is_dataclass(value):
            assert type(value).__dataclass_params__.frozen, type(value)  # type: ignore[attr-defined]
            for field in dataclasses.fields(value):
                check(getattr(value, field.name))
        elif isinstance(value, tuple):
            for item in value:
                check(item)
        else:
            assert value is None or isinstance(value, str | int | float | bool), type(value)

    check(rendered["zh"]["context"])
    assert rendered["zh"]["context"].view.comparison is not None


def test_fetcher_serves_only_our_static_files() -> None:
    fetcher = static_only_fetcher()
    from portal.reports.pdf import STATIC

    ok = fetcher.fetch((STATIC / "report.css").as_uri())
    assert b"Noto Sans CJK SC" in ok.read()
    for url in ("http://example.com/x.css", "file:///etc/passwd", (STATIC / ".." / "css").as_uri()):
        with pytest.raises((ForbiddenFetchError, ValueError)):
            fetcher.fetch(url)


def test_demo_assessment_for_cli(app: Flask, make: Factory) -> None:
    from portal.demo import demo_submitted_assessment

    first = demo_submitted_assessment()
    assert first.locked and first.company.name == "揭阳市宏达五金制品有限公司"
    assert demo_submitted_assessment().id == first.id


def test_fetcher_serves_this_renders_charts_only() -> None:
    fetcher = static_only_fetcher(lambda: {"radar": b"<svg/>"})
    response = fetcher.fetch("chart:radar")
    assert response.read() == b"<svg/>" and response.content_type == "image/svg+xml"
    with pytest.raises((ForbiddenFetchError, ValueError)):
        fetcher.fetch("chart:other")
    with pytest.raises((ForbiddenFetchError, ValueError)):
        static_only_fetcher().fetch("chart:radar")  # no chart export given: refused like any other URL


def test_charts_are_exported_during_the_render_and_a_failure_fails_it(
    rendered: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.reports import pdf

    context = rendered["zh"]["context"]
    assert pdf.chart_jobs(context.view.charts, "zh")  # this report has charts

    def broken(fig: Any, width: int, height: int) -> bytes:
        raise pdf.ReportRenderError("chart export failed — test")

    monkeypatch.setattr(pdf, "figure_svg", broken)
    with pytest.raises(pdf.ReportRenderError, match="chart export failed"):
        render_report_pdf(context)


def test_collector_is_paused_during_a_render_and_back_after_a_failed_one(
    rendered: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The render runs without the cyclic collector (its passes over the worker's heap were a quarter or
    more of the render's CPU time); a worker must never be left without it, not even by a failed render."""
    import gc

    from portal.reports import pdf

    seen: list[bool] = []

    def broken(fig: Any, width: int, height: int) -> bytes:
        seen.append(gc.isenabled())  # the chart export runs while WeasyPrint lays the page out
        raise pdf.ReportRenderError("chart export failed — test")

    monkeypatch.setattr(pdf, "figure_svg", broken)
    assert gc.isenabled()
    with pytest.raises(pdf.ReportRenderError):
        render_report_pdf(rendered["zh"]["context"])
    assert seen == [False]
    assert gc.isenabled()


def test_collector_paused_leaves_a_collector_turned_off_elsewhere_off() -> None:
    import gc

    from portal.reports.pdf import collector_paused

    gc.disable()
    try:
        with collector_paused():
            with collector_paused():  # a second render in another thread, say
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer render is still running
    assert gc.isenabled()
