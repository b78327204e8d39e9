"""The one YAML loader of the project: every YAML file we read goes through :func:`loads` / :func:`load_file`.

Questionnaire definitions, scoring data (rules, cloud/MIIT/roadmap tables, reference data) and rule files
uploaded by administrators all use it. It lives in ``questionnaires`` because ``scoring`` already depends on
this package (and nothing here may import Flask, SQLAlchemy or ``portal``).

On top of PyYAML's safe loader (plain data types only; libyaml when available) it

* rejects duplicate mapping keys at every level (PyYAML silently keeps the last one);
* limits the input size (bytes), the nesting depth and the number of nodes after alias expansion, checked
  without deep recursion, so ``'[' * 50000`` or a "billion laughs" document fail fast with a clear error;
* rejects anchors/aliases unless the caller allows them (only our shipped questionnaire definitions use them;
  uploads never may), and merge keys (``<<``) always.

Every problem is raised as :class:`YamlError`, which carries a code, the line and column, and the parameters
a user interface needs to word the message in its own language.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Final

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "YamlError",
    "load_file",
    "loads",
]


@dataclass(frozen=True)
class Limits:
    """Bounds of one document. The shipped files are far below them (largest: 97 KB, depth 11, 6.9k nodes)."""

    max_bytes: int = 1024 * 1024
    max_depth: int = 32  # nested collections (mappings and sequences); scalars do not count
    max_nodes: int = 100_000  # scalars and collections, each alias counted with everything it repeats


DEFAULT_LIMITS: Final = Limits()

# Codes of YamlError (a UI maps them to its own wording).
SYNTAX: Final = "syntax"
ENCODING: Final = "encoding"
TOO_LARGE: Final = "too_large"
TOO_DEEP: Final = "too_deep"
TOO_MANY_NODES: Final = "too_many_nodes"
DUPLICATE_KEY: Final = "duplicate_key"
ALIAS: Final = "alias"
MERGE_KEY: Final = "merge_key"


class YamlError(ValueError):
    """Why a YAML document was refused; ``str()`` gives an English one-liner with the position."""

    def __init__(  # noqa: PLR0913, PLR0917 — an error's position fields, mostly defaulted
        self,
        code: str,
        detail: str,
        source: str = "<string>",
        line: int | None = None,
        column: int | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.code = code  # one of the constants above
        self.detail = detail  # English description without the position
        self.source = source
        self.line = line  # 1-based
        self.column = column  # 1-based
        self.params = params or {}  # e.g. key, limit: what a translated message needs
        where = f"line {line}, column {column}: " if line is not None and column is not None else ""
        where = where or (f"line {line}: " if line is not None else "")
        self.message = where + detail  # without the source, for reports that name the file already
        super().__init__(f"{source}: {self.message}")

    def __reduce__(self) -> tuple[Any, ...]:  # picklable with all its fields (args holds the text only)
        return type(self), (self.code, self.detail, self.source, self.line, self.column, self.params)


def loads(
    data: str | bytes,
    *,
    source: str = "<string>",
    allow_aliases: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Any:
    """Parse one YAML document (``bytes`` must be UTF-8). Raises :class:`YamlError`."""
    if isinstance(data, bytes):
        return _parse(_decode(data, source, limits), source, allow_aliases, limits)
    # One byte or more per character: only long texts need the exact UTF-8 size.
    if len(data) > limits.max_bytes // 4 and len(data.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        raise _too_large(source, limits)
    return _parse(data, source, allow_aliases, limits)


def load_file(
    path: str | Path | Traversable, *, allow_aliases: bool = False, limits: Limits = DEFAULT_LIMITS
) -> Any:
    """Parse a UTF-8 file (a path or an ``importlib.resources`` traversable), reading at most the size limit.

    Raises :class:`YamlError` (bad content) or :class:`OSError` (cannot read).
    """
    with (Path(path) if isinstance(path, str) else path).open("rb") as fh:
        raw = fh.read(limits.max_bytes + 1)
    return loads(raw, source=str(path), allow_aliases=allow_aliases, limits=limits)


# ------------------------------------------------------------------------------------------- internals


def _too_large(source: str, limits: Limits) -> YamlError:
    kb = limits.max_bytes // 1024
    return YamlError(TOO_LARGE, f"larger than {kb} KB", source, params={"limit_kb": kb})


def _decode(raw: bytes, source: str, limits: Limits) -> str:
    if len(raw) > limits.max_bytes:
        raise _too_large(source, limits)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(ENCODING, "not UTF-8 text", source, line, None, {"offset": exc.start}) from None


def _position(node: Node) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


class _Checks:
    """Per-load settings the loader classes read (set on the loader instance before parsing)."""

    source: str = "<string>"
    limits: Limits = DEFAULT_LIMITS


def _construct_mapping(loader: Any, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
    """One pass: build the dict and refuse a key seen before (instead of keeping the last value)."""
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            line, column = _position(key_node)
            raise YamlError(MERGE_KEY, "merge keys (<<) are not allowed", loader.source, line, column)
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, Hashable):
            line, column = _position(key_node)
            raise YamlError(SYNTAX, "a mapping key must be a plain value", loader.source, line, column)
        if key in mapping:
            line, column = _position(key_node)
            first = next(k for k, _ in node.value if loader.construct_object(k, deep=deep) == key)
            raise YamlError(
                DUPLICATE_KEY,
                f"duplicate key {key!r} (first at line {_position(first)[0]})",
                loader.source,
                line,
                column,
                {"key": str(key), "first_line": _position(first)[0]},
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


class PyLoader(_Checks, yaml.SafeLoader):
    """Pure-Python safe loader. Its composer recurses per nesting level, so it stops at the depth limit
    before Python's recursion limit could be reached (the tree check after composing comes too late)."""

    _collections_open = 0

    def _enter(self) -> None:
        self._collections_open += 1
        if self._collections_open > self.limits.max_depth:
            mark = self.peek_event().start_mark
            raise _too_deep(self.source, self.limits, mark.line + 1, mark.column + 1)

    def compose_sequence_node(self, anchor: Any) -> SequenceNode:
        self._enter()
        try:
            return super().compose_sequence_node(anchor)
        finally:
            self._collections_open -= 1

    def compose_mapping_node(self, anchor: Any) -> MappingNode:
        self._enter()
        try:
            return super().compose_mapping_node(anchor)
        finally:
            self._collections_open -= 1


PyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _libyaml_loader() -> type | None:
    """The libyaml loader, when libyaml bounds its own nesting (0.2.5+): its composer is C recursion that
    nothing here can interrupt, so without that bound ``'[' * 10**6`` could overflow the C stack."""
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is None:
        return None
    from yaml import _yaml  # present whenever CSafeLoader is

    if tuple(_yaml.get_version()) < (0, 2, 5):
        return None

    class CLoader(_Checks, c_loader):  # type: ignore[valid-type,misc]
        """libyaml parser and composer (several times faster), the same constructors as PyLoader."""

    CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return CLoader


CLoader: Final = _libyaml_loader()
#: The loader class used; tests switch it to run every check through both implementations.
Loader: type = CLoader or PyLoader


def _too_deep(source: str, limits: Limits, line: int | None, column: int | None) -> YamlError:
    return YamlError(
        TOO_DEEP,
        f"nested deeper than {limits.max_depth} levels",
        source,
        line,
        column,
        {"limit": limits.max_depth},
    )


def _check_tree(root: Node, source: str, allow_aliases: bool, limits: Limits) -> None:
    """Depth, node count (an alias counts as everything it repeats) and aliases, with an explicit stack.

    An alias is the same node object reached twice. Walking it again instead of remembering it is what
    makes a "billion laughs" document hit ``max_nodes`` after at most that many steps.
    """
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > limits.max_nodes:
            line, column = _position(node)
            raise YamlError(
                TOO_MANY_NODES,
                f"more than {limits.max_nodes} values (aliases included)",
                source,
                line,
                column,
                {"limit": limits.max_nodes},
            )
        if not allow_aliases:
            if id(node) in seen:
                line, column = _position(node)
                raise YamlError(
                    ALIAS, "anchors and aliases (&name, *name) are not allowed", source, line, column
                )
            seen.add(id(node))
        if type(node) is ScalarNode:
            continue
        if depth > limits.max_depth:
            line, column = _position(node)
            raise _too_deep(source, limits, line, column)
        if type(node) is MappingNode:
            for key_node, value_node in node.value:
                stack.append((key_node, depth + 1))
                stack.append((value_node, depth + 1))
        elif type(node) is SequenceNode:
            stack.extend((child, depth + 1) for child in node.value)


def _from_pyyaml(exc: yaml.YAMLError, source: str, limits: Limits) -> YamlError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
    problem = getattr(exc, "problem", None) or str(exc)
    if "maximum nesting depth" in problem:  # libyaml's own bound (1000 levels), above ours
        return _too_deep(source, limits, line, column)
    context = getattr(exc, "context", None)
    detail = f"{context}: {problem}" if context else problem
    return YamlError(SYNTAX, detail, source, line, column, {"problem": detail})


def _parse(text: str, source: str, allow_aliases: bool, limits: Limits) -> Any:
    loader = Loader(text)
    loader.source, loader.limits = source, limits
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_tree(node, source, allow_aliases, limits)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _from_pyyaml(exc, source, limits) from None
    finally:
        loader.dispose()
