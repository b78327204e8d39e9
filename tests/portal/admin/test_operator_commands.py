"""Commands an operator runs on a new installation: the first administrator, and demo data kept out of
production."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory

from portal import create_app
from portal.auth.services import find_user
from portal.models import Role


def test_create_admin_makes_a_verified_administrator_who_can_sign_in(app: Flask, client: FlaskClient) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "--email", "It.Admin@bureau.gd.gov", "--password-stdin"],
        input="Strong-pass-42\n",
    )
    assert result.exit_code == 0, result.output
    user = find_user("it.admin@bureau.gd.gov")
    assert user is not None and user.role is Role.ADMIN and user.email_verified_at is not None
    assert "Strong-pass-42" not in result.output
    signed_in = client.post("/login", data={"email": "it.admin@bureau.gd.gov", "password": "Strong-pass-42"})
    assert signed_in.status_code == 302 and client.get("/admin/").status_code == 200


def test_create_admin_prompts_twice_and_reads_the_environment(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = app.test_cli_runner()
    prompted = runner.invoke(args=["users", "create-admin", "--email", "a@x.cn"], input="Abcdefg-12\n" * 2)
    assert prompted.exit_code == 0 and "Repeat for confirmation" in prompted.output
    monkeypatch.setenv("ADMIN_PASSWORD", "From-env-2027")
    from_env = runner.invoke(args=["users", "create-admin", "--email", "b@x.cn"])
    assert from_env.exit_code == 0, from_env.output
    assert find_user("b@x.cn").check_password("From-env-2027")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1", "at least 8 characters"),
        ("lettersonly", "letters and digits"),
        ("1234567890", "letters and digits"),
        ("Demo-2026", "published password"),
    ],
)
def test_create_admin_refuses_a_weak_or_published_password(app: Flask, password: str, reason: str) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "--email", "weak@x.cn", "--password-stdin"], input=password + "\n"
    )
    assert result.exit_code == 1 and reason in result.output
    assert find_user("weak@x.cn") is None


def test_create_admin_refuses_a_taken_address_and_a_malformed_one(app: Flask, make: Factory) -> None:
    taken = make.user(Role.ENTERPRISE)
    runner = app.test_cli_runner()
    again = runner.invoke(
        args=["users", "create-admin", "--email", taken.email, "--password-stdin"], input="Strong-pass-42\n"
    )
    assert again.exit_code == 1 and "already has an account" in again.output
    assert find_user(taken.email).role is Role.ENTERPRISE  # type: ignore[union-attr]
    malformed = runner.invoke(args=["users", "create-admin", "--email", "not-an-address", "--password-stdin"])
    assert malformed.exit_code == 2 and "--email" in malformed.output


def _production(tmp_path: Path) -> Any:
    return create_app(
        env={
            "PORTAL_ENV": "production",
            "SECRET_KEY": "p" * 40,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
            "PUBLIC_URL": "https://dx.example.cn",
            "MAIL_SERVER": "smtp.example.cn",
        }
    )


@pytest.mark.parametrize(
    "command", [["seed-demo"], ["bureau", "seed-demo"], ["seed-scale", "--companies", "10"]]
)
def test_demo_data_commands_are_refused_in_production(tmp_path: Path, command: list[str]) -> None:
    result = _production(tmp_path).test_cli_runner().invoke(args=command)
    assert result.exit_code == 1
    assert "PORTAL_ENV=production" in result.output and "--force-demo" in result.output
    assert not (tmp_path / "prod.sqlite3").exists()  # refused before touching the database


def test_force_demo_lets_a_staging_copy_seed(tmp_path: Path) -> None:
    app = _production(tmp_path)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    result = app.test_cli_runner().invoke(args=["seed-demo", "--companies", "1", "--force-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert find_user("admin@demo.dx") is not None


def test_end_sessions_signs_every_browser_out(app: Flask, make: Factory, login_as: LoginAs) -> None:
    first, second = make.user(Role.ENTERPRISE), make.user(Role.ENTERPRISE)
    browsers = [login_as(first), login_as(second)]
    assert all(b.get("/company/").status_code == 200 for b in browsers)
    runner = app.test_cli_runner()
    one = runner.invoke(args=["users", "end-sessions", "--email", first.email])
    assert one.exit_code == 0, one.output
    assert browsers[0].get("/company/").status_code == 302 and browsers[1].get("/company/").status_code == 200
    everyone = runner.invoke(args=["users", "end-sessions"])
    assert everyone.exit_code == 0 and "Ended 1 sign-in session" in everyone.output
    assert browsers[1].get("/company/").status_code == 302


def test_synthetic_scale_data_pins_each_instrument_version_to_its_own_hash(app: Flask) -> None:
    # The lock holds gd-mfg-dt 2025.1 and 2025.2; synthetic submissions (before 2025.2 existed) are on
    # 2025.1 and must carry 2025.1's hash, or opening one would fail the pinned-content check.
    import sqlalchemy as sa

    import questionnaires as q
    from portal.bureau import seed_scale
    from portal.extensions import db
    from portal.models import Assessment

    seed_scale.seed(30, rebuild=False)
    rows = db.session.execute(
        sa.select(Assessment.instrument_id, Assessment.instrument_version, Assessment.instrument_hash)
    ).all()
    assert {(i, v) for i, v, _h in rows} == {("gd-mfg-dt", "2025.1"), ("miit-sme-digital", "2024")}
    for instrument_id, version, digest in rows:
        assert q.load(instrument_id, version, expected_hash=digest).version == version
