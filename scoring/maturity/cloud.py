"""上云上平台 status (four kinds of D8 专栏2) and 5G factory readiness tier, from our instrument's answers.

The ONE definition bureau dashboards count with lives in :file:`cloud_5g.yaml` (conditions on item ids of the
``gd-mfg-dt`` instrument, in the questionnaire condition syntax). A definition that refers to an item the
instrument lacks is reported in ``definition_gaps`` and that test counts as not met.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from questionnaires import Condition, Instrument, evaluate
from questionnaires.model import Flag
from questionnaires.strict_yaml import load_file

from .conditions import parse_condition, referenced_items
from .engine import unmet_requirements
from .result import CloudKindStatus, CloudResult, FiveGResult
from .result.deferred import later

DEFINITION_FILE = "cloud_5g.yaml"


@dataclass(frozen=True)
class CloudKindDef:
    id: str
    name_zh: str
    name_en: str
    source: str
    flag: str


@dataclass(frozen=True)
class TierDef:
    id: str
    name_zh: str
    name_en: str
    requires: Condition


@dataclass(frozen=True)
class CloudDefinition:
    id: str
    instruments: tuple[str, ...]
    definition_zh: str
    definition_en: str
    platform_flag: str
    kinds: tuple[CloudKindDef, ...]
    fiveg_id: str
    fiveg_source: str
    tiers: tuple[TierDef, ...]


def parse_definition(raw: Mapping[str, Any]) -> CloudDefinition:
    kinds = tuple(
        CloudKindDef(
            id=str(k["id"]),
            name_zh=str(k["name_zh"]),
            name_en=str(k["name_en"]),
            source=" ".join(str(k["source"]).split()),
            flag=str(k["flag"]),
        )
        for k in raw["cloud"]["kinds"]
    )
    f = raw["fiveg"]
    tiers = tuple(
        TierDef(str(t["id"]), str(t["name_zh"]), str(t["name_en"]), parse_condition(t["requires"]))
        for t in f["tiers"]
    )
    return CloudDefinition(
        id=str(raw["id"]),
        instruments=tuple(str(i) for i in raw["instruments"]),
        definition_zh=" ".join(str(raw["cloud"]["definition_zh"]).split()),
        definition_en=" ".join(str(raw["cloud"]["definition_en"]).split()),
        platform_flag=str(raw["cloud"]["platform_flag"]),
        kinds=kinds,
        fiveg_id=str(f["id"]),
        fiveg_source=" ".join(str(f["source"]).split()),
        tiers=tiers,
    )


@cache
def cloud_definition() -> CloudDefinition:
    return parse_definition(load_file(resources.files("scoring.maturity").joinpath(DEFINITION_FILE)))


def _gaps(instrument: Instrument, conds: list[Condition]) -> tuple[str, ...]:
    """The items *conds* test that the instrument lacks (the same for every company: kept per instrument
    and condition, which the instrument and the loaded definition keep alive)."""
    table: dict[int, tuple[Condition, frozenset[str]]] = instrument.derived.setdefault("scoring.cloud", {})
    missing: set[str] = set()
    for c in conds:
        entry = table.get(id(c))
        if entry is None or entry[0] is not c:
            absent = frozenset(i for i in referenced_items(c) if not instrument.has_item(i))
            entry = table[id(c)] = (c, absent)
        missing |= entry[1]
    return tuple(f"item {i} not in {instrument.key}" for i in sorted(missing))


def _missing(
    instrument: Instrument, cond: Condition, answers: Mapping[str, Any], hidden: frozenset[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    gaps = unmet_requirements(instrument, cond, answers, hidden)
    zh = tuple(
        f"[{g.item_id}] {g.text_zh} — {g.needed_zh}" + (f"（{g.context_zh}）" if g.context_zh else "")
        for g in gaps
    )
    en = tuple(
        f"[{g.item_id}] {g.text_en} — {g.needed_en}" + (f" ({g.context_en})" if g.context_en else "")
        for g in gaps
    )
    return zh, en


def _missing_later(
    instrument: Instrument, cond: Condition, answers: Mapping[str, Any], hidden: frozenset[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """:func:`_missing`, worked out when either text is first read (only a reader of the result needs the
    unmet tests in words; a stored result needs whether the condition holds)."""
    both = cache(lambda: _missing(instrument, cond, answers, hidden))
    return later(lambda: both()[0]), later(lambda: both()[1])


def applies_to(instrument: Instrument, definition: CloudDefinition | None = None) -> bool:
    d = definition or cloud_definition()
    return instrument.id in d.instruments


def _flag(instrument: Instrument, flag_id: str) -> Flag | None:
    for module in instrument.modules:
        for flag in module.flags:
            if flag.id == flag_id:
                return flag
    return None


def cloud_status(
    instrument: Instrument,
    answers: Mapping[str, Any],
    hidden: frozenset[str],
    definition: CloudDefinition | None = None,
) -> CloudResult:
    d = definition or cloud_definition()
    answers = dict(answers)  # the unmet tests, worked out when first read, see these answers
    gaps: list[str] = []
    rows = []

    def check(flag_id: str) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
        flag = _flag(instrument, flag_id)
        if flag is None:
            gaps.append(f"flag {flag_id} not in {instrument.key}")
            return False, (f"问卷缺少标志 {flag_id}",), (f"instrument lacks flag {flag_id}",)
        gaps.extend(_gaps(instrument, [flag.condition]))
        if evaluate(flag.condition, instrument, answers, hidden=hidden):
            return True, (), ()
        zh, en = _missing_later(instrument, flag.condition, answers, hidden)
        return False, zh, en

    for k in d.kinds:
        ok, zh, en = check(k.flag)
        rows.append(
            CloudKindStatus(k.id, k.name_zh, k.name_en, k.flag, "on" if ok else "none", ok, zh, en, k.source)
        )
    on_platform, p_zh, p_en = check(d.platform_flag)
    return CloudResult(
        definition_id=d.id,
        kinds=tuple(rows),
        on_cloud=any(r.counted for r in rows),
        on_platform=on_platform,
        platform_flag_id=d.platform_flag,
        platform_missing_zh=p_zh,
        platform_missing_en=p_en,
        definition_zh=d.definition_zh,
        definition_en=d.definition_en,
        definition_gaps=tuple(sorted(set(gaps))),
    )


FIVEG_NONE = ("none", "未达到产线级", "Below production-line level")


def fiveg_tier(
    instrument: Instrument,
    answers: Mapping[str, Any],
    hidden: frozenset[str],
    definition: CloudDefinition | None = None,
) -> FiveGResult:
    """Tiers are cumulative: 车间级 needs 产线级 conditions as well, 工厂级 needs both."""
    d = definition or cloud_definition()
    answers = dict(answers)  # the unmet tests, worked out when first read, see these answers
    reached: tuple[str, str, str] = FIVEG_NONE
    nxt: TierDef | None = None
    for t in d.tiers:
        if evaluate(t.requires, instrument, answers, hidden=hidden):
            reached = (t.id, t.name_zh, t.name_en)
        else:
            nxt = t
            break
    zh: tuple[str, ...] = ()
    en: tuple[str, ...] = ()
    if nxt is not None:
        zh, en = _missing_later(instrument, nxt.requires, answers, hidden)
    return FiveGResult(
        definition_id=d.fiveg_id,
        tier=reached[0],
        tier_zh=reached[1],
        tier_en=reached[2],
        next_tier=nxt.id if nxt else None,
        missing_zh=zh,
        missing_en=en,
        criteria_source=d.fiveg_source,
        definition_gaps=_gaps(instrument, [t.requires for t in d.tiers]),
    )
