"""The whole result of one scoring run and its deterministic JSON form."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from .base import fast_init
from .cloud import CloudResult, FiveGResult
from .deferred import deferrable
from .miit import MiitResult
from .modules import ModuleResult, OverallResult
from .plans import BenchmarkResult, Roadmap


@fast_init
@dataclass(frozen=True)
class Profile:
    cluster: str | None = None
    size: str | None = None
    city: str | None = None


@fast_init
@dataclass(frozen=True)
class InstrumentRef:
    id: str
    version: str
    content_hash: str
    method: str


@deferrable("roadmap")  # worked out when first read
@fast_init
@dataclass(frozen=True)
class ScoreResult:
    engine_version: str
    instrument: InstrumentRef
    profile: Profile
    modules: tuple[ModuleResult, ...]
    overall: OverallResult
    unanswered: tuple[str, ...]
    ignored_answers: tuple[str, ...]  # answers of items hidden for this company (not scored)
    miit: MiitResult | None = None
    cloud: CloudResult | None = None
    fiveg: FiveGResult | None = None
    benchmark: BenchmarkResult | None = None
    roadmap: Roadmap | None = None

    def module(self, module_id: str) -> ModuleResult:
        for m in self.modules:
            if m.module_id == module_id:
                return m
        raise KeyError(module_id)


def worked_out(result: ScoreResult) -> ScoreResult:
    """*result* with every part left to its first read worked out now (the result as ``score()`` gave it when
    it computed everything at once); returns *result* itself. Reading these fields is enough: each keeps
    its value."""
    for m in result.modules:
        _ = m.next_level
    _ = result.roadmap
    if result.cloud is not None:
        for k in result.cloud.kinds:
            _ = k.missing_zh, k.missing_en
        _ = result.cloud.platform_missing_zh, result.cloud.platform_missing_en
    if result.fiveg is not None:
        _ = result.fiveg.missing_zh, result.fiveg.missing_en
    return result


# ----------------------------------------------------------------------------------------------------
# JSON
# ----------------------------------------------------------------------------------------------------


def _decimal_number(value: Decimal) -> float:
    """Values are rounded when results are built; ``float`` + ``repr`` gives the exact digits."""
    if not value.is_finite():
        raise ValueError(f"non-finite number {value}")
    if value == 0:
        return 0.0  # never emit -0.0
    return float(value)


def to_plain(obj: Any) -> Any:  # noqa: PLR0911 — one return per plain-data type
    """A JSON-ready copy of a result: dataclasses → dicts, tuples → lists, Decimals → numbers."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Decimal):
        return _decimal_number(obj)
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, Mapping):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_plain(v) for v in obj]
    if isinstance(obj, float):
        return _decimal_number(Decimal(repr(obj)))
    return obj


def result_to_json(result: ScoreResult, *, indent: int | None = None) -> str:
    """Deterministic JSON: sorted keys, fixed separators, UTF-8 text (``ensure_ascii=False``)."""
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(
        to_plain(result), sort_keys=True, ensure_ascii=False, separators=separators, indent=indent
    )


def from_plain(plain: Mapping[str, Any]) -> ScoreResult:
    """The typed result back from its JSON form (a stored row): the inverse of :func:`to_plain`.

    ``to_plain(from_plain(x)) == x`` for every result the engine produced. Keys the result types do not
    know (e.g. what the portal adds when it shows a result) are ignored.
    """
    from .decode import dataclass_decoder

    result: ScoreResult = dataclass_decoder(ScoreResult)(plain)
    return result
