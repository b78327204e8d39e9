"""`flask bureau …` and `flask seed-scale`: aggregate upkeep, pipeline refresh, catalogue and demo data."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.demo_guard import demo_data_command


@click.group("bureau")
def bureau_group() -> None:
    """Bureau dashboards: aggregates, program pipeline, target catalogue."""


@bureau_group.command("rebuild-aggregates")
@with_appcontext
def rebuild_aggregates() -> None:
    """Recompute bureau_facts and bureau_aggregates from the raw tables (run nightly; safe any time)."""
    from portal.bureau import aggregates

    counts = aggregates.rebuild_all()
    click.echo(f"Rebuilt {counts['facts']} fact rows and {counts['aggregate_rows']} aggregate rows.")


@bureau_group.command("refresh-eligibility")
@with_appcontext
def refresh_eligibility() -> None:
    """Re-evaluate programs of every assessed company (nightly; conditions change outside submissions)."""
    from portal.bureau import aggregates

    if aggregates.eligibility_evaluator() is None:
        click.echo("portal.eligibility is not installed; the pipeline keeps its stored rows.")
        return
    progress = list(aggregates.refresh_all_eligibility())
    click.echo(f"Evaluated {progress[-1] if progress else 0} companies.")


@bureau_group.command("seed-indicators")
@with_appcontext
def seed_indicators() -> None:
    """Insert/update the plan indicator catalogue (targets with their sources)."""
    from portal.bureau import targets

    click.echo(f"{targets.ensure_catalogue()} indicators in the catalogue.")


@bureau_group.command("seed-demo")
@with_appcontext
@demo_data_command
def seed_demo() -> None:
    """Demo bureau data: synthetic assessments for the demo companies, catalogue, example actuals."""
    from portal.bureau import demo

    click.echo(demo.seed())


@click.command("seed-scale")
@click.option("--companies", "n_companies", default=100_000, show_default=True)
@click.option("--seed", "seed_value", default=2026, show_default=True)
@with_appcontext
@demo_data_command
def seed_scale(n_companies: int, seed_value: int) -> None:
    """Append a synthetic population (companies, submitted assessments, results) and rebuild aggregates."""
    from portal.bureau import seed_scale as generator

    report = generator.seed(n_companies, seed_value)
    click.echo(
        f"{report.companies} companies, {report.assessments} assessments, {report.results} results, "
        f"{report.pipeline} pipeline rows in {report.seconds_generate:.1f}s "
        f"({report.companies_per_second:,.0f} companies/s); "
        f"aggregates rebuilt in {report.seconds_aggregate:.1f}s"
    )
