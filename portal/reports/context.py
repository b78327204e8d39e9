"""Everything a report shows, as plain data (str / int / float / bool / None / list / dict).

`build_report_context(assessment, lang)` is the only place that reads the database for a report: the print
template gets no ORM object, so the same context can be rendered anywhere (worker, CLI, bench) and tested
as data. Texts are chosen here in the report's language (zh or en), not by the request's locale, because
the worker has no request.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

import questionnaires
from portal.assessments.services import instrument_of
from portal.extensions import db
from portal.models import Assessment, AssessmentResult, AssessmentStatus, Company
from portal.results import services as results
from questionnaires import Instrument
from questionnaires.model import Item
from scoring import maturity
from scoring.reference import industries, regions
from scoring.reference.sme_size import SIZE_NAMES_EN, SIZE_NAMES_ZH, Size

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
Plain = dict[str, Any]

# Every fixed text of the report, (zh, en). Section titles are also what the tests look for in pdftotext.
LABELS: dict[str, tuple[str, str]] = {
    "doc_title": ("数字化转型评估报告", "Digital Transformation Assessment Report"),
    "portal": ("数转评估 · 广东制造业数字化转型评估平台", "DX Assess · Guangdong manufacturing DX portal"),
    "credit_code": ("统一社会信用代码", "Unified social credit code"),
    "city": ("所在地区", "Location"),
    "cluster": ("战略性产业集群", "Strategic industry cluster"),
    "no_cluster": ("不属于 20 个战略性产业集群", "Not in the 20 strategic clusters"),
    "size": ("企业规模", "Enterprise size"),
    "industry": ("所属行业", "Industry"),
    "instrument": ("评估问卷及版本", "Instrument and version"),
    "assessment_date": ("评估提交日期", "Assessment submitted"),
    "report_no": ("报告编号", "Report no."),
    "verification_code": ("核验码", "Verification code"),
    "verify_hint": (
        "主管部门可在本平台核验页输入核验码，核对企业名称、评估日期与等级：",
        "Bureaus can check the company name, date and levels on the portal's verify page:",
    ),
    "generated_at": ("报告生成时间", "Generated"),
    "toc": ("目录", "Contents"),
    "s_summary": ("执行摘要", "Executive summary"),
    "s_dimensions": ("分维度评估", "Dimension by dimension"),
    "s_miit": ("工信部 2024 版评测明细", "MIIT 2024 assessment detail"),
    "s_roadmap": ("升级路线图", "Upgrade roadmap"),
    "s_programs": ("政策申报匹配", "Support programs"),
    "s_comparison": ("与上次评估对比", "Comparison with the previous assessment"),
    "s_appendix": ("附录：全部答案与佐证数据", "Appendix: all answers and evidence"),
    "s_method": ("方法说明与数据来源", "Method and data sources"),
    "overall_level": ("综合等级", "Overall level"),
    "overall_score": ("综合得分（0–100）", "Overall score (0–100)"),
    "miit_level": ("工信部数字化水平等级（测算）", "MIIT digital level (estimated)"),
    "miit_points": ("工信部评测总分（满分 100）", "MIIT points (of 100)"),
    "peer_pct": ("同行百分位", "Peer percentile"),
    "cloud": ("上云上平台（四类）", "Cloud and platform (four kinds)"),
    "cloud_on": ("已上云上平台", "On cloud/platform"),
    "cloud_off": ("未达到", "Not yet"),
    "cloud_company_cloud": ("企业计为“上云”", "Company counts as on cloud"),
    "cloud_company_platform": ("企业计为“上平台”", "Company counts as on platform"),
    "fiveg": ("5G 工厂建设层级", "5G factory tier"),
    "top_actions": ("优先行动（前三项）", "Top three actions"),
    "eligible_programs": ("可申报政策及预计奖补", "Programs you qualify for, with estimated awards"),
    "no_eligible": (
        "按现有资料暂无确定符合的政策；补充资料后可能符合的见第 5 节。",
        "No program is confirmed yet with the data given; see section 5 for programs that need more data.",
    ),
    "score": ("得分", "Score"),
    "level": ("等级", "Level"),
    "weight": ("权重", "Weight"),
    "peer_position": ("同行位置", "Peer position"),
    "peer_none": ("可比企业不足 5 家，暂不对标", "Fewer than 5 comparable companies: no benchmark"),
    "peer_group": ("对比组", "Peer group"),
    "quartiles": ("P25 / 中位数 / P75", "P25 / median / P75"),
    "min_max": ("最低 / 最高", "Min / max"),
    "you": ("本企业", "You"),
    "decided_by": ("判定依据", "How the level was decided"),
    "next_level": ("达到下一级还需要", "Needed for the next level"),
    "score_short": ("得分还差", "Score short by"),
    "top_level": ("本维度已达到最高等级。", "This dimension is at the top level."),
    "question": ("题目", "Question"),
    "current_answer": ("当前回答", "Current answer"),
    "needed_answer": ("需要的回答", "Answer needed"),
    "points_available": ("可得分值", "Points available"),
    "group": ("子维度", "Sub-dimension"),
    "points": ("得分", "Points"),
    "max_points": ("满分", "Max"),
    "scenario": ("经营场景", "Scenario"),
    "constraint": ("约束性", "constraint"),
    "below_l1": ("未达到 L1", "below L1"),
    "miit_next": ("距离下一级", "Distance to the next level"),
    "points_short": ("总分还差", "Points short"),
    "scenarios_short": ("达标场景还差", "Scenarios short"),
    "constraint_short": ("其中约束性场景还差", "of which constraint scenarios short"),
    "miit_top": ("已达到最高等级。", "Top level reached."),
    "assumed_rule": ("等级规则（假定）", "Level rule (assumed)"),
    "h_0_6": ("近期（0–6 个月）", "Near term (0–6 months)"),
    "h_6_18": ("中期（6–18 个月）", "Medium term (6–18 months)"),
    "h_18_36": ("远期（18–36 个月）", "Long term (18–36 months)"),
    "measure": ("依据措施", "Measure"),
    "level_change": ("维度等级", "Dimension level"),
    "score_gain": ("得分提升", "Score gain"),
    "for_target": ("达成目标所需", "needed for target"),
    "helps_programs": ("有助于申报", "Helps with"),
    "none": ("暂无", "None"),
    "program": ("政策", "Program"),
    "status": ("状态", "Status"),
    "reasons": ("判定理由", "Reasons"),
    "award": ("预计奖补（万元）", "Estimated award (10k CNY)"),
    "gaps": ("差距", "Gaps"),
    "to_supply": ("待补充", "Data needed"),
    "valid_to": ("有效期至", "Valid until"),
    "passed_n": ("已满足 {n} 项条件", "{n} conditions met"),
    "programs_unavailable": (
        "政策匹配服务暂不可用，本节未生成。",
        "The eligibility service is not available; this section was not generated.",
    ),
    "then": ("上次", "Then"),
    "now": ("本次", "Now"),
    "change": ("变化", "Change"),
    "dimension": ("维度", "Dimension"),
    "overall": ("综合", "Overall"),
    "answer": ("回答", "Answer"),
    "evidence": ("佐证数据", "Evidence"),
    "not_answered": ("未作答", "Not answered"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "engine_version": ("评分引擎版本", "Scoring engine version"),
    "instrument_hash": ("问卷内容哈希", "Instrument content hash"),
    "scoring_method": ("计分方法", "Scoring method"),
    "overall_rule": ("综合等级规则", "Overall level rule"),
    "benchmark_note": (
        "同行对标使用其他企业已提交评估的最新结果，"
        "对比组依次从“同集群×同规模×同城市”放宽至所在区域、全省，不足 5 家时不显示，以保护企业信息。",
        "Peers are the latest submitted results of other companies; the group widens from "
        "same cluster × size × city to region and province, "
        "and is not shown below 5 companies to protect their data.",
    ),
    "policy_sources": ("政策与标准来源", "Policy and standard sources"),
    "cloud_definition": ("上云上平台判定口径", "Cloud/platform definition"),
    "roadmap_formula": ("排序方法", "Ranking"),
    "disclaimer": (
        "本报告由平台依据企业自评答案自动生成，等级为测算结果，不代替主管部门或第三方机构的正式评定。",
        "This report is generated from the company's self-assessment answers; "
        "levels are estimates and do not replace an official rating by a bureau or an accredited assessor.",
    ),
    "page": ("第 {p} 页 / 共 {n} 页", "Page {p} of {n}"),
    "level_n": ("{n} 级", "Level {n}"),
    "percentile": ("第 {p} 百分位", "percentile {p}"),
}

STATUS_FALLBACK: dict[str, tuple[str, str]] = {
    "eligible": ("符合", "Eligible"),
    "ineligible": ("不符合", "Not eligible"),
    "needs_info": ("待补充资料", "Needs information"),
    "expired": ("已过期", "Expired"),
    "not_yet_open": ("尚未开始", "Not yet open"),
}


def _pick(lang: str, zh: Any, en: Any) -> Any:
    return en if lang == "en" and en not in (None, "", []) else zh


def _t(obj: Mapping[str, Any], base: str, lang: str) -> Any:
    return _pick(lang, obj.get(f"{base}_zh"), obj.get(f"{base}_en"))


def _num(value: Any) -> float | int | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else round(number, 2)


def labels(lang: str) -> dict[str, str]:
    return {key: (en if lang == "en" else zh) for key, (zh, en) in LABELS.items()}


# --------------------------------------------------------------------------------------------- entry


def build_report_context(
    assessment: Assessment,
    lang: str,
    *,
    report_no: str | None = None,
    verification_code: str | None = None,
    generated_at: datetime | None = None,
) -> Plain:
    """The whole report as plain data, in `lang` ("zh" or "en")."""
    lang = "en" if lang.startswith("en") else "zh"
    instrument = instrument_of(assessment)
    result = results.view_result(assessment)
    answers = assessment.answer_map()
    company = assessment.company
    is_miit = bool(result.get("miit"))
    text = labels(lang)
    option_text = results.option_texts(instrument, lambda zh, en: _pick(lang, zh, en))

    dimensions = _dimensions(assessment, result, lang, option_text)
    roadmap = _roadmap(result, lang)
    programs = _programs(company, lang)
    when = generated_at or datetime.now(UTC)
    context: Plain = {
        "lang": lang,
        "html_lang": "en" if lang == "en" else "zh-CN",
        "L": text,
        "company": _company(company, lang),
        "instrument": {
            "id": instrument.id,
            "title": _pick(lang, instrument.title_zh, instrument.title_en),
            "version": instrument.version,
            "hash": instrument.content_hash,
            "method": instrument.scoring.method,
            "is_miit": is_miit,
        },
        "assessment": {
            "id": assessment.id,
            "submitted": assessment.status is AssessmentStatus.SUBMITTED,
            "date": _local_date(assessment.submitted_at or assessment.updated_at),
        },
        "report": {
            "no": report_no or f"DRAFT-{assessment.id}",
            "code": verification_code or "—",
            "verify_path": f"/verify/{verification_code}" if verification_code else None,
            "verify_base": str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/"),
            "generated_at": when.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
        },
        "overall": _overall(result, lang),
        "miit": _miit(result, instrument, lang) if is_miit else None,
        "cloud": _cloud(result, lang),
        "fiveg": _fiveg(result, lang),
        "benchmark": _benchmark(result["benchmark"], result, lang),
        "dimensions": dimensions,
        "roadmap": roadmap,
        "top_actions": _top_actions(roadmap),
        "programs": programs,
        "comparison": _comparison(assessment, result, lang),
        "appendix": _appendix(instrument, answers, company.cluster, lang, option_text),
        "method": _method(instrument, result, lang),
        "charts": _charts(result, instrument, lang, results.targets_of(company, assessment.instrument_id)),
    }
    context["summary"] = verify_summary(context)
    return context


def verify_summary(context: Mapping[str, Any]) -> Plain:
    """What the public verify page shows: company, date, levels (taken from the context, so they match)."""
    miit = context.get("miit")
    return {
        "company": context["company"]["name"],
        "credit_code": context["company"]["credit_code"],
        "instrument": f"{context['instrument']['title']} {context['instrument']['version']}",
        "assessment_date": context["assessment"]["date"],
        "overall_level": context["overall"]["level"],
        "overall_level_name": context["overall"]["level_name"],
        "overall_score": context["overall"]["score"],
        "miit_level_name": miit["level_name"] if miit else None,
        "miit_points": miit["points"]["total"] if miit else None,
    }


# ------------------------------------------------------------------------------------------ sections


def _local_date(value: datetime | None) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d") if value else "—"


def _company(company: Company, lang: str) -> Plain:
    cluster = None
    if company.cluster:
        try:
            c = industries.cluster(company.cluster)
            cluster = _pick(lang, c.name_zh, c.name_en)
        except KeyError:
            cluster = company.cluster
    size = None
    if company.size_class:
        try:
            s = Size(company.size_class)
            size = _pick(lang, SIZE_NAMES_ZH[s], SIZE_NAMES_EN[s])
        except ValueError:
            size = company.size_class
    industry = None
    if company.industry_division:
        try:
            d = industries.division(company.industry_division)
            industry = f"{d.code} {_pick(lang, d.name_zh, d.name_en)}"
        except KeyError:
            industry = company.industry_division
    city = company.city
    if lang == "en":
        city = regions.CITY_NAMES_EN.get(company.city, company.city)
    return {
        "name": company.name,
        "credit_code": company.credit_code,
        "city": city,
        "district": company.district,
        "cluster": cluster,
        "size": size,
        "industry": industry,
        "employees": company.employees,
    }


def _overall(result: Mapping[str, Any], lang: str) -> Plain:
    overall = result["overall"]
    return {
        "score": _num(overall["score"]),
        "level": overall["level"],
        "level_name": _t(overall, "level_name", lang),
        "gbt39116": _t(overall, "gbt39116", lang),
        "rule": _t(overall, "rule", lang),
    }


def _miit(result: Mapping[str, Any], instrument: Instrument, lang: str) -> Plain:
    miit = result["miit"]
    group_title = {g.id: _pick(lang, g.title_zh, g.title_en) for m in instrument.modules for g in m.groups}
    group_max = {g.id: _num(g.max_points or 0) for m in instrument.modules for g in m.groups}
    module_of_group = {
        g.id: _pick(lang, m.title_zh, m.title_en) for m in instrument.modules for g in m.groups
    }
    groups = [
        {
            "id": gid,
            "module": module_of_group.get(gid, ""),
            "title": group_title.get(gid, gid),
            "points": _num(points),
            "max": group_max.get(gid),
            "pct": round(100 * float(points) / float(group_max[gid] or 1), 1) if group_max.get(gid) else None,
        }
        for gid, points in miit["groups"].items()
    ]
    nxt = miit.get("next_level")
    next_level = None
    if nxt:
        next_level = {
            "name": _t(nxt, "name", lang),
            "points_short": _num(nxt.get("points_short")),
            "scenario_level": nxt.get("scenario_level"),
            "scenarios_short": nxt.get("scenarios_short"),
            "constraint_short": nxt.get("constraint_short"),
            "missing": list(_t(nxt, "missing", lang) or []),
        }
    return {
        "level": miit["level"],
        "level_name": _t(miit, "level_name", lang),
        "points": {k: _num(v) for k, v in miit["points"].items()},
        "max_points": {k: _num(v) for k, v in miit["max_points"].items()},
        "groups": groups,
        "parts": [
            {
                "title": _pick(lang, m.title_zh, m.title_en),
                "points": _num(miit["points"].get(m.id)),
                "max": _num(miit["max_points"].get(m.id)),
            }
            for m in instrument.modules
            if m.id in miit["points"]
        ],
        "scenarios": [
            {
                "name": s["name_zh"] if lang == "zh" else s.get("name_en") or s["name_zh"],
                "constraint": s["constraint"],
                "level": s["level"],
            }
            for s in miit["scenarios"]
        ],
        "next_level": next_level,
        "rule": _t(miit["rule"], "description", lang),
        "rule_status": miit["rule"].get("status"),
        "rule_source": miit["rule"].get("source"),
    }


def _cloud(result: Mapping[str, Any], lang: str) -> Plain | None:
    cloud = result.get("cloud")
    if not cloud:
        return None
    return {
        "kinds": [
            {
                "name": _t(k, "name", lang),
                "counted": k["counted"],
                "missing": list(_t(k, "missing", lang) or []),
            }
            for k in cloud["kinds"]
        ],
        "counted": sum(1 for k in cloud["kinds"] if k["counted"]),
        "on_cloud": cloud.get("on_cloud"),
        "on_platform": cloud.get("on_platform"),
        "definition": _t(cloud, "definition", lang),
    }


def _fiveg(result: Mapping[str, Any], lang: str) -> Plain | None:
    fiveg = result.get("fiveg")
    if not fiveg:
        return None
    return {"tier": _t(fiveg, "tier", lang), "missing": list(_t(fiveg, "missing", lang) or [])}


def _benchmark(bench: Mapping[str, Any], result: Mapping[str, Any], lang: str) -> Plain:
    mine = result["miit"]["points"]["total"] if result.get("miit") else result["overall"]["score"]
    return _bench_plain(bench, mine, lang)


def _bench_plain(bench: Mapping[str, Any], mine: Any, lang: str) -> Plain:
    ok = bench.get("status") == "ok"
    return {
        "ok": ok,
        "group": _t(bench, "group_label", lang),
        "peers": bench.get("peers"),
        "percentile": _num(bench.get("percentile")),
        "p25": _num(bench.get("p25")),
        "median": _num(bench.get("median")),
        "p75": _num(bench.get("p75")),
        "min": _num(bench.get("min")),
        "max": _num(bench.get("max")),
        "me": _num(mine),
    }


def _dimension_peers(assessment: Assessment) -> dict[str, list[maturity.PeerRecord]]:
    """Per-dimension peer scores: the latest stored result of every other company's latest submission."""
    latest_result = results.latest_peer_results(assessment)
    rows = db.session.execute(
        sa.select(AssessmentResult.result, Company.cluster, Company.size_class, Company.city)
        .join(Assessment, Assessment.id == AssessmentResult.assessment_id)
        .join(Company, Company.id == Assessment.company_id)
        .where(AssessmentResult.id.in_(sa.select(latest_result.c.id)))
    )
    peers: dict[str, list[maturity.PeerRecord]] = {}
    for stored, cluster, size, city in rows:
        for module in stored.get("modules", []):
            if module.get("score") is None:
                continue
            peers.setdefault(module["module_id"], []).append(
                maturity.PeerRecord(
                    score=Decimal(str(module["score"])), cluster=cluster, size=size, city=city
                )
            )
    return peers


