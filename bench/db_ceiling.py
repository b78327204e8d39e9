"""The database's own ceiling for autosave: the write statement of a save (FAST_SAVE, the same SQL and
parameters the application sends for one changed answer) and its COMMIT, run by a bare psycopg client, with
no application in between, at the same concurrency and over the same respondents as the HTTP bench.
Synchronous commit is on, as in production: each save waits for its WAL flush, so this is what the disk
allows; the application's autosave rate divided by it is the share of the ceiling the application reaches.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from typing import Any

import psycopg

from portal.assessments.saving.statements import FAST_SAVE

ITEM = "base.info_systems.coverage"  # the item the HTTP bench's autosave changes
VALUES = ("B", "C", "D", "E")


def _conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def respondents(url: str, assessment_ids: list[int]) -> list[dict[str, int]]:
    """Assessment, company and user of each respondent (the user who started the assessment)."""
    with psycopg.connect(_conninfo(url)) as conn:
        rows = conn.execute(
            "SELECT id, company_id, created_by_id FROM assessments WHERE id = ANY(%s) ORDER BY id",
            (assessment_ids,),
        ).fetchall()
    return [{"assessment": a, "company": c, "user": u} for a, c, u in rows]


def _saver(url: str, mine: list[dict[str, int]], until: float, counts: list[int], slot: int) -> None:
    with psycopg.connect(_conninfo(url)) as conn:
        conn.execute("SET synchronous_commit = on")
        conn.commit()
        n = 0
        while time.monotonic() < until:
            who = mine[n % len(mine)]
            change = [{"item_id": ITEM, "base_version": None, "value": VALUES[n % len(VALUES)]}]
            params: dict[str, Any] = {
                "assessment_id": who["assessment"],
                "company_id": who["company"],
                "user_id": who["user"],
                "acting_org_id": None,
                "draft": "DRAFT",
                "now": datetime.now(UTC),
                "module_id": "base",
                "item_id": ITEM,
                "changes": json.dumps(change),
            }
            try:
                conn.execute(FAST_SAVE, params).fetchall()
            except (psycopg.errors.LockNotAvailable, psycopg.errors.UniqueViolation):
                # Another client saving the same assessment: it holds the lock, or it committed the same
                # first answer between this statement's snapshot and its lock. The application answers
                # both by going through its locked path (portal/assessments/saving/fast.py); here: again.
                conn.rollback()
                continue
            conn.commit()
            n += 1
        counts[slot] = n


def saves_per_second(url: str, people: list[dict[str, int]], seconds: float, connections: int) -> float:
    """Commits per second of `connections` clients saving in turns over `people` (each client its own)."""
    counts = [0] * connections
    until = time.monotonic() + seconds
    started = time.monotonic()
    threads = [
        threading.Thread(target=_saver, args=(url, people[slot::connections] or people, until, counts, slot))
        for slot in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(sum(counts) / (time.monotonic() - started), 1)
