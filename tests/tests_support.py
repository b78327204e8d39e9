"""Test helpers importable from any test module: factories, sign-in, CSRF token extraction."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

import questionnaires
from portal.assessments import saving
from portal.assessments import services as assessments
from portal.extensions import db as _db
from portal.models import Answer, Assessment, Company, JurisdictionLevel, ProviderOrg, Role, User
from questionnaires.strict_yaml import load_file
from scoring.reference import credit_code

# The policy material beside the checkout (CI clones the repo with shared/ next to it).
SHARED_DIR = Path(os.environ.get("DX_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared")
MIIT_REFERENCE_YAML = SHARED_DIR / "policy" / "miit_2024_instrument.yaml"


def require_shared(path: Path) -> Path:
    """`path` inside shared/ (the policy sources), or skip the test that compares with it.

    A bare clone (a newcomer's checkout) has no shared/ beside it and still passes `make test`; CI clones
    the repository beside shared/, so there a missing file is a failure, not a skip."""
    if path.exists():
        return path
    reason = f"policy sources not found ({path.name}): clone beside shared/ or set DX_SHARED_DIR"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def shared_miit_reference() -> dict[str, Any]:
    """The MIIT 2024 instrument as digested in shared/policy — the independent reference for tests."""
    data: dict[str, Any] = load_file(require_shared(MIIT_REFERENCE_YAML))
    return data


ROLE_NAMES = (
    "anonymous",
    "enterprise_admin",
    "enterprise_member",
    "provider",
    "bureau_province",
    "bureau_city",
    "bureau_district",
    "admin",
)

PASSWORD = "Test-pass-1"


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


@dataclass
class Factory:
    counter: int = 0

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def company(self, **fields: Any) -> Company:
        n = self._next()
        defaults: dict[str, Any] = {
            "name": f"测试企业{n}有限公司",
            "credit_code": credit_code.with_check_char(f"914452000000{n:05d}"),
            "city": "揭阳市",
            "district": "榕城区",
            "industry_section": "C",
            "industry_division": "33",
            "employees": 120,
            "revenue_wan": Decimal("5000"),
            "total_assets_wan": Decimal("4000"),
        }
        company = Company(**{**defaults, **fields})
        _db.session.add(company)
        _db.session.commit()
        return company

    def provider_org(self, **fields: Any) -> ProviderOrg:
        n = self._next()
        org = ProviderOrg(
            **{
                "name": f"测试服务商{n}",
                "credit_code": credit_code.with_check_char(f"914403000000{n:05d}"),
                **fields,
            }
        )
        _db.session.add(org)
        _db.session.commit()
        return org

    def user(self, role: Role = Role.ENTERPRISE, **fields: Any) -> User:
        n = self._next()
        user = User(**{"name": f"用户{n}", "email": f"user{n}@test.dx", "role": role, **fields})
        if role is Role.ENTERPRISE and user.company_id is None and "company" not in fields:
            user.company = self.company()
        if role is Role.ENTERPRISE and "is_company_admin" not in fields:
            user.is_company_admin = True  # pass is_company_admin=False for an ordinary member
        if role is Role.PROVIDER and "provider_org" not in fields:
            user.provider_org = self.provider_org()
        if role is Role.BUREAU and user.jurisdiction_level is None:
            user.jurisdiction_level = JurisdictionLevel.PROVINCE
        user.set_password(PASSWORD)
        _db.session.add(user)
        _db.session.commit()
        return user


def sign_in_session(client: FlaskClient, user: User) -> None:
    """Put a signed-in session in the client's cookie jar directly (no password hashing, for big matrices).
    The cookie carries a sign-in session's token, as after a real sign-in."""
    from portal.auth.sessions import open_session

    token = open_session(user)
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True


def signed_in_user_id(client: FlaskClient) -> int | None:
    """The id of the user the client's session cookie signs in, if any."""
    from portal.auth.sessions import load

    with client.session_transaction() as session:
        token = session.get("_user_id")
    user = load(token) if token else None
    return user.id if user is not None else None


def login(client: FlaskClient, user: User) -> None:
    """Sign a test client in through the real login form."""
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert signed_in_user_id(client) == user.id, "the client was already signed in as someone else"


def empty_all_tables() -> None:
    """Delete every row of every table (children first), and start ids from 1 again.

    SQLite hands out ids from 1 again once a table is empty; PostgreSQL sequences would carry on, so a
    test's ids would follow how many rows the tests before it created. Ids are not only names: the bureau
    figures' disclosure control keys on them (record keys), so without the reset whether a bureau's list
    is published or withheld depended on the order the tests ran in.
    """
    _db.session.remove()
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            sequences = conn.scalars(
                sa.text(
                    "SELECT sequence_name FROM information_schema.sequences"
                    " WHERE sequence_schema = current_schema()"
                )
            )
            for name in sequences.all():
                conn.execute(sa.text(f'ALTER SEQUENCE "{name}" RESTART'))


def answer_everything(assessment: Assessment, user: User, choice: int = 2) -> None:
    """Answer every visible item; `choice` picks the option index (higher = more mature)."""
    instrument = assessments.instrument_of(assessment)
    answers: dict[str, Any] = {}
    for item in instrument.items:
        if item.type == "single":
            value: Any = item.options[min(choice, len(item.options) - 1)].id
        elif item.type == "multi":
            value = [o.id for o in item.options if not o.exclusive][: max(choice, 1)]
        elif item.type == "scenario_level":
            value = min(choice, 4)
        elif item.type == "boolean":
            value = choice >= 2
        elif item.type in ("number", "integer"):
            value = int(item.min or 0) + 1
        else:
            value = "说明"
        if item.evidence:
            value = {
                "value": value,
                "evidence": {f.id: 10 for f in item.evidence if f.type in ("number", "integer")},
            }
        answers[item.id] = value
    visible = questionnaires.visible_items(instrument, answers, assessment.company.cluster)
    changes = [saving.Change(i.id, answers[i.id], None) for i in visible]
    saving.save(assessment.id, changes, user)


def submitted(make: Factory, choice: int = 2, **company: Any) -> tuple[Assessment, User]:
    user = make.user(Role.ENTERPRISE, company=make.company(**company))
    assert user.company is not None
    assessment = assessments.start(user.company, "gd-mfg-dt", user)
    answer_everything(assessment, user, choice)
    assessments.submit(assessment, user, attested=True)
    return assessment, user


def first_answer_held_open(assessment_id: int, item_id: str, value: str, user_id: int) -> sa.Connection:
    """Another transaction, left open, holding the assessment's first answer to `item_id` (PostgreSQL).

    It recreates the one window a save's single statement cannot see: another save committing the same
    first answer after the statement's snapshot but before its lock. The insert skips the foreign-key check
    (replica role, for this transaction only), whose share lock on the assessment would make the statement
    give way at once; so the statement takes the lock, misses the answer, and its insert waits on the
    unique index until the caller commits the returned connection, then fails."""
    other = _db.engine.connect()
    other.execute(sa.text("SET LOCAL session_replication_role = replica"))
    other.execute(
        sa.insert(Answer).values(
            assessment_id=assessment_id, item_id=item_id, value=value, version=1, updated_by_id=user_id
        )
    )
    return other


def wait_until_a_backend_waits_for_a_lock(seconds: float = 10) -> None:
    """Poll pg_stat_activity (on a connection of its own) until another backend is blocked on a lock."""
    deadline = time.monotonic() + seconds
    with _db.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                sa.text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            ).scalar_one()
            conn.rollback()  # a fresh snapshot of pg_stat_activity on the next poll
            if waiting:
                return
            time.sleep(0.01)
    raise AssertionError("the second save never waited for the lock")


def stop_processes(*processes: subprocess.Popen[bytes], seconds: float = 20) -> None:
    """SIGTERM each process and wait for it; one still running after `seconds` (a worker busy shutting its
    chart browser down on a loaded machine) is killed, and reaped like the others (an unreaped Popen
    warns when collected, which fails the test)."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
