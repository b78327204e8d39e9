"""Rule files (``scoring/rules/*.yaml``): schema validation and loading.

One YAML file holds one program. ``validate_rule_file(path)`` reports every problem as a ``RuleError``
(file, path inside the document, reason) the way a schema validator does; ``load_rules()`` loads a
directory and refuses invalid files. The format is documented in ``docs/eligibility.md``.

This module is the loader; the types live in ``rule_types`` and the validator in ``rule_check``. The names
other modules import (``Program``, ``RuleSet``, ``RuleError``, ``validate_rule_file`` …) stay importable here.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from scoring.eligibility.model import Source
from scoring.eligibility.rule_check import read_document, validate_document, validate_rule_file
from scoring.eligibility.rule_types import (
    RULES_DIR,
    Ambiguity,
    Award,
    Clause,
    Direction,
    Program,
    RegionValue,
    RuleError,
    RuleFileError,
    RuleSet,
    as_date,
    as_decimal,
)


def _region_value(raw: object) -> RegionValue | None:
    if raw is None:
        return None
    if isinstance(raw, dict):
        out: dict[str, Decimal] = {}
        for k, v in raw.items():
            d = as_decimal(v)
            assert d is not None
            out[str(k)] = d
        return out
    d = as_decimal(raw)
    assert d is not None
    return d


def _source(raw: Mapping[str, Any], document: str, file: str) -> Source:
    lines = str(raw["lines"]).strip()
    lines = lines if lines.startswith("L") else "L" + lines
    return Source(
        str(raw.get("document", document)), str(raw.get("file", file)), lines, str(raw["quote"]).strip()
    )


def _ambiguity(raw: object) -> Ambiguity | None:
    if not isinstance(raw, dict):
        return None
    return Ambiguity(
        str(raw["decision"]).strip(), str(raw["reason"]).strip(), str(raw.get("change") or "").strip()
    )


def _award(raw: object, document: str, file: str, parent: Award | None = None) -> Award | None:
    if not isinstance(raw, dict):
        return parent
    base = raw.get("base", parent.base if parent else None)
    return Award(
        base=base,
        rate=_region_value(raw["rate"]) if "rate" in raw else (parent.rate if parent else None),
        cap=_region_value(raw["cap"]) if "cap" in raw else (parent.cap if parent else None),
        recipient=str(raw.get("recipient", parent.recipient if parent else "applicant")),
        note_zh=str(raw.get("note_zh", parent.note_zh if parent else "")).strip(),
        note_en=str(raw.get("note_en", parent.note_en if parent else "")).strip(),
        source=_source(raw["source"], document, file)
        if "source" in raw
        else (parent.source if parent else None),
    )


def build_program(doc: Mapping[str, Any], path: str) -> Program:
    """A Program from a document that validate_document accepted."""
    p = doc["program"]
    document, file = str(p["document"]), str(p["file"])
    validity = p["validity"]
    valid_from = as_date(validity["from"])
    assert valid_from is not None
    valid_to = as_date(validity.get("to"))
    scope = tuple(str(t) for t in p["region_scope"])
    award = _award(p.get("award"), document, file)
    directions = tuple(
        Direction(
            str(d["id"]), str(d["name_zh"]), str(d["name_en"]), _award(d.get("award"), document, file, award)
        )
        for d in p.get("directions") or []
    )
    clauses = []
    for c in doc["clauses"]:
        cv = c.get("validity") or {}
        c_from = as_date(cv.get("from")) or valid_from
        c_to = as_date(cv.get("to")) if "to" in cv else valid_to
        clauses.append(
            Clause(
                program=str(p["id"]),
                id=str(c["id"]),
                title_zh=str(c["title_zh"]).strip(),
                title_en=str(c["title_en"]).strip(),
                source=_source(c["source"], document, file),
                valid_from=c_from,
                valid_to=c_to,
                region_scope=tuple(str(t) for t in c.get("region_scope", scope)),
                test=c.get("test"),
                to_confirm=bool(c.get("to_confirm", False)),
                directions=tuple(c["directions"]) if c.get("directions") else None,
                applies_when=c.get("applies_when"),
                messages={str(k): str(v) for k, v in (c.get("messages") or {}).items()},
                ambiguity=_ambiguity(c.get("ambiguity")),
            )
        )
    ambiguities = tuple(
        (str(a.get("topic", "")), amb)
        for a in p.get("ambiguities") or []
        if (amb := _ambiguity(a)) is not None
    )
    return Program(
        id=str(p["id"]),
        name_zh=str(p["name_zh"]).strip(),
        name_en=str(p["name_en"]).strip(),
        level=str(p["level"]),
        kind=str(p["kind"]),
        document=document,
        file=file,
        valid_from=valid_from,
        valid_to=valid_to,
        validity_source=_source(validity["source"], document, file),
        validity_ambiguity=_ambiguity(validity.get("ambiguity")),
        region_scope=scope,
        region_source=_source(p["region_source"], document, file) if "region_source" in p else None,
        directions=directions,
        award=award,
        clauses=tuple(clauses),
        ambiguities=ambiguities,
        path=path,
    )


def load_rule_file(path: str | Path) -> Program:
    doc, errors = read_document(Path(path))
    errors = errors or validate_document(doc, str(path))
    if errors:
        raise RuleFileError(errors)
    assert isinstance(doc, dict)
    return build_program(doc, str(path))


def load_rules(directory: str | Path | None = None) -> RuleSet:
    """All ``*.yaml`` programs of a directory (default: ``scoring/rules``), sorted by program id."""
    folder = Path(directory) if directory is not None else RULES_DIR
    programs: list[Program] = []
    errors: list[RuleError] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            prog = load_rule_file(path)
        except RuleFileError as exc:
            errors.extend(exc.errors)
            continue
        if prog.id in seen:
            errors.append(
                RuleError(
                    str(path), "program.id", f"duplicate program id {prog.id!r} (also in {seen[prog.id]})"
                )
            )
            continue
        seen[prog.id] = str(path)
        programs.append(prog)
    if errors:
        raise RuleFileError(errors)
    return RuleSet(tuple(sorted(programs, key=lambda p: p.id)))


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The shipped rules, loaded once per process."""
    return load_rules()


# Names other modules import from here: the loader's own API plus the types and the validator it uses.
__all__ = [
    "RULES_DIR",
    "Program",
    "RuleError",
    "RuleFileError",
    "RuleSet",
    "build_program",
    "default_rules",
    "load_rule_file",
    "load_rules",
    "validate_rule_file",
]
