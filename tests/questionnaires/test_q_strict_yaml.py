"""The one strict YAML loader (questionnaires.strict_yaml); each check runs with libyaml and pure Python."""

from __future__ import annotations

import ast
import pickle
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from questionnaires import strict_yaml
from questionnaires.strict_yaml import Limits, YamlError, load_file, loads

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = strict_yaml.DEFAULT_LIMITS


@pytest.fixture(
    params=[
        pytest.param(
            strict_yaml.CLoader,
            id="libyaml",
            marks=pytest.mark.skipif(strict_yaml.CLoader is None, reason="PyYAML without libyaml"),
        ),
        pytest.param(strict_yaml.PyLoader, id="python"),
    ],
)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    monkeypatch.setattr(strict_yaml, "Loader", request.param)
    return request.param


both_loaders = pytest.mark.usefixtures("loader")


def _refusal(text: str | bytes, **kwargs: Any) -> YamlError:
    with pytest.raises(YamlError) as info:
        loads(text, source="t.yaml", **kwargs)
    assert str(info.value).startswith("t.yaml: ")
    return info.value


def billion_laughs(levels: int = 9) -> str:
    """Nine aliases to the level below on each level: 9**levels strings from about 600 bytes of text."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------ duplicate keys


@both_loaders
@pytest.mark.parametrize(
    ("text", "key", "line", "first"),
    [
        ("kind: a\nname: x\nkind: b\n", "kind", 3, 1),
        ("program:\n  id: p\n  kind: subsidy\n  kind: recognition\n", "kind", 4, 3),
        ("clauses:\n  - id: a\n    test: {op: eq,\n      op: ne}\n", "op", 4, 3),
        ("1: a\n0x1: b\n", "1", 2, 1),  # equal once constructed, not only when spelled the same
    ],
)
def test_duplicate_keys_are_refused_at_every_level(text: str, key: str, line: int, first: int) -> None:
    exc = _refusal(text)
    assert (exc.code, exc.params, exc.line) == ("duplicate_key", {"key": key, "first_line": first}, line)
    assert f"line {line}" in str(exc) and "duplicate key" in str(exc) and key in str(exc)


@both_loaders
def test_distinct_keys_load() -> None:
    text = "a: 1\nb: {a: 2}\nc: [{a: 3}, {a: 4}]\nd: 2024-01-31\n"
    assert loads(text) == yaml.safe_load(text)


# ------------------------------------------------------------------------------------ depth and size


@both_loaders
@pytest.mark.parametrize(
    "text",
    [
        "[" * 50000,
        "{" * 50000,
        "- " * 50000,
        "[" * 50000 + "]" * 50000,
        "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 300)),
    ],
    ids=["open-flow-sequences", "open-flow-mappings", "block-sequences", "closed-flow", "block-mappings"],
)
def test_deep_nesting_is_a_clean_refusal(text: str) -> None:
    exc = _refusal(text)
    assert (exc.code, exc.params) == ("too_deep", {"limit": DEFAULT.max_depth})
    assert exc.line is not None and exc.column is not None


@both_loaders
def test_depth_limit_is_exact() -> None:
    depth = DEFAULT.max_depth
    assert loads("[" * depth + "]" * depth) is not None
    assert _refusal("[" * (depth + 1) + "]" * (depth + 1)).code == "too_deep"
    assert loads("a: {b: [1]}", limits=Limits(max_depth=3)) == {"a": {"b": [1]}}
    assert _refusal("a: {b: [[1]]}", limits=Limits(max_depth=3)).code == "too_deep"


@both_loaders
def test_size_limit_counts_utf8_bytes() -> None:
    limits = Limits(max_bytes=300)
    assert loads("名: " + "中" * 98, limits=limits) == {"名": "中" * 98}  # 299 bytes
    for text in ("名: " + "中" * 99, ("名: " + "中" * 99).encode()):  # 101 characters, 302 bytes
        exc = _refusal(text, limits=limits)
        assert (exc.code, exc.line) == ("too_large", None)


@both_loaders
def test_load_file_reads_no_more_than_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (DEFAULT.max_bytes * 2))
    with pytest.raises(YamlError) as info:
        load_file(big)
    assert info.value.code == "too_large" and str(info.value).startswith(str(big))
    with pytest.raises(OSError):
        load_file(tmp_path / "missing.yaml")


@both_loaders
def test_text_that_is_not_utf8_is_refused() -> None:
    exc = _refusal(b"a: 1\nb: \xff\xfe\n")
    assert (exc.code, exc.line) == ("encoding", 2)


# ------------------------------------------------------------------------------------ aliases


@both_loaders
def test_billion_laughs_is_refused_without_expanding() -> None:
    bomb = billion_laughs()
    assert len(bomb) < 1000  # 9**9 = 387 420 489 strings once expanded
    started = time.perf_counter()
    assert _refusal(bomb).code == "alias"  # uploads: no aliases at all
    exc = _refusal(bomb, allow_aliases=True)  # shipped data: aliases, but bounded
    assert (exc.code, exc.params) == ("too_many_nodes", {"limit": DEFAULT.max_nodes})
    assert time.perf_counter() - started < 5  # a guard only: today's loaders never finish expanding it


@both_loaders
def test_alias_expansion_is_counted_against_the_node_limit() -> None:
    # root, 3 keys, l0 (10 nodes), l1 (1 + 9 * 10), l2 (1 + 9 * 91): 925 nodes once aliases are counted
    small = billion_laughs(levels=3)
    assert loads(small, allow_aliases=True, limits=Limits(max_nodes=1000))["l2"][0][0] == ["lol"] * 9
    assert _refusal(small, allow_aliases=True, limits=Limits(max_nodes=500)).code == "too_many_nodes"


@both_loaders
def test_aliases_need_permission_and_merge_keys_are_refused() -> None:
    text = "base: &b {x: 1}\ncopy: *b\n"
    exc = _refusal(text)
    assert (exc.code, exc.line) == ("alias", 1)
    assert loads(text, allow_aliases=True) == {"base": {"x": 1}, "copy": {"x": 1}}
    assert _refusal("a: &s one\nb: *s\n").code == "alias"  # scalars too
    assert _refusal("base: &b {x: 1}\nc: {<<: *b, y: 2}\n", allow_aliases=True).code == "merge_key"
    assert _refusal("c: {<<: {x: 1}, y: 2}\n").code == "merge_key"


@both_loaders
def test_recursive_alias_is_refused() -> None:
    assert _refusal("&a [*a]", allow_aliases=True).code == "too_deep"


# ------------------------------------------------------------------------------------ types, syntax


@both_loaders
@pytest.mark.parametrize(
    "text",
    ["!!python/object/apply:os.system ['true']", "a: !!python/name:os.system ''", "a: !custom 1"],
)
def test_only_plain_data_types(text: str) -> None:
    exc = _refusal(text)
    assert exc.code == "syntax" and exc.line == 1 and "constructor" in exc.message


@both_loaders
def test_syntax_errors_carry_line_and_column() -> None:
    exc = _refusal("program:\n  id: x\n  name: [unclosed\n")
    assert exc.code == "syntax" and exc.line is not None and exc.line >= 3 and exc.column is not None
    assert str(exc) == f"t.yaml: {exc.message}"


def test_error_survives_pickling() -> None:
    exc = YamlError("duplicate_key", "duplicate key 'a'", "f.yaml", 3, 1, {"key": "a", "first_line": 1})
    again = pickle.loads(pickle.dumps(exc))
    assert (str(again), again.code, again.params) == (str(exc), exc.code, exc.params)


@both_loaders
def test_empty_document_and_multiple_documents() -> None:
    assert loads("") is None and loads("# only a comment\n") is None
    assert _refusal("a: 1\n---\nb: 2\n").code == "syntax"


# ------------------------------------------------------------------------------------ the project


def _shipped_yaml() -> list[Path]:
    return sorted(p for top in ("questionnaires", "scoring") for p in (ROOT / top).rglob("*.yaml"))


@both_loaders
def test_every_shipped_yaml_loads_unchanged() -> None:
    """The strict loader yields what PyYAML's safe_load yields for every file we ship."""
    files = _shipped_yaml()
    assert len(files) >= 14
    for path in files:
        trusted = path.is_relative_to(ROOT / "questionnaires" / "definitions")  # they share anchors
        expected = yaml.safe_load(path.read_text(encoding="utf-8"))  # the reference
        assert load_file(path, allow_aliases=trusted) == expected, path


LOADING = {"load", "safe_load", "full_load", "unsafe_load", "load_all", "safe_load_all", "compose", "parse"}


def _yaml_load_calls(path: Path) -> list[int]:
    """Lines where *path* calls PyYAML's loading functions (yaml.safe_load(...), from yaml import load)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "yaml":
            lines += [node.lineno for alias in node.names if alias.name in LOADING]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in LOADING
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "yaml"
        ):
            lines.append(node.lineno)
    return lines


def test_no_yaml_read_bypasses_the_strict_loader() -> None:
    this = Path(__file__).resolve()
    loader_module = ROOT / "questionnaires" / "strict_yaml.py"
    found = {
        str(p.relative_to(ROOT)): lines
        for top in ("portal", "scoring", "questionnaires", "tests", "bench", "scripts", "migrations")
        for p in (ROOT / top).rglob("*.py")
        if p.resolve() not in (this, loader_module) and (lines := _yaml_load_calls(p))
    }
    assert found == {}, "read YAML with questionnaires.strict_yaml.load_file / loads"
