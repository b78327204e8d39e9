"""Company profile: size classification and updates; members and invitations of a company."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.models import Company, Invitation, User
from portal.models._common import utcnow
from scoring.reference import sme_size

# The size's name in the interface language (the catalog holds the English; a gettext of a stored
# Chinese value would not be found by extraction and stayed Chinese on English pages).
SIZE_LABELS: Final = {
    "large": _l("大型"),
    "medium": _l("中型"),
    "small": _l("小型"),
    "micro": _l("微型"),
}
UNDETERMINED = _l("待确定")


@dataclass(frozen=True)
class SizeExplanation:
    size: str | None  # large | medium | small | micro | None when inputs are missing
    label_zh: str

    @property
    def label(self) -> str:
        """The size's name in the current language."""
        return str(SIZE_LABELS.get(self.size or "", UNDETERMINED))

    rule_zh: str
    rule_en: str
    clause: str
    missing: tuple[str, ...]


def classify_company(company: Company) -> SizeExplanation:
    """中小企业划型 (工信部联企业〔2011〕300号) from the company's industry, employees, revenue and assets."""
    sector = _sector(company)
    if sector is None:
        return SizeExplanation(
            None, "待确定", "请选择所属行业后计算企业规模。", "Choose the industry first.", "", ("industry",)
        )
    result = sme_size.classify(
        sector,
        employees=company.employees,
        revenue_wan=_float(company.revenue_wan),
        total_assets_wan=_float(company.total_assets_wan),
    )
    size = result.size.value if result.size is not None else None
    label = result.size.zh if result.size is not None else "待确定"
    return SizeExplanation(size, label, result.rule_zh, result.rule_en, result.clause, tuple(result.missing))


def _sector(company: Company) -> sme_size.Sector | None:
    if company.industry_division:
        try:
            return sme_size.sector_for_division(company.industry_division)
        except KeyError:
            return None
    if company.industry_section in ("B", "C", "D"):  # 300号 第四条(二) 工业 = 采矿业、制造业、电力…
        return sme_size.Sector.INDUSTRY
    return None


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def apply_size_classification(company: Company) -> SizeExplanation:
    explanation = classify_company(company)
    company.size_class = explanation.size
    company.size_clause = f"{explanation.clause}：{explanation.rule_zh}" if explanation.size else None
    return explanation


PROFILE_FIELDS = (
    "name",
    "city",
    "district",
    "industry_section",
    "industry_division",
    "cluster",
    "founded_year",
    "employees",
    "revenue_wan",
    "total_assets_wan",
    "contact_name",
    "contact_phone",
)


def update_profile(company: Company, data: dict[str, Any]) -> SizeExplanation:
    """Apply profile edits, recompute the size class, and record when bureau-sharing consent changed."""
    for field in PROFILE_FIELDS:
        if field in data:
            value = data[field]
            setattr(company, field, value if value not in ("",) else None)
    if "bureau_sharing" in data and bool(data["bureau_sharing"]) != company.bureau_sharing:
        company.bureau_sharing = bool(data["bureau_sharing"])
        company.bureau_sharing_changed_at = utcnow()
    explanation = apply_size_classification(company)
    db.session.commit()
    return explanation


def pending_invitations(company: Company) -> list[Invitation]:
    now = utcnow()
    return [
        i
        for i in company.invitations
        if i.accepted_at is None and i.revoked_at is None and i.expires_at > now
    ]


def members(company: Company) -> list[User]:
    """The company's members who have access (removed members keep a closed account: portal/companies/
    team.py), oldest first."""
    query = sa.select(User).where(User.company_id == company.id, User.active.is_(True)).order_by(User.id)
    return list(db.session.scalars(query))
