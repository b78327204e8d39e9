"""English for what a published instrument holds in Chinese only (the MIIT scenario ladder texts).

A published definition file is immutable (its hash is in ``published.lock.json``), so its missing English is
kept beside it in ``questionnaires/english/<id>@<version>.yaml``: ``description_en`` and ``ladder_en``
(item id → level → text), and ``help`` (item id → zh/en) where a help text was written for the
instrument's authors rather than for respondents. The overlay names the content hash it was written for
and applies only to that content; it never changes what is scored, only the text shown. The Chinese
question texts stay authoritative.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from .model import Instrument, Item
from .storage import read_yaml

ENGLISH_DIR = Path(__file__).resolve().parent / "english"


def overlay_path(instrument_id: str, version: str) -> Path:
    return ENGLISH_DIR / f"{instrument_id}@{version}.yaml"


def read_overlay(instrument_id: str, version: str) -> dict[str, Any] | None:
    path = overlay_path(instrument_id, version)
    if not path.is_file():
        return None
    raw = read_yaml(path)
    return raw if isinstance(raw, dict) else None


def problems(inst: Instrument, overlay: dict[str, Any]) -> list[str]:
    """What is wrong with an overlay for *inst* (empty when it fits): stale hash, unknown items or levels."""
    found = []
    if overlay.get("content_hash") != inst.content_hash:
        written_for = overlay.get("content_hash")
        found.append(f"written for content {written_for}, the instrument is {inst.content_hash}")
    named = [
        *(overlay.get("items_en") or {}),
        *(overlay.get("options_en") or {}),
        *(overlay.get("help") or {}),
    ]
    found += [f"{item_id}: no such item" for item_id in named if not inst.has_item(item_id)]
    module_ids = {m.id for m in inst.modules}
    found += [f"{m}: no such module" for m in overlay.get("modules_en") or {} if m not in module_ids]
    for item_id, steps in (overlay.get("ladder_en") or {}).items():
        if not inst.has_item(item_id):
            found.append(f"{item_id}: no such item")
            continue
        levels = {s.level for s in inst.item(item_id).ladder}
        extra = set(steps) - levels
        if extra:
            found.append(f"{item_id}: no level {sorted(extra)}")
    return found


def _item(item: Item, overlay: dict[str, Any]) -> Item:
    steps: dict[int, str] = (overlay.get("ladder_en") or {}).get(item.id, {})
    options: dict[str, str] = (overlay.get("options_en") or {}).get(item.id, {})
    text = (overlay.get("items_en") or {}).get(item.id, item.text_en)
    ladder = tuple(dataclasses.replace(s, text_en=s.text_en or steps.get(s.level)) for s in item.ladder)
    choices = tuple(dataclasses.replace(o, text_en=options.get(o.id, o.text_en)) for o in item.options)
    # a help text written for the instrument's authors ("得分封顶 max_points"), reworded for respondents
    helped: dict[str, str] = (overlay.get("help") or {}).get(item.id, {})
    help_zh, help_en = helped.get("zh", item.help_zh), helped.get("en", item.help_en)
    return dataclasses.replace(
        item, text_en=text, ladder=ladder, options=choices, help_zh=help_zh, help_en=help_en
    )


def with_english(inst: Instrument) -> Instrument:
    """*inst* with its overlay's English (unchanged without one). Ladder rungs take the overlay's text where
    the definition has none; module descriptions, question texts and options named in the overlay take its
    text instead of an English that kept Chinese words."""
    overlay = read_overlay(inst.id, inst.version)
    if overlay is None or problems(inst, overlay):
        return inst  # a stale overlay is reported by its test, never applied to other content
    described_modules: dict[str, str] = overlay.get("modules_en") or {}
    modules = tuple(
        dataclasses.replace(
            m,
            description_en=described_modules.get(m.id, m.description_en),
            items=tuple(_item(i, overlay) for i in m.items),
        )
        for m in inst.modules
    )
    described = overlay.get("description_en") or inst.description_en
    return dataclasses.replace(inst, modules=modules, description_en=described)
