"""The instrument's own conditions (``show_if``, level ``requires``, flags) turned into closures once per
loaded instrument, so that scoring — which tests them hundreds of times per assessment (skip logic, levels,
the roadmap's what-ifs) — does not walk the condition tree, look items up and convert operands every time.

Each closure gives exactly what :func:`questionnaires.answers.visibility.holds` gives (that function stays
the reference; tests compare the two over generated answers). Conditions the instrument does not own
(built elsewhere) are not compiled: :func:`compiled` returns None for them and callers use ``holds``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from questionnaires.item_types import kind_of
from questionnaires.model import AllOf, AnyOf, AtLeast, Condition, Instrument, ItemCondition, Not
from questionnaires.values import answer_value, to_decimal
from questionnaires.values import same_value as _same

Test = Callable[[Mapping[str, Any], AbstractSet[str]], bool]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "gte": operator.ge,
    "gt": operator.gt,
    "lte": operator.le,
    "lt": operator.lt,
}
_KEY = "compiled_conditions"


def _read(raw: Any) -> tuple[bool, Any]:
    """(answered, value) of a stored answer, as ``is_answered`` and ``answer_value`` read it."""
    value = answer_value(raw)
    if value is None:
        return False, None
    if isinstance(value, str):
        return bool(value.strip()), value
    if isinstance(value, list | tuple):
        return bool(value), value
    return True, value


def _membership(wanted: tuple[Any, ...]) -> Callable[[Any], bool]:
    """Whether any chosen value is ``_same`` as a wanted one; option ids (text) by a set look-up."""
    texts = frozenset(w for w in wanted if isinstance(w, str))
    others = tuple(w for w in wanted if not isinstance(w, str))

    def hit(value: Any) -> bool:
        chosen = value if isinstance(value, list | tuple) else (value,)
        for v in chosen:
            if isinstance(v, str):  # text equals text only by ==; other operands may still match "12"
                if v in texts or any(_same(v, w) for w in others):
                    return True
            elif any(_same(v, w) for w in wanted):
                return True
        return False

    return hit


def _leaf(instrument: Instrument, cond: ItemCondition) -> Test:
    iid, op, operand = cond.item, cond.op, cond.operand
    if op == "answered":
        want = bool(operand)

        def answered(answers: Mapping[str, Any], hidden: AbstractSet[str]) -> bool:
            return _read(None if iid in hidden else answers.get(iid))[0] is want

        return answered
    if not instrument.has_item(iid):
        return lambda answers, hidden: False
    item = instrument.item(iid)
    check: Callable[[Any], bool]
    if op in ("in", "not_in"):
        hit = _membership(operand if isinstance(operand, tuple) else (operand,))
        check = hit if op == "in" else (lambda value: not hit(value))
    elif op == "equals":
        kind = kind_of(item)

        def check(value: Any) -> bool:
            return kind.equals(item, value, operand, _same)
    else:
        target, compare = to_decimal(operand), _COMPARE[op]

        def check(value: Any) -> bool:
            number = to_decimal(value)
            return number is not None and target is not None and compare(number, target)

    def test(answers: Mapping[str, Any], hidden: AbstractSet[str]) -> bool:
        if iid in hidden:
            return False
        answered, value = _read(answers.get(iid))
        return answered and check(value)

    return test


def compile_condition(instrument: Instrument, cond: Condition) -> Test:
    if isinstance(cond, ItemCondition):
        return _leaf(instrument, cond)
    if isinstance(cond, Not):
        inner = compile_condition(instrument, cond.condition)
        return lambda answers, hidden: not inner(answers, hidden)
    parts = tuple(compile_condition(instrument, c) for c in cond.conditions)
    if isinstance(cond, AllOf):
        return lambda answers, hidden: all(p(answers, hidden) for p in parts)
    if isinstance(cond, AnyOf):
        return lambda answers, hidden: any(p(answers, hidden) for p in parts)
    assert isinstance(cond, AtLeast)
    count = cond.count

    def at_least(answers: Mapping[str, Any], hidden: AbstractSet[str]) -> bool:
        met = 0
        for p in parts:
            if p(answers, hidden):
                met += 1
                if met >= count:
                    return True
        return met >= count

    return at_least


def _parts(cond: Condition) -> list[Condition]:
    """*cond* and every condition inside it (scoring also tests the parts of an unmet requirement)."""
    if isinstance(cond, ItemCondition):
        return [cond]
    inner = (cond.condition,) if isinstance(cond, Not) else cond.conditions
    return [cond, *(p for c in inner for p in _parts(c))]


def _owned(instrument: Instrument) -> list[Condition]:
    conds: list[Condition] = [i.show_if for i in instrument.items if i.show_if is not None]
    for m in instrument.modules:
        conds.extend(lv.requires for lv in m.levels if lv.requires is not None)
        conds.extend(f.condition for f in m.flags)
    return [p for c in conds for p in _parts(c)]


def _table(instrument: Instrument) -> dict[int, tuple[Condition, Test]]:
    table: dict[int, tuple[Condition, Test]] | None = instrument.derived.get(_KEY)
    if table is None:  # two threads may both build it: the same table, the last one kept
        table = {id(c): (c, compile_condition(instrument, c)) for c in _owned(instrument)}
        instrument.derived[_KEY] = table
    return table


def compiled(instrument: Instrument, cond: Condition) -> Test | None:
    """The closure of one of *instrument*'s own conditions; None for a condition it does not own (the
    identity check keeps a look-up by ``id`` right when another object reuses a freed one's id)."""
    entry = _table(instrument).get(id(cond))
    return entry[1] if entry is not None and entry[0] is cond else None
