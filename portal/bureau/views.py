"""Bureau (工业和信息化主管部门) pages, scoped to the officer's jurisdiction. Thin: all counting is in
the `portal.bureau.queries` package (see its docstring, and the `portal.bureau.aggregates` package's for the
counting rule)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.access import roles
from portal.bureau import charts, exports, queries, targets
from portal.inputs import page_number
from portal.models import Role
from scoring.reference import industries, regions

bp = Blueprint("bureau", __name__)


def _filters() -> queries.Filters:
    return queries.parse_filters(request.args, current_user)


def _filter_options(filters: queries.Filters) -> dict[str, Any]:
    city = filters.city or current_user.jurisdiction_city
    return {
        "cities": regions.CITIES,
        "districts": [d.name_zh for d in regions.districts(city)] if city else [],
        "clusters": [(c.id, c.name_zh) for c in industries.clusters()],
        "sizes": [(s, queries.SIZE_NAMES[s]) for s in queries.SIZE_CLASSES],
    }


@bp.get("/")
@roles(Role.BUREAU)
def dashboard() -> Any:
    filters = _filters()
    tables = queries.summary(current_user, filters)
    geo = tables.get("by_city") or tables["by_district"]
    figures = {
        "chart-levels": charts.distribution(tables["levels"], "成熟度等级分布"),
        "chart-miit": charts.distribution(tables["miit_levels"], "工信部数字化水平等级"),
        "chart-fiveg": charts.distribution(tables["fiveg"], "5G 工厂就绪等级"),
        "chart-geo": charts.breakdown(geo, geo.title),
        "chart-month": charts.trend(tables["trend_month"], "按月（每家企业每月最近一次评估）"),
        "chart-quarter": charts.trend(tables["trend_quarter"], "按季度（每家企业每季度最近一次评估）"),
    }
    return render_template(
        "bureau/dashboard.html",
        filters=filters,
        args=filters.as_args(),
        tables=tables,
        geo=geo,
        headline={row[0]: row for row in tables["headline"].rows},
        chart_specs={k: charts.to_web(v) for k, v in figures.items()},
        options=_filter_options(filters),
        counting_rule=queries.COUNTING_RULE_ZH,
    )


@bp.get("/export.<fmt>")
@roles(Role.BUREAU)
def export(fmt: str) -> Any:
    filters = _filters()
    tables = [*queries.summary(current_user, filters).values(), targets.targets_table(current_user)]
    scope = current_user.jurisdiction_label
    if fmt == "csv":
        body, mime = exports.to_csv(tables, scope, filters.as_args()), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = exports.to_xlsx(tables, scope, filters.as_args())
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    headers = {"Content-Disposition": f"attachment; filename=bureau_dashboard.{fmt}"}
    return Response(body, mimetype=mime, headers=headers)


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
    )


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
    )


@bp.get("/targets")
@roles(Role.BUREAU)
def target_list() -> Any:
    return render_template("bureau/targets.html", views=targets.indicator_views(current_user))


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
        flash("已保存实际值。", "success")
    return redirect(url_for("bureau.target_list"))
