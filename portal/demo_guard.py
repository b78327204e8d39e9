"""Demo and synthetic data stay out of production: the guard every seeding command wears."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
from flask import current_app


def demo_data_command(command: Callable[..., Any]) -> Callable[..., Any]:
    """For commands that add demo or synthetic data (published passwords, invented companies): refused
    when PORTAL_ENV=production unless --force-demo is given (a staging copy run in production mode)."""

    @click.option("--force-demo", is_flag=True, help="run even though PORTAL_ENV=production")
    @functools.wraps(command)
    def guarded(*args: Any, force_demo: bool, **kwargs: Any) -> Any:
        if current_app.config.get("PORTAL_ENV") == "production" and not force_demo:
            raise click.ClickException(
                "PORTAL_ENV=production: this command adds demo data (accounts with a published password, "
                "invented companies) and is refused; create the first administrator with "
                "`flask users create-admin`, or add --force-demo on a staging copy"
            )
        return command(*args, **kwargs)

    return guarded
