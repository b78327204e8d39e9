"""Industry classification (GB/T 4754-2017) and Guangdong's 20 strategic industry clusters.

Data and sources: data/industries.yaml (its header records every source and decision):
- sections (门类 A–T) and divisions (大类 01–97) of GB/T 4754-2017《国民经济行业分类》;
- clusters c01–c20: seed 002 D8 二 L2149 (10 战略性支柱产业集群) and L2151 (10 战略性新兴产业集群),
  focus paragraphs D8 三 L2170-2226, name variants (seed002_digest §0.1, §3.6);
- suggested_clusters: OUR OWN default mapping (not policy text); users choose the cluster themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any, Final

from questionnaires.strict_yaml import load_file

STANDARD: Final = "GB/T 4754-2017"


class ClusterKind(StrEnum):
    PILLAR = "pillar"  # 战略性支柱产业集群 (D8 L2149)
    EMERGING = "emerging"  # 战略性新兴产业集群 (D8 L2151)


CLUSTER_KIND_NAMES_ZH: Final = {
    ClusterKind.PILLAR: "战略性支柱产业集群",
    ClusterKind.EMERGING: "战略性新兴产业集群",
}
CLUSTER_KIND_NAMES_EN: Final = {
    ClusterKind.PILLAR: "strategic pillar industry cluster",
    ClusterKind.EMERGING: "strategic emerging industry cluster",
}


@dataclass(frozen=True, slots=True)
class Section:
    """门类 of GB/T 4754-2017 (one letter A–T)."""

    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Division:
    """大类 of GB/T 4754-2017 (two digits); name_en is our translation."""

    code: str
    section: str
    name_zh: str
    name_en: str


@dataclass(frozen=True, slots=True)
class NameVariant:
    name: str
    source: str


@dataclass(frozen=True, slots=True)
class Cluster:
    """One of the 20 战略性产业集群; `source` gives the seed 002 lines."""

    id: str
    kind: ClusterKind
    name_zh: str
    name_en: str
    source: str
    variants: tuple[NameVariant, ...] = ()


@dataclass(frozen=True, slots=True)
class ClusterSuggestion:
    """Our own default division → clusters mapping (not policy text)."""

    division: str
    clusters: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class _Tables:
    sections: tuple[Section, ...]
    divisions: tuple[Division, ...]
    clusters: tuple[Cluster, ...]
    suggestions: dict[str, ClusterSuggestion]


def _load_yaml() -> dict[str, Any]:
    data: dict[str, Any] = load_file(resources.files(__package__).joinpath("data/industries.yaml"))
    return data


@cache
def _tables() -> _Tables:
    raw = _load_yaml()
    secs = tuple(Section(s["code"], s["name_zh"], s["name_en"]) for s in raw["sections"])
    divs = tuple(Division(d["code"], d["section"], d["name_zh"], d["name_en"]) for d in raw["divisions"])
    clus = tuple(
        Cluster(
            c["id"],
            ClusterKind(c["kind"]),
            c["name_zh"],
            c["name_en"],
            c["source"],
            tuple(NameVariant(v["name"], v["source"]) for v in c.get("variants", ())),
        )
        for c in raw["clusters"]
    )
    sugg = {
        code: ClusterSuggestion(code, tuple(entry["clusters"]), entry["reason"])
        for code, entry in raw["suggested_clusters"].items()
    }
    # Consistency checks: a broken data file must fail loudly, not silently mislead users.
    section_codes = {s.code for s in secs}
    division_codes = {d.code for d in divs}
    cluster_ids = {c.id for c in clus}
    if len(division_codes) != len(divs) or any(d.section not in section_codes for d in divs):
        raise ValueError("industries.yaml: duplicate division or unknown section")
    if len(cluster_ids) != len(clus):
        raise ValueError("industries.yaml: duplicate cluster id")
    for s in sugg.values():
        if s.division not in division_codes or not set(s.clusters) <= cluster_ids:
            raise ValueError(f"industries.yaml: bad suggestion for {s.division!r}")
    return _Tables(secs, divs, clus, sugg)


def _norm_division(code: str) -> str:
    code = code.strip()
    if len(code) == 1 and code.isdigit():
        code = "0" + code
    return code


def sections() -> tuple[Section, ...]:
    """All 20 门类 A–T in code order."""
    return _tables().sections


def _find_section(code: str) -> Section:
    key = code.strip().upper()
    for s in _tables().sections:
        if s.code == key:
            return s
    raise KeyError(code)


def section(code: str) -> Section:
    """One 门类 by letter (case-insensitive); KeyError if unknown."""
    return _find_section(code)


def divisions(section: str | None = None) -> tuple[Division, ...]:
    """All 大类, or only those of one 门类 (e.g. divisions("C") → 13…43); KeyError for an unknown section."""
    if section is None:
        return _tables().divisions
    key = _find_section(section).code
    return tuple(d for d in _tables().divisions if d.section == key)


def division(code: str) -> Division:
    """One 大类 by its 2-digit code ("39"); KeyError if unknown.

    A 3- or 4-digit 中类/小类 code ("3973") is cut to its division.
    """
    key = _norm_division(code)[:2]
    for d in _tables().divisions:
        if d.code == key:
            return d
    raise KeyError(code)


def section_of(division_code: str) -> str:
    """Letter of the 门类 a division (or finer code) belongs to: section_of("39") == "C"."""
    return division(division_code).section


def clusters(kind: ClusterKind | None = None) -> tuple[Cluster, ...]:
    """The 20 战略性产业集群 c01–c20 (or only pillar / emerging ones)."""
    every = _tables().clusters
    return every if kind is None else tuple(c for c in every if c.kind is kind)


def cluster(id_or_name: str) -> Cluster:
    """A cluster by id ("c04") or canonical / variant Chinese name ("汽车产业" → c04); KeyError if unknown."""
    key = id_or_name.strip()
    for c in _tables().clusters:
        if key in (c.id, c.name_zh) or key in {v.name for v in c.variants}:
            return c
    raise KeyError(id_or_name)


def suggested_clusters(division_code: str) -> tuple[str, ...]:
    """OUR default cluster ids for a division, most likely first; () when we suggest nothing.

    Not policy text: the user picks the cluster, this only pre-selects it. KeyError for an unknown division.
    """
    div = division(division_code)
    entry = _tables().suggestions.get(div.code)
    return entry.clusters if entry else ()


def cluster_suggestion(division_code: str) -> ClusterSuggestion | None:
    """The suggestion with its reason (D4 专栏 line or 'our judgement'), or None."""
    return _tables().suggestions.get(division(division_code).code)
