"""Faults under autosave traffic (PostgreSQL pass): a database restart loses no acknowledged answer.

A short version of `python -m bench.autosave_load --respondents 50 --seconds 60 --restart-at 20`:
simulated respondents keep saving through gunicorn while the (private) PostgreSQL cluster restarts;
answers not acknowledged are resent, and at the end every acknowledged answer is in the database.
"""

from __future__ import annotations

import pytest

from bench.autosave_load import run

pytestmark = pytest.mark.multinode


def test_database_restart_loses_no_acknowledged_answer() -> None:
    result = run(respondents=8, seconds=8, restart_at=3, workers=2)
    assert result["database_restarted"]
    assert result["final_answers_checked"] >= 8
    assert result["lost"] == 0, result
    assert result["server_errors_5xx_except_503"] == 0, result  # an outage answers 503 (retry), never 500


def test_concurrent_respondents_lose_nothing_and_get_no_server_errors() -> None:
    result = run(respondents=12, seconds=6, workers=2)
    assert result["lost"] == 0 and result["status_counts"].keys() == {"200"}, result
