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


def register(app: Flask) -> None:
    from portal.demo import seed_demo_command

    app.cli.add_command(seed_demo_command)
    app.cli.add_command(questionnaires_group)
