"""gunicorn settings for the app nodes (docs/deploy.md). Flags on the command line override them:

gunicorn -c gunicorn.conf.py -b 0.0.0.0:8000 'portal:create_app()'
"""

from __future__ import annotations

import gc
import multiprocessing
from typing import Any

# Sync workers, two per core: every request is short (PDF reports and exports go to the job queue).
workers = 2 * multiprocessing.cpu_count()
timeout = 30
graceful_timeout = 20
# Recycling bounds memory growth; the jitter keeps the workers from restarting all at once.
max_requests = 5000
max_requests_jitter = 500


def post_worker_init(worker: Any) -> None:
    """Move everything loaded with the app (modules, the app, ~160k objects) out of the collector's sight.

    It lives as long as the worker anyway, and each full collection would scan all of it: measured 50–90 ms
    per full collection with `gc.collect()` in a warmed-up worker, a pause that lands on whichever request
    happens to be running. After `gc.freeze()` a full collection scans only what requests created.
    """
    gc.freeze()