def _answer_text(item: Item, value: Any, lang: str, option_text: Mapping[tuple[str, str], str]) -> str:
    words = labels(lang)
    value = questionnaires.answers.answer_value(value)
    if value is None:
        return words["not_answered"]
    if isinstance(value, bool):
        return words["yes"] if value else words["no"]
    if isinstance(value, str):
        if item.options:
            return option_text.get((item.id, value), value)
        return value
    if isinstance(value, list):
        if not value:
            return "—"
        return "；".join(option_text.get((item.id, str(v)), str(v)) for v in value)
    if item.type == "scenario_level":
        step = next((s for s in item.ladder if s.level == value), None)
        shown = f"L{value}"
        if step is not None:
            shown += "：" + _pick(lang, step.text_zh, step.text_en)
        return shown if value else words["below_l1"]
    unit = f" {item.unit}" if item.unit else ""
    return f"{_num(value)}{unit}"


def _dimensions(
    assessment: Assessment, result: Mapping[str, Any], lang: str, option_text: Mapping[tuple[str, str], str]
) -> list[Plain]:
    instrument = instrument_of(assessment)
    profile = result.get("profile") or {}
    peers = _dimension_peers(assessment)
    out = []
    for m in result["modules"]:
        if not m.get("visible_items"):
            continue
        score = m.get("score")
        bench = None
        if score is not None:
            b = maturity.to_plain(
                maturity.benchmark(
                    Decimal(str(score)),
                    profile.get("cluster"),
                    profile.get("size"),
                    profile.get("city"),
                    peers.get(m["module_id"], []),
                )
            )
            bench = _bench_plain(b, score, lang)
        nxt = m.get("next_level")
        next_level = None
        if nxt:
            rows = []
            for r in nxt.get("requirements_missing", []):
                item = instrument.item(r["item_id"]) if instrument.has_item(r["item_id"]) else None
                rows.append(
                    {
                        "question": _t(r, "text", lang),
                        "current": _answer_text(item, r.get("current_answer"), lang, option_text)
                        if item
                        else "—",
                        "needed": _t(r, "needed", lang),
                        "note": _t(r, "context", lang),
                        "points": None,
                    }
                )
            for g in nxt.get("items", [])[:5]:
                item = instrument.item(g["item_id"]) if instrument.has_item(g["item_id"]) else None
                needed = g.get("answer_needed")
                needed_text = (
                    " / ".join(option_text.get((g["item_id"], str(v)), str(v)) for v in needed)
                    if isinstance(needed, list)
                    else (_answer_text(item, needed, lang, option_text) if item else str(needed))
                )
                rows.append(
                    {
                        "question": _t(g, "text", lang),
                        "current": _answer_text(item, g.get("current_answer"), lang, option_text)
                        if item
                        else "—",
                        "needed": needed_text,
                        "note": None,
                        "points": _num(g.get("points_available")),
                    }
                )
            next_level = {
                "level": nxt["level"],
                "name": _t(nxt, "name", lang),
                "score_short": _num(nxt.get("score_short")),
                "rows": rows,
            }
        decided = [
            {
                "level": d["level"],
                "min_score": _num(d.get("min_score")),
                "met": bool(d.get("score_met")) and d.get("requires_met") is not False,
                "requires": _t(d, "requires", lang),
            }
            for d in m.get("decided_by", [])
        ]
        out.append(
            {
                "id": m["module_id"],
                "title": _t(m, "title", lang),
                "score": _num(score),
                "level": m["level"],
                "level_name": _t(m, "level_name", lang),
                "weight": _num(m.get("weight")),
                "points": _num(m.get("points")),
                "max_points": _num(m.get("max_points")),
                "bench": bench,
                "decided_by": decided,
                "next_level": next_level,
            }
        )
    return out


