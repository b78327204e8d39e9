"""Service providers' recognitions, solution catalogue, companies' consents, audit trail, recommendations.

ProviderOrg itself lives in portal/models/provider.py (users reference it); everything the provider
feature adds lives here and is imported by portal/models/__init__.py for Alembic.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.models.assessment import Assessment
    from portal.models.company import Company
    from portal.models.provider import ProviderOrg
    from portal.models.user import User

# 服务类型, after the glossary's 制造业数字化转型服务商
# (数据采集、工业软件、行业解决方案、系统集成 … 咨询、诊断、评估、培训).
SERVICE_TYPES: dict[str, tuple[str, str]] = {
    "consulting": ("咨询诊断", "Consulting and diagnosis"),
    "integration": ("系统集成", "System integration"),
    "platform": ("工业互联网平台", "Industrial internet platform"),
    "cloud": ("云服务", "Cloud services"),
    "5g": ("5G网络", "5G networks"),
    "security": ("网络与数据安全", "Network and data security"),
    "software": ("工业软件", "Industrial software"),
    "data": ("数据服务", "Data services"),
    "equipment": ("智能装备", "Smart equipment"),
    "training": ("培训", "Training"),
    "finance": ("金融服务", "Financial services"),
}

# Recognitions (seed 002 digest §2.9). The 资源池 has five spellings in the policy texts; we store one kind.
RECOGNITION_KINDS: dict[str, tuple[str, str]] = {
    "resource_pool": (
        "广东省制造业数字化转型产业生态供给资源池（入池）",
        "Guangdong manufacturing DT supply-side resource pool (member)",
    ),
    "excellent_provider": ("优秀制造业数字化转型服务商", "Outstanding manufacturing DT service provider"),
    "platform_special": ("省级特色型工业互联网平台", "Provincial industry/region-specific platform"),
    "platform_professional": ("省级专业型工业互联网平台", "Provincial technology-specialised platform"),
    "platform_national": (
        "国家级跨行业跨领域/特色型/专业型工业互联网平台",
        "National cross-industry, specific or specialised platform",
    ),
    "other": ("其他认定", "Other recognition"),
}

# gd-mfg-dt dimensions (module ids) and the four 上云上平台 kinds of 专栏2.
MODULES: dict[str, tuple[str, str]] = {
    "cloud": ("上云上平台", "Cloud adoption"),
    "platform": ("工业互联网平台应用", "Industrial internet platform"),
    "net": ("网络基础设施", "Networks"),
    "software": ("工业软件", "Industrial software"),
    "equip": ("智能装备", "Smart equipment"),
    "data": ("数据与安全", "Data and security"),
    "chain": ("产业链协同", "Supply-chain collaboration"),
    "org": ("组织与战略", "Organisation and strategy"),
    "green": ("绿色化", "Green manufacturing"),
}
CLOUD_KINDS: dict[str, tuple[str, str]] = {
    "cloud_equipment": ("设备上云上平台", "Equipment on cloud"),
    "cloud_rnd": ("研发上云上平台", "R&D on cloud"),
    "cloud_supply_chain": ("供应链上云上平台", "Supply chain on cloud"),
    "cloud_operations": ("运营管理上云上平台", "Operations on cloud"),
}
SIZES: dict[str, tuple[str, str]] = {
    "micro": ("微型企业", "Micro"),
    "small": ("小型企业", "Small"),
    "medium": ("中型企业", "Medium"),
    "large": ("大型企业", "Large"),
}
DEPLOYMENTS: dict[str, tuple[str, str]] = {
    "public": ("公有云", "Public cloud"),
    "private": ("私有云", "Private cloud"),
    "on_prem": ("本地部署", "On premises"),
}
PRICE_BANDS: dict[str, tuple[str, str]] = {
    "lt5": ("5 万元以下", "under ¥50k"),
    "5-20": ("5–20 万元", "¥50k–200k"),
    "20-50": ("20–50 万元", "¥200k–500k"),
    "50-200": ("50–200 万元", "¥500k–2m"),
    "gt200": ("200 万元以上", "over ¥2m"),
    "subscription": ("按年订阅", "annual subscription"),
}
DURATIONS: dict[str, tuple[str, str]] = {
    "lt1m": ("1 个月以内", "under 1 month"),
    "1-3m": ("1–3 个月", "1–3 months"),
    "3-6m": ("3–6 个月", "3–6 months"),
    "6-12m": ("6–12 个月", "6–12 months"),
    "gt12m": ("12 个月以上", "over 12 months"),
}


class Recognition(db.Model):  # type: ignore[name-defined]
    """A recognition a provider declares; an administrator may mark it verified (with the date)."""

    __tablename__ = "provider_recognitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("provider_orgs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30))  # RECOGNITION_KINDS
    title: Mapped[str | None] = mapped_column(sa.String(200))  # batch / document name, free text
    year: Mapped[int | None]
    evidence: Mapped[str | None] = mapped_column(sa.String(300))  # 文号 or public URL
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    verified_on: Mapped[date | None] = mapped_column(sa.Date)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    org: Mapped[ProviderOrg] = relationship()

    @property
    def verified(self) -> bool:
        return self.verified_on is not None


class Solution(db.Model):  # type: ignore[name-defined]
    """One catalogue entry of a provider, tagged for matching against roadmap actions."""

    __tablename__ = "solutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("provider_orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    summary: Mapped[str] = mapped_column(sa.Text)
    modules: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # MODULES
    cloud_kinds: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # CLOUD_KINDS
    # The roadmap measures (scoring/maturity/roadmap_actions.yaml ids) the solution delivers: what matching
    # requires, so that a product is offered only for a gap it actually closes.
    actions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    clusters: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # c01..c20; empty = every cluster
    sizes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # SIZES; empty = every size
    deployments: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # DEPLOYMENTS
    price_band: Mapped[str | None] = mapped_column(sa.String(20))  # PRICE_BANDS
    duration: Mapped[str | None] = mapped_column(sa.String(20))  # DURATIONS
    # Listed in a 上云上平台 product catalogue (专栏2) or otherwise eligible for provincial support:
    # declared by the provider, verified (with date) by an administrator.
    support_listed: Mapped[bool] = mapped_column(default=False)
    support_note: Mapped[str | None] = mapped_column(sa.String(300))
    support_verified_on: Mapped[date | None] = mapped_column(sa.Date)
    support_verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Moderation by administrators: a hidden entry is never matched nor shown to companies.
    hidden: Mapped[bool] = mapped_column(default=False)
    moderation_reason: Mapped[str | None] = mapped_column(sa.String(300))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    moderated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    org: Mapped[ProviderOrg] = relationship()

    @property
    def support_verified(self) -> bool:
        return self.support_listed and self.support_verified_on is not None


class ConsentMode(StrEnum):
    SHARE = "share"  # read the assessment, its result and report
    ASSIST = "assist"  # also change answers in the company's name (every change attributed)


class Consent(db.Model):  # type: ignore[name-defined]
    """A company lets one provider organisation see (or help fill in) one assessment until a date."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    provider_org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("provider_orgs.id", ondelete="CASCADE"), index=True
    )
    mode: Mapped[ConsentMode] = mapped_column(sa.Enum(ConsentMode, native_enum=False, length=10))
    note: Mapped[str | None] = mapped_column(sa.String(300))
    ends_on: Mapped[date] = mapped_column(sa.Date)  # last day, China time
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the instant after ends_on (00:00 +08:00)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    company: Mapped[Company] = relationship()
    assessment: Mapped[Assessment] = relationship()
    provider_org: Mapped[ProviderOrg] = relationship()
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])

    def is_active(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and (now or utcnow()) < self.expires_at

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.is_active() else "expired"


class AuditEvent(db.Model):  # type: ignore[name-defined]
    """Someone outside the company looked at or changed the company's data."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assessments.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(sa.String(80))  # kept if the account is deleted
    provider_org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("provider_orgs.id", ondelete="SET NULL")
    )
    org_name: Mapped[str | None] = mapped_column(sa.String(120))
    action: Mapped[str] = mapped_column(sa.String(40))  # audit.ACTIONS
    detail: Mapped[str | None] = mapped_column(sa.String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Recommendation(db.Model):  # type: ignore[name-defined]
    """A provider suggests one of its solutions to a company that shared an assessment with it."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    provider_org_id: Mapped[int] = mapped_column(sa.ForeignKey("provider_orgs.id", ondelete="CASCADE"))
    solution_id: Mapped[int] = mapped_column(sa.ForeignKey("solutions.id", ondelete="CASCADE"))
    action_id: Mapped[str | None] = mapped_column(sa.String(60))  # the roadmap action it answers
    message: Mapped[str | None] = mapped_column(sa.String(500))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    solution: Mapped[Solution] = relationship()
    provider_org: Mapped[ProviderOrg] = relationship()
