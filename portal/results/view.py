"""`build_result_view(assessment, lang)`: the one presentation of a scored result, for the result page, the
PDF report and the verify page.

Chinese data (titles, level names, reasons, stored as *_zh / *_en pairs) is chosen by `Picker`, the only
place that looks at the language; fixed words come from the gettext catalog under `force_locale(lang)`,
so the PDF worker (no request) gets the same words as the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

import questionnaires
from portal.instruments import instrument_of
from portal.models import Assessment
from portal.results import citations, services
from portal.results import model as v
from portal.results.answers import AnswerText
from portal.results.compare import rounds_of
from portal.results.format import Picker, local_date, local_time, num
from portal.results.indicators import cloud_definition, cloud_view, fiveg_view, method_notes, miit_view
from portal.results.plan import PlanChoice
from portal.results.plan_view import has_plan, plan_view
from portal.results.programmes import dimension_peers, programmes
from portal.review.summary import verified_view
from portal.templating import unit_text
from questionnaires import Instrument
from scoring import maturity
from scoring.maturity import result as r
from scoring.maturity.engine.overall import OVERALL_LEVEL_RULE

# Questions listed per dimension under "what the next level needs" (after its unmet conditions), on the
# page and in the PDF alike: enough to act on, few enough to read.
GAP_ROWS = 6

# A radar needs at least three axes to show a shape; with fewer dimensions the table says it all.
RADAR_MIN_AXES = 3


def locale_of(lang: str) -> str:
    """The catalog locale of a view language."""
    return "en" if lang == "en" else "zh_CN"


def build_result_view(
    assessment: Assessment,
    lang: str,
    scored: services.Scored | None = None,
    plan: PlanChoice | None = None,
) -> v.ResultView:
    """The scored assessment in `lang` ("zh" or "en"): stored result when submitted, else a live preview.
    `scored` is the result to show when the caller already has it (`services.scored(assessment)`);
    `plan` the company's choice for the upgrade plan (default: the default target, least effort)."""
    lang = "en" if lang.startswith("en") else "zh"
    with force_locale(locale_of(lang)):
        return _build(assessment, lang, scored or services.scored(assessment), plan or PlanChoice())


def _build(assessment: Assessment, lang: str, scored: services.Scored, choice: PlanChoice) -> v.ResultView:
    pick = Picker(lang)
    instrument = instrument_of(assessment)
    result = scored.result
    targets = services.targets_of(assessment.company, assessment.instrument_id)
    answer_text = AnswerText(instrument, pick)
    miit = miit_view(result.miit, instrument, pick) if result.miit else None
    mine = num(services.my_score(result))
    roadmap = _roadmap(result.roadmap, pick)
    comparison, history = rounds_of(assessment, result, pick)
    return v.ResultView(
        lang=lang,
        list_sep=", " if pick.en else "、",
        assessment_id=assessment.id,
        company=assessment.company.name,
        instrument=v.InstrumentInfo(
            id=instrument.id, title=pick(instrument.title_zh, instrument.title_en), version=instrument.version
        ),
        submitted_on=local_date(assessment.submitted_at),
        preview=scored.stored is None,
        overall=_overall(result.overall, pick),
        mine=mine,
        benchmark=_bench(result.benchmark, mine, pick),
        miit=miit,
        cloud=cloud_view(result.cloud, instrument, pick),
        fiveg=fiveg_view(result.fiveg, pick),
        dimensions=_dimensions(assessment, result, targets, pick, answer_text, _visible_ids(assessment)),
        roadmap=roadmap,
        top_actions=_top_actions(roadmap),
        programmes=programmes(assessment.company, pick),
        comparison=comparison,
        history=history,
        appendix=_appendix(
            instrument, assessment.answer_map(), assessment.company.cluster, pick, answer_text
        ),
        method=_method(instrument, result, scored.stored_at, pick),
        charts=_charts(result, instrument, targets, pick),
        verified=verified_view(assessment, result.miit, pick, answer_text),
        plan=plan_view(
            assessment.company,
            instrument,
            assessment.answer_map(),
            result,
            choice,
            pick,
            kept=scored.stored.default_plan if scored.stored is not None else None,
        )
        if has_plan(result)
        else None,
    )


def _overall(overall: r.OverallResult, pick: Picker) -> v.Overall:
    return v.Overall(
        score=num(overall.score),
        level=overall.level,
        level_name=pick(overall.level_name_zh, overall.level_name_en),
        gbt39116=pick(overall.gbt39116_zh, overall.gbt39116_en),
        # the rule in today's words (a result stored under an earlier wording states the same rule)
        rule=pick(*OVERALL_LEVEL_RULE),
    )


