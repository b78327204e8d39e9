"""`flask review seed-demo`: the demo assessor and reviewed upgrade rounds (after the bureau demo)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.demo_guard import demo_data_command


@click.group("review")
def review_group() -> None:
    """On-site review of MIIT assessments."""


@review_group.command("seed-demo")
@with_appcontext
@demo_data_command
def seed_demo() -> None:
    """Appoint the demo assessor and add reviewed upgrade rounds in 揭阳 (the pilot-target page's demo)."""
    from portal.review import demo

    click.echo(demo.seed())
