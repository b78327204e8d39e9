"""Registry of versioned instrument definitions: load, list, latest published, publish.

Definitions live at ``<root>/<instrument_id>/<version>.yaml`` (default root: ``questionnaires/definitions``).
Published versions are immutable: ``<root>/published.lock.json`` maps ``id@version`` to the sha256 of the
definition's canonical JSON, and loading a published definition whose hash differs fails.
Loaded instruments are cached per registry (definitions never change once published), and so is the
listing, for as long as no definition file is added, removed or changed (compared by size and mtime: a
`stat` per file instead of parsing every YAML file on each page that offers the instruments).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from .english import with_english
from .model import Instrument, InstrumentInfo
from .storage import (
    DEFINITIONS_DIR,
    content_hash,
    definition_files,
    read_lock,
    read_yaml,
    version_key,
    write_lock,
)
from .validator import ValidationError, format_errors, parse_file, validate_file


class QuestionnaireError(Exception):
    """Base class of the errors raised by the loader."""


class InstrumentNotFoundError(QuestionnaireError, LookupError):
    pass


class InvalidInstrumentError(QuestionnaireError):
    def __init__(self, errors: list[ValidationError]) -> None:
        self.errors = errors
        super().__init__("invalid instrument definition:\n" + format_errors(errors))


class HashMismatchError(QuestionnaireError):
    """The definition on disk is not the content an assessment was pinned to."""

    def __init__(self, key: str, expected: str, actual: str) -> None:
        self.key, self.expected, self.actual = key, expected, actual
        super().__init__(f"{key}: content hash is {actual}, expected {expected}")


_STATUS_RE = re.compile(r"^status:[ \t]*draft[ \t]*(#.*)?$", re.MULTILINE)


class Registry:
    """All definitions below one root directory. Thread-safe; caches loaded instruments."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else DEFINITIONS_DIR
        self._cache: dict[tuple[str, str], Instrument] = {}
        self._listing: tuple[tuple[tuple[str, int, int], ...], list[InstrumentInfo]] | None = None
        self._lock = threading.Lock()

    def path_for(self, instrument_id: str, version: str) -> Path:
        return self.root / instrument_id / f"{version}.yaml"

    def load(self, instrument_id: str, version: str, *, expected_hash: str | None = None) -> Instrument:
        """The validated instrument ``instrument_id@version``.

        With *expected_hash* (the hash an assessment was pinned to) a different content raises
        :class:`HashMismatchError`. Invalid definitions raise :class:`InvalidInstrumentError`, unknown ones
        :class:`InstrumentNotFoundError`.
        """
        key = (instrument_id, version)
        with self._lock:
            inst = self._cache.get(key)
        if inst is None:
            path = self.path_for(instrument_id, version)
            if "/" in instrument_id or "/" in version or not path.is_file():
                raise InstrumentNotFoundError(f"no definition {instrument_id}@{version} under {self.root}")
            parsed, errors = parse_file(path, lock=read_lock(self.root))
            if parsed is None:
                raise InvalidInstrumentError(errors)
            inst = with_english(parsed)  # English kept beside a hash-locked file; the hash is unchanged
            with self._lock:
                inst = self._cache.setdefault(key, inst)
        if expected_hash is not None and inst.content_hash != expected_hash:
            raise HashMismatchError(inst.key, expected_hash, inst.content_hash)
        return inst

    def list_available(self) -> list[InstrumentInfo]:
        """One row per definition file, sorted by id then version (files that cannot be read are skipped)."""
        files = definition_files(self.root)
        signature = tuple((str(p), st.st_size, st.st_mtime_ns) for p in files for st in (p.stat(),))
        with self._lock:
            listing = self._listing
        if listing is not None and listing[0] == signature:
            return list(listing[1])
        rows = self._read_listing(files)
        with self._lock:
            self._listing = (signature, rows)
        return list(rows)

    def _read_listing(self, files: list[Path]) -> list[InstrumentInfo]:
        rows: list[InstrumentInfo] = []
        for path in files:
            try:
                raw = read_yaml(path)
            except Exception:  # noqa: S112 - an unreadable file is reported by `validate`, not by `list`
                continue
            if not isinstance(raw, dict):
                continue
            rows.append(
                InstrumentInfo(
                    id=str(raw.get("id", path.parent.name)),
                    version=str(raw.get("version", path.stem)),
                    status=str(raw.get("status", "")),
                    title_zh=str(raw.get("title_zh", "")),
                    title_en=str(raw.get("title_en", "")),
                    content_hash=content_hash(raw),
                    path=str(path),
                )
            )
        return sorted(rows, key=lambda r: (r.id, _safe_version_key(r.version)))

    def versions(self, instrument_id: str, *, published_only: bool = False) -> list[str]:
        rows = [r for r in self.list_available() if r.id == instrument_id]
        if published_only:
            rows = [r for r in rows if r.status == "published"]
        return [r.version for r in rows]

    def latest_published(self, instrument_id: str) -> Instrument:
        """The published version of *instrument_id* with the highest version number."""
        versions = self.versions(instrument_id, published_only=True)
        if not versions:
            raise InstrumentNotFoundError(f"no published version of {instrument_id} under {self.root}")
        return self.load(instrument_id, versions[-1])

    def publish(self, instrument_id: str, version: str) -> str:
        """Flip a valid draft to ``status: published``, record its hash in the lock file, return the hash."""
        path = self.path_for(instrument_id, version)
        if not path.is_file():
            raise InstrumentNotFoundError(f"no definition {instrument_id}@{version} under {self.root}")
        lock = read_lock(self.root)
        key = f"{instrument_id}@{version}"
        if key in lock:
            raise QuestionnaireError(f"{key} is already published")
        errors = validate_file(path, lock=lock)
        if errors:
            raise InvalidInstrumentError(errors)
        text = path.read_text(encoding="utf-8")
        new_text, count = _STATUS_RE.subn("status: published", text, count=1)
        if count != 1:
            raise QuestionnaireError(f"{path}: expected a top-level line 'status: draft'")
        path.write_text(new_text, encoding="utf-8")
        digest = content_hash(read_yaml(path))
        lock[key] = digest
        write_lock(self.root, lock)
        with self._lock:
            self._cache.pop((instrument_id, version), None)
        return digest


def _safe_version_key(version: str) -> tuple[int, ...]:
    try:
        return version_key(version)
    except ValueError:
        return (-1,)


_registries: dict[Path, Registry] = {}
_registries_lock = threading.Lock()


def registry(root: str | Path | None = None) -> Registry:
    """The shared (caching) registry for *root* (default: the shipped definitions)."""
    key = Path(root).resolve() if root is not None else DEFINITIONS_DIR
    with _registries_lock:
        if key not in _registries:
            _registries[key] = Registry(key)
        return _registries[key]


def load(
    instrument_id: str, version: str, *, expected_hash: str | None = None, root: str | Path | None = None
) -> Instrument:
    """Load ``instrument_id@version``; pass the pinned *expected_hash* to guarantee the exact content."""
    return registry(root).load(instrument_id, version, expected_hash=expected_hash)


def list_available(root: str | Path | None = None) -> list[InstrumentInfo]:
    return registry(root).list_available()


def latest_published(instrument_id: str, *, root: str | Path | None = None) -> Instrument:
    return registry(root).latest_published(instrument_id)


def publish(instrument_id: str, version: str, *, root: str | Path | None = None) -> str:
    return registry(root).publish(instrument_id, version)
