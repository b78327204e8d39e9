"""What goes over the wire: text responses compressed as the browser asks (Flask-Compress), PDFs and
spreadsheets as they are, and the chart pages' plotly.js a partial bundle served precompressed."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli
import plotly
from fixture_types import LoginAs
from flask.testing import FlaskClient
from tests_support import Factory

from portal.models import JurisdictionLevel, Role

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "static" / "vendor" / "plotly-dx.min.js"
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def test_pages_are_compressed_as_the_browser_asks(login_as: LoginAs, make: Factory) -> None:
    client = login_as(make.user(Role.ENTERPRISE))
    plain = client.get("/company/assessments/")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    html = plain.get_data()
    br = client.get("/company/assessments/", headers=BROWSER)
    assert br.headers["Content-Encoding"] == "br" and "Accept-Encoding" in br.headers["Vary"]
    unpacked = brotli.decompress(br.get_data())
    assert unpacked.endswith(b"</html>") and len(unpacked) == len(html)  # same page, new token
    assert len(br.get_data()) < len(html) / 2
    old = client.get("/company/assessments/", headers={"Accept-Encoding": "gzip"})
    assert old.headers["Content-Encoding"] == "gzip" and b"</html>" in gzip.decompress(old.get_data())
    # the security headers survive compression
    assert br.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]
    assert br.headers["Cache-Control"] == "no-store"


def test_tiny_answers_and_spreadsheets_are_not_compressed(
    login_as: LoginAs, make: Factory, client: FlaskClient
) -> None:
    health = client.get("/healthz", headers=BROWSER)
    assert health.status_code == 200 and "Content-Encoding" not in health.headers
    officer = make.user(Role.BUREAU, jurisdiction_level=JurisdictionLevel.PROVINCE)
    bureau = login_as(officer)
    xlsx = bureau.get("/bureau/export.xlsx", headers=BROWSER)
    assert xlsx.status_code == 200 and "Content-Encoding" not in xlsx.headers  # a zip already
    assert xlsx.data.startswith(b"PK")
    dashboard = bureau.get("/bureau/", headers=BROWSER)
    assert dashboard.headers["Content-Encoding"] == "br"
    html = brotli.decompress(dashboard.get_data()).decode()
    assert "/vendor/plotly.min.js?v=" in html and 'data-chart="chart-levels"' in html


def test_static_assets_are_compressed_and_revalidate(client: FlaskClient) -> None:
    css = client.get("/static/css/portal.css", headers=BROWSER)
    assert css.headers["Content-Encoding"] == "br"
    body = brotli.decompress(css.get_data())
    assert body == (ROOT / "static" / "css" / "portal.css").read_bytes()
    css.close()
    etag = css.headers["ETag"]
    again = client.get("/static/css/portal.css", headers={**BROWSER, "If-None-Match": etag})
    assert again.status_code == 304
    again.close()


def test_assets_named_by_their_hash_are_kept_a_year(client: FlaskClient) -> None:
    """Pages link assets as ?v=<content hash>: a browser keeps them without asking again; an unversioned
    URL is only revalidated."""
    versioned = client.get("/static/css/portal.css?v=0123456789", headers=BROWSER)
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    versioned.close()
    plain = client.get("/static/css/portal.css", headers=BROWSER)
    assert "immutable" not in plain.headers.get("Cache-Control", "")
    plain.close()


def test_charts_get_the_partial_plotly_bundle_compressed(client: FlaskClient) -> None:
    recorded = (BUNDLE.parent / (BUNDLE.name + ".sha256")).read_text().split()[0]
    assert hashlib.sha256(BUNDLE.read_bytes()).hexdigest() == recorded  # scripts/plotly/build.sh rebuilds it
    br = client.get("/vendor/plotly.min.js", headers=BROWSER)
    assert br.status_code == 200 and br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.get_data()) == BUNDLE.read_bytes()
    assert len(br.get_data()) < 400_000  # the full plotly.js was 4.8 MB, sent uncompressed
    assert "max-age=31536000" in br.headers["Cache-Control"] and "public" in br.headers["Cache-Control"]
    gz = client.get("/vendor/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.get_data()) == BUNDLE.read_bytes()
    plain = client.get("/vendor/plotly.min.js")
    assert "Content-Encoding" not in plain.headers and plain.get_data() == BUNDLE.read_bytes()
    cached = client.get("/vendor/plotly.min.js", headers={**BROWSER, "If-None-Match": br.headers["ETag"]})
    assert cached.status_code == 304


def test_the_bundle_is_the_plotly_js_of_the_python_package() -> None:
    """Figures are built by the Python plotly package for its own plotly.js: the bundle must match it."""
    bundled = re.search(rb"plotly\.js v([\d.]+)", BUNDLE.read_bytes()[:300])
    package = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    shipped = re.search(rb"plotly\.js v([\d.]+)", package.read_bytes()[:300])
    assert bundled and shipped and bundled.group(1) == shipped.group(1)