HORIZONS = (("0-6", "h_0_6"), ("6-18", "h_6_18"), ("18-36", "h_18_36"))


def _roadmap(result: Mapping[str, Any], lang: str) -> Plain | None:
    roadmap = result.get("roadmap")
    if not roadmap:
        return None
    text = labels(lang)
    from portal.eligibility.services import program_labels as names_of_programs

    program_labels = names_of_programs(lang)
    horizons = []
    for key, label in HORIZONS:
        actions = [
            {
                "rank": a["rank"],
                "title": _t(a, "title", lang),
                "measure": _t(a, "measure", lang),
                "source": a.get("source"),
                "module_id": a.get("module_id"),
                "level_before": a.get("level_before"),
                "level_after": a.get("level_after"),
                "score_gain": _num(a.get("score_gain")),
                "for_target": bool(a.get("needed_for_target")),
                "programs": [
                    program_labels.get(key, key)
                    for p in a.get("programs", [])
                    for key in [p["program_id"] + (f"/{p['direction']}" if p.get("direction") else "")]
                ],
            }
            for a in roadmap["horizons"].get(key, [])
        ]
        horizons.append({"key": key, "label": text[label], "actions": actions})
    return {"horizons": horizons, "formula": _t(roadmap, "formula", lang)}


def _top_actions(roadmap: Plain | None) -> list[Plain]:
    if not roadmap:
        return []
    actions = [dict(a, horizon=h["label"]) for h in roadmap["horizons"] for a in h["actions"]]
    return sorted(actions, key=lambda a: a["rank"])[:3]


