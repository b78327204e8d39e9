"""The parts of a result view that read more than the result row: support programmes (eligibility) and
per-dimension peers (the comparison with the previous round is portal.results.compare)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from flask import current_app

from portal.models import Assessment, Company
from portal.results import model as v
from portal.results import services
from portal.results.format import num as _num
from scoring import maturity

Pick = Callable[[str | None, str | None], str]

REASONS_SHOWN = 4  # failed conditions listed per programme; the rest are counted
MISSING_SHOWN = 8  # data to supply listed per programme; the rest are counted
STATUS_ORDER = {"eligible": 0, "needs_info": 1, "ineligible": 2}


def programmes(company: Company, pick: Pick) -> v.Programmes:
    """The company's eligibility report as rows, eligible first. A failing evaluation is logged and the
    section says the service is unavailable, instead of failing the page or the report."""
    from portal.eligibility import catalog
    from portal.eligibility.services import evaluate_company

    try:
        report = evaluate_company(company)
    except Exception:
        current_app.logger.exception("eligibility evaluation failed for company %s", company.id)
        return v.Programmes(available=False)

    def field_label(name: str) -> tuple[str, str]:
        spec = catalog.field_spec(name)
        if spec is None:
            return name, ""
        return pick(spec.label_zh, spec.label_en), pick(spec.unit_zh, spec.unit_en)

    rows = [_programme(row, field_label, pick, catalog.STATUS_LABELS) for row in report.get("results", [])]
    rows.sort(key=lambda row: STATUS_ORDER.get(row.status, 3))
    return v.Programmes(available=True, rows=tuple(rows))


def _programme(
    row: Mapping[str, Any],
    field_label: Callable[[str], tuple[str, str]],
    pick: Pick,
    status_labels: Mapping[str, tuple[str, str, str]],
) -> v.Programme:
    status = row.get("status") or ""
    reasons = row.get("reasons", [])
    failed = [pick(x.get("message_zh"), x.get("message_en")) for x in reasons if x.get("passed") is False]
    missing: list[str] = []
    for reason in reasons:
        if reason.get("passed") is None:
            for name in reason.get("missing_fields", []):
                label = field_label(name)[0]
                if label not in missing:
                    missing.append(label)
    key = "eligible_relaxed" if status == "eligible" and row.get("relaxation_to_confirm") else status
    zh, en, _badge = status_labels.get(key, (status, status, ""))
    return v.Programme(
        name=pick(row.get("name_zh"), row.get("name_en")),
        status=status,
        status_label=pick(zh, en),
        passed=sum(1 for x in reasons if x.get("passed") is True),
        reasons=tuple(failed[:REASONS_SHOWN]),
        reasons_more=max(0, len(failed) - REASONS_SHOWN),
        missing=tuple(missing[:MISSING_SHOWN]),
        missing_more=max(0, len(missing) - MISSING_SHOWN),
        valid_to=row.get("valid_to"),
        award=_num(row.get("estimated_award_wan")),
        gaps=tuple(
            v.FieldGap(
                field=field_label(g["field"])[0],
                unit=field_label(g["field"])[1],
                shortfall=_num(g.get("shortfall")),
                required=_num(g.get("required")),
                actual=_num(g.get("actual")),
            )
            for g in row.get("gaps", [])
        ),
        project=row.get("project"),
    )


def dimension_peers(assessment: Assessment) -> dict[str, list[maturity.PeerRecord]]:
    """Per-dimension peer scores: the latest stored result of every other company's latest submission."""
    peers: dict[str, list[maturity.PeerRecord]] = {}
    for peer in services.peer_rows(assessment):
        for module in peer.dimensions:
            if module.get("score") is not None:
                peers.setdefault(module["module_id"], []).append(
                    maturity.PeerRecord(Decimal(str(module["score"])), peer.cluster, peer.size, peer.city)
                )
    return peers
