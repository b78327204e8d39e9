"""Operations: the readiness check behind /readyz (database reachable and migrated, Redis reachable)."""

from __future__ import annotations

import functools
import logging
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.extensions import db

log = logging.getLogger(__name__)


@functools.cache
def _revisions(directory: str) -> tuple[frozenset[str], frozenset[str]]:
    """The release's migration heads and every revision it knows (read once per process)."""
    from alembic.script import ScriptDirectory

    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin otherwise
    scripts = ScriptDirectory(directory)
    return frozenset(scripts.get_heads()), frozenset(r.revision for r in scripts.walk_revisions())


def migration_state(database_revisions: set[str]) -> str | None:
    """Why this release cannot serve the database, or None when it can.

    Ready: the database is at this release's head, or at a revision this release does not know — a newer
    release migrated it already (expand/contract, docs/deploy.md), and this node keeps serving until it is
    replaced. Not ready: no migration applied, or one this release knows but behind its head."""
    heads, known = _revisions(str(Path(current_app.extensions["migrate"].directory)))
    if not database_revisions:
        return "no migration applied (run flask db upgrade)"
    if database_revisions == heads or not database_revisions <= known:
        return None
    return "database behind this release's migrations (run flask db upgrade)"


def readiness() -> dict[str, dict[str, Any]]:
    """Each check: ok, and on failure a reason. Migration ids are not shown (the endpoint is public):
    the log has them, and `flask db current` / `flask db heads` on the server."""
    checks: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    try:
        rows = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
        revisions = set(rows)
        problem = migration_state(revisions)
        checks["database"] = {"ok": problem is None}
        if problem:
            checks["database"]["reason"] = problem
            log.warning("not ready: %s (database at %s)", problem, ", ".join(sorted(revisions)) or "none")
    except sa.exc.ProgrammingError:  # no alembic_version table (PostgreSQL)
        db.session.rollback()
        checks["database"] = {"ok": False, "reason": "no migration applied (run flask db upgrade)"}
    except Exception as exc:
        db.session.rollback()
        checks["database"] = {"ok": False, "reason": type(exc).__name__}
    checks["database"]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        try:
            import redis

            redis.Redis.from_url(redis_url, socket_timeout=2).ping()
            checks["redis"] = {"ok": True}
        except Exception as exc:
            checks["redis"] = {"ok": False, "reason": type(exc).__name__}
    return checks
