"""Report jobs without Redis (the embedded default of `make run`): a small thread pool in the app process.

The POST that asks for a report returns at once, as with RQ; one background thread renders the queued
reports one after the other (a render keeps a CPU core busy for seconds: more threads would only slow
the pages down), each job in its own app context and database session (`runner.run_report`). The status
page polls the row exactly as it does with RQ: pending → queued → running → done or failed.

A job lost with its process (restart, crash) leaves its row `queued` or `running`; the status poll hands
such a row over again once it is stale (portal/reports/outbox.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from flask import Flask

from portal.reports.runner import run_report

THREADS = 1

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_futures: dict[int, Future[str]] = {}  # report id → its job, while queued or running in this process
_tasks: set[Future[None]] = set()  # other work handed to the pool (run_later), while queued or running


def _pool() -> ThreadPoolExecutor:
    """This process's pool, created at first use (after gunicorn's fork). Call with `_lock` held."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="report-jobs")
    return _executor


def submit(app: Flask, report_id: int) -> Future[str]:
    """Queue the report's job in this process's pool."""
    with _lock:
        future = _pool().submit(_job, app, report_id)
        _futures[report_id] = future
    future.add_done_callback(lambda _done: _forget(report_id, future))
    return future


def run_later(app: Flask, work: Callable[..., None], *args: Any) -> Future[None]:
    """Run `work(*args)` in this process's pool, in an app context of its own, after the jobs queued
    before it. For work a request need not wait for and may lose (`work` logs its own failures)."""
    with _lock:
        future = _pool().submit(_call, app, work, args)
        _tasks.add(future)
    future.add_done_callback(lambda done: _tasks.discard(done))
    return future


def _call(app: Flask, work: Callable[..., None], args: tuple[Any, ...]) -> None:
    with app.app_context():
        work(*args)


def _job(app: Flask, report_id: int) -> str:
    with app.app_context():
        try:
            return run_report(report_id)
        except Exception:  # recorded on the row by run_report (status failed, error text)
            app.logger.info("report %s failed in the local pool; see the report row", report_id)
            return "failed"


def _forget(report_id: int, future: Future[str]) -> None:
    with _lock:
        if _futures.get(report_id) is future:
            del _futures[report_id]


def in_flight(report_id: int) -> bool:
    """True while this process has the report's job queued or running."""
    with _lock:
        return report_id in _futures


def wait_all(timeout: float) -> bool:
    """Wait until every job submitted so far has ended; False if some are still going after `timeout`
    seconds. For tests and for an orderly shutdown."""
    with _lock:
        pending: list[Future[Any]] = [*_futures.values(), *_tasks]
    _, not_done = wait(pending, timeout=timeout)
    return not not_done
