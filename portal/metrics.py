"""Prometheus metrics (prometheus-client) behind GET /metrics: request rates and latencies, and the report
queue read at scrape time (queue depth, reports per status, the oldest report still queued, failed jobs).

Access: only with `Authorization: Bearer <METRICS_TOKEN>`; without METRICS_TOKEN configured, or with any
other token, /metrics answers 404 like a page that does not exist. Under gunicorn, set
PROMETHEUS_MULTIPROC_DIR (an empty folder on tmpfs, e.g. /run/dx-assess/metrics) so the counts of every
worker process add up; without it each scrape sees the one worker that answered.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, abort, current_app, request
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from portal.extensions import db

STARTED = "dx.started"  # WSGI environ key: when the request reached the app (set before anything else)

REQUEST_SECONDS = Histogram(
    "dx_http_request_duration_seconds",
    "Time from the request reaching the app to its response, by route (endpoint), method and status.",
    ["method", "endpoint", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def request_seconds() -> float:
    return time.perf_counter() - request.environ.get(STARTED, time.perf_counter())


def register(app: Flask) -> None:
    """Time every request from the moment it reaches the app (a request refused early counts too)."""
    inner = app.wsgi_app

    def timed(environ: dict[str, Any], start_response: Any) -> Any:
        environ[STARTED] = time.perf_counter()
        return inner(environ, start_response)

    app.wsgi_app = timed  # type: ignore[method-assign]

    @app.after_request
    def _observe(response: Any) -> Any:
        endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"  # bounded label set
        REQUEST_SECONDS.labels(request.method, endpoint, str(response.status_code)).observe(request_seconds())
        return response


class ReportQueue(Collector):
    """Read at scrape time from PostgreSQL and Redis, so every node reports the same numbers."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from portal.models._common import utcnow
        from portal.reports.models import Report, ReportStatus

        by_status = GaugeMetricFamily("dx_reports", "Report rows by status.", labels=["status"])
        rows = db.session.execute(sa.select(Report.status, sa.func.count()).group_by(Report.status))
        counts: dict[Any, int] = {row[0]: row[1] for row in rows}
        for status in ReportStatus:
            by_status.add_metric([status.value], counts.get(status, 0))
        yield by_status
        oldest = db.session.scalar(
            sa.select(sa.func.min(Report.created_at)).where(Report.status == ReportStatus.QUEUED)
        )
        age = (utcnow() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "dx_reports_queued_oldest_seconds", "Age of the oldest report still queued (0: none).", value=age
        )
        yield from _redis_queue()


def _redis_queue() -> Iterator[GaugeMetricFamily]:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return
    from redis import Redis
    from rq import Queue

    depth = GaugeMetricFamily("dx_rq_queue_depth", "Jobs waiting in each RQ queue.", labels=["queue"])
    failed = GaugeMetricFamily("dx_rq_jobs_failed", "Jobs in RQ's failed registries.", labels=["queue"])
    for queue in Queue.all(connection=Redis.from_url(url, socket_timeout=2)):
        depth.add_metric([queue.name], len(queue))
        failed.add_metric([queue.name], queue.failed_job_registry.count)
    yield depth
    yield failed


def scrape() -> Response:
    token = current_app.config.get("METRICS_TOKEN")
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not token or not hmac.compare_digest(offered.encode(), token.encode()):
        abort(404)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(ReportQueue())
    return Response(generate_latest(registry), mimetype="text/plain; version=0.0.4")