def _programs(company: Company, lang: str) -> Plain:
    """The eligibility report (portal.eligibility, built by another team) as table rows.

    Guarded: when the eligibility package is not installed yet, the section says so instead of failing.
    """
    try:
        from portal.eligibility.services import evaluate_company
    except ImportError:
        return {"available": False, "rows": [], "eligible": []}
    try:
        from portal.eligibility import catalog

        status_labels: Mapping[str, tuple[str, ...]] = catalog.STATUS_LABELS
        field_spec: Any = catalog.field_spec
    except (ImportError, AttributeError):
        status_labels, field_spec = STATUS_FALLBACK, None
    try:
        report = evaluate_company(company)
    except Exception:
        current_app.logger.exception("eligibility evaluation failed for company %s", company.id)
        return {"available": False, "rows": [], "eligible": []}

    def field_label(name: str) -> tuple[str, str]:
        spec = field_spec(name) if field_spec else None
        if spec is None:
            return name, ""
        return (_pick(lang, spec.label_zh, spec.label_en), _pick(lang, spec.unit_zh, spec.unit_en) or "")

    rows = []
    for r in report.get("results", []):
        status = r.get("status") or ""
        label = status_labels.get(status) or STATUS_FALLBACK.get(status) or (status, status)
        failed = [
            _t(reason, "message", lang) for reason in r.get("reasons", []) if reason.get("passed") is False
        ]
        missing: list[str] = []
        for reason in r.get("reasons", []):
            if reason.get("passed") is None:
                for name in reason.get("missing_fields", []):
                    label_text = field_label(name)[0]
                    if label_text not in missing:
                        missing.append(label_text)
        reasons = [{"mark": "×", "text": text} for text in failed[:4]]
        if len(failed) > 4:
            reasons.append({"mark": "×", "text": f"… +{len(failed) - 4}"})
        passed = sum(1 for reason in r.get("reasons", []) if reason.get("passed") is True)
        gaps = []
        for g in r.get("gaps", []):
            name, unit = field_label(g["field"])
            gaps.append(
                {
                    "field": name,
                    "unit": unit,
                    "shortfall": _num(g.get("shortfall")),
                    "required": _num(g.get("required")),
                    "actual": _num(g.get("actual")),
                }
            )
        rows.append(
            {
                "name": _t(r, "name", lang),
                "status": status,
                "status_label": label[1] if lang == "en" else label[0],
                "passed": passed,
                "reasons": reasons,
                "missing": missing[:8],
                "missing_more": max(0, len(missing) - 8),
                "valid_to": r.get("valid_to"),
                "award": _num(r.get("estimated_award_wan")),
                "gaps": gaps,
                "project": r.get("project"),
            }
        )
    order = {"eligible": 0, "needs_info": 1, "ineligible": 2}
    rows.sort(key=lambda row: order.get(row["status"], 3))
    return {
        "available": True,
        "as_of": report.get("as_of"),
        "rows": rows,
        "eligible": [row for row in rows if row["status"] == "eligible"],
    }


