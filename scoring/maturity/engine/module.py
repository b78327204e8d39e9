"""One dimension (module): score, level, the checks that decided it (its gaps to the next level: ``gaps``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from questionnaires import Instrument, Item, Module, evaluate, module_visible
from questionnaires.answers import answer_value
from questionnaires.answers.compiled import Test, compiled
from questionnaires.model import Condition, MaturityLevel, condition_items
from scoring.maturity.result import (
    GroupScore,
    ItemScore,
    LevelCheck,
    ModuleResult,
    NextLevel,
    q_points,
    q_score,
)
from scoring.maturity.result.deferred import later

from .describe import describe_condition
from .gaps import gaps_to
from .points import HUNDRED, ZERO, Visibility, item_points, read_answers, show_if_items, visibility


@dataclass(frozen=True)
class _ModuleCore:
    points: Decimal
    max_points: Decimal
    score: Decimal | None
    level: int
    checks: tuple[LevelCheck, ...]


@dataclass(frozen=True)
class _Levels:
    """A dimension's levels in order, each with its minimum score and its ``requires`` in words (worked out
    once per loaded instrument: the words are the same for every company)."""

    steps: tuple[_Step, ...]


@dataclass(frozen=True)
class _Step:
    level: MaturityLevel
    min_score: Decimal
    words: tuple[str, str] | None  # the requires in words
    test: Test | None  # the requires compiled
    tests_items: frozenset[str]  # the items the requires tests


def _levels(instrument: Instrument, module: Module) -> _Levels:
    table: dict[str, tuple[Module, _Levels]] = instrument.derived.setdefault("scoring.levels", {})
    entry = table.get(module.id)
    if entry is not None and entry[0] is module:
        return entry[1]
    steps = tuple(_step(instrument, lv) for lv in sorted(module.levels, key=lambda x: x.level))
    table[module.id] = (module, _Levels(steps))
    return table[module.id][1]


def _step(instrument: Instrument, lv: MaturityLevel) -> _Step:
    cond = lv.requires
    min_score = lv.min_score if lv.min_score is not None else ZERO
    if cond is None:
        return _Step(lv, min_score, None, None, frozenset())
    test = compiled(instrument, cond) or (
        lambda answers, hidden: evaluate(cond, instrument, answers, hidden=hidden)
    )
    tested = frozenset(leaf.item for leaf in condition_items(cond))
    return _Step(lv, min_score, describe_condition(instrument, cond), test, tested)


def _module_score(earned: Decimal, top: Decimal) -> Decimal | None:
    return q_score(HUNDRED * earned / top) if top > 0 else None


def _top(items: Iterable[Item]) -> Decimal:
    return sum((i.max_points or ZERO for i in items if i.scored), ZERO)


def _core(  # noqa: PLR0913 — internal scoring core, arguments are keyword-only
    instrument: Instrument,
    module: Module,
    items: list[Item],
    earned: Decimal,
    hidden: frozenset[str],
    *,
    answers: Mapping[str, Any],
    describe: bool = True,
) -> _ModuleCore:
    top = _top(items)
    score = _module_score(earned, top)
    level = 0
    checks: list[LevelCheck] = []
    for step in _levels(instrument, module).steps:
        lv, min_score = step.level, step.min_score
        score_met = (score if score is not None else ZERO) >= min_score
        req_met: bool | None = None
        zh = en = None
        if step.test is not None:
            req_met = step.test(answers, hidden)
            if describe and step.words is not None:
                zh, en = step.words
        check = LevelCheck(lv.level, lv.name_zh, lv.name_en, min_score, score_met, zh, en, req_met)
        checks.append(check)
        if not check.met:
            break
        level = lv.level
    return _ModuleCore(
        q_points(earned), q_points(top), score, max(level, 1) if module.levels else 0, tuple(checks)
    )


def _level_only(levels: _Levels, score: Decimal | None, holds: Callable[[_Step], bool]) -> int:
    """The level :func:`_core` finds, without the checks it records (a ``requires`` is not tested once the
    score already falls short: the level is the same)."""
    level = 0
    for step in levels.steps:
        if (score if score is not None else ZERO) < step.min_score:
            break
        if step.test is not None and not holds(step):
            break
        level = step.level.level
    return max(level, 1) if levels.steps else 0


def score_module(  # noqa: PLR0913, PLR0917 — public scoring API kept stable for callers
    instrument: Instrument,
    module: Module,
    visible: list[Item],
    answers: Mapping[str, Any],
    hidden: frozenset[str],
    share: Decimal,
) -> ModuleResult:
    items = [i for i in visible if i.module_id == module.id]
    return score_module_items(instrument, module, items, answers, hidden, share)


def score_module_items(  # noqa: PLR0913, PLR0917 — score_module with the dimension's visible items known
    instrument: Instrument,
    module: Module,
    items: list[Item],
    answers: Mapping[str, Any],
    hidden: frozenset[str],
    share: Decimal,
) -> ModuleResult:
    read = read_answers(items, answers)
    core = _core(instrument, module, items, read.earned, hidden, answers=answers)
    levels = [step.level for step in _levels(instrument, module).steps]
    names = {lv.level: (lv.name_zh, lv.name_en) for lv in levels}
    nxt = next((lv for lv in levels if lv.level == core.level + 1), None)
    next_level: NextLevel | None = None
    if nxt is not None:  # the gaps only a reader of the result needs: worked out when first read
        args = (instrument, nxt, core.score, core.max_points, items, read, answers, hidden)
        next_level = later(lambda: gaps_to(*args))
    group_rows: list[GroupScore] = []
    for g in module.groups:
        g_items = [i for i in items if i.group == g.id and i.scored]
        if not g_items:
            continue
        pts = sum((read.points[i.id] for i in g_items), ZERO)
        top = sum((i.max_points or ZERO for i in g_items), ZERO)
        group_rows.append(GroupScore(g.id, g.title_zh, g.title_en, q_points(pts), q_points(top)))
    answered = [i for i in items if read.answered[i.id]]
    unanswered = tuple(i.id for i in items if not read.answered[i.id])
    item_rows = tuple(
        ItemScore(
            item_id=i.id,
            group=i.group,
            type=i.type,
            answered=read.answered[i.id],
            answer=read.values[i.id],
            points=q_points(read.points[i.id]) if i.scored else None,
            max_points=q_points(i.max_points) if i.scored and i.max_points is not None else None,
        )
        for i in items
    )
    lname = names.get(core.level, ("", ""))
    return ModuleResult(
        module_id=module.id,
        title_zh=module.title_zh,
        title_en=module.title_en,
        weight=module.weight,
        share=share,
        points=core.points,
        max_points=core.max_points,
        score=core.score,
        level=core.level,
        level_name_zh=lname[0],
        level_name_en=lname[1],
        decided_by=core.checks,
        next_level=next_level,
        answered=len(answered),
        visible_items=len(items),
        unanswered=unanswered,
        groups=tuple(group_rows),
        items=item_rows,
    )


def module_score_and_level(
    instrument: Instrument,
    module: Module,
    answers: Mapping[str, Any],
    cluster: str | None,
    *,
    seen: Visibility | None = None,
) -> tuple[Decimal | None, int]:
    """Score and level of one module only (fast path used by the roadmap to test what-if answers).
    *seen*: the visibility with these answers, when the caller knows it."""
    seen = seen or visibility(instrument, answers, cluster)
    items = [i for i in seen.items if i.module_id == module.id]
    score = _module_score(read_answers(items, answers).earned, _top(items))
    hidden = seen.hidden
    return score, _level_only(
        _levels(instrument, module), score, lambda step: step.test is None or step.test(answers, hidden)
    )


class WhatIf:
    """Scores and levels of one dimension with a few answers changed (the roadmap tries some thirty actions
    per assessment). What the unchanged answers give is worked out once and reused: which items are visible
    (only rules that test a changed item, or an item whose visibility changed, are evaluated again), the
    points of the unchanged items, and every ``requires`` condition that tests none of the changed items."""

    def __init__(
        self, instrument: Instrument, answers: Mapping[str, Any], cluster: str | None, seen: Visibility
    ) -> None:
        self.instrument, self.answers, self.cluster, self.seen = instrument, answers, cluster, seen
        self._items: dict[str, list[Item]] = {m.id: [] for m in instrument.modules}
        for i in seen.items:
            self._items[i.module_id].append(i)
        self._show_if_items = show_if_items(instrument)
        self._earned: dict[str, tuple[Decimal, Decimal]] = {}  # module id -> (earned, top)
        self._holds: dict[int, bool] = {}  # id(level step) -> its requires holds with the unchanged answers
        self._tests: dict[int, frozenset[str]] = {}  # id(condition) -> the items it tests

    def score_and_level(
        self, module: Module, new_answers: Mapping[str, Any], changed: Iterable[str]
    ) -> tuple[Decimal | None, int]:
        changed_ids = frozenset(changed)
        hidden = self._hidden_after(new_answers, changed_ids)
        if hidden is not self.seen.hidden and hidden != self.seen.hidden:  # other items show: from scratch
            seen = Visibility(
                tuple(i for i in self.instrument.items if i.id not in hidden),
                frozenset(i.id for i in self.instrument.items if i.id not in hidden),
                hidden,
            )
            return module_score_and_level(self.instrument, module, new_answers, self.cluster, seen=seen)
        earned, top = self._base(module.id)
        for iid in changed_ids:
            item = self.instrument.item(iid) if self.instrument.has_item(iid) else None
            if item is not None and item.module_id == module.id and item.scored and iid in self.seen.ids:
                earned += item_points(item, answer_value(new_answers.get(iid)))
                earned -= item_points(item, answer_value(self.answers.get(iid)))

        def holds(step: _Step) -> bool:
            assert step.test is not None
            if not step.tests_items.isdisjoint(changed_ids):
                return step.test(new_answers, hidden)
            key = id(step)
            if key not in self._holds:
                self._holds[key] = step.test(self.answers, hidden)
            return self._holds[key]

        score = _module_score(earned, top)
        return score, _level_only(_levels(self.instrument, module), score, holds)

    def hidden_after(self, new_answers: Mapping[str, Any], changed: Iterable[str]) -> frozenset[str]:
        """The items hidden with *new_answers*, which differ from the base answers in *changed*."""
        return self._hidden_after(new_answers, frozenset(changed))

    def _hidden_after(self, new_answers: Mapping[str, Any], changed: frozenset[str]) -> frozenset[str]:
        """The hidden items with *new_answers*, evaluating again only the ``show_if`` rules that test a
        changed item or an item whose visibility changed (in instrument order, as visible_items does)."""
        if not changed & self._show_if_items:  # no rule tests a changed item
            return self.seen.hidden
        dirty = set(changed)
        hidden_so_far: set[str] = set()
        flipped = False
        for item in self.instrument.items:
            was_hidden = item.id in self.seen.hidden
            now_hidden = was_hidden
            if (
                item.show_if is not None
                and self._tested_by(item.show_if) & dirty
                and self._cluster_shows(item)
            ):
                now_hidden = not evaluate(item.show_if, self.instrument, new_answers, hidden=hidden_so_far)
            if now_hidden != was_hidden:
                dirty.add(item.id)
                flipped = True
            if now_hidden:
                hidden_so_far.add(item.id)
        return frozenset(hidden_so_far) if flipped else self.seen.hidden

    def _cluster_shows(self, item: Item) -> bool:
        module = self.instrument.module(item.module_id)
        return module_visible(module, self.cluster) and (
            not item.clusters or (self.cluster is not None and self.cluster in item.clusters)
        )

    def _base(self, module_id: str) -> tuple[Decimal, Decimal]:
        """Points earned with the unchanged answers, and the most the visible items give."""
        if module_id not in self._earned:
            items = self._items[module_id]
            self._earned[module_id] = (read_answers(items, self.answers).earned, _top(items))
        return self._earned[module_id]

    def _tested_by(self, cond: Condition) -> frozenset[str]:
        key = id(cond)
        if key not in self._tests:
            self._tests[key] = frozenset(leaf.item for leaf in condition_items(cond))
        return self._tests[key]
