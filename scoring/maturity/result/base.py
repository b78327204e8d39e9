"""Engine version, rounding of the numbers a result carries, and input errors."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

T = TypeVar("T")

ENGINE_VERSION = "dx-score-1.0.0"
"""Stored by the portal with every result; minor = rule/data change, major = format change."""

SCORE_PLACES = Decimal("0.01")
POINT_PLACES = Decimal("0.001")
SHARE_PLACES = Decimal("0.0001")


def q_score(value: Decimal) -> Decimal:
    return value.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def q_points(value: Decimal) -> Decimal:
    return value.quantize(POINT_PLACES, rounding=ROUND_HALF_UP)


def q_share(value: Decimal) -> Decimal:
    return value.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def fast_init(cls: type[T]) -> type[T]:
    """A frozen result dataclass whose ``__init__`` fills the instance's ``__dict__`` in one step instead of
    one ``object.__setattr__`` per field (scoring one assessment builds some five hundred result objects;
    the generated ``__init__`` took a third of the time). Same signature, defaults and values; the instance
    stays frozen. Only for plain frozen dataclasses: no ``__post_init__``, slots, ``init=False`` fields or
    default factories (refused here)."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    params = getattr(cls, "__dataclass_params__", None)
    if (
        params is None
        or not params.frozen
        or hasattr(cls, "__post_init__")
        or hasattr(cls, "__slots__")
        or any(not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING for f in fields)
    ):
        raise TypeError(f"fast_init: {cls.__name__} is not a plain frozen dataclass")
    defaults: dict[str, Any] = {
        f"_d_{f.name}": f.default for f in fields if f.default is not dataclasses.MISSING
    }
    args = ", ".join(f.name if f.default is dataclasses.MISSING else f"{f.name}=_d_{f.name}" for f in fields)
    body = ", ".join(f"{f.name!r}: {f.name}" for f in fields)
    source = f"def __init__(self, {args}):\n    self.__dict__.update({{{body}}})\n"
    namespace: dict[str, Any] = {}
    exec(source, defaults, namespace)  # noqa: S102 — code generated from the class's own field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


# ----------------------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputError:
    field: str
    message_zh: str
    message_en: str


class ScoringInputError(ValueError):
    """Invalid answers / profile / peers; ``errors`` lists every problem found."""

    def __init__(self, errors: list[InputError] | tuple[InputError, ...]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.message_en}" for e in self.errors))
