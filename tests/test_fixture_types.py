"""Parameters that receive the shared fixtures are annotated with the fixtures' types, not `Any`.

The types are in tests/fixture_types.py (and Flask's, pytest's and tests_support's own); an `Any` there
hides from mypy and the editor what the test does with the fixture. Read from the source with `ast`.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# fixture name -> the annotation to use
SHARED = {
    "app": "Flask",
    "client": "FlaskClient",
    "make": "Factory",
    "login_as": "LoginAs",
    "monkeypatch": "pytest.MonkeyPatch",
    "tmp_path": "Path",
    "write_def": "WriteDef",
    "new_page": "OpenPage",
}


def _any_annotated(source: str) -> list[str]:
    """`line name: Type` for each shared fixture's parameter annotated `Any` in the module source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            if arg.arg in SHARED and isinstance(arg.annotation, ast.Name) and arg.annotation.id == "Any":
                found.append(f"{arg.lineno} {arg.arg}: {SHARED[arg.arg]}")
    return found


def test_shared_fixtures_are_not_annotated_any() -> None:
    offenders = [
        f"{path.relative_to(TESTS)}:{hit}"
        for path in sorted(TESTS.rglob("*.py"))
        for hit in _any_annotated(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "annotate with the fixture's type:\n" + "\n".join(offenders)


def test_the_check_finds_an_any_annotation() -> None:
    source = "def test_x(app: Flask, make: Any, *, login_as: Any, value: Any) -> None: ...\n"
    assert _any_annotated(source) == ["1 make: Factory", "1 login_as: LoginAs"]
