"""The glossary (glossary.yaml): terms with their explanation and sources, and which questions use them."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from questionnaires import strict_yaml
from questionnaires.model import Instrument, Item

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Citation:
    title: str  # without 《》
    number: str  # 文号
    section: str

    @property
    def text(self) -> str:
        """《文件名》（文号）section, as the portal cites policy."""
        return f"《{self.title}》（{self.number}）{self.section}"


@dataclass(frozen=True)
class TermNote:
    """How one instrument version reads the term."""

    instrument: str
    version: str
    note_zh: str
    note_en: str


@dataclass(frozen=True)
class Term:
    id: str
    term_zh: str
    term_en: str
    definition_zh: str
    definition_en: str
    by_source: bool  # True: condensed from the cited text; False: the platform's own explanation
    sources: tuple[Citation, ...]
    match: tuple[str, ...] = ()
    items: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    constraint: bool = False
    versions: tuple[TermNote, ...] = ()

    def note_for(self, instrument: Instrument) -> TermNote | None:
        return next(
            (n for n in self.versions if (n.instrument, n.version) == (instrument.id, instrument.version)),
            None,
        )

    def used_by(self, instrument: Instrument, item: Item) -> bool:
        """Whether the question uses the term: its Chinese texts name it, or the data names the item."""
        if item.id in self.items.get(instrument.id, ()):
            return True
        if self.constraint and item.constraint:
            return True
        texts = (item.text_zh, item.help_zh or "", *(o.text_zh for o in item.options))
        return any(word in text for word in self.match for text in texts)


def _term(data: Mapping[str, Any], documents: Mapping[str, Any]) -> Term:
    sources = tuple(
        Citation(
            title=documents[s["document"]]["title"],
            number=documents[s["document"]]["number"],
            section=s.get("section", ""),
        )
        for s in data["sources"]
    )
    return Term(
        id=data["id"],
        term_zh=data["term_zh"],
        term_en=data["term_en"],
        definition_zh=data["definition_zh"],
        definition_en=data["definition_en"],
        by_source=data["by"] == "source",
        sources=sources,
        match=tuple(data.get("match", ())),
        items={k: tuple(v) for k, v in (data.get("items") or {}).items()},
        constraint=bool(data.get("constraint", False)),
        versions=tuple(TermNote(**{k: str(v) for k, v in n.items()}) for n in data.get("versions", ())),
    )


@functools.cache
def glossary() -> tuple[Term, ...]:
    data = strict_yaml.load_file(HERE / "glossary.yaml")
    return tuple(_term(t, data["documents"]) for t in data["terms"])


def terms_for(instrument: Instrument, item: Item) -> list[Term]:
    """The glossary entries the question uses, in glossary order."""
    return [t for t in glossary() if t.used_by(instrument, item)]
