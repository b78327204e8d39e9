"""Command line of the scoring package: ``python -m scoring <command> ...``.

Adding a subcommand = one function plus one registration line::

    @command("score", help="...", args=[Arg("answers", help="answers JSON")])
    def score(args: argparse.Namespace) -> int: ...

Names with a space ("rules validate") become nested subcommands.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from scoring.maturity.cli import SCORE_ARGUMENTS, SCORE_HELP, score_command

Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Arg:
    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __init__(self, name: str, **kwargs: Any) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "kwargs", kwargs)


@dataclass(frozen=True)
class _Command:
    name: str
    help: str
    args: tuple[Arg, ...]
    handler: Handler


_COMMANDS: list[_Command] = []


def command(name: str, *, help: str, args: Sequence[Arg] = ()) -> Callable[[Handler], Handler]:
    """Register a subcommand (decorator)."""

    def register(handler: Handler) -> Handler:
        _COMMANDS.append(_Command(name, help, tuple(args), handler))
        return handler

    return register


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scoring", description="DX Assess scoring tools")
    root = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    groups: dict[str, argparse._SubParsersAction[argparse.ArgumentParser]] = {}
    for cmd in _COMMANDS:
        *parents, leaf = cmd.name.split()
        sub = root
        for parent in parents:
            if parent not in groups:
                group_parser = sub.add_parser(parent, help=f"{parent} commands")
                groups[parent] = group_parser.add_subparsers(
                    dest=f"{parent}_command", required=True, metavar="COMMAND"
                )
            sub = groups[parent]
        p = sub.add_parser(leaf, help=cmd.help, description=cmd.help)
        for a in cmd.args:
            p.add_argument(a.name, **a.kwargs)
        p.set_defaults(handler=cmd.handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


# ------------------------------------------------------------------------------------------- eligibility


def _read_payload(path: str, stdin: BinaryIO) -> object:
    """The payload of a file or stdin, read like the API reads a request body (``loads_payload``)."""
    from scoring.eligibility.json_input import PayloadError, loads_payload

    try:
        if path == "-":
            raw = stdin.read()
        else:
            with open(path, "rb") as fh:
                raw = fh.read()
    except OSError as exc:
        problem = exc.strerror or str(exc)
        raise PayloadError(f"无法读取 {path}：{problem}", f"cannot read {path}: {problem}") from None
    return loads_payload(raw)


@command(
    "eligibility",
    help="check a company profile against the subsidy and recognition rules (JSON in, JSON out)",
    args=[Arg("profile", help="profile JSON file, or - for stdin")],
)
def eligibility(args: argparse.Namespace) -> int:
    from scoring.eligibility.contract import dumps, evaluate_json
    from scoring.eligibility.json_input import PayloadError

    try:
        payload = _read_payload(args.profile, sys.stdin.buffer)
    except PayloadError as exc:
        sys.stdout.write(dumps({"errors": [exc.as_error()]}))
        return 2
    code, body = evaluate_json(payload)
    sys.stdout.write(dumps(body))
    return 0 if code == 200 else 2


@command(
    "rules validate",
    help="validate rule files (default: every file in scoring/rules): schema, quotes against the cited "
    "source lines, summary table",
    args=[Arg("files", nargs="*", help="rule YAML files")],
)
def rules_validate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from scoring.eligibility.rule_audit import audit_file, shared_dir, summary_table
    from scoring.eligibility.rules import RULES_DIR, load_rules

    files = [Path(f).resolve() for f in args.files] or sorted(RULES_DIR.glob("*.yaml"))
    shared = shared_dir()
    reports = [audit_file(f, shared) for f in files]
    problems = [p for r in reports for p in r.problems]
    if not problems and not args.files:
        try:
            load_rules()  # cross-file checks (duplicate program ids)
        except ValueError as exc:
            problems.append(str(exc))
    for problem in problems:
        sys.stdout.write(f"{problem}\n")
    sys.stdout.write(summary_table(reports, shared))
    if problems:
        sys.stdout.write(f"{len(problems)} problem(s) in {len(files)} rule file(s)\n")
        return 1
    sys.stdout.write(f"ok: {len(files)} rule file(s) valid\n")
    return 0


command("score", help=SCORE_HELP, args=[Arg(n, **kw) for n, kw in SCORE_ARGUMENTS])(score_command)
