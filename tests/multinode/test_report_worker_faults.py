"""A report worker killed mid-render: the report is queued again and another worker completes it."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from typing import Any

import pytest
from test_two_nodes import BIN, ROOT, Browser, cluster  # noqa: F401 — the shared two-node fixture
from tests_support import stop_processes

pytestmark = pytest.mark.multinode


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(BIN / "flask"), "--app", "portal", "report", "worker"], env=env, cwd=ROOT)


def test_killed_worker_report_is_retried_and_completes(cluster: dict[str, Any]) -> None:  # noqa: F811
    a, b = cluster["nodes"]
    browser = Browser()
    browser.sign_in(a, "qiye@demo.dx")
    # a dedicated queue, so the cluster's normal worker does not take this job
    env = {**cluster["env"], "REPORTS_QUEUE": "reports-fault", "REPORTS_TEST_DELAY_S": "30"}
    slow = _worker(env)
    try:
        code = (  # request the report on the fault queue (the web nodes use the default queue)
            "from portal import create_app\nfrom portal.extensions import db\n"
            "from portal.models import User\n"
            "from portal.reports import jobs\nfrom portal.assessments.services import company_assessments\n"
            "app = create_app()\n"
            "with app.app_context():\n"
            "    u = db.session.query(User).filter_by(email='qiye@demo.dx').one()\n"
            "    a = [x for x in company_assessments(u.company) if x.locked][0]\n"
            "    print(jobs.request_report(a, 'en', u).id)\n"
        )
        out = subprocess.run(
            [str(BIN / "python"), "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        report_id = int(out.stdout.strip().splitlines()[-1])
        deadline = time.monotonic() + 60
        while json.loads(browser.get(b + f"/reports/{report_id}/status")[1])["status"] != "running":
            assert time.monotonic() < deadline, "the worker never started the report"
            time.sleep(0.3)
        slow.send_signal(signal.SIGKILL)  # the worker dies mid-render
        slow.wait(timeout=10)
    finally:
        if slow.poll() is None:
            slow.kill()
            slow.wait()
    time.sleep(1.5)
    # the next worker finds the report still `running` past the staleness limit and queues it again
    fresh = _worker({**env, "REPORTS_TEST_DELAY_S": "0", "REPORTS_STALE_AFTER_S": "1"})
    try:
        deadline = time.monotonic() + 120
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            time.sleep(1)
            state = json.loads(browser.get(b + f"/reports/{report_id}/status")[1])
            if state["status"] in ("done", "failed"):
                break
        assert state["status"] == "done" and state["attempts"] >= 2, state
        assert browser.get(b + f"/reports/{report_id}/download")[1].startswith(b"%PDF")
    finally:
        stop_processes(fresh)
