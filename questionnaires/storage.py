"""File layout, YAML reading, canonical hashing and the published-version lock file."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
LOCK_FILENAME = "published.lock.json"
VERSION_RE = re.compile(r"^\d{4}(\.\d{1,4}){0,2}$")
INSTRUMENT_ID_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class DuplicateKeyError(yaml.YAMLError):
    pass


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that refuses duplicate mapping keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise DuplicateKeyError(
                f"duplicate key {key!r} at line {mark.line + 1}, column {mark.column + 1}"
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Parse a definition file (UTF-8, duplicate keys rejected)."""
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_StrictLoader)  # noqa: S506 - _StrictLoader derives from SafeLoader


def canonical_json(data: Any) -> str:
    """Canonical JSON: sorted keys, no whitespace, UTF-8 text kept as is."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def content_hash(data: Any) -> str:
    """sha256 (hex) of the canonical JSON of a parsed definition."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def version_key(version: str) -> tuple[int, ...]:
    """Sort key for versions such as ``2024`` < ``2025.1`` < ``2025.2`` < ``2025.10``."""
    return tuple(int(part) for part in version.split("."))


def lock_path(root: Path) -> Path:
    return root / LOCK_FILENAME


def read_lock(root: Path) -> dict[str, str]:
    """The ``id@version`` → content-hash map (empty when there is no lock file yet)."""
    path = lock_path(root)
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError(f"{path}: expected a JSON object mapping 'id@version' to a sha256 hex digest")
    return dict(data)


def write_lock(root: Path, entries: dict[str, str]) -> None:
    text = json.dumps(dict(sorted(entries.items())), indent=2, ensure_ascii=False) + "\n"
    lock_path(root).write_text(text, encoding="utf-8")


def definition_files(root: Path) -> list[Path]:
    """Every ``<instrument_id>/<version>.yaml`` below *root*, sorted."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("*/*.yaml") if p.is_file())
