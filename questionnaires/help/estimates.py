"""How long a module takes to answer, derived from its items (the reasoning is in time.yaml)."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from questionnaires import strict_yaml
from questionnaires.model import Item, Module

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class EstimateRules:
    reading_chars_per_minute: int
    decision_seconds: Mapping[str, int]
    evidence_field_seconds: int


@functools.cache
def rules() -> EstimateRules:
    data = strict_yaml.load_file(HERE / "time.yaml")
    return EstimateRules(
        reading_chars_per_minute=int(data["reading_chars_per_minute"]),
        decision_seconds={str(k): int(v) for k, v in data["decision_seconds"].items()},
        evidence_field_seconds=int(data["evidence_field_seconds"]),
    )


def _reading_chars(item: Item) -> int:
    texts = [item.text_zh, item.help_zh or ""]
    texts += [o.text_zh for o in item.options] + [step.text_zh for step in item.ladder]
    texts += [f.label_zh for f in item.evidence]
    return sum(len(t) for t in texts)


def item_seconds(item: Item, estimate: EstimateRules | None = None) -> float:
    """Reading its Chinese texts + deciding (by type) + looking up each evidence figure."""
    r = estimate or rules()
    reading = _reading_chars(item) * 60 / r.reading_chars_per_minute
    return reading + r.decision_seconds[item.type] + r.evidence_field_seconds * len(item.evidence)


def module_minutes(module: Module, cluster: str | None, estimate: EstimateRules | None = None) -> int:
    """Whole minutes (rounded up, at least 1) for the module's items shown to a company of `cluster`;
    items hidden by skip rules are counted, so the figure is an upper bound."""
    items = [i for i in module.items if not i.clusters or (cluster is not None and cluster in i.clusters)]
    seconds = sum(item_seconds(i, estimate) for i in items)
    return max(1, math.ceil(seconds / 60))
