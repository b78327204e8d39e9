"""The report context → PDF bytes: Jinja print template, charts as SVG, WeasyPrint.

- Charts come from the same plotly figure functions as the web page (`portal.charts`), exported to SVG by
  kaleido through ONE persistent headless chromium per process (`kaleido.start_sync_server`), started on
  the first chart and reused by every later report of this worker. The SVG keeps its `<text>`, so WeasyPrint
  draws the Chinese labels with the CJK font.
- WeasyPrint only fetches our own files under static/reports/ and inline data: URIs (the charts); any other
  URL is refused, so a report can never reach the network or read other files.
- Fonts: "Noto Sans CJK SC" on the root element (see the print CSS); HarfBuzz subsetting keeps the PDF small
  and the render fast (libharfbuzz-subset0, see shared/reference/stack_notes.md).
- Speed (issue 6): the charts are exported in a background thread while WeasyPrint parses the HTML and
  computes the styles; the page refers to them as `chart:NAME` URLs that only our fetcher serves, and it
  waits for the chart when WeasyPrint asks for it. Chromium works on the other core meanwhile.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jinja2
import plotly.graph_objects as go
from markupsafe import Markup

from portal import charts
from portal.assets import ASSETS
from portal.reports.context import ReportContext
from portal.results.model import Charts
from portal.results.view import locale_of
from portal.templating import zh_data

TEMPLATES = ASSETS / "templates" / "reports"
STATIC = (ASSETS / "static" / "reports").resolve()
STATIC_URL = STATIC.as_uri() + "/"

log = logging.getLogger(__name__)

# PDF/A-3u (archivable, every glyph mapped to Unicode so the text can be searched and copied) with a
# structure tree (tagged PDF: headings, tables and reading order for screen readers).
PDF_VARIANT = "pdf/a-3u"

CHART_URL = "chart:"  # <img src="chart:radar">: served by our fetcher from the chart export of this render

_env: jinja2.Environment | None = None
_chart_lock = threading.Lock()
_chart_server_started = False
_chart_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


class ReportRenderError(RuntimeError):
    """Rendering failed for a reason the user or operator can act on (message says which)."""


class ForbiddenFetchError(ValueError):
    pass


# --------------------------------------------------------------------------------------------- fetcher


def static_only_fetcher(charts: Callable[[], Mapping[str, bytes]] | None = None) -> Any:
    """A WeasyPrint URL fetcher that serves files under static/reports/ and data: URIs, and nothing else;
    plus, when given the chart export of this render (a function that waits for it), its SVGs at
    `chart:NAME`."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(CHART_URL) and charts is not None:
                svgs = charts()  # a failed export raises here, and again in render_report_pdf
                name = url.removeprefix(CHART_URL)
                if name in svgs:
                    return URLFetcherResponse(url, svgs[name], {"Content-Type": "image/svg+xml"})
            if url.startswith("file://"):
                path = Path(unquote(url.removeprefix("file://").split("?", 1)[0].split("#", 1)[0])).resolve()
                if path.is_relative_to(STATIC) and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _mime(path)})
            log.warning("report renderer refused to fetch %s", url[:200])
            raise ForbiddenFetchError(f"report renderer refuses to fetch {url[:200]!r}")

    return StaticOnlyFetcher(allowed_protocols={"data", "file"})


def _mime(path: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}.get(
        path.suffix, "application/octet-stream"
    )


# ---------------------------------------------------------------------------------------------- charts


def ensure_chart_server() -> None:
    """Start the persistent kaleido browser of this process (once). BROWSER_PATH overrides chromium's path."""
    global _chart_server_started
    if _chart_server_started:
        return
    import kaleido

    try:
        kaleido.start_sync_server(n=1, timeout=60, mathjax=False, silence_warnings=True)
    except Exception as exc:
        raise ReportRenderError(
            "cannot start the chart browser (kaleido needs chromium: apt-get install chromium, "
            f"or set BROWSER_PATH): {exc}"
        ) from exc
    _chart_server_started = True


def stop_chart_server() -> None:
    global _chart_server_started
    if _chart_server_started:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        _chart_server_started = False


