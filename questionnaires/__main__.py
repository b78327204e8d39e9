"""Command line: ``python -m questionnaires validate [PATH...] | list | publish ID VERSION``.

Exit status 0 when everything is fine, 1 when a definition is invalid (errors printed one per line as
``file:path: [code] 中文原因 / English reason``), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .loader import QuestionnaireError, list_available, publish
from .validator import ValidationError, validate_all, validate_file


def _validate(paths: Sequence[str], root: str | None) -> int:
    errors: list[ValidationError] = []
    checked: list[str] = []
    if paths:
        for p in paths:
            path = Path(p)
            files = sorted(path.glob("*/*.yaml")) if path.is_dir() else [path]
            if path.is_dir():
                errors.extend(validate_all(path))
            else:
                errors.extend(validate_file(path))
            checked.extend(str(f) for f in files)
    else:
        errors = validate_all(root)
        checked = [r.path for r in list_available(root)]
    for err in errors:
        print(err, file=sys.stderr)
    if errors:
        print(f"{len(errors)} error(s) / 发现 {len(errors)} 个错误", file=sys.stderr)
        return 1
    print(f"OK: {len(checked)} definition(s) valid / 全部 {len(checked)} 份定义有效")
    return 0


def _list(root: str | None) -> int:
    rows = list_available(root)
    for r in rows:
        print(f"{r.id}@{r.version}\t{r.status}\t{r.content_hash}\t{r.title_zh}")
    errors = validate_all(root)
    for err in errors:
        print(err, file=sys.stderr)
    return 1 if errors else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m questionnaires", description="DX Assess instrument definitions"
    )
    parser.add_argument(
        "--root", help="definitions directory (default: the shipped questionnaires/definitions)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_validate = sub.add_parser("validate", help="validate definition files (all shipped ones by default)")
    p_validate.add_argument("paths", nargs="*", help="YAML files or definitions directories")
    sub.add_parser("list", help="list available instrument versions with status and content hash")
    p_publish = sub.add_parser(
        "publish", help="flip a draft to published and record its hash in the lock file"
    )
    p_publish.add_argument("instrument_id")
    p_publish.add_argument("version")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return _validate(args.paths, args.root)
    if args.command == "list":
        return _list(args.root)
    try:
        digest = publish(args.instrument_id, args.version, root=args.root)
    except QuestionnaireError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"published {args.instrument_id}@{args.version} sha256={digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
