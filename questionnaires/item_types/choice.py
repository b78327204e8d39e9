"""Choice questions: ``single`` (one option) and ``multi`` (tick any; "none of these" options stand alone)."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from questionnaires.model import Item
from questionnaires.values import AnswerCheck, bad, ok

from .base import ZERO, Improvement, ItemKind


def _points_of(option_points: Decimal | None) -> Decimal:
    return option_points or ZERO


class Single(ItemKind):
    name = "single"

    def check(self, item: Item, value: Any) -> AnswerCheck:
        if not isinstance(value, str):
            return bad("wrong_type", "请选择一个选项", "please choose one option")
        if item.option(value) is None:
            allowed = "、".join(item.option_ids)
            return bad(
                "unknown_option", f"没有选项 {value!r}（可选：{allowed}）", f"unknown option {value!r}"
            )
        return ok(value)

    def points(self, item: Item, value: Any) -> Decimal:
        opt = item.option(value) if isinstance(value, str) else None
        return opt.points if opt is not None and opt.points is not None else ZERO

    def improvement(self, item: Item, value: Any, current: Decimal, points_short: Decimal) -> Improvement:
        better = sorted(
            (o for o in item.options if _points_of(o.points) > current),
            key=lambda o: (_points_of(o.points), o.id),
        )
        enough = [o for o in better if _points_of(o.points) - current >= points_short > 0]
        needed = (enough[0].id,) if enough else ((better[-1].id,) if better else ())
        return Improvement(tuple((o, _points_of(o.points) - current) for o in better), needed)

    def raise_answer(self, item: Item, current: Any, target: Any) -> Any:
        if current is None or not item.scored:
            return target
        return target if self.points(item, target) > self.points(item, current) else current

    def raises(self, item: Item, current: Any) -> tuple[Any, ...]:
        if not item.scored:  # an unscored choice has no "better": the options after the current one
            ids = list(item.option_ids)
            return tuple(ids[ids.index(current) + 1 :] if current in ids else ids)
        now = self.points(item, current)
        better = [o for o in item.options if _points_of(o.points) > now]
        return tuple(o.id for o in sorted(better, key=lambda o: (_points_of(o.points), o.id)))

    def generic_target(self, item: Item, current_points: Decimal) -> tuple[Any, int | None] | None:
        better = sorted(
            (o for o in item.options if (o.points or 0) > current_points), key=lambda o: o.points or 0
        )
        return (better[0].id, better[0].level) if better else None

    def demo_answer(self, item: Item, rng: random.Random, maturity: float) -> Any:
        options = item.options
        index = min(len(options) - 1, max(0, round(maturity * (len(options) - 1) + rng.uniform(-1, 1))))
        return options[index].id


class Multi(ItemKind):
    name = "multi"

    def check(self, item: Item, value: Any) -> AnswerCheck:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return bad("wrong_type", "请勾选选项", "please tick options")
        unknown = [v for v in value if item.option(v) is None]
        if unknown:
            return bad("unknown_option", f"没有选项 {unknown[0]!r}", f"unknown option {unknown[0]!r}")
        chosen = set(value)
        exclusive = [o for o in item.options if o.exclusive and o.id in chosen]
        if exclusive and len(chosen) > 1:
            opt = exclusive[0]
            return bad(
                "exclusive_conflict",
                f"选项“{opt.text_zh}”不能与其他选项同时勾选",
                f"option '{opt.text_en}' cannot be combined with other options",
            )
        return ok([o.id for o in item.options if o.id in chosen])

    def equals(self, item: Item, value: Any, operand: Any, same: Callable[[Any, Any], bool]) -> bool:
        return isinstance(value, list | tuple) and list(value) == [operand]

    def choose_verb(self) -> tuple[str, str]:
        return "勾选其中任一", "tick any of"

    def points(self, item: Item, value: Any) -> Decimal:
        ticked = set(value) if isinstance(value, list | tuple) else {value}
        total = sum((_points_of(o.points) for o in item.options if o.id in ticked), ZERO)
        return min(total, item.max_points or ZERO)

    def improvement(self, item: Item, value: Any, current: Decimal, points_short: Decimal) -> Improvement:
        ticked = set(value) if isinstance(value, list | tuple) else set()
        cands = sorted(
            (o for o in item.options if o.id not in ticked and not o.exclusive and _points_of(o.points) > 0),
            key=lambda o: (-_points_of(o.points), o.id),
        )
        acc = ZERO
        chosen: list[str] = []
        for o in cands:
            if points_short > 0 and acc >= points_short:
                break
            chosen.append(o.id)
            acc += _points_of(o.points)
        return Improvement(tuple((o, _points_of(o.points)) for o in cands), tuple(chosen))

    def raise_answer(self, item: Item, current: Any, target: Any) -> Any:
        cur = list(current) if isinstance(current, list | tuple) else []
        tgt = list(target) if isinstance(target, list | tuple) else [target]
        exclusive = {o.id for o in item.options if o.exclusive}
        chosen = {c for c in cur if c not in exclusive} | set(tgt)
        return [o.id for o in item.options if o.id in chosen]

    def raises(self, item: Item, current: Any) -> tuple[Any, ...]:
        ticked = set(current) if isinstance(current, list | tuple) else set()
        return tuple(
            [o.id]
            for o in item.options
            if o.id not in ticked and not o.exclusive and _points_of(o.points) > 0
        )

    def generic_target(self, item: Item, current_points: Decimal) -> tuple[Any, int | None] | None:
        return [o.id for o in item.options if not o.exclusive and (o.points or 0) > 0], None

    def demo_answer(self, item: Item, rng: random.Random, maturity: float) -> Any:
        usable = [o.id for o in item.options if not o.exclusive]
        count = max(1, min(len(usable), round(maturity * len(usable) + rng.uniform(-1, 1))))
        return usable[:count]
