"""Bytes on the wire for the first view of each kind of page, on the demo data of `make run`: the HTML and
the same-origin scripts and stylesheets it loads, requested with the Accept-Encoding that Chromium sends
(nothing cached yet). The uncompressed size is shown next to it, and the login page is the baseline.

Usage: python -m bench.bench_weight [--database-url URL]

Targets: ≤ 1 MB for the chart pages (the result page and the bureau dashboard, which load plotly.js),
≤ 200 KB for every other page.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any

from bench import demo_site

BROWSER_ENCODINGS = "gzip, deflate, br, zstd"  # what Chromium asks for
CHART_PAGE_LIMIT = 1024 * 1024
PAGE_LIMIT = 200 * 1024
# scripts, stylesheets, and plotly.js named on the charts script (fetched when a chart is reached: counted,
# since a person who looks at the charts downloads it)
ASSET = re.compile(
    r'<(?:script[^>]*\bsrc|link[^>]*rel="stylesheet"[^>]*\bhref)="(/[^"]+)"|\bdata-plotly="(/[^"]+)"'
)


def first_view(client: Any, path: str) -> dict[str, Any]:
    """Wire and uncompressed bytes of a page and of the scripts and stylesheets it loads."""
    headers = {"Accept-Encoding": BROWSER_ENCODINGS}
    page = client.get(path, headers=headers)
    if page.status_code != 200:
        raise RuntimeError(f"{path} answered {page.status_code}")
    wire, plain, files = len(page.get_data()), 0, []
    html = _decoded(page)
    plain += len(html)
    for asset in dict.fromkeys(tag or chart for tag, chart in ASSET.findall(html.decode())):
        answer = client.get(asset, headers=headers)
        wire += len(answer.get_data())
        plain += len(_decoded(answer))
        files.append(asset.split("?")[0])
        answer.close()
    return {"wire_kb": round(wire / 1024, 1), "uncompressed_kb": round(plain / 1024, 1), "files": files}


def _decoded(answer: Any) -> bytes:
    import gzip
    import zlib

    import brotli

    data: bytes = answer.get_data()
    encoding = answer.headers.get("Content-Encoding")
    if encoding == "br":
        return bytes(brotli.decompress(data))
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "deflate":
        return zlib.decompress(data)
    if encoding == "zstd":
        from backports import zstd

        return bytes(zstd.decompress(data))
    return data


def page_types(app: Any) -> dict[str, tuple[str | None, str]]:
    """{page kind: (who opens it, path)}: None = anonymous."""
    from portal.demo import demo_submitted_assessment
    from portal.instruments import instrument_of

    with app.app_context():
        submitted = demo_submitted_assessment()
        assessment, module = submitted.id, instrument_of(submitted).modules[0].id
    return {
        "login": (None, "/login"),
        "company_home": ("qiye@demo.dx", "/company/"),
        "assessment_list": ("qiye@demo.dx", "/company/assessments/"),
        "questionnaire_module": ("qiye@demo.dx", f"/company/assessments/{assessment}/modules/{module}"),
        "result_chart_page": ("qiye@demo.dx", f"/company/assessments/{assessment}/result"),
        "provider_home": ("fuwushang@demo.dx", "/provider/"),
        "bureau_dashboard_chart_page": ("sheng@demo.dx", "/bureau/"),
        "bureau_companies": ("sheng@demo.dx", "/bureau/companies"),
        "admin_home": ("admin@demo.dx", "/admin/"),
    }


def measure(app: Any) -> dict[str, Any]:
    clients: dict[str | None, Any] = {}
    out = {}
    for kind, (email, path) in page_types(app).items():
        if email not in clients:
            clients[email] = demo_site.signed_in(app, email) if email else app.test_client()
        out[kind] = first_view(clients[email], path)
    return out


def summary(pages: dict[str, Any]) -> dict[str, Any]:
    charts = {k: v for k, v in pages.items() if "chart" in k}
    others = {k: v for k, v in pages.items() if k not in charts}
    result: dict[str, Any] = {"bench": "weight", "cores": os.cpu_count()}
    for kind, figures in pages.items():
        result[f"{kind}_kb"] = f"{figures['wire_kb']} (uncompressed {figures['uncompressed_kb']})"
    result["login_baseline_kb"] = pages["login"]["wire_kb"]
    result["targets"] = {
        "chart_pages_le_1mb": all(v["wire_kb"] * 1024 <= CHART_PAGE_LIMIT for v in charts.values()),
        "other_pages_le_200kb": all(v["wire_kb"] * 1024 <= PAGE_LIMIT for v in others.values()),
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", help="an existing database with the demo data (else a fresh one)")
    args = parser.parse_args(argv)
    with demo_site.demo_app(args.database_url) as app:
        pages = measure(app)
    print(json.dumps(summary(pages), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
