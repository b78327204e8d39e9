"""Helpers for the scoring tests: a small synthetic instrument built through the real validator."""

from __future__ import annotations

from typing import Any

from questionnaires import Instrument, parse_definition


def _levels(mins: list[float], requires: dict[int, Any] | None = None) -> list[dict[str, Any]]:
    out = []
    for n, m in enumerate(mins, start=1):
        lv: dict[str, Any] = {
            "level": n,
            "name_zh": f"L{n}",
            "name_en": f"L{n}",
            "description_zh": "d",
            "description_en": "d",
            "min_score": m,
        }
        if requires and n in requires:
            lv["requires"] = requires[n]
        out.append(lv)
    return out


def toy_instrument() -> Instrument:
    """Module `a` (weight 60): a single item worth 10000 points (scores to 0.01) and a requires at level 3.
    Module `b` (weight 40): a multi item and a boolean. Module `c` (weight 50) only for cluster c06."""
    raw = {
        "id": "toy-inst",
        "version": "2025.1",
        "status": "draft",
        "origin": "external",
        "title_zh": "测试",
        "title_en": "Toy",
        "sources": [{"id": "S", "title": "s"}],
        "scoring": {"method": "dx-maturity-v1"},
        "modules": [
            {
                "id": "a",
                "title_zh": "甲",
                "title_en": "A",
                "weight": 60,
                "levels": _levels([0, 20, 40, 60, 80], {3: {"item": "a.gate", "in": ["Y"]}}),
                "items": [
                    {
                        "id": "a.fine",
                        "type": "single",
                        "text_zh": "细",
                        "text_en": "fine",
                        "max_points": 10000,
                        "options": [
                            {"id": "O0", "text_zh": "0", "text_en": "0", "points": 0},
                            {"id": "O1999", "text_zh": "1", "text_en": "1", "points": 1999},
                            {"id": "O2000", "text_zh": "2", "text_en": "2", "points": 2000},
                            {"id": "O3999", "text_zh": "3", "text_en": "3", "points": 3999},
                            {"id": "O4000", "text_zh": "4", "text_en": "4", "points": 4000},
                            {"id": "O5999", "text_zh": "5", "text_en": "5", "points": 5999},
                            {"id": "O6000", "text_zh": "6", "text_en": "6", "points": 6000},
                            {"id": "O7999", "text_zh": "7", "text_en": "7", "points": 7999},
                            {"id": "O8000", "text_zh": "8", "text_en": "8", "points": 8000},
                            {"id": "O10000", "text_zh": "10", "text_en": "10", "points": 10000},
                        ],
                    },
                    {
                        "id": "a.gate",
                        "type": "single",
                        "text_zh": "门槛",
                        "text_en": "gate",
                        "options": [
                            {"id": "N", "text_zh": "否", "text_en": "no"},
                            {"id": "Y", "text_zh": "是", "text_en": "yes"},
                        ],
                    },
                ],
            },
            {
                "id": "b",
                "title_zh": "乙",
                "title_en": "B",
                "weight": 40,
                "levels": _levels([0, 20, 40, 60, 80]),
                "items": [
                    {
                        "id": "b.multi",
                        "type": "multi",
                        "text_zh": "多",
                        "text_en": "multi",
                        "max_points": 3,
                        "options": [
                            {"id": "A", "text_zh": "无", "text_en": "none", "points": 0, "exclusive": True},
                            {"id": "B", "text_zh": "b", "text_en": "b", "points": 1},
                            {"id": "C", "text_zh": "c", "text_en": "c", "points": 1},
                            {"id": "D", "text_zh": "d", "text_en": "d", "points": 1},
                        ],
                    },
                    {
                        "id": "b.flag",
                        "type": "boolean",
                        "text_zh": "是否",
                        "text_en": "yn",
                        "max_points": 1,
                        "points_true": 1,
                    },
                    {
                        "id": "b.more",
                        "type": "single",
                        "text_zh": "追问",
                        "text_en": "follow-up",
                        "max_points": 2,
                        "show_if": {"item": "b.flag", "equals": True},
                        "options": [
                            {"id": "X", "text_zh": "x", "text_en": "x", "points": 0},
                            {"id": "Z", "text_zh": "z", "text_en": "z", "points": 2},
                        ],
                    },
                ],
            },
            {
                "id": "c",
                "title_zh": "丙",
                "title_en": "C",
                "weight": 50,
                "clusters": ["c06"],
                "levels": _levels([0, 20, 40, 60, 80]),
                "items": [
                    {
                        "id": "c.yes",
                        "type": "boolean",
                        "text_zh": "丙",
                        "text_en": "c",
                        "max_points": 1,
                        "points_true": 1,
                    },
                ],
            },
        ],
    }
    inst, errors = parse_definition(raw)
    assert inst is not None, errors
    return inst