def _comparison(assessment: Assessment, result: Mapping[str, Any], lang: str) -> Plain | None:
    """The company's previous submitted assessment of the same instrument, dimension by dimension."""
    if assessment.submitted_at is None:
        return None
    previous = db.session.scalar(
        sa.select(Assessment)
        .where(
            Assessment.company_id == assessment.company_id,
            Assessment.instrument_id == assessment.instrument_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
            Assessment.id != assessment.id,
            Assessment.submitted_at < assessment.submitted_at,
        )
        .order_by(Assessment.submitted_at.desc())
        .limit(1)
    )
    if previous is None:
        return None
    row = results.latest_row(previous)
    if row is None:
        return None
    then = {m["module_id"]: m for m in row.result["modules"]}
    rows = []
    for m in result["modules"]:
        if not m.get("visible_items"):
            continue
        before = then.get(m["module_id"])
        rows.append(_compare_row(_t(m, "title", lang), before, m))
    overall_before = row.result["overall"]
    rows.append(_compare_row(labels(lang)["overall"], overall_before, result["overall"], strong=True))
    return {
        "date": _local_date(previous.submitted_at),
        "version": previous.instrument_version,
        "rows": rows,
    }


def _compare_row(
    title: str, before: Mapping[str, Any] | None, now: Mapping[str, Any], strong: bool = False
) -> Plain:
    b_score = _num(before.get("score")) if before else None
    n_score = _num(now.get("score"))
    delta = round(float(n_score) - float(b_score), 2) if b_score is not None and n_score is not None else None
    return {
        "title": title,
        "strong": strong,
        "then_score": b_score,
        "then_level": before.get("level") if before else None,
        "now_score": n_score,
        "now_level": now.get("level"),
        "delta": _num(delta),
        "level_delta": (now["level"] - before["level"])
        if before and before.get("level") is not None
        else None,
    }


