"""Evidence field types (``number``, ``integer``, ``text``): the figures a company gives beside an answer."""

from __future__ import annotations

import random
from typing import Any, ClassVar

from questionnaires.model import EvidenceField
from questionnaires.values import NUL_EN, NUL_ZH, AnswerCheck, bad, check_number, ok

from .base import scaled_number


class EvidenceKind:
    name: ClassVar[str]
    numeric: ClassVar[bool] = False

    def check(self, spec: EvidenceField, value: Any) -> AnswerCheck:
        """Parse and validate a filled-in value; messages name the field."""
        raise NotImplementedError

    def demo_value(self, spec: EvidenceField, rng: random.Random, maturity: float) -> Any:
        raise NotImplementedError


class NumberEvidence(EvidenceKind):
    name = "number"
    numeric = True
    integer = False

    def check(self, spec: EvidenceField, value: Any) -> AnswerCheck:
        check = check_number(value, self.integer, spec.min, spec.max, spec.unit, spec.id)
        if check.ok:
            return check
        return AnswerCheck(
            False,
            check.code,
            f"{spec.label_zh}：{check.message_zh}",
            f"{spec.label_en}: {check.message_en}",
            None,
            spec.id,
        )

    def demo_value(self, spec: EvidenceField, rng: random.Random, maturity: float) -> Any:
        low = float(spec.min if spec.min is not None else 0)
        high = float(spec.max if spec.max is not None else 100)
        return scaled_number(low, high, min(1.0, maturity * rng.uniform(0.3, 0.8)), self.integer)


class IntegerEvidence(NumberEvidence):
    name = "integer"
    integer = True


class TextEvidence(EvidenceKind):
    name = "text"

    def check(self, spec: EvidenceField, value: Any) -> AnswerCheck:
        if not isinstance(value, str):
            return bad("wrong_type", f"“{spec.label_zh}”应为文字", f"'{spec.label_en}' must be text", spec.id)
        if "\x00" in value:
            return bad("wrong_type", f"{spec.label_zh}：{NUL_ZH}", f"{spec.label_en}: {NUL_EN}", spec.id)
        return ok(value.strip())

    def demo_value(self, spec: EvidenceField, rng: random.Random, maturity: float) -> Any:
        return "见附件台账"
