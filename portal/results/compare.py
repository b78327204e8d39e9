"""The result view's rounds: this round against the company's previous submitted round of the same
questionnaire (scores, levels gained, roadmap actions done since), and the history of every submitted round.

The one owner of the comparison: the result page, the PDF report and the result API all read it from the
result view. Every figure comes from the stored results (the latest row of each round), so a change shown
is exactly the difference of the two stored results.

Rounds answered on different versions of the questionnaire are compared where they are comparable: the
dimensions both versions have, and the roadmap actions whose questions the newer version still asks; the
view says which versions they were and what is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

import questionnaires
from portal.assessments.rounds import round_numbers
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import Assessment, AssessmentResult, AssessmentStatus
from portal.results import compare_model as c
from portal.results.format import local_date, num
from questionnaires import Instrument
from questionnaires.item_types import kind_of
from scoring import maturity
from scoring.maturity import result as r
from scoring.maturity.engine.overall import LEVEL_NAMES
from scoring.maturity.miit import MiitLevelRule

HUNDREDTH = Decimal("0.01")
Pick = Callable[[str | None, str | None], str]
Plain = Mapping[str, Any]


@dataclass(frozen=True)
class _Round:
    """A submitted round and the figures of its latest stored result the history shows (the row's columns:
    reading them from the result JSON of every round made the page grow with the company's history)."""

    id: int
    submitted_at: datetime
    version: str
    overall_score: Decimal | None
    overall_level: int | None
    miit_points: Decimal | None  # None: no MIIT result
    miit_level: int | None


def rounds_of(
    assessment: Assessment, result: r.ScoreResult, pick: Pick
) -> tuple[c.Comparison | None, c.History]:
    """The comparison with the previous submitted round (None: a first round or a draft), and the
    history."""
    rounds = _submitted_rounds(assessment)
    numbers = round_numbers(assessment.company_id)
    history = _history(assessment, rounds, numbers, result.miit is not None, pick)
    if assessment.submitted_at is None:
        return None, history
    earlier = [x for x in rounds if x.id != assessment.id and x.submitted_at < assessment.submitted_at]
    if not earlier:
        return None, history
    previous = earlier[-1]
    return _comparison(assessment, result, previous, f"T{numbers.get(previous.id, 0)}", pick), history


def _submitted_rounds(assessment: Assessment) -> list[_Round]:
    """The company's submitted rounds of this questionnaire that have a stored result, oldest first."""
    latest = (
        sa.select(sa.func.max(AssessmentResult.id).label("id"))
        .join(Assessment, Assessment.id == AssessmentResult.assessment_id)
        .where(
            Assessment.company_id == assessment.company_id,
            Assessment.instrument_id == assessment.instrument_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
        )
        .group_by(AssessmentResult.assessment_id)
        .subquery()
    )
    # of each round's latest stored result the columns the history shows, not its JSON
    rows = db.session.execute(
        sa.select(
            Assessment.id,
            Assessment.submitted_at,
            Assessment.instrument_version,
            AssessmentResult.overall_score,
            AssessmentResult.overall_level,
            AssessmentResult.miit_points,
            AssessmentResult.miit_level,
        )
        .join(Assessment, Assessment.id == AssessmentResult.assessment_id)
        .where(AssessmentResult.id.in_(sa.select(latest.c.id)))
        .order_by(Assessment.submitted_at, Assessment.id)
    )
    return [
        _Round(assessment_id, submitted_at, version, score, level, points, miit_level)
        for assessment_id, submitted_at, version, score, level, points, miit_level in rows
        if submitted_at is not None
    ]


@cache
def _miit_rule() -> MiitLevelRule:
    return maturity.level_rule()


def _level_name(miit: bool, level: int, pick: Pick) -> str:
    """The name of a level as the engine gives it (the names a stored result carries)."""
    if miit:
        rule = _miit_rule()
        if level:
            return pick(rule.levels[level - 1].name_zh, rule.levels[level - 1].name_en)
        return pick(rule.below_name_zh, rule.below_name_en)
    names = LEVEL_NAMES.get(level)
    return pick(names[0], names[1]) if names else ""


def _history(
    assessment: Assessment, rounds: Sequence[_Round], numbers: Mapping[int, int], miit: bool, pick: Pick
) -> c.History:
    points = []
    for x in rounds:
        ranked = miit and x.miit_points is not None
        score = x.miit_points if ranked else x.overall_score
        level = int((x.miit_level if ranked else x.overall_level) or 0)
        points.append(
            c.HistoryPoint(
                round=f"T{numbers.get(x.id, 0)}",
                date=local_date(x.submitted_at),
                version=x.version,
                score=num(_decimal(score)),
                level=level,
                level_name=_level_name(ranked, level, pick),
                current=x.id == assessment.id,
            )
        )
    note = None
    if assessment.submitted_at is None:
        note = _("评估提交后，这里将显示与上一轮的对比。")
    elif len(points) < 2:
        note = _("这是贵企业这份问卷的第一轮评估，暂无可对比的上一轮；下一轮评估提交后，这里将显示各项变化。")
    return c.History(metric=_("工信部评测总分") if miit else _("综合得分"), points=tuple(points), note=note)


@dataclass(frozen=True)
class _Previous:
    """The parts of the previous round's latest stored result the comparison reads."""

    modules: list[Plain]  # the dimensions' figures (AssessmentResult.dimensions)
    roadmap: Plain | None
    overall: Plain
    miit: Plain | None


def _previous_parts(previous_id: int) -> _Previous:
    # The whole result, its parts taken here: on PostgreSQL each `result -> 'key'` parses the stored JSON
    # text again (a `json` column), three parts cost five times the read of the column (4.3 against
    # 0.8 ms for a demo result, timed with psql).
    row = db.session.execute(
        sa.select(AssessmentResult.dimensions, AssessmentResult.result)
        .where(AssessmentResult.assessment_id == previous_id)
        .order_by(AssessmentResult.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return _Previous([], None, {}, None)
    modules, result = row
    result = result or {}
    return _Previous(
        list(modules or ()),
        result.get("roadmap") or None,
        result.get("overall") or {},
        result.get("miit") or None,
    )


def _comparison(
    assessment: Assessment, result: r.ScoreResult, previous: _Round, label: str, pick: Pick
) -> c.Comparison:
    parts = _previous_parts(previous.id)
    then = {m["module_id"]: m for m in parts.modules if m.get("visible_items")}
    now = [m for m in result.modules if m.visible_items]
    rows = [
        _row(pick(m.title_zh, m.title_en), then[m.module_id], m.score, m.level)
        for m in now
        if m.module_id in then
    ]
    overall = _row(_("综合"), parts.overall, result.overall.score, result.overall.level, strong=True)
    rows.append(overall)
    now_ids = {m.module_id for m in now}
    not_compared = [pick(m.title_zh, m.title_en) for m in now if m.module_id not in then]
    not_compared += [
        pick(m.get("title_zh"), m.get("title_en")) for mid, m in then.items() if mid not in now_ids
    ]
    same = previous.version == assessment.instrument_version
    instrument = instrument_of(assessment)
    done, planned = _done_actions(parts.roadmap, instrument, assessment.answer_map(), pick)
    return c.Comparison(
        round=label,
        date=local_date(previous.submitted_at),
        version=previous.version,
        same_version=same,
        note=None if same else _version_note(previous.version, assessment.instrument_version),
        overall_delta=overall.delta,
        miit_delta=_miit_delta(parts.miit, result.miit),
        rows=tuple(rows),
        levels=_levels(rows, parts, result, then, now, pick),
        not_compared=tuple(not_compared),
        done=done,
        planned=planned,
    )


def _version_note(then: str, now: str) -> str:
    return _(
        "上一轮使用问卷 %(then)s 版，本轮使用 %(now)s 版：两版都有的维度逐项对比，"
        "只在一版中出现的维度不作对比；两版综合得分所依据的题目不完全相同，其变化仅供参考。",
        then=then,
        now=now,
    )


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _delta(then: Any, now: Any) -> c.Number | None:
    """The exact difference of the two stored figures, to the hundredth (half up: MIIT points have three
    decimals, and a float rounding of 63.775 would give 63.77)."""
    before, after = _decimal(then), _decimal(now)
    if before is None or after is None:
        return None
    return num((after - before).quantize(HUNDREDTH, ROUND_HALF_UP))


def _row(title: str, before: Plain, score: Decimal | None, level: int, strong: bool = False) -> c.CompareRow:
    then_level = before.get("level")
    return c.CompareRow(
        title=title,
        strong=strong,
        then_score=num(_decimal(before.get("score"))),
        then_level=then_level,
        now_score=num(score),
        now_level=level,
        delta=_delta(before.get("score"), score),
        level_delta=level - then_level if then_level is not None else None,
    )


def _miit_delta(then: Plain | None, now: r.MiitResult | None) -> c.Number | None:
    if then is None or now is None:
        return None
    return _delta(then.get("points", {}).get("total"), now.points["total"])


def _level_text(level: int, name: str) -> str:
    return f"{_('%(n)s 级', n=level)} · {name}" if name else _("%(n)s 级", n=level)


def _levels(  # noqa: PLR0913, PLR0917 — the two rounds' parts, passed through
    rows: Sequence[c.CompareRow],
    previous: _Previous,
    result: r.ScoreResult,
    then: Mapping[str, Plain],
    now: Sequence[r.ModuleResult],
    pick: Pick,
) -> tuple[c.LevelChange, ...]:
    """The levels that moved: the overall level, the MIIT level, then each dimension's."""
    out = []
    before, after = previous.overall, result.overall
    if before.get("level") is not None and before["level"] != after.level:
        out.append(
            c.LevelChange(
                _("综合等级"),
                _level_text(before["level"], pick(before.get("level_name_zh"), before.get("level_name_en"))),
                _level_text(after.level, pick(after.level_name_zh, after.level_name_en)),
                after.level - before["level"],
            )
        )
    miit_then, miit_now = previous.miit, result.miit
    if miit_then is not None and miit_now is not None and miit_then.get("level") != miit_now.level:
        out.append(
            c.LevelChange(
                _("工信部数字化水平等级（测算）"),
                pick(miit_then.get("level_name_zh"), miit_then.get("level_name_en")),
                pick(miit_now.level_name_zh, miit_now.level_name_en),
                miit_now.level - int(miit_then.get("level") or 0),
            )
        )
    by_title = {row.title: row for row in rows if not row.strong}
    for m in now:
        row = by_title.get(pick(m.title_zh, m.title_en))
        if row is None or not row.level_delta:
            continue
        old = then[m.module_id]
        out.append(
            c.LevelChange(
                row.title,
                _level_text(old["level"], pick(old.get("level_name_zh"), old.get("level_name_en"))),
                _level_text(m.level, pick(m.level_name_zh, m.level_name_en)),
                row.level_delta,
            )
        )
    return tuple(out)


def _done_actions(
    roadmap: Plain | None, instrument: Instrument, answers: Mapping[str, Any], pick: Pick
) -> tuple[tuple[c.DoneAction, ...], int]:
    """The previous roadmap's actions this round's answers have carried out, and how many of its actions
    could be judged (those whose questions this version still asks)."""
    if not roadmap:
        return (), 0
    done = []
    planned = 0
    for actions in (roadmap.get("horizons") or {}).values():
        for action in actions:
            items: Mapping[str, Any] = action.get("items") or {}
            if not items or not all(instrument.has_item(item_id) for item_id in items):
                continue
            planned += 1
            if all(_reached(instrument.item(i), answers.get(i), target) for i, target in items.items()):
                module = action.get("module_id", "")
                dimension = instrument.module(module) if _has_module(instrument, module) else None
                done.append(
                    c.DoneAction(
                        title=pick(action.get("title_zh"), action.get("title_en")),
                        dimension=pick(dimension.title_zh, dimension.title_en) if dimension else "",
                    )
                )
    return tuple(done), planned


def _has_module(instrument: Instrument, module_id: str) -> bool:
    return any(m.id == module_id for m in instrument.modules)


def _reached(item: questionnaires.Item, raw: Any, target: Any) -> bool:
    """The answer already gives what the action leads to: raising it to the target changes nothing (each
    item type raises its own answers, as the roadmap does)."""
    current = questionnaires.answer_value(raw)
    if current is None:
        return False
    raised = kind_of(item).raise_answer(item, current, target)
    if isinstance(raised, list | tuple) and isinstance(current, list | tuple):
        return set(raised) == set(current)
    return bool(raised == current)