def _appendix(
    instrument: Instrument,
    answers: Mapping[str, Any],
    cluster: str | None,
    lang: str,
    option_text: Mapping[tuple[str, str], str],
) -> list[Plain]:
    visible = {i.id for i in questionnaires.visible_items(instrument, answers, cluster)}
    modules = []
    for module in instrument.modules:
        rows: list[Plain] = []
        for item in module.items:
            if item.id not in visible:
                continue
            raw = answers.get(item.id)
            evidence = questionnaires.answers.answer_evidence(raw) if raw is not None else {}
            ev = []
            for f in item.evidence:
                if f.id in evidence and evidence[f.id] not in (None, ""):
                    value = evidence[f.id]
                    shown = (
                        _num(value)
                        if isinstance(value, int | float | Decimal) and not isinstance(value, bool)
                        else value
                    )
                    ev.append(
                        {"label": _pick(lang, f.label_zh, f.label_en), "value": shown, "unit": f.unit or ""}
                    )
            rows.append(
                {
                    "no": len(rows) + 1,
                    "id": item.id,
                    "question": _pick(lang, item.text_zh, item.text_en),
                    "answer": _answer_text(item, raw, lang, option_text),
                    "evidence": ev,
                }
            )
        if rows:
            modules.append({"title": _pick(lang, module.title_zh, module.title_en), "rows": rows})
    return modules