def _bench(bench: r.BenchmarkResult | None, mine: v.Number | None, pick: Picker) -> v.Bench:
    if bench is None:
        return v.Bench(False, "", None, None, None, None, None, None, None, mine)
    return v.Bench(
        ok=bench.status == "ok",
        group=pick(bench.group_label_zh, bench.group_label_en),
        peers=bench.peers,
        percentile=num(bench.percentile),
        p25=num(bench.p25),
        median=num(bench.median),
        p75=num(bench.p75),
        min=num(bench.min),
        max=num(bench.max),
        me=mine,
    )


_ITEM_REF = re.compile(r"\[([a-z0-9_]+(?:\.[a-z0-9_]+)+)\]")


def name_questions(text: str | None, instrument: Instrument, pick: Picker) -> str | None:
    """The engine's condition texts cite questions by key ("[cloud.rnd.tools] 选择：C"); a company reads
    the question ("“研发设计工具…” 选择：C")."""
    if not text:
        return None

    def question(match: re.Match[str]) -> str:
        key = match[1]
        if not instrument.has_item(key):
            return ""
        item = instrument.item(key)
        return f"“{pick(item.text_zh, item.text_en)}”"

    return _ITEM_REF.sub(question, text)


def _visible_ids(assessment: Assessment) -> frozenset[str]:
    instrument = instrument_of(assessment)
    shown = questionnaires.visible_items(instrument, assessment.answer_map(), assessment.company.cluster)
    return frozenset(item.id for item in shown)


def _dimensions(  # noqa: PLR0913, PLR0917 — the view's parts, passed through
    assessment: Assessment,
    result: r.ScoreResult,
    targets: Mapping[str, int],
    pick: Picker,
    answer_text: AnswerText,
    visible: frozenset[str],
) -> tuple[v.Dimension, ...]:
    peers = dimension_peers(assessment)
    profile = result.profile
    out = []
    for m in result.modules:
        if not m.visible_items:
            continue
        bench = None
        if m.score is not None:
            ranked = maturity.benchmark(
                m.score, profile.cluster, profile.size, profile.city, peers.get(m.module_id, [])
            )
            bench = _bench(ranked, num(m.score), pick)
        out.append(
            v.Dimension(
                id=m.module_id,
                title=pick(m.title_zh, m.title_en),
                score=num(m.score),
                level=m.level,
                level_name=pick(m.level_name_zh, m.level_name_en),
                weight=num(m.weight) or None,
                target=targets.get(m.module_id),
                bench=bench,
                decided_by=tuple(
                    v.LevelTest(
                        d.level,
                        num(d.min_score),
                        d.score_met,
                        name_questions(pick(d.requires_zh, d.requires_en), answer_text.instrument, pick),
                        d.requires_met,
                    )
                    for d in m.decided_by
                ),
                next_level=_next_level(m.next_level, pick, answer_text, visible) if m.next_level else None,
            )
        )
    return tuple(out)


def _current(item_id: str, raw: Any, answer_text: AnswerText, visible: frozenset[str]) -> str:
    """The answer as read; a question the company never saw (skipped by an earlier answer) says so,
    instead of reading as 未作答 as if it had been left out."""
    if item_id not in visible and answer_text.instrument.has_item(item_id):
        return _("未显示：取决于前面的回答")
    return answer_text(item_id, raw)


def _next_level(
    nxt: r.NextLevel, pick: Picker, answer_text: AnswerText, visible: frozenset[str]
) -> v.NextLevel:
    rows = [
        v.GapRow(
            question=pick(g.text_zh, g.text_en),
            current=_current(g.item_id, g.current_answer, answer_text, visible),
            needed=name_questions(pick(g.needed_zh, g.needed_en), answer_text.instrument, pick) or "",
            note=name_questions(pick(g.context_zh, g.context_en), answer_text.instrument, pick),
            points=None,
        )
        for g in nxt.requirements_missing
    ]
    rows += [
        v.GapRow(
            question=pick(g.text_zh, g.text_en),
            current=_current(g.item_id, g.current_answer, answer_text, visible),
            needed=answer_text.options(g.item_id, g.answer_needed),
            note=None,
            points=num(g.points_available),
        )
        for g in nxt.items[:GAP_ROWS]
    ]
    return v.NextLevel(
        level=nxt.level,
        name=pick(nxt.name_zh, nxt.name_en),
        score_short=num(nxt.score_short),
        rows=tuple(rows),
    )


def horizon_labels() -> dict[str, str]:
    return {"0-6": _("近期（0–6 个月）"), "6-18": _("中期（6–18 个月）"), "18-36": _("远期（18–36 个月）")}


