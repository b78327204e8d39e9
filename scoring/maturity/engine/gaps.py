"""The gaps of one dimension to its next level: score points short, unmet requirements, items to improve.
Only a reader of a result needs them: ``module`` leaves them to the result's first read."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from questionnaires import Instrument, Item
from questionnaires.item_types import kind_of
from questionnaires.model import MaturityLevel
from scoring.maturity.result import ItemGap, NextLevel, OptionHint, RequirementGap, q_points, q_score

from .describe import unmet_requirements
from .points import HUNDRED, ZERO, ReadAnswers


def _item_gaps(items: list[Item], read: ReadAnswers, points_short: Decimal) -> tuple[ItemGap, ...]:
    gaps: list[tuple[Decimal, int, ItemGap]] = []
    for pos, item in enumerate(items):
        if not item.scored:
            continue
        value, current = read.values[item.id], read.points[item.id]
        top = item.max_points or ZERO
        if current >= top:
            continue
        improvement = kind_of(item).improvement(item, value, current, points_short)
        hints = [
            OptionHint(o.id, o.text_zh, o.text_en, o.points or ZERO, gain) for o, gain in improvement.better
        ]
        needed = improvement.needed
        closes = top - current >= points_short > 0
        gap = ItemGap(
            item_id=item.id,
            text_zh=item.text_zh,
            text_en=item.text_en,
            current_answer=value,
            current_points=q_points(current),
            max_points=q_points(top),
            points_available=q_points(top - current),
            answer_needed=needed,
            closes_gap_alone=closes,
            better_options=tuple(hints),
        )
        gaps.append((-(top - current), pos, gap))
    gaps.sort(key=lambda t: (t[0], t[1]))
    return tuple(g for _, _, g in gaps)


def gaps_to(  # noqa: PLR0913, PLR0917 — the parts of one dimension's scoring run the gaps read
    instrument: Instrument,
    nxt: MaturityLevel,
    score: Decimal | None,
    max_points: Decimal,
    items: list[Item],
    read: ReadAnswers,
    answers: Mapping[str, Any],
    hidden: frozenset[str],
) -> NextLevel:
    """What the dimension lacks for the level *nxt*: score points, unmet requirements, items to improve."""
    min_score = nxt.min_score if nxt.min_score is not None else ZERO
    cur = score if score is not None else ZERO
    score_short = max(ZERO, min_score - cur)
    points_short = q_points(score_short * max_points / HUNDRED) if max_points > 0 else ZERO
    reqs: tuple[RequirementGap, ...] = ()
    if nxt.requires is not None:
        reqs = tuple(unmet_requirements(instrument, nxt.requires, answers, hidden))
    return NextLevel(
        level=nxt.level,
        name_zh=nxt.name_zh,
        name_en=nxt.name_en,
        min_score=min_score,
        score_short=q_score(score_short),
        points_short=points_short,
        requirements_missing=reqs,
        items=_item_gaps(items, read, points_short),
    )
