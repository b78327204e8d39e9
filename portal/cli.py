"""Flask CLI commands (thin wrappers over feature and library functions)."""

from __future__ import annotations

import sys

import click
from flask import Flask


@click.group("questionnaires")
def questionnaires_group() -> None:
    """Instrument definitions: validate and list (see questionnaires/SCHEMA.md)."""


@questionnaires_group.command("validate")
@click.argument("paths", nargs=-1)
def questionnaires_validate(paths: tuple[str, ...]) -> None:
    """Validate definitions (all shipped ones by default); exit 1 with file, path and reason on errors."""
    from questionnaires.__main__ import main

    sys.exit(main(["validate", *paths]))


@questionnaires_group.command("list")
def questionnaires_list() -> None:
    """Instruments with version, status (draft/published) and content hash."""
    from questionnaires.__main__ import main

    sys.exit(main(["list"]))


@click.group("scores")
def scores_group() -> None:
    """Scoring results stored in the database."""


@scores_group.command("recompute")
@click.option("--batch-size", default=200, show_default=True)
def scores_recompute(batch_size: int) -> None:
    """Re-score every submitted assessment with the current engine (new result rows; old rows kept)."""
    from portal.results.services import count_submitted, recompute_all
    from scoring.maturity import ENGINE_VERSION

    total = count_submitted()
    click.echo(f"Re-scoring {total} submitted assessments with engine {ENGINE_VERSION}")
    with click.progressbar(length=total, label="scoring") as bar:
        done = 0
        for progress in recompute_all(batch_size):
            bar.update(progress - done)
            done = progress
    click.echo(f"Done: {done} new result rows.")


def register(app: Flask) -> None:
    from portal.admin.cli import users_group
    from portal.bureau.cli import bureau_group, seed_scale
    from portal.demo import seed_demo_command
    from portal.review.cli import review_group

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(users_group)
    app.cli.add_command(bureau_group)
    app.cli.add_command(review_group)
    app.cli.add_command(seed_scale)
    app.cli.add_command(questionnaires_group)
    app.cli.add_command(scores_group)
    from portal.data.cli import data_group

    app.cli.add_command(data_group)

    from portal.reports.cli import report_group

    app.cli.add_command(report_group)
