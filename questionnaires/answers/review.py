"""Progress and review: answered / total per module, flags, required answers still missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from questionnaires.model import Instrument, Item
from questionnaires.values import answer_evidence, is_answered

from .visibility import holds, module_visible, shown_items, visible_items


class _Share:
    """Answered out of total, as a percentage and as done / not done."""

    answered: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else round(100.0 * self.answered / self.total, 1)

    @property
    def complete(self) -> bool:
        return self.answered >= self.total


@dataclass(frozen=True)
class ModuleProgress(_Share):
    module_id: str
    title_zh: str
    title_en: str
    answered: int
    total: int


@dataclass(frozen=True)
class Progress(_Share):
    modules: tuple[ModuleProgress, ...]
    answered: int
    total: int
    visible_ids: frozenset[str] = frozenset()  # the visible items counted (so callers need not recompute)


@dataclass(frozen=True)
class MissingItem:
    """A required visible item (or required evidence field, ``field`` set) that has no answer yet."""

    module_id: str
    item_id: str
    text_zh: str
    text_en: str
    field: str | None = None


def flags(instrument: Instrument, answers: Mapping[str, Any], cluster: str | None = None) -> dict[str, bool]:
    """Every flag of the modules visible to the company, evaluated on its (visible) answers."""
    shown = shown_items(instrument, answers, cluster)
    hidden = {k for k, v in shown.items() if not v}
    return {
        flag.id: holds(flag.condition, instrument, answers, hidden)
        for module in instrument.modules
        if module_visible(module, cluster)
        for flag in module.flags
    }


def progress(instrument: Instrument, answers: Mapping[str, Any], cluster: str | None = None) -> Progress:
    """Answered / total visible items per module (modules with no visible item are left out) and overall."""
    shown = shown_items(instrument, answers, cluster)
    rows: list[ModuleProgress] = []
    for module in instrument.modules:
        items = [i for i in module.items if shown[i.id]]
        if not items:
            continue
        done = sum(1 for i in items if _complete(i, answers.get(i.id)))
        rows.append(ModuleProgress(module.id, module.title_zh, module.title_en, done, len(items)))
    visible = frozenset(item_id for item_id, on in shown.items() if on)
    return Progress(tuple(rows), sum(r.answered for r in rows), sum(r.total for r in rows), visible)


def _complete(item: Item, raw: Any) -> bool:
    """Answered, with every required evidence figure given: what progress counts, so that a module at
    61/61 never leaves the submit button disabled for a figure the counter did not mention."""
    if not is_answered(raw):
        return False
    evidence = answer_evidence(raw)
    return all(is_answered(evidence.get(spec.id)) for spec in item.evidence if spec.required)


def missing_required(
    instrument: Instrument, answers: Mapping[str, Any], cluster: str | None = None
) -> list[MissingItem]:
    """Required visible items without an answer, and required evidence fields left empty, in order."""
    out: list[MissingItem] = []
    for item in visible_items(instrument, answers, cluster):
        raw = answers.get(item.id)
        if item.required and not is_answered(raw):
            out.append(MissingItem(item.module_id, item.id, item.text_zh, item.text_en))
        evidence = answer_evidence(raw)
        for spec in item.evidence:
            if spec.required and not is_answered(evidence.get(spec.id)):
                out.append(
                    MissingItem(
                        item.module_id,
                        item.id,
                        f"{item.text_zh} — {spec.label_zh}",
                        f"{item.text_en} — {spec.label_en}",
                        spec.id,
                    )
                )
    return out
