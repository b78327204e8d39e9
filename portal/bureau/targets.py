# ruff: noqa: E501 — the catalogue rows are data, kept one indicator per block
"""Plan indicators (targets) per jurisdiction, officers' reported actuals, and portal-measured values.

The catalogue is seeded from the policy digests (every row names its source document and lines in that
document, plus the digest line it was taken from):

* province — seed002_digest.md §3.1 (D8 粤府〔2021〕45号 发展目标, D12 press conference, D4 baselines, and the
  D4 “十四五” 2025 targets of 第二章第四节, seed 002 L833-847);
* 揭阳市 — local_plans_digest.md §1.1/§1.3 (J-AMI, J-TU);
* 梅州市 梅江区 — local_plans_digest.md §1.4 (M-IND 附表2).

Portal-measured values exist only where an indicator maps to a portal count (`portal_metric`):
企业上云 → companies on cloud (gd-cloud-5g-v1) in the indicator's jurisdiction, each company's latest
assessment. They measure portal users only — not the official statistic. Everything else is
"not measured by the portal".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from portal.bureau import disclosure, queries, scope
from portal.bureau.citations import citation, without_line_refs
from portal.bureau.models import BureauIndicator, BureauIndicatorActual
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n import pick
from portal.models import JurisdictionLevel, User
from portal.templating import unit_text, zh_data

D8: Final = "D8 广东省制造业数字化转型实施方案（2021—2025年）粤府〔2021〕45号 (seeds/002)"
D12: Final = "D12 《广东省数字经济促进条例》新闻发布会实录 2021-08-24 (seeds/002)"
D4: Final = "D4 广东省制造业高质量发展“十四五”规划 粤府〔2021〕53号 (seeds/002)"
J_AMI: Final = "J-AMI 《揭阳市先进制造业发展和信息化“十四五”规划》 (seeds/000)"
J_TU: Final = "J-TU 揭阳市工业企业技术改造三年行动计划实施方案（2018—2020年）揭市经信[2018]119号 (seeds/003)"
M_IND: Final = "M-IND 梅江区“十四五”工业发展规划 附表2 (seeds/004)"
D4_FYP: Final = "《广东省制造业高质量发展“十四五”规划》（粤府〔2021〕53号）"

PROVINCE: Final = ("province", None, None)
JIEYANG: Final = ("city", "揭阳市", None)
MEIJIANG: Final = ("district", "梅州市", "梅江区")

# (code, jurisdiction, zh, en, unit, baseline (year, value, text), target (year, value, op, text),
#  source document, source lines, digest reference, portal metric)
CATALOGUE: Final[tuple[tuple[Any, ...], ...]] = (
    ("gd_cloud_2023", PROVINCE, "带动企业上云用云降本提质增效", "Enterprises using cloud services", "万家",
     (2020, "55", "中小微企业上云用云 55万家（累计, D12 L2984）"), (2023, "80", "=", "带动 80 万家"),
     D8, "L2133-2137", "seed002_digest.md §3.1 L649", "on_cloud"),
    ("gd_cloud_2025", PROVINCE, "带动企业上云用云降本提质增效", "Enterprises using cloud services", "万家",
     (2020, "55", "中小微企业上云用云 55万家（累计, D12 L2984）"), (2025, "100", "=", "带动100万家"),
     D8, "L2145", "seed002_digest.md §3.1 L649", "on_cloud"),
    ("gd_dx_above_scale_2023", PROVINCE, "规模以上工业企业运用新一代信息技术实施数字化转型",
     "Above-designated-size industrial enterprises transformed", "万家",
     (2020, "1.5", "工业企业运用工业互联网数字化转型 1.5万家（累计, D4 L749）"), (2023, "3", ">", "超过 3 万家"),
     D8, "L2133", "seed002_digest.md §3.1 L648", None),
    ("gd_dx_above_scale_2025", PROVINCE, "规模以上工业企业运用新一代信息技术实施数字化转型",
     "Above-designated-size industrial enterprises transformed", "万家",
     (2020, "1.5", "工业企业运用工业互联网数字化转型 1.5万家（累计, D4 L749）"), (2025, "5", ">", "超过5万家"),
     D8, "L2145", "seed002_digest.md §3.1 L648", None),
    ("gd_id_resolution_nodes", PROVINCE, "工业互联网标识解析二级节点", "Industrial-internet ID resolution secondary nodes",
     "个", (2021, "33", "二级节点 33 个（2021-08, D12 L2986-2990）"), (2023, "50", ">=", "建成50个以上"),
     D8, "L2139", "seed002_digest.md §3.1 L651", None),
    ("gd_dx_service_providers", PROVINCE, "制造业数字化转型服务商（引进培育）", "Digital-transformation service providers",
     "家", (None, None, None), (2023, "500", "≈", "500家左右"), D8, "L2143", "seed002_digest.md §3.1 L652", None),
    ("gd_cross_industry_platforms", PROVINCE, "国家级跨行业、跨领域工业互联网平台", "National cross-industry IIoT platforms",
     "家", (2020, "4", "4 家（D4 L749）"), (2023, "5", "≈", "5家左右"), D8, "L2143", "seed002_digest.md §3.1 L653", None),
    ("gd_specialised_platforms", PROVINCE, "特色专业型工业互联网平台", "Specialised IIoT platforms", "家",
     (None, None, None), (2023, "20", "≈", "20家左右"), D8, "L2143", "seed002_digest.md §3.1 L654", None),
    ("gd_5g_base_stations", PROVINCE, "5G 基站", "5G base stations", "万座",
     (2020, "12.4266", "124,266 座（D4 L749）"), (2025, "25", "=", "5G 基站 25 万座"),
     D12, "L3000", "seed002_digest.md §3.1 L687", None),
    # 《广东省制造业高质量发展“十四五”规划》第二章第四节 主要发展目标 (2025), seed 002 L833-847; baselines L735-737.
    ("gd_fyp14_mfg_gdp_share", PROVINCE, "制造业增加值占 GDP 比重", "Manufacturing value added, share of GDP", "%",
     (None, None, None), (2025, "30", ">=", "保持在 30%以上"), D4_FYP, "L833", "seed002_digest.md §3.1 L662", None),
    ("gd_fyp14_hightech_share", PROVINCE, "高技术制造业增加值占规模以上工业增加值的比重",
     "High-tech manufacturing share of above-scale industrial value added", "%",
     (2020, "31.1", "2020 年 31.1%"), (2025, "33", "=", "达到 33%"), D4_FYP, "L833", "seed002_digest.md §3.1 L662", None),
    ("gd_fyp14_rd_intensity", PROVINCE, "规模以上制造业企业研发经费支出占营业收入比重",
     "R&D spending as a share of revenue, above-scale manufacturers", "%",
     (2019, "1.67", "2019 年 1.67%（2020 年数据未发布）"), (2025, "2.3", "=", "达到 2.3%"), D4_FYP, "L837",
     "seed002_digest.md §3.1 L663", None),
    ("gd_fyp14_invention_patents", PROVINCE, "规模以上制造业有效发明专利数", "Valid invention patents, above-scale manufacturers",
     "万件", (None, None, None), (2025, "23", "=", "23 万件"), D4_FYP, "L837", "seed002_digest.md §3.1 L663", None),
    ("gd_fyp14_quality_pass_rate", PROVINCE, "制造业产品质量合格率", "Manufactured-product quality pass rate", "%",
     (None, None, None), (2025, "94", ">", "超过 94%"), D4_FYP, "L839", "seed002_digest.md §3.1 L664", None),
    ("gd_fyp14_labour_productivity", PROVINCE, "规模以上制造业全员劳动生产率", "Labour productivity, above-scale manufacturing",
     "万元/人", (2020, "23.9", "2020 年 23.9 万元/人（2015 年 18.9）"), (2025, "30", "=", "达到 30 万元/人"), D4_FYP,
     "L839", "seed002_digest.md §3.1 L664", None),
    ("jy_tu_cloud_enterprises", JIEYANG, "“上云用云”企业", "Enterprises using cloud services", "家",
     (None, None, None), (2020, "200", "=", "推动 200 家"), J_TU, "L66", "local_plans_digest.md §1.3 L141", "on_cloud"),
    ("jy_above_scale_industry_va", JIEYANG, "规模以上工业增加值", "Value added of above-designated-size industry", "亿元",
     (2020, "520.29", None), (2025, "1000", "=", "年均增长 10.3%"), J_AMI, "L100; L668-670",
     "local_plans_digest.md §1.1 L47", None),
    ("jy_adv_mfg_va", JIEYANG, "先进制造业增加值", "Advanced-manufacturing value added", "亿元",
     (2020, None, "占规上制造业增加值 37.8%"), (2025, "500", "=", "占规上工业增加值 50%"), J_AMI, "L104-108; L670-674",
     "local_plans_digest.md §1.1 L48", None),
    ("jy_above_scale_enterprises", JIEYANG, "规模以上工业企业数", "Above-designated-size industrial enterprises", "家",
     (2020, "1397", "规模以上制造业企业"), (2025, "2000", ">=", "每年净增 120 家"), J_AMI, "L102; L674-676",
     "local_plans_digest.md §1.1 L50", None),
    ("jy_rd_intensity", JIEYANG, "R&D经费占GDP比重", "R&D intensity (R&D/GDP)", "%", (2020, "0.95", None),
     (2025, "1.2", "=", None), J_AMI, "L116, L200-204; L691-693", "local_plans_digest.md §1.1 L53", None),
    ("jy_hte_count", JIEYANG, "国家级高新技术企业数（制造业）", "National high-tech enterprises (manufacturing)", "家",
     (2020, "188", None), (2025, "250", ">=", None), J_AMI, "L118; L688-690; L1478",
     "local_plans_digest.md §1.1 L54", None),
    ("jy_tech_upgrade_enterprises_cum", JIEYANG, "累计开展技术改造工业企业数", "Enterprises carrying out technical upgrades (cumulative)",
     "家", (None, None, None), (2025, "1200", ">", "超过 1200 家（累计）"), J_AMI, "L1566-1568",
     "local_plans_digest.md §1.1 L65", None),
    ("jy_small_to_above_scale", JIEYANG, "年培育“小升规”企业", "Enterprises growing above designated size per year", "家/年",
     (None, None, None), (2025, "100", ">=", None), J_AMI, "L1533-1537", "local_plans_digest.md §1.1 L66", None),
    ("jy_5g_coverage", JIEYANG, "5G网络覆盖", "5G network coverage", "—", (None, None, None),
     (2025, None, "=", "全域覆盖"), J_AMI, "L697; L1682-1686", "local_plans_digest.md §1.1 L68", None),
    ("mj_above_scale_output", MEIJIANG, "规模以上工业总产值", "Gross output of above-designated-size industry", "亿元",
     (2020, "88", "基期预测"), (2025, "152", ">=", "年均增长 11.6%"), M_IND, "L3; L39; L339-342",
     "local_plans_digest.md §1.4 L149", None),
    ("mj_ei_output", MEIJIANG, "规模以上电子信息产业总产值", "Gross output of above-designated-size electronic-information industry", "亿元",
     (2020, "73", "预测"), (2025, "133", "=", "年均增长 12.7%"), M_IND, "L346-349", "local_plans_digest.md §1.4 L150",
     None),
    ("mj_above_scale_va", MEIJIANG, "规模以上工业增加值", "Value added of above-designated-size industry", "亿元", (2020, "22.6", "预测"),
     (2025, "39", ">=", "年均增长 11.5%"), M_IND, "L40; L353-356", "local_plans_digest.md §1.4 L151", None),
    ("mj_tech_upgrade_investment", MEIJIANG, "工业技术改造投资", "Industrial technical-upgrade investment", "亿元",
     (2020, "3.98", "年度任务数"), (2025, "14.9", "=", "年均增长 30.2%"), M_IND, "L3; L367-370",
     "local_plans_digest.md §1.4 L153", None),
    ("mj_above_scale_enterprises", MEIJIANG, "规模以上工业企业家数", "Above-designated-size industrial enterprises", "家",
     (2020, "60", None), (2025, "72", "=", None), M_IND, "L3; L374-376", "local_plans_digest.md §1.4 L154", None),
    ("mj_rd_institution_ratio", MEIJIANG, "规模以上工业企业设立研发机构的比例", "Share of above-designated-size enterprises with an R&D institution",
     "%", (2020, "33.33", "20/60"), (2025, "55", ">=", None), M_IND, "L10; L41; L83", "local_plans_digest.md §1.4 L156",
     None),
)  # fmt: skip

PORTAL_METRICS: Final = {"on_cloud": "门户测得上云企业数（各企业最近一次评估）"}
_PERIOD = re.compile(r"[0-9]{4}(Q[1-4]|-(0[1-9]|1[0-2]))?")  # used with fullmatch: ASCII digits only
_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,40}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})")
MAX_ACTUAL: Final = 10**12


def ensure_catalogue() -> int:
    """Insert or update the seeded indicators (by code); returns how many rows were written."""
    existing = {i.code: i for i in db.session.scalars(sa.select(BureauIndicator))}
    for order, entry in enumerate(CATALOGUE):
        code, (level, city, district), zh, en, unit, baseline, target, doc, lines, digest, metric = entry
        row = existing.get(code) or BureauIndicator(code=code)
        row.jurisdiction_level, row.city, row.district = level, city, district
        row.name_zh, row.name_en, row.unit = zh, en, unit
        row.baseline_year, row.baseline_value, row.baseline_text = (
            baseline[0],
            Decimal(baseline[1]) if baseline[1] else None,
            baseline[2],
        )
        row.target_year, row.target_value, row.target_op, row.target_text = (
            target[0],
            Decimal(target[1]) if target[1] else None,
            target[2],
            target[3],
        )
        row.source_document, row.source_lines, row.digest_ref, row.portal_metric = doc, lines, digest, metric
        row.sort_order = order
        db.session.add(row)
    db.session.commit()
    return len(CATALOGUE)


def _visible(user: User) -> Any:
    return scope.within_jurisdiction(user, BureauIndicator.city, BureauIndicator.district)


def can_report(user: User, indicator: BureauIndicator) -> bool:
    """Only officers of exactly the indicator's jurisdiction report its actuals."""
    level = user.jurisdiction_level
    return (
        level is not None
        and indicator.jurisdiction_level == level.value
        and (indicator.city or None) == (user.jurisdiction_city or None)
        and (indicator.district or None) == (user.jurisdiction_district or None)
    )


