"""Bureau JSON API (session sign-in, bureau role): the same scoping and numbers as the pages."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_login import current_user

from portal.access import roles
from portal.api.blueprint import bp
from portal.bureau import queries, targets
from portal.inputs import page_number
from portal.models import Role


def _filters() -> queries.Filters:
    return queries.parse_filters(request.args, current_user)


def _envelope(filters: queries.Filters, **body: Any) -> Any:
    return jsonify(
        jurisdiction=current_user.jurisdiction_label,
        filters=filters.as_args(),
        warnings=list(filters.errors),
        counting_rule={"zh": queries.COUNTING_RULE_ZH, "en": queries.COUNTING_RULE_EN},
        **body,
    )


@bp.get("/bureau/summary")
@roles(Role.BUREAU)
def bureau_summary() -> Any:
    filters = _filters()
    tables = queries.summary(current_user, filters)
    return _envelope(filters, tables={k: t.as_dict() for k, t in tables.items()})


@bp.get("/bureau/targets")
@roles(Role.BUREAU)
def bureau_targets() -> Any:
    return _envelope(_filters(), table=targets.targets_table(current_user).as_dict())


@bp.get("/bureau/companies")
@roles(Role.BUREAU)
def bureau_companies() -> Any:
    filters = _filters()
    return _envelope(filters, **queries.company_list(current_user, filters, page_number(request.args)))


@bp.get("/bureau/pipeline")
@roles(Role.BUREAU)
def bureau_pipeline() -> Any:
    filters = _filters()
    page = page_number(request.args)
    return _envelope(
        filters, **queries.pipeline_list(current_user, filters, request.args.get("program"), page)
    )