def _method(instrument: Instrument, result: Mapping[str, Any], lang: str) -> Plain:
    text = labels(lang)
    sources = [{"title": doc.title, "reference": doc.reference, "url": doc.url} for doc in instrument.sources]
    miit = result.get("miit")
    return {
        "engine_version": result.get("engine_version"),
        "computed_at": (result.get("stored") or {}).get("computed_at", "")[:16].replace("T", " "),
        "instrument_hash": instrument.content_hash,
        "method": instrument.scoring.method,
        "notes": _pick(lang, instrument.scoring.notes_zh, instrument.scoring.notes_en),
        "overall_rule": _t(result["overall"], "rule", lang),
        "miit_rule": _t(miit["rule"], "description", lang) if miit else None,
        "miit_rule_source": miit["rule"].get("source") if miit else None,
        "cloud_definition": _t(result["cloud"], "definition", lang) if result.get("cloud") else None,
        "benchmark_note": text["benchmark_note"],
        "sources": sources,
    }


def _charts(
    result: Mapping[str, Any], instrument: Instrument, lang: str, targets: Mapping[str, int]
) -> Plain:
    """Inputs of the plotly figure functions in portal.charts (the same ones the web page uses)."""
    scored = [
        {k: m[k] for k in ("module_id", "title_zh", "title_en", "score")}
        for m in result["modules"]
        if m.get("weight") and m["module_id"] != "ops"
    ]
    charts: Plain = {"lang": lang, "radar": None, "miit_bars": None}
    if result.get("miit"):
        charts["miit_bars"] = {
            "groups": {k: float(v) for k, v in result["miit"]["groups"].items()},
            "max_points": {g.id: float(g.max_points or 0) for m in instrument.modules for g in m.groups},
            "labels": {
                g.id: _pick(lang, g.title_zh, g.title_en) for m in instrument.modules for g in m.groups
            },
        }
    elif len(scored) >= 3:
        charts["radar"] = {"modules": scored, "targets": dict(targets)}
    return charts
