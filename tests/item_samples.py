"""One item of every question type (and one evidence field of every evidence type), for the tests that
prove the item-type registries cover every type. A type added to questionnaires.model.ItemType without a
sample here fails those tests."""

from __future__ import annotations

from decimal import Decimal
from typing import get_args

from questionnaires import EvidenceField, Item, LadderStep, Option
from questionnaires.model import EvidenceType, ItemType

_OPTIONS = (
    Option("A", "没有", "None", Decimal(0), 1),
    Option("B", "部分", "Some", Decimal(2), 2),
    Option("C", "全面", "All", Decimal(4), 4),
)
_TICKS = (
    Option("A", "设备联网", "Networked machines", Decimal(2)),
    Option("B", "数据采集", "Data collection", Decimal(3)),
    Option("C", "远程运维", "Remote maintenance", Decimal(3)),
    Option("N", "以上都没有", "None of these", Decimal(0), exclusive=True),
)
_LADDER = tuple(LadderStep(n, f"第{n}级", f"Step {n}") for n in range(1, 5))

SAMPLE_ITEMS: dict[str, Item] = {
    "single": Item(
        "s.single", "s", "single", "覆盖程度", "Coverage", options=_OPTIONS, max_points=Decimal(4)
    ),
    "multi": Item("s.multi", "s", "multi", "已开展", "In place", options=_TICKS, max_points=Decimal(6)),
    "number": Item("s.number", "s", "number", "占比", "Share", min=Decimal(0), max=Decimal(100), unit="%"),
    "integer": Item("s.integer", "s", "integer", "人数", "Staff", min=Decimal(0), unit="人"),
    "text": Item("s.text", "s", "text", "说明", "Notes", max_length=200),
    "boolean": Item(
        "s.boolean", "s", "boolean", "是否上云", "On the cloud", max_points=Decimal(3), points_true=Decimal(3)
    ),
    "scenario_level": Item(
        "s.scenario", "s", "scenario_level", "“质量管控”场景", "Quality control", ladder=_LADDER
    ),
}

SAMPLE_EVIDENCE: dict[str, EvidenceField] = {
    "number": EvidenceField("e.number", "产值", "Output", "number", "万元", Decimal(0)),
    "integer": EvidenceField("e.integer", "设备总数", "Machines", "integer", "台", Decimal(0), Decimal(5000)),
    "text": EvidenceField("e.text", "系统名称", "System name", "text"),
}

ALL_ITEM_TYPES = frozenset(get_args(ItemType))
ALL_EVIDENCE_TYPES = frozenset(get_args(EvidenceType))
