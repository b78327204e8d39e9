"""Facts asked once (shared_items.yaml): profile figures and same-meaning items of the other instrument
that pre-fill an item, as suggestions the user accepts (see the file's header for why)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from questionnaires import strict_yaml
from questionnaires.model import Instrument

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Target:
    """An item's answer, or one evidence figure of it, in the reviewed versions of an instrument."""

    instrument: str
    versions: tuple[str, ...]
    item: str
    evidence: str | None = None

    def applies_to(self, instrument: Instrument) -> bool:
        return instrument.id == self.instrument and instrument.version in self.versions


def _target(data: Mapping[str, Any]) -> Target:
    return Target(
        instrument=data["instrument"],
        versions=tuple(str(v) for v in data["versions"]),
        item=data["item"],
        evidence=data.get("evidence"),
    )


@dataclass(frozen=True)
class SharedData:
    profile: tuple[tuple[str, Target], ...]  # (company profile field, target)
    same_meaning: tuple[tuple[Target, ...], ...]
    not_the_same: tuple[tuple[Target, ...], ...]  # reviewed and left out (documentation, checked by tests)


@functools.cache
def shared_data() -> SharedData:
    data = strict_yaml.load_file(HERE / "shared_items.yaml")
    return SharedData(
        profile=tuple((p["field"], _target(t)) for p in data["profile"] for t in p["targets"]),
        same_meaning=tuple(tuple(_target(t) for t in g["items"]) for g in data["same_meaning"]),
        not_the_same=tuple(tuple(_target(t) for t in g["items"]) for g in data["not_the_same"]),
    )


def profile_targets(instrument: Instrument) -> list[tuple[str, Target]]:
    """(profile field, target in this instrument version) pairs."""
    return [(name, t) for name, t in shared_data().profile if t.applies_to(instrument)]


def shared_sources(instrument: Instrument) -> list[tuple[Target, list[Target]]]:
    """Targets in this instrument version with the items of other instruments that ask the same thing."""
    out = []
    for group in shared_data().same_meaning:
        for here in group:
            if here.applies_to(instrument):
                others = [t for t in group if t.instrument != instrument.id]
                if others:
                    out.append((here, others))
    return out
