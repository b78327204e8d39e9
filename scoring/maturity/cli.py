"""``python -m scoring score --instrument ID --version V --answers answers.json [--profile profile.json]``.

Prints the full result as JSON (see docs/methodology.md §9) and exits 0; invalid input prints
``{"errors": [{"field", "message_zh", "message_en"}]}`` and exits 2. A file may be ``-`` (stdin).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

SCORE_HELP = "score one assessment (answers JSON in, result JSON out)"
SCORE_ARGUMENTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("--instrument", {"required": True, "help": "instrument id, e.g. gd-mfg-dt or miit-sme-digital"}),
    ("--version", {"required": True, "help": 'instrument version, e.g. "2025.1" or "2024"'}),
    (
        "--answers",
        {"required": True, "help": "answers JSON file (stored form or exchange form), - for stdin"},
    ),
    ("--profile", {"default": None, "help": "profile JSON {cluster, size, city} (optional)"}),
    ("--targets", {"default": None, "help": "target levels JSON {module id: 1-5} (optional)"}),
    ("--peers", {"default": None, "help": "peer records JSON [{score, cluster, size, city}] (optional)"}),
    ("--indent", {"type": int, "default": None, "help": "pretty-print with this indent"}),
)


def add_score_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``score`` on an ``argparse`` subparsers object."""
    p: argparse.ArgumentParser = subparsers.add_parser("score", help=SCORE_HELP, description=SCORE_HELP)
    for name, kwargs in SCORE_ARGUMENTS:
        p.add_argument(name, **kwargs)
    p.set_defaults(handler=score_command)
    return p


def _error_body(errors: list[dict[str, str]]) -> str:
    return json.dumps({"errors": errors}, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _read(path: str, field: str) -> tuple[Any, dict[str, str] | None]:
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        return None, {
            "field": field,
            "message_zh": f"无法读取文件 {path}",
            "message_en": f"cannot read {path}: {exc}",
        }
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, {
            "field": field,
            "message_zh": f"JSON 格式错误（第 {exc.lineno} 行）",
            "message_en": f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
        }
    except RecursionError:  # json's answer to deep nesting such as '[' * 50000 (not a JSONDecodeError)
        return None, {
            "field": field,
            "message_zh": "JSON 嵌套层级过深",
            "message_en": "invalid JSON: nested too deeply",
        }


def score_command(args: argparse.Namespace) -> int:
    import questionnaires as q

    from .api import score
    from .result import ScoringInputError, result_to_json

    errors: list[dict[str, str]] = []
    try:
        instrument = q.load(args.instrument, args.version)
    except q.QuestionnaireError as exc:
        errors.append(
            {
                "field": "instrument",
                "message_zh": f"无法加载问卷 {args.instrument}@{args.version}",
                "message_en": str(exc).splitlines()[0],
            }
        )
        instrument = None
    inputs: dict[str, Any] = {}
    for field in ("answers", "profile", "targets", "peers"):
        path = getattr(args, field, None)
        if path is None:
            continue
        value, problem = _read(path, field)
        if problem is not None:
            errors.append(problem)
        inputs[field] = value
    if errors or instrument is None:
        sys.stdout.write(_error_body(errors))
        return 2
    try:
        result = score(
            instrument,
            inputs["answers"],
            profile=inputs.get("profile"),
            targets=inputs.get("targets"),
            peers=inputs.get("peers"),
        )
    except ScoringInputError as exc:
        sys.stdout.write(
            _error_body(
                [
                    {"field": e.field, "message_zh": e.message_zh, "message_en": e.message_en}
                    for e in exc.errors
                ]
            )
        )
        return 2
    except (TypeError, AttributeError) as exc:
        sys.stdout.write(_error_body([{"field": "", "message_zh": "输入结构错误", "message_en": str(exc)}]))
        return 2
    sys.stdout.write(result_to_json(result, indent=args.indent) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring.maturity")
    sub = parser.add_subparsers(dest="command", required=True)
    add_score_parser(sub)
    args = parser.parse_args(argv)
    return int(args.handler(args))