def _roadmap(roadmap: r.Roadmap | None, pick: Picker) -> v.Roadmap | None:
    if roadmap is None:
        return None
    from portal.eligibility.services import program_labels

    names = program_labels("en" if pick.en else "zh")
    horizons = []
    for key, label in horizon_labels().items():
        actions = tuple(
            v.Action(
                id=a.action_id,
                rank=a.rank,
                title=pick(a.title_zh, a.title_en),
                measure=pick(a.measure_zh, a.measure_en),
                source=citations.readable(a.source, english=pick.en),
                horizon=label,
                level_before=a.level_before,
                level_after=a.level_after,
                score_gain=num(a.score_gain),
                for_target=a.needed_for_target,
                programmes=tuple(
                    names.get(ref, ref)
                    for p in a.programs
                    for ref in [p.program_id + (f"/{p.direction}" if p.direction else "")]
                ),
            )
            for a in roadmap.horizons.get(key, ())
        )
        horizons.append(v.Horizon(key=key, label=label, actions=actions))
    return v.Roadmap(horizons=tuple(horizons), formula=pick(roadmap.formula_zh, roadmap.formula_en))


def _top_actions(roadmap: v.Roadmap | None) -> tuple[v.Action, ...]:
    if roadmap is None:
        return ()
    actions = [a for h in roadmap.horizons for a in h.actions]
    return tuple(sorted(actions, key=lambda a: a.rank)[:3])


def _appendix(
    instrument: Instrument,
    answers: Mapping[str, Any],
    cluster: str | None,
    pick: Picker,
    answer_text: AnswerText,
) -> tuple[v.AppendixModule, ...]:
    visible = {i.id for i in questionnaires.visible_items(instrument, answers, cluster)}
    modules = []
    for module in instrument.modules:
        rows: list[v.AppendixRow] = []
        for item in module.items:
            if item.id not in visible:
                continue
            raw = answers.get(item.id)
            given = questionnaires.answers.answer_evidence(raw) if raw is not None else {}
            evidence = tuple(
                v.Evidence(pick(f.label_zh, f.label_en), answer_text.number(given[f.id]), unit_text(f.unit))
                for f in item.evidence
                if given.get(f.id) not in (None, "")
            )
            rows.append(
                v.AppendixRow(
                    no=len(rows) + 1,
                    question=pick(item.text_zh, item.text_en),
                    answer=answer_text(item.id, raw),
                    evidence=evidence,
                )
            )
        if rows:
            modules.append(v.AppendixModule(pick(module.title_zh, module.title_en), tuple(rows)))
    return tuple(modules)


def _method(
    instrument: Instrument, result: r.ScoreResult, stored_at: datetime | None, pick: Picker
) -> v.Method:
    miit = result.miit
    return v.Method(
        engine_version=result.engine_version,
        version=result.engine_version.rpartition("-")[2],
        computed_at=local_time(stored_at) if stored_at else None,
        instrument_hash=instrument.content_hash,
        notes=method_notes(instrument.scoring.method)
        or pick(instrument.scoring.notes_zh, instrument.scoring.notes_en)
        or None,
        overall_rule=pick(result.overall.rule_zh, result.overall.rule_en),
        miit_rule=pick(miit.rule.description_zh, miit.rule.description_en) if miit else None,
        cloud_definition=cloud_definition(instrument) if result.cloud else None,
        sources=tuple(v.Source(doc.title, _citable(doc.reference)) for doc in instrument.sources),
    )


def _citable(reference: str | None) -> str | None:
    """A source's document number and date, without the authors' notes (in ASCII brackets, e.g.
    "(score bands …, used only to place min_score)")."""
    return re.sub(r"\s*\([^)]*\)", "", reference).strip() or None if reference else None


def _charts(
    result: r.ScoreResult, instrument: Instrument, targets: Mapping[str, int], pick: Picker
) -> v.Charts:
    """The chart follows the data, never a dimension id: a MIIT result is decided by its points, so it gets
    the points per sub-dimension; any other result gets a radar of every dimension that counts in the
    overall score (weight > 0 and a score), when there are enough of them to draw one."""
    if result.miit is not None:
        groups = {g.id: g for m in instrument.modules for g in m.groups}
        return v.Charts(
            radar=None,
            miit_bars=v.MiitBars(
                tuple(
                    (
                        gid,
                        pick(groups[gid].title_zh, groups[gid].title_en) if gid in groups else gid,
                        float(points),
                        float(groups[gid].max_points or 0) if gid in groups else 0.0,
                    )
                    for gid, points in result.miit.groups.items()
                )
            ),
        )
    counted = [m for m in result.modules if m.share > 0 and m.score is not None]
    if len(counted) < RADAR_MIN_AXES:
        return v.Charts(radar=None, miit_bars=None)
    radar = v.Radar(
        modules=tuple((m.module_id, pick(m.title_zh, m.title_en), num(m.score) or 0) for m in counted),
        targets=tuple((m.module_id, targets[m.module_id]) for m in counted if m.module_id in targets),
    )
    return v.Charts(radar=radar, miit_bars=None)
