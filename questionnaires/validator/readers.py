"""Typed field readers: each reports a problem and returns None (or a default) instead of raising."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from .context import Ctx, join

CLUSTER_RE = re.compile(r"^c(0[1-9]|1[0-9]|20)$")

T = TypeVar("T")


def read_mapping(ctx: Ctx, raw: Any, path: str) -> Mapping[str, Any] | None:
    if not isinstance(raw, Mapping):
        ctx.err(path, "wrong_type", "应为映射（键: 值）", "expected a mapping")
        return None
    return raw


def read_list(ctx: Ctx, raw: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> list[Any]:
    value = raw.get(key)
    if value is None:
        if required:
            ctx.err(join(path, key), "missing", f"缺少必填字段 '{key}'", f"missing required key '{key}'")
        return []
    if not isinstance(value, list):
        ctx.err(join(path, key), "wrong_type", "应为列表", "expected a list")
        return []
    return value


def read_str(ctx: Ctx, raw: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            ctx.err(join(path, key), "missing", f"缺少必填字段 '{key}'", f"missing required key '{key}'")
        return None
    if not isinstance(value, str):
        ctx.err(
            join(path, key),
            "wrong_type",
            f"应为字符串（当前为 {type(value).__name__}，请加引号）",
            f"expected a string (got {type(value).__name__}; quote it)",
        )
        return None
    if required and not value.strip():
        ctx.err(join(path, key), "missing", f"字段 '{key}' 不能为空", f"'{key}' must not be empty")
        return None
    return value


def req_str(ctx: Ctx, raw: Mapping[str, Any], key: str, path: str) -> str:
    return read_str(ctx, raw, key, path) or ""


def read_bool(ctx: Ctx, raw: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        ctx.err(join(path, key), "wrong_type", "应为 true 或 false", "expected true or false")
        return default
    return value


def read_decimal(
    ctx: Ctx, raw: Mapping[str, Any], key: str, path: str, *, required: bool = False
) -> Decimal | None:
    value = raw.get(key)
    if value is None:
        if required:
            ctx.err(join(path, key), "missing", f"缺少必填字段 '{key}'", f"missing required key '{key}'")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        ctx.err(join(path, key), "wrong_type", "应为数值", "expected a number")
        return None
    number = Decimal(str(value))
    if not number.is_finite():
        ctx.err(join(path, key), "wrong_type", "数值必须有限", "number must be finite")
        return None
    return number


def read_int(ctx: Ctx, raw: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> int | None:
    value = raw.get(key)
    if value is None:
        if required:
            ctx.err(join(path, key), "missing", f"缺少必填字段 '{key}'", f"missing required key '{key}'")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        ctx.err(join(path, key), "wrong_type", "应为整数", "expected an integer")
        return None
    return value


def read_clusters(ctx: Ctx, raw: Mapping[str, Any], path: str) -> tuple[str, ...]:
    result: list[str] = []
    for i, value in enumerate(read_list(ctx, raw, "clusters", path)):
        if not isinstance(value, str) or not CLUSTER_RE.match(value):
            ctx.err(
                join(join(path, "clusters"), i),
                "bad_cluster",
                f"无效的产业集群编号 {value!r}（应为 c01–c20）",
                f"invalid cluster id {value!r} (expected c01–c20)",
            )
        else:
            result.append(value)
    return tuple(result)


def read_str_tuple(ctx: Ctx, raw: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
    values = read_list(ctx, raw, key, path)
    out: list[str] = []
    for i, value in enumerate(values):
        if isinstance(value, str):
            out.append(value)
        else:
            ctx.err(join(join(path, key), i), "wrong_type", "应为字符串", "expected a string")
    return tuple(out)


def each(
    ctx: Ctx,
    raw: Mapping[str, Any],
    key: str,
    path: str,
    build: Callable[[Mapping[str, Any], str], T | None],
) -> tuple[T, ...]:
    out: list[T] = []
    for i, entry in enumerate(read_list(ctx, raw, key, path)):
        sub = join(join(path, key), i)
        mapping = read_mapping(ctx, entry, sub)
        if mapping is not None:
            built = build(mapping, sub)
            if built is not None:
                out.append(built)
    return tuple(out)
