"""`flask users create-admin`: the first platform administrator of a new installation (and any later one).

The password never goes on the command line (it would show in `ps` and the shell history): it is asked
for twice at the terminal, or read from the ADMIN_PASSWORD variable or one line of standard input when a
deployment script creates the account.
"""

from __future__ import annotations

import os
import sys

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext

from portal.validators import PASSWORD_MIN_LENGTH, weak_password

RULE = f"at least {PASSWORD_MIN_LENGTH} characters with both letters and digits"
PUBLISHED_PASSWORDS = frozenset({"Demo-2026"})  # the demo accounts' password is in the README


@click.group("users")
def users_group() -> None:
    """Accounts made on the server: platform administrators."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get("ADMIN_PASSWORD"):
        return os.environ["ADMIN_PASSWORD"]
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@users_group.command("create-admin")
@click.option("--email", required=True, help="the administrator's e-mail address (the sign-in name)")
@click.option("--name", default="平台管理员", show_default=True, help="the name shown in the portal")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="read the password from one line of standard input (else ADMIN_PASSWORD, else a prompt)",
)
@with_appcontext
def create_admin(email: str, name: str, password_stdin: bool) -> None:
    """Create a platform administrator (verified) whose password passes the registration policy."""
    from portal.admin.services import create_platform_admin
    from portal.auth.services import AccountError, NewAccount

    try:
        address = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise click.UsageError(f"--email: {exc}") from exc
    password = _password(password_stdin)
    if weak_password(password):
        raise click.ClickException(f"password refused: {RULE}")
    if password in PUBLISHED_PASSWORDS:
        raise click.ClickException("password refused: it is the demo accounts' published password")
    try:
        user = create_platform_admin(NewAccount(name=name, email=address, password=password))
    except AccountError as exc:
        raise click.ClickException(f"{address} already has an account") from exc
    click.echo(f"Created platform administrator {user.email} (user {user.id}); sign in at /login.")


@users_group.command("end-sessions")
@click.option("--email", default=None, help="only this account's sessions (default: every account's)")
@with_appcontext
def end_sessions(email: str | None) -> None:
    """Sign browsers out: every account's (after a suspected leak), or one account's."""
    from portal.auth import sessions
    from portal.auth.services import find_user
    from portal.extensions import db

    if email is None:
        ended = sessions.end_every_session()
        db.session.commit()
        click.echo(f"Ended {ended} sign-in session(s): everyone signs in again.")
        return
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no account {email}")
    sessions.end_all_sessions(user)
    db.session.commit()
    click.echo(f"Ended every sign-in session of {user.email}.")
