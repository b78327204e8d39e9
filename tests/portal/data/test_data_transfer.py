"""`flask data export` / `flask data import`: a round trip reproduces every row of every table."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from tests_support import Factory, empty_all_tables, submitted

from portal.data.transfer import ImportRefusedError, export_all, import_all, snapshot
from portal.evidence import services as evidence
from portal.models import Role


def _populate(make: Factory) -> None:
    submitted(make, cluster="c05")
    make.user(Role.BUREAU)
    make.user(Role.PROVIDER)
    draft_user = make.user(Role.ENTERPRISE)
    from portal.assessments.services import start

    draft = start(draft_user.company, "miit-sme-digital", draft_user)
    upload = evidence.Upload("台账.pdf", b"%PDF-1.4\n\xe4\xb8\xad")
    evidence.add(draft, "base.equipment.digitization", upload, draft_user)


def test_round_trip_reproduces_every_row(app: Flask, make: Factory) -> None:
    _populate(make)
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 20
    buffer = io.StringIO()
    export_all(buffer)
    empty_all_tables()
    assert all(not rows for rows in snapshot().values())
    import_all(io.StringIO(buffer.getvalue()))
    assert snapshot() == before
    # new rows after an import get fresh ids (PostgreSQL sequences moved past the imported ones)
    make.company()


def test_import_refuses_a_non_empty_database(app: Flask, make: Factory) -> None:
    _populate(make)
    buffer = io.StringIO()
    export_all(buffer)
    with pytest.raises(ImportRefusedError, match="not empty"):
        import_all(io.StringIO(buffer.getvalue()))


def test_cli_round_trip(app: Flask, make: Factory, tmp_path: Path) -> None:
    _populate(make)
    before = snapshot()
    runner = app.test_cli_runner()
    out = tmp_path / "export.json"
    assert runner.invoke(args=["data", "export", "-o", str(out)]).exit_code == 0
    empty_all_tables()
    result = runner.invoke(args=["data", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert snapshot() == before