def figure_svg(fig: Any, width: int, height: int) -> bytes:
    """One plotly figure (or its plain JSON spec) as SVG through the persistent browser (serialised: the
    server is one queue)."""
    import kaleido

    ensure_chart_server()
    with _chart_lock:
        try:
            spec = fig if isinstance(fig, dict) else fig.to_dict()
            data = kaleido.calc_fig_sync(spec, opts={"format": "svg", "width": width, "height": height})
        except Exception as exc:
            if "chrom" in str(exc).lower() or "browser" in str(exc).lower():
                raise ReportRenderError(
                    f"chart export failed — is chromium installed (or BROWSER_PATH set)? {exc}"
                ) from exc
            raise
    return bytes(data)


def _chart_img(name: str, css_class: str, alt: str) -> Markup:
    # fixed chart name and class name; the alt text (required by PDF/UA) is a catalog text, escaped
    return Markup('<img class="{}" alt="{}" src="{}{}">').format(css_class, alt, CHART_URL, name)


def _chart_alt(name: str) -> str:
    from flask_babel import gettext as _

    return {"radar": _("各维度得分"), "miit_bars": _("工信部 2024 版评测明细")}.get(name, "")


def chart_jobs(spec: Charts, lang: str) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """The report's charts from the view's chart specs, with the web page's figure functions:
    name -> (CSS class of the <img>, function exporting the SVG). Nothing is exported yet."""
    jobs: dict[str, tuple[str, Callable[[], bytes]]] = {}
    radar = spec.radar
    if radar is not None:

        def radar_svg() -> bytes:
            fig = go.Figure(charts.radar(radar, lang))
            fig.update_layout(margin={"l": 110, "r": 110, "t": 30, "b": 40}, font={"size": 12})
            return figure_svg(fig, 680, 360)

        jobs["radar"] = ("chart chart-radar", radar_svg)
    bars = spec.miit_bars
    if bars is not None:

        def bars_svg() -> bytes:
            fig = go.Figure(charts.miit_bars(bars, lang))
            fig.update_layout(margin={"l": 150, "r": 30, "t": 20, "b": 30}, font={"size": 12})
            return figure_svg(fig, 680, int(fig.layout.height or 360))

        jobs["miit_bars"] = ("chart chart-bars", bars_svg)
    return jobs


def export_charts(
    jobs: Mapping[str, tuple[str, Callable[[], bytes]]], timings: dict[str, float] | None = None
) -> dict[str, bytes]:
    """Run the chart jobs (one after the other: the browser is one queue): name -> SVG."""
    out: dict[str, bytes] = {}
    for name, (_css_class, export) in jobs.items():
        started = time.perf_counter()
        out[name] = export()
        if timings is not None:
            timings[f"chart_{name}"] = time.perf_counter() - started
    return out


def _executor() -> ThreadPoolExecutor:
    global _chart_executor
    with _executor_lock:
        if _chart_executor is None:
            _chart_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-charts")
        return _chart_executor


# ----------------------------------------------------------------------------------------------- style


_stylesheet: tuple[float, Any] | None = None
_stylesheet_lock = threading.Lock()


def report_stylesheet() -> Any:
    """static/reports/report.css parsed and its selectors compiled once per process (like the compiled
    Jinja template), again when the file changes. Passed to WeasyPrint as a stylesheet of the render, so the
    template has no <link> to it. About 50 ms a render: tokenizing, validating and compiling the rules."""
    global _stylesheet
    from weasyprint import CSS

    path = STATIC / "report.css"
    mtime = path.stat().st_mtime
    with _stylesheet_lock:
        if _stylesheet is None or _stylesheet[0] != mtime:
            _stylesheet = (mtime, CSS(filename=str(path), url_fetcher=static_only_fetcher()))
        return _stylesheet[1]


# ------------------------------------------------------------------------------------------------ html


def environment() -> jinja2.Environment:
    """The print templates' Jinja environment: the report's own templates, the section macros it shares
    with the result page (templates/results/), and gettext from the portal's catalog (rendered under
    `force_locale` of the report's language)."""
    global _env
    if _env is None:
        from flask_babel import gettext, ngettext

        _env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(TEMPLATES), str(TEMPLATES.parent)]),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=["jinja2.ext.i18n"],
        )
        _env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
        _env.filters["num"] = _num_filter
        _env.filters["zh"] = zh_data  # the sections shared with the result page mark Chinese data
    return _env


