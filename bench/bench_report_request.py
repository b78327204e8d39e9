"""Benchmark (not a test): how long asking for a PDF report takes without Redis (the embedded default of
`make run`), against a trivial route and against the render itself, in the same run.

    .venv/bin/python -m bench.bench_report_request [--runs 3]

The POST records the report and hands it to the app's thread pool; the render runs after the answer.
Before that change the render ran inside the POST (the request took as long as the render). Uses a
throwaway SQLite database with the demo company's submitted assessment and the real renderer; each run
deletes the report so the next one renders again. Prints a table on stderr and one JSON line on stdout.
Target: the POST answers in under a tenth of the time the report takes to be done.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from portal import create_app
    from portal.auth.sessions import open_session
    from portal.demo import demo_submitted_assessment
    from portal.extensions import db
    from portal.models import User
    from portal.reports import local_pool
    from portal.reports.models import Report
    from portal.reports.pdf import stop_chart_server

    tmp = tempfile.mkdtemp(prefix="bench-report-request-")
    app = create_app(
        overrides={"WTF_CSRF_ENABLED": False, "SERVER_NAME": None},
        env={"PORTAL_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"},
    )
    app.instance_path = tmp
    posts: list[float] = []
    trivial: list[float] = []
    done: list[float] = []
    with app.app_context():
        upgrade()
        assessment = demo_submitted_assessment()
        user = db.session.scalars(sa.select(User).where(User.company_id == assessment.company_id)).first()
        assert user is not None
        client = app.test_client()
        with app.test_request_context(), client.session_transaction() as session:
            session["_user_id"] = open_session(user)
            session["_fresh"] = True
        try:
            for run in range(args.runs + 1):  # the first run warms the app and the chart browser up
                started = time.perf_counter()
                client.get("/healthz")
                trivial_s = time.perf_counter() - started
                started = time.perf_counter()
                response = client.post(f"/company/assessments/{assessment.id}/report", data={"lang": "zh"})
                post_s = time.perf_counter() - started
                assert response.status_code == 302, response.status_code
                assert local_pool.wait_all(timeout=300), "the report job did not end"
                done_s = time.perf_counter() - started
                status = db.session.scalar(sa.select(Report.status))
                assert status is not None, "no report row"
                assert status.value == "done", status
                db.session.execute(sa.delete(Report))
                db.session.commit()
                if run:
                    posts.append(post_s)
                    trivial.append(trivial_s)
                    done.append(done_s)
        finally:
            stop_chart_server()
    post_ms = statistics.median(posts) * 1000
    trivial_ms = statistics.median(trivial) * 1000
    done_s = statistics.median(done)
    result: dict[str, Any] = {
        "bench": "report_request",
        "runs": args.runs,
        "post_ms_p50": round(post_ms, 1),
        "trivial_ms_p50": round(trivial_ms, 2),
        "post_vs_trivial": round(post_ms / trivial_ms, 1),
        "done_s_p50": round(done_s, 2),
        "post_vs_done": round(post_ms / 1000 / done_s, 3),
        "targets": {"post_before_render": post_ms / 1000 / done_s < 0.1},
    }
    print(
        f"report request without Redis: POST {post_ms:.0f} ms (trivial route {trivial_ms:.1f} ms), "
        f"report done after {done_s:.2f} s; POST/done = {result['post_vs_done']}",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