def _officer_for(indicator: BureauIndicator) -> User:
    """A stand-in user with the indicator's jurisdiction, to count portal values there."""
    return User(
        jurisdiction_level=JurisdictionLevel(indicator.jurisdiction_level),
        jurisdiction_city=indicator.city,
        jurisdiction_district=indicator.district,
    )


@dataclass
class IndicatorView:
    indicator: BureauIndicator
    jurisdiction: str
    baseline: Markup
    target: Markup
    actual: BureauIndicatorActual | None
    actual_progress: str
    measured: Any  # cell, or None when not measured by the portal
    measured_progress: str
    editable: bool


def _point(year: int | None, op: str, value: Decimal | None, unit: str, note: str | None) -> Markup:
    """A baseline or target as read: year, value with its unit in the page's language, and the plan's own
    words (Chinese data, marked as such) in brackets."""
    parts = (
        pick(f"{year}年", str(year)) if year else "",
        op if value is not None else "",
        _fmt(value),
        unit_text(unit) if value is not None else "",
    )
    shown = escape(" ".join(p for p in parts if p))
    quote = without_line_refs(note)
    if quote:
        template = Markup(pick("{} （{}）", "{} ({})"))  # noqa: S704 — our own brackets, no user text
        shown = template.format(shown, zh_data(quote)) if shown else zh_data(quote)
    return shown or Markup("—")


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}"


