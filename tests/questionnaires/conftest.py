"""Shared fixtures for the questionnaires tests: a small valid own instrument and a writer for it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from fixture_types import WriteDef


def _levels() -> list[dict[str, Any]]:
    return [
        {
            "level": n,
            "name_zh": f"{n}级",
            "name_en": f"Level {n}",
            "description_zh": "描述",
            "description_en": "description",
            "min_score": (n - 1) * 20,
        }
        for n in range(1, 6)
    ]


SRC = {"document": "D8", "section": "专栏8", "lines": "L2336"}

MINIMAL: dict[str, Any] = {
    "id": "test-inst",
    "version": "2025.1",
    "status": "draft",
    "origin": "own",
    "title_zh": "测试问卷",
    "title_en": "Test instrument",
    "sources": [{"id": "D8", "title": "实施方案"}],
    "scoring": {"method": "dx-maturity-v1", "multi_choice_sum_equals_max": True},
    "modules": [
        {
            "id": "net",
            "title_zh": "网络",
            "title_en": "Networks",
            "weight": 100,
            "levels": _levels(),
            "items": [
                {
                    "id": "net.5g",
                    "type": "single",
                    "text_zh": "5G覆盖？",
                    "text_en": "5G coverage?",
                    "max_points": 3,
                    "options": [
                        {"id": "A", "text_zh": "无", "text_en": "None", "points": 0},
                        {"id": "B", "text_zh": "少量", "text_en": "Some", "points": 1},
                        {"id": "C", "text_zh": "部分", "text_en": "Part", "points": 2},
                        {"id": "D", "text_zh": "全部", "text_en": "All", "points": 3},
                    ],
                    "source": SRC,
                },
                {
                    "id": "net.scenarios",
                    "type": "multi",
                    "text_zh": "5G场景？",
                    "text_en": "5G use cases?",
                    "max_points": 2,
                    "show_if": {"item": "net.5g", "in": ["B", "C", "D"]},
                    "options": [
                        {"id": "A", "text_zh": "无", "text_en": "None", "points": 0, "exclusive": True},
                        {"id": "B", "text_zh": "质检", "text_en": "Inspection", "points": 1},
                        {"id": "C", "text_zh": "运维", "text_en": "Maintenance", "points": 1},
                    ],
                    "source": SRC,
                },
                {
                    "id": "net.terminals",
                    "type": "integer",
                    "text_zh": "5G终端数",
                    "text_en": "5G terminals",
                    "min": 0,
                    "max": 100,
                    "unit": "个",
                    "show_if": {"item": "net.scenarios", "in": ["B", "C"]},
                    "source": SRC,
                },
                {
                    "id": "net.edge",
                    "type": "boolean",
                    "text_zh": "边缘计算？",
                    "text_en": "Edge computing?",
                    "max_points": 1,
                    "points_true": 1,
                    "source": SRC,
                },
                {
                    "id": "net.devices",
                    "type": "single",
                    "text_zh": "联网率？",
                    "text_en": "Networked share?",
                    "max_points": 1,
                    "options": [
                        {"id": "A", "text_zh": "低", "text_en": "Low", "points": 0},
                        {"id": "B", "text_zh": "高", "text_en": "High", "points": 1},
                    ],
                    "evidence": [
                        {
                            "id": "total",
                            "label_zh": "设备总数",
                            "label_en": "Devices",
                            "type": "integer",
                            "unit": "台",
                            "min": 0,
                            "max": 100000,
                            "required": True,
                        },
                        {
                            "id": "rate",
                            "label_zh": "比例",
                            "label_en": "Rate",
                            "type": "number",
                            "unit": "%",
                            "min": 0,
                            "max": 100,
                        },
                    ],
                    "source": SRC,
                },
                {
                    "id": "net.notes",
                    "type": "text",
                    "text_zh": "备注",
                    "text_en": "Notes",
                    "required": False,
                    "max_length": 20,
                    "source": SRC,
                },
                {
                    "id": "net.level",
                    "type": "scenario_level",
                    "text_zh": "场景等级",
                    "text_en": "Scenario level",
                    "ladder": [{"level": n, "text_zh": f"L{n}"} for n in range(1, 5)],
                    "source": SRC,
                },
            ],
        },
        {
            "id": "petro",
            "title_zh": "石化专项",
            "title_en": "Petrochem",
            "weight": 10,
            "clusters": ["c02"],
            "levels": _levels(),
            "items": [
                {
                    "id": "petro.hazard",
                    "type": "boolean",
                    "text_zh": "危险工艺自动化？",
                    "text_en": "Hazardous processes automated?",
                    "source": SRC,
                },
            ],
        },
    ],
}


@pytest.fixture
def minimal() -> dict[str, Any]:
    """A fresh deep copy of a small valid own instrument definition."""
    return copy.deepcopy(MINIMAL)


@pytest.fixture
def write_def(tmp_path: Path) -> WriteDef:
    """Write a definition dict to ``<tmp>/defs/<id>/<version>.yaml`` and return the file path."""

    def write(
        data: Any, *, instrument_id: str | None = None, version: str | None = None, text: str | None = None
    ) -> Path:
        root = tmp_path / "defs"
        iid = instrument_id or (data.get("id") if isinstance(data, dict) else None) or "test-inst"
        ver = version or (str(data.get("version")) if isinstance(data, dict) else None) or "2025.1"
        path = root / iid / f"{ver}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            text if text is not None else yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8"
        )
        return path

    return write
