"""Opt-in: Lighthouse performance score (mobile settings, Lighthouse's defaults: a mid-range phone on a
slow 4G connection, simulated) of the chart pages, the result page and the bureau dashboard, with the login
page as the baseline of the same run. Target: ≥ 90 for both chart pages.

Needs Node.js, the npm package pinned in scripts/lighthouse (installed there with `npm ci` on the first
run) and Debian's chromium. Usage: python -m bench.bench_lighthouse  (`python -m bench lighthouse`)

The demo data of `make run` on a fresh PostgreSQL database, served by gunicorn on a loopback port; a
signed-in page is opened with the session cookie of its demo account.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from bench import demo_site
from bench.http_load import drop_database, free_port, fresh_database, start_gunicorn

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "scripts" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
TARGET = 90


METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "speed-index")


def lighthouse(url: str, cookie: str | None) -> dict[str, float]:
    """Lighthouse's performance score (0-100) of one page, and its metrics in ms (simulated)."""
    cmd = [
        str(TOOL / "node_modules" / ".bin" / "lighthouse"),
        url,
        "--only-categories=performance",
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if cookie:
        cmd.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=True).stdout
    report: dict[str, Any] = json.loads(out)
    figures = {"score": round(float(report["categories"]["performance"]["score"]) * 100, 1)}
    for metric in METRICS:
        figures[metric + "_ms"] = round(float(report["audits"][metric]["numericValue"]))
    return figures


def session_cookie(base: str, email: str) -> str:
    """The session cookie of a demo account, signed in through the login form."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    form = {"csrf_token": token.group(1), "email": email, "password": demo_site.DEMO_PASSWORD}
    opener.open(base + "/login", data=urllib.parse.urlencode(form).encode()).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def main() -> int:
    if not (TOOL / "node_modules" / ".bin" / "lighthouse").exists():
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=TOOL, check=True)
    url = fresh_database()
    env = {**os.environ, "DATABASE_URL": url, "PORTAL_ENV": "development", "SECRET_KEY": "bench-" + "x" * 40}
    env.pop("REDIS_URL", None)
    server = None
    try:
        demo_site.seed(env)
        app = demo_site.make_app(url)
        from bench.bench_weight import page_types

        pages = page_types(app)
        with app.app_context():
            from portal.extensions import db

            db.engine.dispose()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(env, port, 2)
        company = session_cookie(base, "qiye@demo.dx")
        bureau = session_cookie(base, "sheng@demo.dx")
        scores = {
            "login_baseline": lighthouse(base + "/login", None),
            "result_page": lighthouse(base + pages["result_chart_page"][1], company),
            "bureau_dashboard": lighthouse(base + pages["bureau_dashboard_chart_page"][1], bureau),
        }
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
        drop_database(url)
    result = {
        "bench": "lighthouse",
        "cores": os.cpu_count(),
        **{f"{page}_score": figures["score"] for page, figures in scores.items()},
        "metrics": scores,
        "targets": {
            "result_page_ge_90": scores["result_page"]["score"] >= TARGET,
            "bureau_dashboard_ge_90": scores["bureau_dashboard"]["score"] >= TARGET,
        },
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
