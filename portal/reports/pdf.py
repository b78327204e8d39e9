"""The report context → PDF bytes: Jinja print template, charts as SVG, WeasyPrint.

- Charts come from the same plotly figure functions as the web page (`portal.charts`), exported to SVG by
  kaleido through ONE persistent headless chromium per process (`kaleido.start_sync_server`), started on
  the first chart and reused by every later report of this worker. The SVG keeps its `<text>`, so WeasyPrint
  draws the Chinese labels with the CJK font.
- WeasyPrint only fetches our own files under static/reports/ and inline data: URIs (the charts); any other
  URL is refused, so a report can never reach the network or read other files.
- Fonts: "Noto Sans CJK SC" on the root element (see the print CSS); HarfBuzz subsetting keeps the PDF small
  and the render fast (libharfbuzz-subset0, see /work/shared/reference/stack_notes.md).
"""

from __future__ import annotations

import base64
import logging
import os
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jinja2
from markupsafe import Markup

from portal import charts

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates" / "reports"
STATIC = (ROOT / "static" / "reports").resolve()
STATIC_URL = STATIC.as_uri() + "/"

log = logging.getLogger(__name__)

_env: jinja2.Environment | None = None
_chart_lock = threading.Lock()
_chart_server_started = False


class ReportRenderError(RuntimeError):
    """Rendering failed for a reason the user or operator can act on (message says which)."""


class ForbiddenFetchError(ValueError):
    pass


# --------------------------------------------------------------------------------------------- fetcher


def static_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves files under static/reports/ and data: URIs, and nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
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
    """One plotly figure as SVG through the persistent browser (serialised: the server is one queue)."""
    import kaleido

    ensure_chart_server()
    with _chart_lock:
        try:
            data = kaleido.calc_fig_sync(
                fig.to_dict(), opts={"format": "svg", "width": width, "height": height}
            )
        except Exception as exc:
            if "chrom" in str(exc).lower() or "browser" in str(exc).lower():
                raise ReportRenderError(
                    f"chart export failed — is chromium installed (or BROWSER_PATH set)? {exc}"
                ) from exc
            raise
    return bytes(data)


def _svg_img(svg: bytes, css_class: str) -> Markup:
    encoded = base64.b64encode(svg).decode("ascii")
    # base64 text and a fixed class name only: nothing from user input reaches this markup
    return Markup(f'<img class="{css_class}" alt="" src="data:image/svg+xml;base64,{encoded}">')  # noqa: S704


def chart_images(spec: Mapping[str, Any], timings: dict[str, float] | None = None) -> dict[str, Markup]:
    """The report's charts from the context's chart inputs, with the web page's figure functions."""
    lang = spec.get("lang", "zh")
    out: dict[str, Markup] = {}
    radar = spec.get("radar")
    if radar:
        started = time.perf_counter()
        fig = charts.radar(radar["modules"], lang, radar.get("targets") or None)
        fig.update_layout(margin={"l": 110, "r": 110, "t": 30, "b": 40}, font={"size": 12})
        out["radar"] = _svg_img(figure_svg(fig, 680, 360), "chart chart-radar")
        if timings is not None:
            timings["chart_radar"] = time.perf_counter() - started
    bars = spec.get("miit_bars")
    if bars:
        started = time.perf_counter()
        fig = charts.miit_bars(bars["groups"], bars["max_points"], bars["labels"], lang)
        fig.update_layout(margin={"l": 150, "r": 30, "t": 20, "b": 30}, font={"size": 12})
        height = int(fig.layout.height or 360)
        out["miit_bars"] = _svg_img(figure_svg(fig, 680, height), "chart chart-bars")
        if timings is not None:
            timings["chart_miit_bars"] = time.perf_counter() - started
    return out


# ------------------------------------------------------------------------------------------------ html


def environment() -> jinja2.Environment:
    global _env
    if _env is None:
        _env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        _env.filters["num"] = _num_filter
    return _env


def _num_filter(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def render_html(context: Mapping[str, Any], chart_markup: Mapping[str, Markup] | None = None) -> str:
    return environment().get_template("report.html").render(c=context, charts=chart_markup or {})


# ------------------------------------------------------------------------------------------------- pdf


def render_report_pdf(context: Mapping[str, Any], *, stats: dict[str, Any] | None = None) -> bytes:
    """Render the report context to PDF bytes. `stats`, when given, receives page count and timings."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    timings: dict[str, float] = {}
    started = time.perf_counter()
    images = chart_images(context.get("charts") or {}, timings)
    timings["charts"] = time.perf_counter() - started
    html = render_html(context, images)
    timings["html"] = time.perf_counter() - started - timings["charts"]
    font_config = FontConfiguration()
    layout_started = time.perf_counter()
    document = HTML(string=html, base_url=STATIC_URL, url_fetcher=static_only_fetcher()).render(
        font_config=font_config
    )
    timings["layout"] = time.perf_counter() - layout_started
    write_started = time.perf_counter()
    pdf = document.write_pdf()
    timings["write"] = time.perf_counter() - write_started
    if pdf is None:  # pragma: no cover — write_pdf without a target always returns bytes
        raise ReportRenderError("WeasyPrint returned no PDF")
    if stats is not None:
        stats["pages"] = len(document.pages)
        stats["timings"] = timings
        stats["bytes"] = len(pdf)
    return bytes(pdf)


def browser_path() -> str | None:
    return os.environ.get("BROWSER_PATH")
