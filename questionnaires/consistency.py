"""Answers that contradict each other, or the company's profile, as a reviewer would catch them at once.

Each check is data: which answers (or profile figures) it compares and what it says, in both languages. A
check gives a warning, never a refusal: the answers are saved as typed (the company may be right and the
other answer wrong), and the warning names both sides so the person can correct whichever is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from questionnaires.item_types.base import number_text
from questionnaires.model import Instrument
from questionnaires.values import answer_evidence, answer_value

# Company profile figures a check may compare with: employees (人) and revenue_wan (万元).
Facts = Mapping[str, Decimal | int | None]


@dataclass(frozen=True)
class Warning:
    item_ids: tuple[str, ...]  # the questions concerned: the warning is shown at each
    message_zh: str
    message_en: str


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


@dataclass(frozen=True)
class FigureNotAbove:
    """One evidence figure of an item may not exceed another of the same item (networked ≤ all devices)."""

    item_id: str
    part: str
    whole: str
    message_zh: str
    message_en: str

    def check(self, answers: Mapping[str, Any], facts: Facts) -> Warning | None:
        evidence = answer_evidence(answers.get(self.item_id))
        part, whole = _number(evidence.get(self.part)), _number(evidence.get(self.whole))
        if part is None or whole is None or part <= whole:
            return None
        values = {"part": number_text(part), "whole": number_text(whole)}
        return Warning((self.item_id,), self.message_zh.format(**values), self.message_en.format(**values))


@dataclass(frozen=True)
class AnswerBelow:
    """One number answer must be smaller than another (IT staff < employees)."""

    item_id: str
    other_id: str
    message_zh: str
    message_en: str

    def check(self, answers: Mapping[str, Any], facts: Facts) -> Warning | None:
        part = _number(answer_value(answers.get(self.item_id)))
        whole = _number(answer_value(answers.get(self.other_id)))
        if part is None or whole is None or whole <= 0 or part < whole:
            return None
        values = {"part": number_text(part), "whole": number_text(whole)}
        return Warning(
            (self.item_id, self.other_id),
            self.message_zh.format(**values),
            self.message_en.format(**values),
        )


@dataclass(frozen=True)
class AnswerNearProfile:
    """A number answer close to the company profile's figure for the same thing (employees, revenue)."""

    item_id: str
    fact: str
    tolerance: Decimal  # relative difference tolerated (answers and profile may be of different dates)
    message_zh: str
    message_en: str

    def check(self, answers: Mapping[str, Any], facts: Facts) -> Warning | None:
        answer = _number(answer_value(answers.get(self.item_id)))
        profile = _number(facts.get(self.fact))
        if answer is None or profile is None or profile <= 0:
            return None
        if abs(answer - profile) <= self.tolerance * profile:
            return None
        values = {"answer": number_text(answer), "profile": number_text(profile)}
        return Warning((self.item_id,), self.message_zh.format(**values), self.message_en.format(**values))


@dataclass(frozen=True)
class RequiresOption:
    """A yes answer that needs one of some options of another question (TSN needs a production network)."""

    item_id: str
    other_id: str
    options: frozenset[str]
    message_zh: str
    message_en: str

    def check(self, answers: Mapping[str, Any], facts: Facts) -> Warning | None:
        other = answer_value(answers.get(self.other_id))
        if answer_value(answers.get(self.item_id)) is not True or other is None or other in self.options:
            return None
        return Warning((self.item_id, self.other_id), self.message_zh, self.message_en)


Check = FigureNotAbove | AnswerBelow | AnswerNearProfile | RequiresOption

# Per instrument id. The tolerances say when two figures of different dates are "a lot" apart; change them
# here. Item and option ids are those of the instrument's published versions.
CHECKS: Mapping[str, tuple[Check, ...]] = {
    "gd-mfg-dt": (
        FigureNotAbove(
            "cloud.equipment.networked_share",
            "networked_devices",
            "production_devices_total",
            "已联网设备数（{part} 台）多于生产设备总数（{whole} 台）：请核对这两个数。",
            "Networked devices ({part}) exceed production devices in total ({whole}): please check both.",
        ),
        AnswerBelow(
            "org.digital_staff",
            "org.employees",
            "专职信息化/数字化人员（{part} 人）不少于企业员工总数（{whole} 人）：请核对这两个数。",
            "Full-time IT/digital staff ({part}) are not fewer than all employees ({whole}): "
            "please check both.",
        ),
        AnswerNearProfile(
            "org.employees",
            "employees",
            Decimal("0.2"),
            "企业员工总数 {answer} 人，而企业资料中的从业人员为 {profile} 人：请核对其中一处。",
            "Employees are given as {answer} here but {profile} in the company profile: "
            "please check one of them.",
        ),
        AnswerNearProfile(
            "org.revenue",
            "revenue_wan",
            Decimal("0.2"),
            "上年营业收入 {answer} 万元，而企业资料中为 {profile} 万元：请核对其中一处。",
            "Revenue last year is given as {answer} here but {profile} in the company profile "
            "(× 10,000 CNY): please check one of them.",
        ),
        RequiresOption(
            "net.tsn",
            "net.intranet",
            frozenset({"C", "D"}),
            "已应用时间敏感网络（TSN），但厂区内网的回答是生产网络尚未建成：TSN 需要生产网络，请核对这两题。",
            "Time-sensitive networking is in use, but the plant-network answer says there is no production "
            "network yet: TSN needs one, please check both answers.",
        ),
    ),
}


def warnings(instrument: Instrument, answers: Mapping[str, Any], facts: Facts) -> list[Warning]:
    """The contradictions among *answers* (and with the profile *facts*), in the instrument's order."""
    found = [w for check in CHECKS.get(instrument.id, ()) if (w := check.check(answers, facts))]
    order = {item.id: n for n, item in enumerate(instrument.items)}
    return sorted(found, key=lambda w: min(order.get(i, 0) for i in w.item_ids))
