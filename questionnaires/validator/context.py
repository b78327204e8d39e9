"""The error type every rule reports, the collecting context, and dotted paths into a definition."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ValidationError:
    """One problem in one definition file."""

    file: str
    path: str  # e.g. "modules[3].items[2].options[1].points" ("" = the whole file)
    code: str  # stable rule id, e.g. "unknown_key", "duplicate_id", "hash_mismatch"
    reason_zh: str
    reason_en: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.path}" if self.path else self.file
        return f"{where}: [{self.code}] {self.reason_zh} / {self.reason_en}"


class Ctx:
    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ValidationError] = []
        # Numbers need both bounds in new (draft) definitions. Published ones cannot change; for their
        # fields without a max, answers.numeric_bounds supplies one.
        self.require_bounds = False

    def err(self, path: str, code: str, zh: str, en: str) -> None:
        self.errors.append(ValidationError(self.file, path, code, zh, en))


def check_keys(ctx: Ctx, raw: Mapping[str, Any], allowed: frozenset[str], path: str) -> None:
    for key in raw:
        if key not in allowed:
            hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            zh_hint = f"（是否应为 '{hint[0]}'？）" if hint else ""
            en_hint = f" (did you mean '{hint[0]}'?)" if hint else ""
            ctx.err(
                join(path, str(key)),
                "unknown_key",
                f"未知字段 '{key}'{zh_hint}",
                f"unknown key '{key}'{en_hint}",
            )


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key
