"""The result view's MIIT, 上云上平台 and 5G parts, and the texts that explain them."""

from __future__ import annotations

from typing import Final

from flask_babel import gettext as _

from portal.results import model as v
from portal.results.format import Picker, num
from questionnaires import Instrument
from scoring.maturity import result as r


def miit_view(miit: r.MiitResult, instrument: Instrument, pick: Picker) -> v.Miit:
    groups = {g.id: (m, g) for m in instrument.modules for g in m.groups}
    rows = []
    for gid, points in miit.groups.items():
        module, group = groups.get(gid, (None, None))
        top = num(group.max_points) if group is not None and group.max_points else None
        rows.append(
            v.MiitGroup(
                module=pick(module.title_zh, module.title_en) if module else "",
                title=pick(group.title_zh, group.title_en) if group else gid,
                points=num(points),
                max=top,
                pct=round(100 * float(points) / float(top), 1) if top else None,
            )
        )
    nxt = miit.next_level
    return v.Miit(
        level=miit.level,
        level_name=pick(miit.level_name_zh, miit.level_name_en),
        total=num(miit.points["total"]),
        parts=tuple(
            v.MiitPart(pick(m.title_zh, m.title_en), num(miit.points[m.id]), num(miit.max_points.get(m.id)))
            for m in instrument.modules
            if m.id in miit.points
        ),
        groups=tuple(rows),
        scenarios=tuple(scenario_view(s, instrument, pick) for s in miit.scenarios),
        next_level=v.MiitNext(
            name=pick(nxt.name_zh, nxt.name_en),
            points_short=num(nxt.points_short),
            scenario_level=nxt.scenario_level,
            scenarios_short=nxt.scenarios_short,
            constraint_short=nxt.constraint_short,
            missing=pick.many(nxt.missing_zh, nxt.missing_en),
        )
        if nxt
        else None,
        rule=pick(miit.rule.description_zh, miit.rule.description_en),
    )


def scenario_view(s: r.ScenarioResult, instrument: Instrument, pick: Picker) -> v.Scenario:
    # the engine keeps only a short Chinese name; in English the scenario's question names it
    name = s.name_zh
    if pick.en and instrument.has_item(s.scenario_id):
        name = pick(s.name_zh, instrument.item(s.scenario_id).text_en)
    return v.Scenario(name=name, constraint=s.constraint, level=s.level)


# gd-mfg-dt 2025.1 (published; stored assessments stay pinned to it) counts 上平台 only with integrated
# analysis or models; later versions read the sentence as the benchmark rule does: data used on the
# platform, not only stored.
_PLATFORM_INTEGRATED_ANALYSIS_ONLY: Final = frozenset({("gd-mfg-dt", "2025.1")})


def cloud_definition(instrument: Instrument) -> str:
    # The engine's definition names the questionnaire's flags and the seed's line numbers (for auditors);
    # a company reads what the flags of its instrument version mean.
    if (instrument.id, instrument.version) in _PLATFORM_INTEGRATED_ANALYSIS_ONLY:
        return _(
            "四类（设备、研发、供应链、运营管理）中某一类的相关问题回答满足条件，该类即计为“上云上平台”。"
            "企业计为“上云”：四类中至少一类成立；企业计为“上平台”：一类以上数据要素（设备数据、系统数据、"
            "供应链数据）已汇聚到工业互联网平台，并在平台上集成分析或用模型预测优化"
            "（依据《关于开展2022年省级促进经济高质量发展专项资金制造业数字化转型标杆示范项目入库储备的通知》）。"
        )
    return _(
        "四类（设备、研发、供应链、运营管理）中某一类的相关问题回答满足条件，该类即计为“上云上平台”。"
        "企业计为“上云”：四类中至少一类成立；企业计为“上平台”：一类以上数据要素（设备数据、系统数据、"
        "供应链数据）已汇聚到工业互联网平台，并在平台上使用（看板报表、集成分析或模型预测优化），不只是存储"
        "（依据《关于开展2022年省级促进经济高质量发展专项资金制造业数字化转型标杆示范项目入库储备的通知》"
        "（粤工信工业互联网函〔2021〕32号））。"
    )


def method_notes(method: str) -> str | None:
    """How the instrument is scored, in words (the instrument's own notes name engine fields)."""
    notes = {
        "dx-maturity-v1": _(
            "维度得分 = 可见题目得分之和 ÷ 可见题目满分之和 × 100（多选题封顶）；"
            "维度等级取同时满足该级最低得分和附加条件的最高等级（逐级累计）；综合得分按各维度权重加权平均。"
        ),
        "miit-2024-points": _(
            "单选题得所选选项分；多选题得所勾选项分之和（“无”为 0 分且与其他选项互斥）；"
            "维度分为题目分之和，总分 = 基础 + 管理 + 成效。场景等级不计分。"
        ),
    }
    return notes.get(method)


def fiveg_view(fiveg: r.FiveGResult | None, pick: Picker) -> v.FiveG | None:
    if fiveg is None:
        return None
    # results stored before the engine named the "none" tier in English said just "none"
    tier = _("未达到产线级") if fiveg.tier == "none" else pick(fiveg.tier_zh, fiveg.tier_en)
    return v.FiveG(tier, pick.many(fiveg.missing_zh, fiveg.missing_en))


def cloud_view(cloud: r.CloudResult | None, instrument: Instrument, pick: Picker) -> v.Cloud | None:
    if cloud is None:
        return None
    kinds = tuple(
        v.CloudKind(pick(k.name_zh, k.name_en), k.counted, pick.many(k.missing_zh, k.missing_en))
        for k in cloud.kinds
    )
    return v.Cloud(
        kinds=kinds,
        counted=sum(1 for k in kinds if k.counted),
        on_cloud=cloud.on_cloud,
        on_platform=cloud.on_platform,
        definition=cloud_definition(instrument),
    )