def _num_filter(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def render_html(context: ReportContext, chart_classes: Mapping[str, str] | None = None) -> str:
    """The print HTML in the report's language; `chart_classes` (chart name -> CSS class) places the
    charts this render exports."""
    from flask_babel import force_locale

    with force_locale(locale_of(context.lang)):
        markup = {
            name: _chart_img(name, css, _chart_alt(name)) for name, css in (chart_classes or {}).items()
        }
        return environment().get_template("report.html").render(c=context, v=context.view, charts=markup)


# ------------------------------------------------------------------------------------------------- pdf


def write_pdf(document: Any) -> bytes:
    """A laid-out WeasyPrint document as PDF/A-3u bytes, tagged."""
    with warnings.catch_warnings():
        # WeasyPrint 70 opens its bundled sRGB profile for the PDF/A output intent and leaves closing the
        # file to the garbage collector; harmless, but not a warning for our logs or tests
        warnings.filterwarnings("ignore", r"unclosed file .*sRGB2014\.icc", ResourceWarning)
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
    if pdf is None:  # pragma: no cover — write_pdf without a target always returns bytes
        raise ReportRenderError("WeasyPrint returned no PDF")
    return bytes(pdf)


_gc_lock = threading.Lock()
_gc_renders = 0  # renders running with the collector paused by us


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a report is laid out and written.

    Why: a render allocates hundreds of thousands of boxes, styles and PDF objects, which triggers about 250
    collections, and every full one walks the whole process (the app, plotly, SQLAlchemy: the report worker
    is not frozen like the web workers, portal/gunicorn_conf.py). Measured in the report bench's process
    (issue 22): the report's CPU time went from 2.1 to 1.5 times the bare render's, and the spread between
    runs shrank, as no render lands on a full collection.
    Nearly all of the render's objects are freed by reference counting when it ends; the few cycles go with
    the next collection once the collector is back. Renders in other threads share the pause (a counter),
    and a collector someone else turned off stays off."""
    global _gc_renders
    with _gc_lock:
        owned = gc.isenabled() or _gc_renders > 0
        if owned:
            _gc_renders += 1
            gc.disable()
    try:
        yield
    finally:
        if owned:
            with _gc_lock:
                _gc_renders -= 1
                if _gc_renders == 0:
                    gc.enable()


def render_report_pdf(context: ReportContext, *, stats: dict[str, Any] | None = None) -> bytes:
    """Render the report context to PDF bytes. `stats`, when given, receives page count and timings.

    Timings: `charts` (export, in the background thread; `chart_NAME` per chart), `chart_wait` (how long
    WeasyPrint waited for them), `html` (Jinja), `layout` (WeasyPrint parse, styles, layout), `write`."""
    with collector_paused():
        return _render_report_pdf(context, stats)


def _render_report_pdf(context: ReportContext, stats: dict[str, Any] | None) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    timings: dict[str, float] = {}
    chart_timings: dict[str, float] = {}
    jobs = chart_jobs(context.view.charts, context.lang)

    def export() -> dict[str, bytes]:
        started = time.perf_counter()
        try:
            return export_charts(jobs, chart_timings)
        finally:
            chart_timings["charts"] = time.perf_counter() - started

    pending = _executor().submit(export) if jobs else None

    def wait_for_charts() -> dict[str, bytes]:
        assert pending is not None
        started = time.perf_counter()
        try:
            return pending.result()
        finally:
            timings["chart_wait"] = timings.get("chart_wait", 0.0) + time.perf_counter() - started

    try:
        started = time.perf_counter()
        html = render_html(context, {name: css for name, (css, _export) in jobs.items()})
        timings["html"] = time.perf_counter() - started
        fetcher = static_only_fetcher(wait_for_charts if pending is not None else None)
        layout_started = time.perf_counter()
        document = HTML(string=html, base_url=STATIC_URL, url_fetcher=fetcher).render(
            stylesheets=[report_stylesheet()], font_config=FontConfiguration()
        )
        timings["layout"] = time.perf_counter() - layout_started
        if pending is not None:
            pending.result()  # WeasyPrint only logs a failed fetch: a failed chart export fails the render
    finally:
        if pending is not None:
            pending.cancel()  # no-op once it runs; a render that failed early does not export for nothing
    write_started = time.perf_counter()
    pdf = write_pdf(document)
    timings["write"] = time.perf_counter() - write_started
    timings.update(chart_timings)
    if stats is not None:
        stats["pages"] = len(document.pages)
        stats["timings"] = timings
        stats["bytes"] = len(pdf)
    return bytes(pdf)