def _progress(value: Decimal | None, target: Decimal | None) -> str:
    if value is None or not target:
        return "—"
    return f"{100 * value / target:.1f}%"


def indicator_views(user: User) -> list[IndicatorView]:
    if db.session.scalar(sa.select(sa.func.count(BureauIndicator.id))) == 0:
        ensure_catalogue()
    indicators = list(
        db.session.scalars(
            sa.select(BureauIndicator).where(_visible(user)).order_by(BureauIndicator.sort_order)
        )
    )
    latest: dict[int, BureauIndicatorActual] = {}
    if indicators:
        for reported in db.session.scalars(
            sa.select(BureauIndicatorActual)
            .where(BureauIndicatorActual.indicator_id.in_([i.id for i in indicators]))
            .order_by(BureauIndicatorActual.period)
        ):
            latest[reported.indicator_id] = reported  # the latest period wins
    views = []
    for ind in indicators:
        jurisdiction = {"province": "广东省"}.get(ind.jurisdiction_level) or " ".join(
            p for p in (ind.city, ind.district) if p
        )
        baseline = _point(ind.baseline_year, "", ind.baseline_value, ind.unit, ind.baseline_text)
        target = _point(ind.target_year, ind.target_op, ind.target_value, ind.unit, ind.target_text)
        actual = latest.get(ind.id)
        measured: Any = None
        measured_progress = "—"
        if ind.portal_metric == "on_cloud":
            measured = disclosure.publish(
                queries.measure(_officer_for(ind), queries.Filters())[""]["on_cloud"]
            )
            if disclosure.is_number(measured) and ind.target_value:
                scale = Decimal(10000) if ind.unit.startswith("万") else Decimal(1)
                measured_progress = _progress(Decimal(measured), ind.target_value * scale)
        views.append(
            IndicatorView(
                ind,
                jurisdiction,
                baseline,
                target,
                actual,
                _progress(actual.value if actual else None, ind.target_value),
                measured,
                measured_progress,
                can_report(user, ind),
            )
        )
    return views


