"""Named special evaluators: the few checks that generic field tests cannot express.

A rule file uses one as ``test: {special: NAME}``. Each takes the evaluation context and returns
(passed, message_zh, message_en). Keep this list short: everything else belongs in rule data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from scoring.eligibility.model import ProjectInput


@dataclass(frozen=True)
class SpecialContext:
    program: str
    project: ProjectInput | None
    all_projects: Sequence[ProjectInput]


SpecialResult = tuple[bool | None, str, str]


def single_direction_per_applicant(ctx: SpecialContext) -> SpecialResult:
    """同一主体每年只能申报一个方向的项目 (D10 L2609).

    Fails when the input holds projects of one program in two directions."""
    directions = sorted({p.direction or "" for p in ctx.all_projects if p.program == ctx.program})
    if len(directions) <= 1:
        return True, "本次仅申报一个方向", "only one direction is applied for"
    listed = ", ".join(directions)
    return (
        False,
        f"同一主体同年申报了多个方向：{listed}",
        f"the same applicant applies in several directions in one year: {listed}",
    )


SPECIAL_EVALUATORS: Final[dict[str, Callable[[SpecialContext], SpecialResult]]] = {
    "single_direction_per_applicant": single_direction_per_applicant,
}
