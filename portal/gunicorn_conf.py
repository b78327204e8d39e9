"""gunicorn settings for the app nodes (docs/deploy.md), shipped in the package so an installed release
finds them from any directory. Flags on the command line override them:

gunicorn -c python:portal.gunicorn_conf -b 0.0.0.0:8000 'portal:create_app()'
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from typing import Any

# Sync workers, one per core: every request is short (PDF reports and exports go to the job queue), and
# measured on 2 cores one worker per core served more than two per core (docs/deploy.md, sizing).
workers = max(2, multiprocessing.cpu_count())  # two at least: one recycling leaves one serving
timeout = 30
# SIGTERM: stop accepting, finish the requests in flight within this many seconds, then exit
# (the rolling restart in docs/deploy.md relies on it).
graceful_timeout = 20
# Recycling bounds memory growth; the jitter keeps the workers from restarting all at once.
max_requests = 5000
max_requests_jitter = 500
# Nothing on the local disk: no control socket (~/.gunicorn/gunicorn.ctl, shared by every node of the
# machine); nodes are managed by signals (systemd, docs/deploy.md).
control_socket_disable = True
# gunicorn's own lines (master and worker lifecycle) in the app's JSON when LOG_FORMAT=json.
if os.environ.get("LOG_FORMAT") == "json":
    from portal.logs import gunicorn_logconfig

    logconfig_dict = gunicorn_logconfig()


def on_starting(server: Any) -> None:
    """Validate the configuration in the master, before any worker starts: a missing or malformed setting
    (SECRET_KEY in production, …) exits gunicorn with status 1 and a message naming the variable, instead
    of workers failing to boot over and over on an open port."""
    from portal.config import ConfigError, check_environment

    try:
        check_environment(dict(os.environ))
    except ConfigError as exc:
        raise SystemExit(f"Configuration error — {exc}") from None
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:  # the workers' metric files of an earlier run would be added to this one's
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))


def child_exit(server: Any, worker: Any) -> None:
    """A finished worker's live gauges go; its counters stay in the totals (prometheus-client)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker: Any) -> None:
    """Move everything loaded with the app (modules, the app, ~160k objects) out of the collector's sight.

    It lives as long as the worker anyway, and each full collection would scan all of it: measured 50–90 ms
    per full collection with `gc.collect()` in a warmed-up worker, a pause that lands on whichever request
    happens to be running. After `gc.freeze()` a full collection scans only what requests created.
    """
    gc.freeze()
