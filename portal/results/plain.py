"""The result view (`portal.results.model`) as plain JSON, and its JSON Schema, both derived from the
dataclasses themselves: the result API states exactly what the page and the PDF state, and its OpenAPI
schema cannot drift from the view.

Derived facts the templates read (properties such as `LevelTest.met`, `Programmes.eligible`) are part of
the JSON too, so an integrator does not re-derive them.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from portal.results import model

JSONDict = dict[str, Any]

# Component names in the OpenAPI document: "ResultView", "ResultView.Dimension", … (no clash with the
# other components, whose names have no dot).
PREFIX = "ResultView"

_SCALARS: dict[Any, JSONDict] = {
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    float: {"type": "number"},
    types.NoneType: {"type": "null"},
}


def _properties(cls: type) -> dict[str, property]:
    return {name: attr for name, attr in vars(cls).items() if isinstance(attr, property)}


def to_plain(value: Any) -> Any:
    """A view (or any part of it) as JSON-ready dicts, lists and scalars."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        out.update({name: to_plain(getattr(value, name)) for name in _properties(type(value))})
        return out
    if isinstance(value, tuple | list):
        return [to_plain(item) for item in value]
    return value


def component_name(cls: type) -> str:
    return PREFIX if cls is model.ResultView else f"{PREFIX}.{cls.__name__}"


def components() -> dict[str, JSONDict]:
    """Every dataclass of the view as an OpenAPI component, keyed by `component_name`."""
    found: dict[str, JSONDict] = {}
    _schema(model.ResultView, found)
    return found


def _schema(tp: Any, found: dict[str, JSONDict]) -> JSONDict:
    if tp in _SCALARS:
        return dict(_SCALARS[tp])
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        name = component_name(tp)
        if name not in found:
            found[name] = {}  # placeholder: a dataclass that (indirectly) contains itself
            found[name] = _object(tp, found)
        return {"$ref": f"#/components/schemas/{name}"}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        return {"anyOf": [_schema(arg, found) for arg in args]}
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return {"type": "array", "items": _schema(args[0], found)}
    if origin is tuple:
        n = len(args)
        return {
            "type": "array",
            "prefixItems": [_schema(a, found) for a in args],
            "minItems": n,
            "maxItems": n,
        }
    raise TypeError(f"no JSON Schema for {tp!r}: teach portal.results.plain this type")


def _object(cls: type, found: dict[str, JSONDict]) -> JSONDict:
    hints = typing.get_type_hints(cls)  # in the namespace of the class's own module
    props = {f.name: _schema(hints[f.name], found) for f in dataclasses.fields(cls)}
    for name, prop in _properties(cls).items():
        props[name] = _schema(typing.get_type_hints(prop.fget)["return"], found)
    schema: JSONDict = {"type": "object", "required": list(props), "properties": props}
    if cls.__doc__ and not cls.__doc__.startswith(f"{cls.__name__}("):  # not dataclass's generated doc
        schema["description"] = " ".join(cls.__doc__.split())
    return schema
