"""File layout, YAML reading, canonical hashing and the published-version lock file."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from . import strict_yaml

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
LOCK_FILENAME = "published.lock.json"
VERSION_RE = re.compile(r"^\d{4}(\.\d{1,4}){0,2}$")
INSTRUMENT_ID_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def read_yaml(path: Path) -> Any:
    """Parse a definition file (the strict loader; our definitions share conditions through anchors)."""
    return strict_yaml.load_file(path, allow_aliases=True)


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
