"""The report worker: an RQ SimpleWorker that keeps heartbeating while it renders.

Why a subclass: a plain SimpleWorker runs the job in its own thread and sends no heartbeat until the job
ends, so RQ puts the job's StartedJobRegistry entry `job_timeout + 60` s (360 s) in the future. A worker
killed mid-render (SIGKILL, OOM, node loss) then leaves its job "started" for six minutes before RQ's own
abandoned-job handling (`StartedJobRegistry.cleanup`, run by any worker's maintenance) retries it.

Here a side thread renews the heartbeat every `HEARTBEAT_INTERVAL_S` with a short TTL, so a dead worker's
job expires `HEARTBEAT_TTL_S` after its last heartbeat; idle workers wake every `DEQUEUE_TIMEOUT_S` and run
the registry maintenance every `MAINTENANCE_INTERVAL_S`, so the next worker retries it promptly (RQ
`Retry`; the job's failure callback records it on the report row). Worst case from the next worker's
start: HEARTBEAT_TTL_S + DEQUEUE_TIMEOUT_S + one render, well under a minute.

At every maintenance the worker also sweeps the report outbox (portal/reports/outbox.py): rows left
`pending` while Redis was down are queued, rows stuck with no live job are queued again or marked failed.

A hung render is still ended by RQ's job timeout (SIGALRM in the main thread); should even that fail, the
heartbeats stop once the timeout has passed, so the job is taken as abandoned and retried elsewhere.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from rq import SimpleWorker
from rq.job import Job
from rq.queue import Queue
from rq.worker import WorkerStatus

HEARTBEAT_INTERVAL_S = 5
HEARTBEAT_TTL_S = 15  # a job not heartbeaten for this long is abandoned (its worker died)
DEQUEUE_TIMEOUT_S = 10  # an idle worker wakes this often: heartbeat, maintenance when due
MAINTENANCE_INTERVAL_S = 10  # registry cleanup (abandoned jobs) at most this often per worker
# RQ blocks on the queue for worker_ttl - 15 s: this worker_ttl gives DEQUEUE_TIMEOUT_S.
WORKER_TTL_S = DEQUEUE_TIMEOUT_S + 15


class ReportWorker(SimpleWorker):
    """SimpleWorker (one process, the app and its chart browser live as long as the worker) with
    heartbeats during the job and short maintenance intervals, for prompt abandoned-job recovery."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("worker_ttl", WORKER_TTL_S)
        kwargs.setdefault("maintenance_interval", MAINTENANCE_INTERVAL_S)
        kwargs.setdefault("job_monitoring_interval", HEARTBEAT_INTERVAL_S)
        super().__init__(*args, **kwargs)

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        from portal.reports.outbox import sweep

        try:
            moved = sweep()
        except Exception:  # a database outage must not stop the worker: the next maintenance tries again
            self.log.warning("report worker: outbox sweep failed", exc_info=True)
            return
        if moved:
            self.log.info("report worker: %s pending or stuck report(s) handed over or marked failed", moved)

    def get_heartbeat_ttl(self, job: Job) -> int:
        return HEARTBEAT_TTL_S

    def execute_job(self, job: Job, queue: Queue) -> None:
        self.prepare_execution(job)
        stop = threading.Event()
        beat = threading.Thread(target=self._beat, args=(job, stop), name="rq-heartbeat", daemon=True)
        beat.start()
        try:
            self.perform_job(job, queue)
        finally:
            stop.set()
            beat.join()
        self.set_state(WorkerStatus.IDLE)

    def _beat(self, job: Job, stop: threading.Event) -> None:
        """Renew the worker's, the job's and the execution's heartbeat until the job ends (or its timeout
        has clearly passed: then the render is hung and another worker should take over)."""
        limit = (job.timeout or 0) + HEARTBEAT_TTL_S if (job.timeout or 0) > 0 else None
        started = time.monotonic()
        while not stop.wait(HEARTBEAT_INTERVAL_S):
            if limit is not None and time.monotonic() - started > limit:
                return
            try:
                self.maintain_heartbeats(job)
            except Exception:  # a Redis hiccup must not kill the render; the next beat tries again
                self.log.warning("report worker: heartbeat failed", exc_info=True)
