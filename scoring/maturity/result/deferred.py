"""Fields of a result worked out when first read.

What a stored result needs (scores, levels, the MIIT level, the 上云 flags the bureau counts) is computed by
``score()``; what only a person reading the result needs (the gaps to the next level, the roadmap and its
what-ifs, the unmet tests in words) is most of the cost of scoring and is left to the first read of its
field. The value is then kept in the instance, so a result reads the same every time, compares and hashes
as before, and its JSON is byte-for-byte what it was when everything was computed at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")


class Deferred:
    """A field value not worked out yet: ``compute()`` gives it (called at most once per instance field)."""

    __slots__ = ("compute",)

    def __init__(self, compute: Callable[[], Any]) -> None:
        self.compute = compute


def later(compute: Callable[[], T]) -> T:
    """The value *compute* gives, worked out when the field it is given to is first read (only for the fields
    a class names in :func:`deferrable`; typed as the value, which is what a reader of the field gets)."""
    return cast(T, Deferred(compute))


class _DeferredField:
    """Data descriptor of one field that may hold a :class:`Deferred`: the first read computes the value and
    keeps it in the instance (a data descriptor is consulted before the instance's ``__dict__``)."""

    def __init__(self, name: str, default: Any) -> None:
        self.name, self.default = name, default

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:  # read on the class: the field's default, as before the descriptor was installed
            return self.default
        value = obj.__dict__[self.name]
        if type(value) is Deferred:
            value = obj.__dict__[self.name] = value.compute()
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {self.name!r}")


def resolved_state(obj: Any) -> dict[str, Any]:
    """The instance's fields with every deferred one worked out (what pickling and copying keep: the
    computation refers to the scoring run, which is not kept)."""
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def deferrable(*names: str) -> Callable[[type[T]], type[T]]:
    """Class decorator (outside ``@dataclass``/``@fast_init``): the named fields may be given a
    :class:`Deferred` instead of their value."""

    def install(cls: type[T]) -> type[T]:
        fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        for name in names:
            default = fields[name].default
            setattr(cls, name, _DeferredField(name, None if default is dataclasses.MISSING else default))
        cls.__getstate__ = resolved_state  # type: ignore[method-assign,assignment]
        return cls

    return install
