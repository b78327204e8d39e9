"""`flask data export|import|delete-company` (thin wrappers)."""

from __future__ import annotations

import sys

import click

from portal.inputs import MAX_DB_ID


@click.group("data")
def data_group() -> None:
    """Move the portal's data between databases; delete a company's personal data (PIPL)."""


@data_group.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="-", help="file (default stdout)")
def export_command(output: str) -> None:
    """Write every table to one JSON document."""
    from portal.data.transfer import export_all

    if output == "-":
        counts = export_all(sys.stdout)
    else:
        with open(output, "w", encoding="utf-8") as out:
            counts = export_all(out)
    click.echo(f"exported {sum(counts.values())} rows from {len(counts)} tables", err=True)


@data_group.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
def import_command(source: str) -> None:
    """Load an export into an empty, migrated database."""
    from portal.data.transfer import ImportRefusedError, import_all

    with open(source, encoding="utf-8") as handle:
        try:
            counts = import_all(handle)
        except ImportRefusedError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"imported {sum(counts.values())} rows into {len(counts)} tables")


@data_group.command("delete-company")
@click.argument("company_id", type=click.IntRange(1, MAX_DB_ID))
@click.option("--yes", is_flag=True, help="confirm: this cannot be undone")
def delete_company_command(company_id: int, yes: bool) -> None:
    """Delete a company's personal data at its request (PIPL); keeps anonymised statistics consistent."""
    from portal.data.pipl import delete_company
    from portal.extensions import db
    from portal.models import Company

    company = db.session.get(Company, company_id)
    if company is None:
        raise click.ClickException(f"no company {company_id}")
    if not yes:
        raise click.ClickException(f"this deletes the personal data of {company.name}; repeat with --yes")
    summary = delete_company(company, None)
    click.echo(
        f"company {company_id} anonymised: {summary.accounts} accounts, "
        f"{summary.evidence_files} evidence files, {summary.reports} reports, "
        f"{summary.text_answers} text answers removed"
    )
