"""Checking one answer (autosave, the no-JavaScript form, the API): the item's type checks the value, this
module the item, its visibility and its evidence fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from questionnaires.item_types import evidence_kind_of, kind_of
from questionnaires.model import EvidenceField, Instrument, Item
from questionnaires.values import AnswerCheck, bad, is_answered, ok

from .visibility import is_visible, module_visible


def _check_evidence(item: Item, evidence: Any) -> tuple[AnswerCheck | None, dict[str, Any]]:
    if not isinstance(evidence, Mapping):
        return bad("wrong_type", "佐证数据格式错误", "evidence must be a mapping of field id to value"), {}
    fields: dict[str, EvidenceField] = {f.id: f for f in item.evidence}
    cleaned: dict[str, Any] = {}
    for key, val in evidence.items():
        spec = fields.get(key) if isinstance(key, str) else None
        if spec is None:
            return bad(
                "unknown_field", f"没有佐证字段 {key!r}", f"unknown evidence field {key!r}", str(key)
            ), {}
        if val is None or (isinstance(val, str) and not val.strip()):
            continue
        check = evidence_kind_of(spec).check(spec, val)
        if not check.ok:
            return check, {}
        cleaned[key] = check.normalized
    return None, {f.id: cleaned[f.id] for f in item.evidence if f.id in cleaned}


_PLAIN = frozenset({str, int, float, bool, list, type(None)})  # answers stored without evidence


def _not_shown(
    instrument: Instrument, item: Item, answers: Mapping[str, Any] | None, cluster: str | None
) -> AnswerCheck | None:
    module = instrument.module(item.module_id)
    cluster_ok = module_visible(module, cluster) and (
        not item.clusters or (cluster is not None and cluster in item.clusters)
    )
    if not cluster_ok:
        return bad(
            "not_visible",
            "本题不适用于贵企业所属产业集群",
            "this item does not apply to your industry cluster",
        )
    if answers is not None and not is_visible(instrument, item.id, answers, cluster):
        return bad(
            "not_visible", "根据前面的回答，本题无需作答", "this item is skipped given your earlier answers"
        )
    return None


def validate_answer(
    instrument: Instrument,
    item_id: str,
    value: Any,
    *,
    answers: Mapping[str, Any] | None = None,
    cluster: str | None = None,
) -> AnswerCheck:
    """Check one answer (for autosave) and return it normalized; never raises.

    Pass the company's other *answers* to also check the ``show_if`` rules, and *cluster* to check cluster
    filters. ``None`` (or ``""`` / ``[]``) clears an answer and is always accepted; required answers are
    reported by :func:`missing_required` at review time.
    """
    if not isinstance(item_id, str) or not instrument.has_item(item_id):
        return bad("unknown_item", f"没有题目 {item_id!r}", f"unknown item {item_id!r}")
    item = instrument.item(item_id)
    if cluster is not None or answers is not None:
        problem = _not_shown(instrument, item, answers, cluster)
        if problem is not None:
            return problem
    if type(value) in _PLAIN:  # the common case (scoring checks every answer): no evidence, one check
        return kind_of(item).check(item, value) if is_answered(value) else ok(None)
    return _check_other(item, value)


def _check_other(item: Item, value: Any) -> AnswerCheck:
    """An answer with evidence (``{value, evidence}``), or a value of an unexpected type."""
    plain = value
    evidence: Any = None
    if isinstance(value, Mapping):
        extra = set(value) - {"value", "evidence"}
        if extra or "value" not in value:
            return bad(
                "wrong_type",
                "带佐证的答案应为 {value, evidence}",
                "an answer with evidence must be {value, evidence}",
            )
        plain, evidence = value.get("value"), value.get("evidence")
        if evidence is not None and not item.evidence:
            return bad("unknown_field", "本题没有佐证字段", "this item has no evidence fields")
    cleaned_evidence: dict[str, Any] = {}
    if evidence is not None:
        problem, cleaned_evidence = _check_evidence(item, evidence)
        if problem is not None:
            return problem
    if is_answered(plain):
        check = kind_of(item).check(item, plain)
        if not check.ok:
            return check
        normalized: Any = check.normalized
    else:
        normalized = None
    if item.evidence and (evidence is not None or isinstance(value, Mapping)):
        return ok({"value": normalized, "evidence": cleaned_evidence})
    return ok(normalized)
