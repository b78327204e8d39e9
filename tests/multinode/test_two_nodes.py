"""Two stateless app nodes and one report worker on one PostgreSQL and one Redis (issue 10).

A draft saved through node A resumes through node B; a report requested through A is rendered by the
worker and downloaded through B; a bureau count is the same from both. Runs in the PostgreSQL pass of
`make test` (it needs the machine's PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from tests_support import stop_processes

from bench.http_load import free_port, start_gunicorn

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.multinode


@pytest.fixture(scope="module")
def cluster() -> Iterator[dict[str, Any]]:
    import psycopg
    import redis

    name = f"dx_multinode_{os.getpid()}"
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    redis_url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/14"  # flushed: use your own
    redis.Redis.from_url(redis_url).flushdb()
    env = {
        **os.environ,
        "PORTAL_ENV": "development",
        "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "multinode-test-" + "k" * 40,  # shared by every node: sessions are signed cookies
    }
    flask = [str(BIN / "flask"), "--app", "portal"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    ports = [free_port(), free_port()]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for port in ports:  # gunicorn.conf.py, one worker each; returns once the node is ready
            procs.append(start_gunicorn(env, port, workers=1))
        procs.append(subprocess.Popen([*flask, "report", "worker"], env=env, cwd=ROOT))
        yield {"nodes": [f"http://127.0.0.1:{port}" for port in ports], "env": env}
    finally:
        stop_processes(*procs)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class Browser:
    """A cookie jar shared across nodes, like one user's browser behind a load balancer."""

    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> tuple[int, bytes, str]:
        with self.opener.open(url, timeout=30) as response:
            return response.status, response.read(), response.geturl()

    def post(
        self, url: str, data: dict[str, str] | None = None, json_body: Any = None, csrf: str | None = None
    ) -> Any:
        headers = {}
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        else:
            body = urllib.parse.urlencode(data or {}).encode()
        if csrf:
            headers["X-CSRFToken"] = csrf
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        return self.opener.open(request, timeout=30)

    def csrf(self, url: str) -> str:
        page = self.get(url)[1].decode()
        match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def sign_in(self, base: str, email: str) -> None:
        token = self.csrf(base + "/login")
        self.post(base + "/login", {"csrf_token": token, "email": email, "password": "Demo-2026"})


def test_draft_saved_on_one_node_resumes_on_the_other(cluster: dict[str, Any]) -> None:
    a, b = cluster["nodes"]
    browser = Browser()
    browser.sign_in(a, "qiye@demo.dx")
    token = browser.csrf(a + "/company/assessments/")
    response = browser.post(
        a + "/company/assessments/start", {"csrf_token": token, "instrument_id": "miit-sme-digital"}
    )
    assessment_id = int(response.geturl().rstrip("/").rsplit("/", 1)[-1])
    csrf = browser.csrf(a + f"/company/assessments/{assessment_id}/modules/base")
    saved = browser.post(
        a + f"/api/v1/assessments/{assessment_id}/answers?module=base",
        json_body={"answers": [{"item_id": "base.info_systems.coverage", "value": "D"}]},
        csrf=csrf,
    )
    assert saved.status == 200
    status, body, _ = browser.get(b + f"/api/v1/assessments/{assessment_id}/answers")
    assert status == 200 and json.loads(body)["answers"]["base.info_systems.coverage"]["value"] == "D"
    _, page, _ = browser.get(b + f"/company/assessments/{assessment_id}")
    assert f"/company/assessments/{assessment_id}/modules/base".encode() in page  # resume point on node B


def test_report_requested_on_a_rendered_by_worker_downloaded_on_b(cluster: dict[str, Any]) -> None:
    a, b = cluster["nodes"]
    browser = Browser()
    browser.sign_in(a, "qiye@demo.dx")
    _, listing, _ = browser.get(a + "/company/assessments/")
    submitted = re.findall(rb'/company/assessments/(\d+)"', listing)
    assert submitted, "the demo seed has a submitted assessment"
    assessment_id = int(submitted[0])
    token = browser.csrf(a + f"/company/assessments/{assessment_id}/result")
    response = browser.post(a + f"/company/assessments/{assessment_id}/report", {"csrf_token": token})
    report_id = int(re.search(r"/reports/(\d+)", response.geturl()).group(1))  # type: ignore[union-attr]
    deadline = time.monotonic() + 120
    state = {}
    while time.monotonic() < deadline:
        state = json.loads(browser.get(b + f"/reports/{report_id}/status")[1])
        if state.get("status") in ("done", "failed"):
            break
        time.sleep(0.5)
    assert state.get("status") == "done", state
    status, pdf, _ = browser.get(b + f"/reports/{report_id}/download")
    assert status == 200 and pdf.startswith(b"%PDF")


def test_bureau_counts_are_the_same_from_both_nodes(cluster: dict[str, Any]) -> None:
    a, b = cluster["nodes"]
    browser = Browser()
    browser.sign_in(a, "sheng@demo.dx")
    from_a = json.loads(browser.get(a + "/api/v1/bureau/summary")[1])
    from_b = json.loads(browser.get(b + "/api/v1/bureau/summary")[1])
    assert from_a == from_b
    assert json.dumps(from_a).count("registered") >= 1  # the summary carries the registered count


def test_sign_out_and_sign_in_throttling_hold_across_nodes(cluster: dict[str, Any]) -> None:
    a, b = cluster["nodes"]
    browser = Browser()
    browser.sign_in(a, "qiye@demo.dx")
    assert browser.get(b + "/company/")[2].endswith("/company/")  # the session is good on node B
    copied = list(browser.jar)
    browser.post(a + "/logout", {"csrf_token": browser.csrf(a + "/company/")}).close()
    thief = Browser()
    for cookie in copied:
        thief.jar.set_cookie(cookie)
    assert "/login" in thief.get(b + "/company/")[2]  # signed out on A: the cookies open nothing on B

    # the attempts on both nodes count together (Redis): the sixth within the minute is refused
    guesser = Browser()
    for node in (a, b, a, b, a):
        token = guesser.csrf(node + "/login")
        with guesser.post(
            node + "/login", {"csrf_token": token, "email": "nobody@demo.dx", "password": "x"}
        ) as answer:
            assert answer.status == 200
    token = guesser.csrf(b + "/login")
    with pytest.raises(urllib.error.HTTPError) as refused:
        guesser.post(b + "/login", {"csrf_token": token, "email": "nobody@demo.dx", "password": "x"})
    refused.value.close()
    assert refused.value.code == 429 and int(refused.value.headers["Retry-After"]) > 0
