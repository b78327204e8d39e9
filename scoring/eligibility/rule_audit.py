"""``python -m scoring rules validate``: every rule file checked, problems named by file and line, every
citation's quote compared with the source line it cites, and a summary table.

A quote is verbatim when, ignoring whitespace and line breaks (the sources wrap lines, 2-space indents in the
digests) and Markdown emphasis (``**``), it occurs in the cited lines; ``……`` / ``…`` in a quote stands for
omitted text, so each piece must occur, in order. Source files are looked up in the policy material
(``DX_SHARED_DIR``, else ``shared/`` beside the checkout); without it the quotes are not checked and the
report says so.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from questionnaires.strict_yaml import YamlError, load_file
from scoring.eligibility.rule_check import validate_document
from scoring.eligibility.rule_types import RuleError

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
_LINE_PART = re.compile(r"L?(\d+)(?:\s*[-–]\s*L?(\d+))?")
_ELLIPSIS = re.compile(r"……|…|\.\.\.")


def shared_dir() -> Path | None:
    """The policy material (seeds/, policy/), or None when it is not on this machine."""
    path = Path(os.environ.get("DX_SHARED_DIR") or REPO_ROOT.parent / "shared")
    return path if path.is_dir() else None


@dataclass(frozen=True)
class Citation:
    path: str  # where in the rule file, e.g. clauses[3].source
    file: str  # source file relative to the policy material
    lines: str
    quote: str


@dataclass
class FileReport:
    file: str
    program: str = ""
    clauses: int = 0
    problems: list[str] = field(default_factory=list)  # "file:line: path: reason"
    citations: int = 0
    verified: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


# ------------------------------------------------------------------------------------------- lines


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """The first line after *start* that is back at *indent* or less (blank lines and comments skipped)."""
    for i in range(start + 1, len(lines)):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#") and _indent(lines[i]) <= indent:
            return i
    return len(lines)


def line_of_path(text: str, path: str) -> int | None:
    """1-based line of a checker path such as ``clauses[3].test.op`` (or of its nearest parent), found in
    the text of a file the strict loader has already accepted (block style, flow mappings on one line)."""
    lines = text.splitlines()
    start, end, found = 0, len(lines), None
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        if name:
            key = re.compile(rf"^\s*(?:- )?{re.escape(name)}\s*:|[{{,]\s*{re.escape(name)}\s*:")
            hit = next((i for i in range(start, end) if key.search(lines[i])), None)
            if hit is None:
                break
            found = hit
            line = lines[hit]
            if not key.match(line):  # inside a flow mapping: nothing deeper has its own line
                break
            key_indent = _indent(line) + (2 if line.lstrip().startswith("- ") else 0)
            start, end = hit + 1, _block_end(lines, hit, key_indent)
        else:
            dashes = [i for i in range(start, end) if lines[i].lstrip().startswith("- ")]
            if not dashes:
                break
            level = min(_indent(lines[i]) for i in dashes)
            items = [i for i in dashes if _indent(lines[i]) == level]
            if int(index) >= len(items):
                break
            found = items[int(index)]
            start, end = found, _block_end(lines, found, level)
    return None if found is None else found + 1


# ------------------------------------------------------------------------------------------- quotes


def _citations(doc: Mapping[str, Any]) -> Iterator[Citation]:
    program = doc.get("program") or {}
    default_file = str(program.get("file") or "")

    def cite(node: object, path: str) -> Iterator[Citation]:
        if isinstance(node, Mapping) and "quote" in node and "lines" in node:
            yield Citation(
                path, str(node.get("file") or default_file), str(node["lines"]), str(node["quote"])
            )

    yield from cite((program.get("validity") or {}).get("source"), "program.validity.source")
    yield from cite(program.get("region_source"), "program.region_source")
    yield from cite((program.get("award") or {}).get("source"), "program.award.source")
    for i, d in enumerate(program.get("directions") or []):
        yield from cite((d.get("award") or {}).get("source"), f"program.directions[{i}].award.source")
    for i, c in enumerate(doc.get("clauses") or []):
        yield from cite(c.get("source"), f"clauses[{i}].source")


def _line_numbers(lines: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"[,，;；]", lines):
        m = _LINE_PART.fullmatch(part.strip())
        if m is None:
            return []
        start = int(m.group(1))
        end = int(m.group(2) or start)
        numbers.extend(range(start, end + 1))
    return numbers


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("**", ""))


_SOURCE_LINES: dict[Path, list[str]] = {}


def _source_lines(path: Path) -> list[str]:
    if path not in _SOURCE_LINES:
        _SOURCE_LINES[path] = path.read_text(encoding="utf-8").splitlines()
    return _SOURCE_LINES[path]


def check_quote(shared: Path, citation: Citation) -> str | None:
    """None when the quote is in the cited lines, else why not."""
    path = shared / citation.file
    if not citation.file or not path.is_file():
        return f"source file {citation.file!r} not found in the policy material"
    numbers = _line_numbers(citation.lines)
    text = _source_lines(path)
    if not numbers or any(n < 1 or n > len(text) for n in numbers):
        return f"lines {citation.lines!r} are not lines of {citation.file} (1–{len(text)})"
    cited = _plain("".join(text[n - 1] for n in numbers))
    at = 0
    for piece in (_plain(p) for p in _ELLIPSIS.split(citation.quote)):
        found = cited.find(piece, at)
        if found < 0:
            return f"quote not in {citation.file} line(s) {citation.lines}: {piece[:40]!r}"
        at = found + len(piece)
    return None


# ------------------------------------------------------------------------------------------- files


def _located(file: str, text: str, error: RuleError) -> str:
    line = line_of_path(text, error.path) if error.path else None
    return f"{file}:{line}: {error.path}: {error.reason}" if line else f"{file}: {error.reason}"


def audit_file(path: Path, shared: Path | None) -> FileReport:
    """Validate one rule file and, with the policy material, check its quotes."""
    shown = str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)
    report = FileReport(shown)
    try:
        doc = load_file(path)
    except OSError as exc:
        report.problems.append(f"{shown}: cannot read file: {exc.strerror or exc}")
        return report
    except YamlError as exc:
        where = f"{shown}:{exc.line}" if exc.line else shown
        report.problems.append(f"{where}: invalid YAML: {exc.detail}")
        return report
    text = path.read_text(encoding="utf-8")
    report.problems.extend(_located(shown, text, e) for e in validate_document(doc, shown))
    if isinstance(doc, Mapping):
        report.program = str((doc.get("program") or {}).get("id") or "")
        report.clauses = len(doc.get("clauses") or [])
        citations = list(_citations(doc))
        report.citations = len(citations)
        if shared is not None:
            for c in citations:
                problem = check_quote(shared, c)
                if problem is None:
                    report.verified += 1
                else:
                    report.problems.append(f"{shown}:{line_of_path(text, c.path)}: {c.path}: {problem}")
    return report


def summary_table(reports: list[FileReport], shared: Path | None) -> str:
    """The table printed after the problems: one row per file and a total."""
    head = ("rule file", "program", "clauses", "citations", "quotes verbatim", "problems")
    rows = [
        (
            Path(r.file).name,
            r.program or "—",
            str(r.clauses),
            str(r.citations),
            f"{r.verified}/{r.citations}" if shared else "not checked",
            str(len(r.problems)) if r.problems else "ok",
        )
        for r in reports
    ]
    problems = sum(len(r.problems) for r in reports)
    verified, cited = sum(r.verified for r in reports), sum(r.citations for r in reports)
    total = (
        f"{len(reports)} files",
        "",
        str(sum(r.clauses for r in reports)),
        str(sum(r.citations for r in reports)),
        f"{verified}/{cited}" if shared else "not checked",
        str(problems) if problems else "ok",
    )
    widths = [max(len(row[i]) for row in (head, *rows, total)) for i in range(len(head))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line(head), rule, *(line(r) for r in rows), rule, line(total)]
    if shared is None:
        out.append(
            "quotes not checked: policy sources not found (set DX_SHARED_DIR, or shared/ beside the checkout)"
        )
    else:
        out.append("quotes checked against the policy sources")
    return "\n".join(out) + "\n"
