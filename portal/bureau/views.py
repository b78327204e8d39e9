"""Bureau (工业和信息化主管部门) pages, scoped to the officer's jurisdiction. Thin: all counting is in
the `portal.bureau.queries` package (see its docstring, and the `portal.bureau.aggregates` package's for the
counting rule)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import roles
from portal.bureau import charts, exports, queries, targets
from portal.bureau.citations import citation
from portal.i18n import pick
from portal.inputs import page_number
from portal.models import Role
from scoring.reference import industries, regions

bp = Blueprint("bureau", __name__)


def _filters() -> queries.Filters:
    return queries.parse_filters(request.args, current_user)


def _filter_options(filters: queries.Filters) -> dict[str, Any]:
    city = filters.city or current_user.jurisdiction_city
    return {
        "cities": [(c, pick(c, regions.CITY_NAMES_EN.get(c))) for c in regions.CITIES],
        "districts": [(d.name_zh, pick(d.name_zh, d.name_en)) for d in regions.districts(city)]
        if city
        else [],
        "clusters": [(c.id, queries.cluster_name(c.id)) for c in industries.clusters()],
        "sizes": [(s, str(queries.SIZE_NAMES[s])) for s in queries.SIZE_CLASSES],
    }


@bp.get("/")
@roles(Role.BUREAU)
def dashboard() -> Any:
    filters = _filters()
    tables = queries.summary(current_user, filters)
    geo = tables.get("by_city") or tables["by_district"]
    figures = {
        "chart-levels": charts.distribution(tables["levels"]),
        "chart-miit": charts.distribution(tables["miit_levels"]),
        "chart-fiveg": charts.distribution(tables["fiveg"]),
        "chart-geo": charts.breakdown(geo),
        "chart-month": charts.trend(tables["trend_month"]),
        "chart-quarter": charts.trend(tables["trend_quarter"]),
    }
    return render_template(
        "bureau/dashboard.html",
        filters=filters,
        args=filters.as_args(),
        tables=tables,
        geo=geo,
        headline=dict(zip(tables["headline"].row_keys, tables["headline"].rows, strict=True)),
        chart_specs={k: charts.to_web(v) for k, v in figures.items()},
        options=_filter_options(filters),
        counting_rule=queries.counting_rule(),
        scope=queries.jurisdiction_name(current_user),
    )


@bp.get("/export.<fmt>")
@roles(Role.BUREAU)
def export(fmt: str) -> Any:
    """The dashboard's tables as a file, made in the request: a few dozen aggregate rows whatever the
    jurisdiction's size. The company list's Excel file, which grows with it, is made by the job queue
    (`reports.company_export`)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters = _filters()
    tables = [*queries.summary(current_user, filters).values(), targets.targets_table(current_user)]
    scope, args = queries.jurisdiction_name(current_user), filters.as_args()
    if fmt == "csv":
        body, mime = exports.to_csv(tables, scope, args), "text/csv; charset=utf-8"
    else:
        body, mime = exports.to_xlsx(tables, scope, args), exports.XLSX_MIME
    name = exports.filename(scope, args, fmt)
    return Response(body, mimetype=mime, headers={"Content-Disposition": exports.content_disposition(name)})


@bp.get("/companies")
@roles(Role.BUREAU)
def companies() -> Any:
    filters = _filters()
    listing = queries.company_list(current_user, filters, page_number(request.args))
    return render_template(
        "bureau/companies.html",
        filters=filters,
        args=filters.as_args(),
        listing=listing,
        options=_filter_options(filters),
        scope=queries.jurisdiction_name(current_user),
    )


@bp.get("/companies/export.csv")
@roles(Role.BUREAU)
def companies_export() -> Any:
    """The whole company list of the selection, streamed (a province has hundreds of thousands)."""
    filters = _filters()
    withheld, rows = queries.all_companies(current_user, filters)
    scope, args = queries.jurisdiction_name(current_user), filters.as_args()
    name = exports.filename(scope, args, "csv", title=_("企业名单"))
    body = stream_with_context(exports.company_list_csv(rows, withheld, scope, args))
    headers = {"Content-Disposition": exports.content_disposition(name)}
    return Response(body, mimetype="text/csv; charset=utf-8", headers=headers)


@bp.get("/pipeline")
@roles(Role.BUREAU)
def pipeline() -> Any:
    filters = _filters()
    program = request.args.get("program") or None
    listing = queries.pipeline_list(current_user, filters, program, page_number(request.args))
    return render_template(
        "bureau/pipeline.html",
        filters=filters,
        args=filters.as_args(),
        listing=listing,
        program=program,
        programs=queries.programs_table(current_user, filters),
        options=_filter_options(filters),
        scope=queries.jurisdiction_name(current_user),
    )


@bp.get("/targets")
@roles(Role.BUREAU)
def target_list() -> Any:
    return render_template(
        "bureau/targets.html",
        views=targets.indicator_views(current_user),
        scope=queries.jurisdiction_name(current_user),
        citation=citation,
    )


@bp.post("/targets/<int:indicator_id>/actuals")
@roles(Role.BUREAU)
def report_actual(indicator_id: int) -> Any:
    form = request.form
    try:
        targets.report_actual(
            current_user, indicator_id, form.get("period", ""), form.get("value", ""), form.get("note")
        )
    except LookupError:
        abort(404)
    except targets.ReportError as error:
        flash(error.text(), "error")
    else:
        flash(_("已保存实际值。"), "success")
    return redirect(url_for("bureau.target_list"))
