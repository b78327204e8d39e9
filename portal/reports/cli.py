"""`flask report ...`: render a report without the web server, and run the report worker."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.inputs import MAX_DB_ID


@click.group("report")
def report_group() -> None:
    """PDF reports: render one, or run the RQ worker that renders them."""


@report_group.command("render")
@click.argument("assessment_id", type=click.IntRange(1, MAX_DB_ID), required=False)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--demo", is_flag=True, help="the demo company's submitted assessment (created if none)")
@with_appcontext
def render_command(assessment_id: int | None, output: Path, lang: str, demo: bool) -> None:
    """Render the report of ASSESSMENT_ID (or --demo) to a PDF file, in this process."""
    from portal.extensions import db
    from portal.models import Assessment
    from portal.reports.context import build_report_context
    from portal.reports.pdf import render_report_pdf, stop_chart_server

    if demo == (assessment_id is not None):
        raise click.UsageError("give either ASSESSMENT_ID or --demo")
    if demo:
        from portal.demo import demo_submitted_assessment

        assessment = demo_submitted_assessment()
    else:
        found = db.session.get(Assessment, assessment_id)
        if found is None:
            raise click.ClickException(f"no assessment {assessment_id}")
        assessment = found
    started = time.perf_counter()
    context = build_report_context(assessment, lang)
    stats: dict[str, object] = {}
    try:
        pdf = render_report_pdf(context, stats=stats)
    finally:
        stop_chart_server()
    output.write_bytes(pdf)
    click.echo(
        f"{output}: assessment {assessment.id} ({assessment.company.name}), {stats.get('pages')} pages, "
        f"{len(pdf) // 1024} KB, {time.perf_counter() - started:.2f} s"
    )


@report_group.command("worker")
@click.option("--burst", is_flag=True, help="exit when the queue is empty")
@click.option("--queue", "queue_name", default=None, help="queue name (default: reports)")
@with_appcontext
def worker_command(burst: bool, queue_name: str | None) -> None:
    """Run an RQ worker for report jobs inside the app context.

    SimpleWorker (no fork per job): the app, its database pool and ONE persistent chart browser live as
    long as the worker, so charts cost ~0.2 s each instead of a browser start per chart; each job has its
    own app context and database session (a database restart costs no more than the jobs it interrupts).
    It heartbeats while rendering, so a worker killed mid-render has its job retried by the next worker
    within seconds, and it sweeps the report outbox at start and at every maintenance.
    """
    from redis import Redis
    from rq import Queue

    from portal.reports.outbox import QUEUE_NAME, sweep
    from portal.reports.pdf import ensure_chart_server, stop_chart_server

    url = current_app.config.get("REDIS_URL")
    if not url:
        click.echo("REDIS_URL is not set: the web process renders reports in a thread; no worker needed.")
        sys.exit(1)
    connection = Redis.from_url(url)
    name = queue_name or current_app.config.get("REPORTS_QUEUE", QUEUE_NAME)
    from portal.reports.worker import ReportWorker

    moved = sweep()  # pending rows (Redis was down) and rows whose job was lost; then at every maintenance
    if moved:
        click.echo(f"{moved} report(s) pending or stuck: handed to the queue or marked failed")
    ensure_chart_server()
    try:
        ReportWorker([Queue(name, connection=connection)], connection=connection).work(burst=burst)
    finally:
        stop_chart_server()