class ReportError(PortalError):
    """An actual the bureau officer typed that cannot be recorded (flashed on the targets page)."""


def report_actual(
    user: User, indicator_id: int, period: str, value: str, note: str | None
) -> BureauIndicatorActual:
    """Record (or correct) the actual of one period; raises LookupError for indicators the user cannot report."""
    indicator = db.session.get(BureauIndicator, indicator_id)
    if indicator is None or not can_report(user, indicator):
        raise LookupError(indicator_id)
    period = period.strip()
    if not _PERIOD.fullmatch(period):
        raise ReportError(400, _l("期间格式：2024、2024Q3 或 2024-06"))
    text = value.strip().replace(",", "")
    if not _NUMBER.fullmatch(text):  # no exponent, NaN or full-width digits (Decimal() takes them all)
        raise ReportError(400, _l("实际值须为数字（半角，如 1234.5）"))
    number = Decimal(text)
    if abs(number) > MAX_ACTUAL:  # the column is NUMERIC(18, 4): PostgreSQL refused larger values (500)
        raise ReportError(400, _l("实际值的绝对值不能大于 %(limit)s", limit=f"{MAX_ACTUAL:,}"))
    row = db.session.scalar(
        sa.select(BureauIndicatorActual).where(
            BureauIndicatorActual.indicator_id == indicator.id, BureauIndicatorActual.period == period
        )
    )
    if row is None:
        row = BureauIndicatorActual(indicator_id=indicator.id, period=period)
        db.session.add(row)
    row.value, row.note, row.reported_by_id = number, (note or "").strip()[:300] or None, user.id
    db.session.commit()
    return row


def targets_table(user: User) -> queries.Table:
    """The target overview as a table (for the exports and the API)."""
    rows = []
    views = indicator_views(user)
    for v in views:
        i = v.indicator
        rows.append(
            [
                v.jurisdiction,
                pick(i.name_zh, i.name_en),
                v.baseline,
                v.target,
                f"{v.actual.period}: {_fmt(v.actual.value)}" if v.actual else "—",
                v.actual_progress,
                v.measured if v.measured is not None else _("门户未测量"),
                v.measured_progress,
                citation(i.source_document),
            ]
        )
    return queries.Table(
        "targets",
        _("规划目标、报送实际值与门户测得值"),
        [_("辖区"), _("指标"), _("基期"), _("目标"), _("报送实际值"), _("报送进度"), _("门户测得值"), _("门户进度"), _("来源")],
        rows,
        ["text", "label", "text", "text", "text", "text", "text", "text", "text"],
        [v.indicator.code for v in views],
    )  # fmt: skip
