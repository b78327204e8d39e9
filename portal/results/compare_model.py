"""What the result view says about the company's earlier rounds of the same questionnaire: the comparison
with the previous submitted round and the history of every round (built by `portal.results.compare`).

Like the rest of the view (`portal.results.model`), every text is already in the view's language and every
number a plain int / float, so the result page, the PDF report and the result API state the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

Number = int | float


@dataclass(frozen=True)
class CompareRow:
    """One dimension (or the overall score, `strong`) in the previous round and in this one."""

    title: str
    strong: bool
    then_score: Number | None
    then_level: int | None
    now_score: Number | None
    now_level: int | None
    delta: Number | None  # this round's score minus the previous round's (None when either is missing)
    level_delta: int | None


@dataclass(frozen=True)
class LevelChange:
    """A level that moved since the previous round: the overall level, the MIIT level or a dimension's."""

    what: str
    then: str  # "2 级 · 规范级"
    now: str
    change: int  # levels gained; negative when a level was lost


@dataclass(frozen=True)
class DoneAction:
    """An action of the previous round's roadmap whose answers this round now gives."""

    title: str
    dimension: str


@dataclass(frozen=True)
class Comparison:
    """This round against the company's previous submitted round of the same questionnaire."""

    round: str  # the previous round, "T0"
    date: str  # its submission date, China time
    version: str  # its questionnaire version
    same_version: bool
    note: str | None  # when the versions differ: what is compared and what is not
    overall_delta: Number | None
    miit_delta: Number | None  # change of the MIIT points (MIIT questionnaire only)
    rows: tuple[CompareRow, ...]  # the dimensions both rounds scored, then the overall score
    levels: tuple[LevelChange, ...]
    not_compared: tuple[str, ...]  # dimensions only one of the two rounds has
    done: tuple[DoneAction, ...]
    planned: int  # actions on the previous round's roadmap that this round can be judged against

    @property
    def levels_gained(self) -> int:
        """Levels gained in all, over the overall level, MIIT's and the dimensions' (losses subtracted)."""
        return sum(change.change for change in self.levels)


@dataclass(frozen=True)
class HistoryPoint:
    round: str  # "T0"
    date: str
    version: str
    score: Number | None  # the score the round is ranked by: MIIT points for MIIT, else the overall score
    level: int
    level_name: str
    current: bool  # the round this view shows


@dataclass(frozen=True)
class History:
    """Every submitted round of the questionnaire, oldest first (input of `portal.charts.history`)."""

    metric: str  # what `score` is: "综合得分" or "工信部评测总分"
    points: tuple[HistoryPoint, ...]
    note: str | None  # why there is nothing to compare yet (first round, a draft), else None

    @property
    def current(self) -> HistoryPoint | None:
        """The point of the round this view shows (None for a draft)."""
        return next((p for p in self.points if p.current), None)
