"""Schema validation of rule files: every problem reported as a ``RuleError`` (file, path, reason)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from questionnaires.strict_yaml import YamlError, load_file
from scoring.eligibility.fields import FIELDS, FieldSpec, FieldType, Scope
from scoring.eligibility.rule_types import (
    COMPARISONS,
    KINDS,
    LEVELS,
    RECIPIENTS,
    REGION_KEYS,
    RULE_ID,
    SCHEMA_VERSION,
    RuleError,
    as_date,
    as_decimal,
    in_scope,
)
from scoring.eligibility.special import SPECIAL_EVALUATORS
from scoring.reference.regions import CITIES, region_group, zone


class _Checker:
    """Walks one parsed YAML document and collects RuleErrors."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[RuleError] = []
        self.level = "project"
        self.scope: tuple[str, ...] = ()
        self.directions: set[str] = set()

    def err(self, path: str, reason: str) -> None:
        self.errors.append(RuleError(self.file, path, reason))

    def keys(self, node: object, path: str, required: Iterable[str], optional: Iterable[str] = ()) -> bool:
        if not isinstance(node, dict):
            self.err(path, "must be a mapping")
            return False
        req = list(required)
        allowed = set(req) | set(optional)
        for k in node:
            if k not in allowed:
                self.err(f"{path}.{k}" if path else str(k), f"unknown key {k!r}")
        for k in req:
            if k not in node or node[k] is None or node[k] == "":
                self.err(f"{path}.{k}" if path else k, "is required")
        return True

    def text(self, node: Mapping[str, Any], key: str, path: str) -> None:
        if key in node and node[key] is not None and not isinstance(node[key], str):
            self.err(f"{path}.{key}", "must be a string")

    def date_(self, raw: object, path: str, nullable: bool = False) -> date | None:
        if raw is None and nullable:
            return None
        d = as_date(raw)
        if d is None:
            self.err(path, f"bad date {raw!r} (want YYYY-MM-DD)")
        return d

    def source(self, node: object, path: str) -> None:
        if not self.keys(node, path, ("lines", "quote"), ("document", "file")):
            return
        assert isinstance(node, dict)
        for k in ("lines", "quote", "document", "file"):
            self.text(node, k, path)
        if isinstance(node.get("lines"), str) and not re.fullmatch(
            r"L?\d+(\s*[-–,]\s*L?\d+)*", node["lines"].strip()
        ):
            self.err(
                f"{path}.lines", f"bad line reference {node['lines']!r} (want e.g. '2597' or '2597-2601')"
            )

    def ambiguity(self, node: object, path: str) -> None:
        if self.keys(node, path, ("decision", "reason"), ("topic", "change")):
            assert isinstance(node, dict)
            for k in ("decision", "reason", "topic", "change"):
                self.text(node, k, path)

    def region_scope(self, node: object, path: str) -> tuple[str, ...]:
        if not isinstance(node, list) or not node:
            self.err(path, "must be a non-empty list of region groups, zones or city names")
            return ()
        out = []
        for i, tok in enumerate(node):
            if tok not in REGION_KEYS and tok not in CITIES:
                self.err(f"{path}[{i}]", f"unknown region {tok!r}")
            else:
                out.append(str(tok))
        return tuple(out)

    def region_value(self, node: object, path: str, scope: Sequence[str]) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in REGION_KEYS and k not in CITIES and k != "default":
                    self.err(f"{path}.{k}", f"unknown region key {k!r}")
                if as_decimal(v) is None:
                    self.err(f"{path}.{k}", f"must be a number, got {v!r}")
            for city in CITIES:
                if in_scope(city, scope) and not any(
                    k in node for k in (city, zone(city).value, region_group(city).value, "default")
                ):
                    self.err(
                        path, f"no value for {city} ({region_group(city).value}/{zone(city).value}) in scope"
                    )
                    break
        elif as_decimal(node) is None:
            self.err(path, f"must be a number or a region map, got {node!r}")

    def field(self, raw: object, path: str) -> FieldSpec | None:
        if not isinstance(raw, str) or raw not in FIELDS:
            self.err(path, f"unknown field {raw!r}")
            return None
        spec = FIELDS[raw]
        if self.level == "company" and spec.scope is Scope.PROJECT:
            self.err(path, f"company-level program cannot read project field {raw!r}")
        return spec

    def test(self, node: object, path: str) -> None:  # noqa: C901, PLR0911, PLR0912, PLR0915 — schema check of one test node, one branch per operator; split with the operator table
        if not isinstance(node, dict):
            self.err(path, "test must be a mapping")
            return
        labels = ("label_zh", "label_en")
        if "all" in node or "any" in node:
            key = "all" if "all" in node else "any"
            self.keys(node, path, (key,), labels)
            items = node.get(key)
            if not isinstance(items, list) or not items:
                self.err(f"{path}.{key}", "must be a non-empty list of tests")
                return
            for i, sub in enumerate(items):
                self.test(sub, f"{path}.{key}[{i}]")
            return
        if "cases" in node:
            self.keys(node, path, ("cases",), (*labels, "else"))
            cases = node.get("cases")
            if not isinstance(cases, list) or not cases:
                self.err(f"{path}.cases", "must be a non-empty list")
                return
            for i, case in enumerate(cases):
                p = f"{path}.cases[{i}]"
                if self.keys(case, p, ("when", "then"), labels):
                    assert isinstance(case, dict)
                    self.test(case.get("when"), f"{p}.when")
                    self.test(case.get("then"), f"{p}.then")
            if node.get("else", "fail") not in ("fail", "pass"):
                self.err(f"{path}.else", "must be 'fail' or 'pass'")
            return
        if "special" in node:
            self.keys(node, path, ("special",), labels)
            if node.get("special") not in SPECIAL_EVALUATORS:
                self.err(f"{path}.special", f"unknown special evaluator {node.get('special')!r}")
            return
        self.keys(
            node,
            path,
            ("field", "op", "value"),
            (*labels, "percent_of", "years_after", "relax", "null_means"),
        )
        spec = self.field(node.get("field"), f"{path}.field")
        op, value = node.get("op"), node.get("value")
        if spec is None or "op" not in node:
            return
        t = spec.type
        if t in (FieldType.NUMBER, FieldType.INTEGER, FieldType.DATE):
            if op not in COMPARISONS:
                self.err(
                    f"{path}.op", f"unknown op {op!r} for {t.value} field (allowed: {', '.join(COMPARISONS)})"
                )
        elif t is FieldType.BOOLEAN:
            if op not in ("==", "!="):
                self.err(f"{path}.op", f"unknown op {op!r} for boolean field (allowed: ==, !=)")
            elif not isinstance(value, bool):
                self.err(f"{path}.value", "must be true or false")
        elif t in (FieldType.ENUM, FieldType.STRING):
            if op not in ("==", "!=", "in", "not_in"):
                self.err(f"{path}.op", f"unknown op {op!r} for enum field (allowed: ==, !=, in, not_in)")
            else:
                vals = value if isinstance(value, list) else [value]
                if op in ("in", "not_in") and not isinstance(value, list):
                    self.err(f"{path}.value", "must be a list")
                for v in vals:
                    if spec.choices and v not in spec.choices:
                        self.err(f"{path}.value", f"{v!r} is not one of {', '.join(spec.choices)}")
        elif t is FieldType.ENUM_LIST:
            if op == "min_items":
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    self.err(f"{path}.value", "must be a non-negative integer")
            elif op == "contains_any":
                if not isinstance(value, list) or not value:
                    self.err(f"{path}.value", "must be a non-empty list")
                else:
                    for v in value:
                        if v not in spec.choices:
                            self.err(f"{path}.value", f"{v!r} is not one of {', '.join(spec.choices)}")
            else:
                self.err(f"{path}.op", f"unknown op {op!r} for list field (allowed: contains_any, min_items)")
        if t in (FieldType.NUMBER, FieldType.INTEGER) and op in COMPARISONS:
            self.region_value(value, f"{path}.value", self.scope)
        if t is FieldType.DATE and op in COMPARISONS:
            if "years_after" in node:
                other = self.field(node["years_after"], f"{path}.years_after")
                if other is not None and other.type is not FieldType.DATE:
                    self.err(f"{path}.years_after", "must name a date field")
                if as_decimal(value) is None:
                    self.err(f"{path}.value", "must be a number of years")
            else:
                self.date_(value, f"{path}.value")
        if "percent_of" in node:
            other = self.field(node["percent_of"], f"{path}.percent_of")
            if (other is not None and not other.numeric) or not spec.numeric:
                self.err(f"{path}.percent_of", "needs numeric fields")
        if "relax" in node:
            relax = node["relax"]
            if self.keys(relax, f"{path}.relax", ("when", "factor")):
                assert isinstance(relax, dict)
                self.test(relax.get("when"), f"{path}.relax.when")
                f = as_decimal(relax.get("factor"))
                if f is None or not (0 < f <= 1):
                    self.err(f"{path}.relax.factor", "must be a number in (0, 1]")
        if node.get("null_means", "pass") not in ("pass", "fail"):
            self.err(f"{path}.null_means", "must be 'pass' or 'fail'")

    def award(self, node: object, path: str, top: bool) -> None:
        if not self.keys(
            node, path, (), ("base", "rate", "cap", "recipient", "note_zh", "note_en", "source")
        ):
            return
        assert isinstance(node, dict)
        if node.get("base") is not None:
            spec = self.field(node["base"], f"{path}.base")
            if spec is not None and not spec.numeric:
                self.err(f"{path}.base", "must be a numeric field")
        for k in ("rate", "cap"):
            if node.get(k) is not None:
                self.region_value(node[k], f"{path}.{k}", self.scope)
        if "recipient" in node and node["recipient"] not in RECIPIENTS:
            self.err(f"{path}.recipient", f"must be one of {', '.join(RECIPIENTS)}")
        if "source" in node:
            self.source(node["source"], f"{path}.source")
        if top and node.get("base") is not None and node.get("rate") is None:
            self.err(f"{path}.rate", "is required when base is given")

    def document(self, doc: object) -> None:  # noqa: C901, PLR0912 — schema check: one branch per top-level key
        if not self.keys(doc, "", ("schema_version", "program", "clauses")):
            return
        assert isinstance(doc, dict)
        if doc.get("schema_version") != SCHEMA_VERSION:
            self.err("schema_version", f"must be {SCHEMA_VERSION}")
        prog = doc.get("program")
        req = ("id", "name_zh", "name_en", "level", "kind", "document", "file", "validity", "region_scope")
        opt = ("directions", "award", "ambiguities", "region_source")
        if self.keys(prog, "program", req, opt):
            assert isinstance(prog, dict)
            for k in ("name_zh", "name_en", "document", "file"):
                self.text(prog, k, "program")
            if "id" in prog and not (isinstance(prog["id"], str) and RULE_ID.match(prog["id"])):
                self.err("program.id", "must be snake_case ([a-z][a-z0-9_]*)")
            if prog.get("level") not in LEVELS:
                self.err("program.level", f"must be one of {', '.join(LEVELS)}")
            else:
                self.level = prog["level"]
            if prog.get("kind") not in KINDS:
                self.err("program.kind", f"must be one of {', '.join(KINDS)}")
            self.scope = self.region_scope(prog.get("region_scope"), "program.region_scope")
            if "region_source" in prog:
                self.source(prog["region_source"], "program.region_source")
            self.validity(prog.get("validity"), "program.validity", top=True)
            for i, d in enumerate(prog.get("directions") or []):
                p = f"program.directions[{i}]"
                if self.keys(d, p, ("id", "name_zh", "name_en"), ("award",)):
                    assert isinstance(d, dict)
                    if d.get("id") in self.directions:
                        self.err(f"{p}.id", f"duplicate direction {d.get('id')!r}")
                    self.directions.add(str(d.get("id")))
                    if "award" in d:
                        self.award(d["award"], f"{p}.award", top=False)
            if prog.get("directions") is not None and not isinstance(prog.get("directions"), list):
                self.err("program.directions", "must be a list")
            if self.directions and self.level == "company":
                self.err("program.directions", "only project-level programs have directions")
            if "award" in prog:
                self.award(prog["award"], "program.award", top=True)
            for i, a in enumerate(prog.get("ambiguities") or []):
                self.ambiguity(a, f"program.ambiguities[{i}]")
        clauses = doc.get("clauses")
        if not isinstance(clauses, list) or not clauses:
            self.err("clauses", "must be a non-empty list")
            return
        seen: set[str] = set()
        for i, c in enumerate(clauses):
            self.clause(c, f"clauses[{i}]", seen)

    def validity(self, node: object, path: str, top: bool) -> None:
        req = ("from", "source") if top else ("from",)
        if not self.keys(node, path, req, ("to", "ambiguity")):
            return
        assert isinstance(node, dict)
        start = self.date_(node.get("from"), f"{path}.from")
        end = self.date_(node.get("to"), f"{path}.to", nullable=True)
        if start and end and end < start:
            self.err(f"{path}.to", "ends before it starts")
        if "source" in node:
            self.source(node["source"], f"{path}.source")
        if "ambiguity" in node:
            self.ambiguity(node["ambiguity"], f"{path}.ambiguity")

    def clause(self, c: object, path: str, seen: set[str]) -> None:  # noqa: C901, PLR0912 — schema check: one branch per clause key
        opt = (
            "test",
            "to_confirm",
            "directions",
            "applies_when",
            "messages",
            "ambiguity",
            "validity",
            "region_scope",
        )
        if not self.keys(c, path, ("id", "title_zh", "title_en", "source"), opt):
            return
        assert isinstance(c, dict)
        cid = c.get("id")
        if not (isinstance(cid, str) and RULE_ID.match(cid)):
            self.err(f"{path}.id", "must be snake_case")
        elif cid in seen:
            self.err(f"{path}.id", f"duplicate clause id {cid!r}")
        seen.add(str(cid))
        self.source(c.get("source"), f"{path}.source")
        to_confirm = c.get("to_confirm", False)
        if not isinstance(to_confirm, bool):
            self.err(f"{path}.to_confirm", "must be true or false")
        if to_confirm and "test" in c:
            self.err(f"{path}.test", "a to_confirm clause has no test")
        if not to_confirm and "test" not in c:
            self.err(f"{path}.test", "is required (or set to_confirm: true)")
        if "test" in c:
            self.test(c["test"], f"{path}.test")
        if "applies_when" in c:
            self.test(c["applies_when"], f"{path}.applies_when")
        for i, d in enumerate(c.get("directions") or []):
            if d not in self.directions:
                self.err(f"{path}.directions[{i}]", f"unknown direction {d!r}")
        if "messages" in c:
            allowed = {f"{s}_{lang}" for s in ("pass", "fail", "unknown", "confirm") for lang in ("zh", "en")}
            msgs = c["messages"]
            if not isinstance(msgs, dict):
                self.err(f"{path}.messages", "must be a mapping")
            else:
                for k, v in msgs.items():
                    if k not in allowed:
                        self.err(f"{path}.messages.{k}", f"unknown message key {k!r}")
                    elif not isinstance(v, str):
                        self.err(f"{path}.messages.{k}", "must be a string")
        if "ambiguity" in c:
            self.ambiguity(c["ambiguity"], f"{path}.ambiguity")
        if "validity" in c:
            self.validity(c["validity"], f"{path}.validity", top=False)
        if "region_scope" in c:
            self.region_scope(c["region_scope"], f"{path}.region_scope")


def read_document(path: Path) -> tuple[object, list[RuleError]]:
    """The document of a rule file (strict loader, no anchors/aliases: rule files may come from uploads)."""
    try:
        return load_file(path), []
    except OSError as exc:
        return None, [RuleError(str(path), "", f"cannot read file: {exc.strerror or exc}")]
    except YamlError as exc:
        return None, [RuleError(str(path), "", f"invalid YAML: {exc.message}")]


def validate_document(doc: object, file: str = "<memory>") -> list[RuleError]:
    checker = _Checker(file)
    checker.document(doc)
    return checker.errors


def validate_rule_file(path: str | Path) -> list[RuleError]:
    """Every problem of one rule file (empty list = valid)."""
    doc, errors = read_document(Path(path))
    return errors or validate_document(doc, str(path))
