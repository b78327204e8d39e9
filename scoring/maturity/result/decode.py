"""Typed results back from their JSON form, with one decoder compiled per result type.

The decoders are built once from the dataclasses' type hints (str, int, bool, Any, Decimal, ``X | None``,
``tuple[X, ...]``, ``Mapping[str, X]`` and nested result dataclasses, which is all a result carries), so
rebuilding a stored result is a walk over its data and no longer a generic type inspection per value.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

Decoder = Callable[[Any], Any]


def _number(value: Any) -> Decimal:
    # stored numbers are the floats of `to_plain`, whose repr gives back the exact rounded digits, or the
    # exact decimal text of a form that keeps every digit (a stored upgrade plan, scoring.plan.result)
    if isinstance(value, Decimal):
        return value
    return Decimal(value) if isinstance(value, str) else Decimal(repr(value))


def _same(value: Any) -> Any:
    return value


def _optional(inner: Decoder) -> Decoder:
    return lambda value: None if value is None else inner(value)


def _tuple_of(inner: Decoder) -> Decoder:
    if inner is _same:
        return tuple
    return lambda values: tuple(inner(v) for v in values)


def _mapping_of(inner: Decoder) -> Decoder:
    if inner is _same:
        return _same
    return lambda values: {k: inner(v) for k, v in values.items()}


def decoder_for(hint: Any) -> Decoder:
    """The function turning plain data into a value of the type `hint`."""
    if hint is Decimal:
        return _number
    if hint in (str, int, bool, float, Any):
        return _same
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return dataclass_decoder(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        kinds = [a for a in args if a is not type(None)]
        if len(kinds) != 1 or len(args) != 2:  # exactly `X | None`
            raise TypeError(f"unsupported union in a result type: {hint}")
        return _optional(decoder_for(kinds[0]))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _tuple_of(decoder_for(args[0]))
    if origin in (Mapping, dict):
        return _mapping_of(decoder_for(args[1]))
    raise TypeError(f"unsupported type in a result type: {hint}")


@cache
def dataclass_decoder(cls: type) -> Decoder:
    """Decoder of one result dataclass: known keys decoded by field type, unknown keys ignored, a missing
    field takes its default (or None when it is optional)."""
    hints = typing.get_type_hints(cls)
    fields = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        decode = decoder_for(hints[f.name])
        if f.default is not dataclasses.MISSING:
            fallback: Callable[[], Any] | None = lambda d=f.default: d  # noqa: E731
        elif f.default_factory is not dataclasses.MISSING:
            fallback = f.default_factory
        elif typing.get_origin(hints[f.name]) in (types.UnionType, typing.Union):
            fallback = lambda: None  # noqa: E731
        else:
            fallback = None
        fields.append((f.name, decode, fallback))

    def decode_instance(data: Mapping[str, Any]) -> Any:
        values = {}
        for name, decode, fallback in fields:
            if name in data:
                values[name] = data[name] if decode is _same else decode(data[name])
            elif fallback is not None:
                values[name] = fallback()
            else:
                raise ValueError(f"missing field {name!r} of {cls.__name__}")
        return cls(**values)

    return decode_instance
