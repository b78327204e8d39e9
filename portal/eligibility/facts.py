"""Facts the platform computed about a company, for eligibility: each with its value and where it came from.

The MIIT level, the maturity level and 上云上平台 come from the company's latest submitted assessment that
produced them (the size class, derived from the company profile by 工信部联企业〔2011〕300号, is one of the
profile fields of ``inputs.profile_fields`` and is shown with them). A fact whose key
is a field of the eligibility contract goes into the engine's input and wins over a value typed in the
company's conditions (the conditions page shows both and says which one is used); the others are shown
with their source and are ready for rules once the contract has a field for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.eligibility.catalog import describe_value
from portal.extensions import db
from portal.i18n import pick
from portal.models import Assessment, AssessmentResult, AssessmentStatus, Company
from portal.templating import local_dt
from scoring.eligibility.fields import COMPANY

MIIT_NAMES: Final = {
    0: ("未达一级", "below level 1"),
    1: ("一级", "level 1"),
    2: ("二级", "level 2"),
    3: ("三级", "level 3"),
    4: ("四级", "level 4"),
}
MATURITY_NAMES: Final = {
    0: ("未达一级", "below level 1"),
    1: ("一级", "level 1"),
    2: ("二级", "level 2"),
    3: ("三级", "level 3"),
    4: ("四级", "level 4"),
    5: ("五级", "level 5"),
}
YES_NO: Final = {True: ("是", "yes"), False: ("否", "no")}


@dataclass(frozen=True)
class Fact:
    """One computed fact. ``key`` is the contract field it fills (``used``) or the name it will have."""

    key: str
    value: Any
    label_zh: str
    label_en: str
    shown_zh: str
    shown_en: str
    submitted_at: datetime | None = None  # the assessment's submission; None: from the company profile
    assessment_id: int | None = None

    @property
    def used(self) -> bool:
        """Whether the eligibility engine reads this fact (the contract has the field)."""
        return self.key in COMPANY

    @property
    def label(self) -> str:
        return pick(self.label_zh, self.label_en)

    @property
    def shown(self) -> str:
        return pick(self.shown_zh, self.shown_en)

    @property
    def source(self) -> str:
        """Where the value came from, in the user's language and China time."""
        if self.submitted_at is not None:
            return _("来自 %(date)s 提交的评测", date=local_dt(self.submitted_at, "%Y-%m-%d"))
        return _("来自企业信息")


def _results(company_id: int) -> list[Any]:
    """The company's stored results of submitted assessments (the columns facts come from, and the
    submission time), newest first."""
    r = AssessmentResult
    return list(
        db.session.execute(
            sa.select(
                r.assessment_id,
                r.miit_level,
                r.overall_level,
                r.on_cloud,
                r.on_platform,
                Assessment.submitted_at,
            )
            .join(Assessment, Assessment.id == r.assessment_id)
            .where(Assessment.company_id == company_id, Assessment.status == AssessmentStatus.SUBMITTED)
            .order_by(Assessment.submitted_at.desc(), r.id.desc())
        ).all()
    )


def computed_facts(company: Company) -> list[Fact]:
    """Every fact the platform computed about the company, each from the latest submission that has it."""
    results = _results(company.id)

    def latest(name: str) -> Any:
        return next((row for row in results if getattr(row, name) is not None), None)

    facts: list[Fact] = []
    miit = latest("miit_level")
    if miit is not None:
        level = int(miit.miit_level)
        zh, en = MIIT_NAMES.get(level, (str(level), str(level)))
        facts.append(
            Fact(
                "miit_digital_level",
                level,
                "中小企业数字化水平评测等级",
                "MIIT SME digital level",
                zh,
                en,
                miit.submitted_at,
                miit.assessment_id,
            )
        )
    maturity = latest("overall_level")
    if maturity is not None:
        level = int(maturity.overall_level)
        zh, en = MATURITY_NAMES.get(level, (str(level), str(level)))
        facts.append(
            Fact(
                "gd_maturity_level",
                level,
                "数字化转型成熟度等级",
                "digital-transformation maturity level",
                zh,
                en,
                maturity.submitted_at,
                maturity.assessment_id,
            )
        )
    cloud = latest("on_cloud")
    if cloud is not None:
        for key, zh_label, en_label, value in (
            ("on_cloud", "已上云", "on the cloud", cloud.on_cloud),
            ("on_platform", "已上平台", "on an industrial-internet platform", cloud.on_platform),
        ):
            if value is not None:
                zh, en = YES_NO[bool(value)]
                facts.append(
                    Fact(
                        key, bool(value), zh_label, en_label, zh, en, cloud.submitted_at, cloud.assessment_id
                    )
                )
    return facts


def used_values(facts: list[Fact]) -> dict[str, Any]:
    """The facts the engine reads, as contract values."""
    return {f.key: f.value for f in facts if f.used}


@dataclass(frozen=True)
class Shown:
    """A fact as the pages show it, with a different value typed in the conditions (not used) if any."""

    fact: Fact
    entered: str | None


def shown_facts(facts: list[Fact], conditions: dict[str, Any]) -> list[Shown]:
    out = []
    for fact in facts:
        entered = None
        if fact.used and conditions.get(fact.key) is not None and conditions[fact.key] != fact.value:
            value = conditions[fact.key]
            named = MIIT_NAMES.get(value) if fact.key == "miit_digital_level" else None
            entered = pick(*named) if named else describe_value(COMPANY[fact.key], value)
        out.append(Shown(fact, entered))
    return out
