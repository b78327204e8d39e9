"""What the PDF report adds to the result view (`portal.results.view`): the cover (company facts), the
report number and verification code, the numbered sections of the table of contents, and the summary the
public verify page shows.

`build_report_context(assessment, lang)` is the only place that reads the database for a report: the print
template gets no ORM object, so the same context can be rendered anywhere (worker, CLI, bench).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.i18n import html_lang_of
from portal.models import Assessment, Company
from portal.results.format import LOCAL_TZ, Picker
from portal.results.model import ResultView
from portal.results.view import build_result_view, locale_of
from scoring.reference import industries, regions
from scoring.reference.sme_size import SIZE_NAMES_EN, SIZE_NAMES_ZH, Size


@dataclass(frozen=True)
class CompanyCard:
    name: str
    credit_code: str
    city: str
    district: str | None
    cluster: str | None
    size: str | None
    industry: str | None


@dataclass(frozen=True)
class ReportInfo:
    no: str
    code: str
    verify_url: str | None
    generated_at: str  # local time, "YYYY-MM-DD HH:MM"


@dataclass(frozen=True)
class Section:
    key: str
    no: int
    title: str


@dataclass(frozen=True)
class ReportContext:
    view: ResultView
    company: CompanyCard
    report: ReportInfo
    sections: tuple[Section, ...]

    @property
    def lang(self) -> str:
        return self.view.lang

    @property
    def html_lang(self) -> str:
        return html_lang_of(self.view.lang)

    def no(self, key: str) -> int:
        """The number of a section, for cross-references ("see section 5")."""
        return next(s.no for s in self.sections if s.key == key)


def build_report_context(
    assessment: Assessment,
    lang: str,
    *,
    report_no: str | None = None,
    verification_code: str | None = None,
    generated_at: datetime | None = None,
) -> ReportContext:
    """The whole report, in `lang` ("zh" or "en")."""
    view = build_result_view(assessment, lang)
    when = generated_at or datetime.now(UTC)
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    with force_locale(locale_of(view.lang)):
        return ReportContext(
            view=view,
            company=_company(assessment.company, Picker(view.lang)),
            report=ReportInfo(
                no=report_no or f"DRAFT-{assessment.id}",
                code=verification_code or "—",
                verify_url=f"{base}/verify/{verification_code}" if verification_code else None,
                generated_at=when.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
            ),
            sections=_sections(view),
        )


def _sections(view: ResultView) -> tuple[Section, ...]:
    """The report's sections in order; a section the result has nothing for is left out, and the numbers
    follow (so every "see section N" is computed from here)."""
    titles = [
        ("summary", _("执行摘要"), True),
        ("dimensions", _("分维度评估"), True),
        ("miit", _("工信部 2024 版评测明细"), view.miit is not None),
        ("verified", _("现场核查结果"), view.verified is not None),
        ("plan", _("升级方案"), view.plan is not None),
        ("roadmap", _("全部改进点（升级路线图）"), True),
        ("programs", _("政策申报匹配"), True),
        ("comparison", _("与上一轮评估对比"), view.comparison is not None),
        ("appendix", _("附录：全部答案与佐证数据"), True),
        ("method", _("方法说明与数据来源"), True),
    ]
    shown = [(key, title) for key, title, present in titles if present]
    return tuple(Section(key, no, title) for no, (key, title) in enumerate(shown, start=1))


def verify_summary(context: ReportContext) -> dict[str, Any]:
    """What the public verify page shows (stored with the report as JSON): company, date, levels — taken
    from the report's own view, so they match what the PDF states."""
    view = context.view
    return {
        "company": context.company.name,
        "credit_code": context.company.credit_code,
        "instrument": f"{view.instrument.title} {view.instrument.version}",
        "assessment_date": view.submitted_on,
        "overall_level": view.overall.level,
        "overall_level_name": view.overall.level_name,
        "overall_score": view.overall.score,
        "miit_level_name": view.miit.level_name if view.miit else None,
        "miit_points": view.miit.total if view.miit else None,
        **_confirmed(view),
    }


def _confirmed(view: ResultView) -> dict[str, Any]:
    """The assessor-confirmed level the report states, once signed off (portal/review)."""
    verified = view.verified
    if verified is None or not verified.signed_off:
        return {}
    return {
        "confirmed_level_name": verified.level_name,
        "confirmed_by": verified.assessor,
        "confirmed_at": verified.signed_off_at,
    }


def _company(company: Company, pick: Picker) -> CompanyCard:
    cluster = company.cluster
    if company.cluster:
        try:
            found = industries.cluster(company.cluster)
            cluster = pick(found.name_zh, found.name_en)
        except KeyError:
            pass
    size = company.size_class
    if company.size_class:
        try:
            known = Size(company.size_class)
            size = pick(SIZE_NAMES_ZH[known], SIZE_NAMES_EN[known])
        except ValueError:
            pass
    industry = company.industry_division
    if company.industry_division:
        try:
            division = industries.division(company.industry_division)
            industry = f"{division.code} {pick(division.name_zh, division.name_en)}"
        except KeyError:
            pass
    district = company.district
    if company.city and district and (place := regions.find_district(company.city, district)):
        district = pick(district, place.name_en)
    return CompanyCard(
        name=company.name,
        credit_code=company.credit_code,
        city=pick(company.city, regions.CITY_NAMES_EN.get(company.city)),
        district=district,
        cluster=cluster,
        size=size,
        industry=industry,
    )
