"""Public API: parse and validate one definition, one file, or every shipped definition and the lock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from questionnaires.model import (
    Instrument,
    Origin,
    Status,
)
from questionnaires.storage import (
    DEFINITIONS_DIR,
    INSTRUMENT_ID_RE,
    VERSION_RE,
    content_hash,
    definition_files,
    read_lock,
    read_yaml,
)
from questionnaires.strict_yaml import YamlError

from .build import build_module, build_scoring, build_source_doc
from .context import Ctx, ValidationError, check_keys
from .instrument_checks import check_instrument
from .keys import INSTRUMENT_KEYS
from .readers import each, read_mapping, read_str, req_str


def parse_definition(
    raw: Any,
    *,
    file: str = "<memory>",
    lock: Mapping[str, str] | None = None,
    expected_location: tuple[str, str] | None = None,
) -> tuple[Instrument | None, list[ValidationError]]:
    """Build an :class:`Instrument` from parsed YAML; return it (or ``None``) with every problem found.

    *lock* is the ``published.lock.json`` map to check published versions against (``None`` skips the check).
    *expected_location* is the ``(instrument_id, version)`` implied by the file's path.
    """
    ctx = Ctx(file)
    root = read_mapping(ctx, raw, "")
    if root is None:
        return None, ctx.errors
    check_keys(ctx, root, INSTRUMENT_KEYS, "")
    inst_id = req_str(ctx, root, "id", "")
    if inst_id and not INSTRUMENT_ID_RE.match(inst_id):
        ctx.err("id", "bad_id", f"问卷编号格式错误：{inst_id!r}", f"malformed instrument id {inst_id!r}")
    version = _read_version(ctx, root)
    status = root.get("status")
    if status not in ("draft", "published"):
        ctx.err("status", "bad_status", "status 应为 draft 或 published", "status must be draft or published")
        status = "draft"
    origin = root.get("origin")
    if origin not in ("own", "external"):
        ctx.err("origin", "bad_origin", "origin 应为 own 或 external", "origin must be own or external")
        origin = "own"
    st = cast(Status, status)
    org = cast(Origin, origin)
    ctx.require_bounds = st == "draft"
    if expected_location is not None and inst_id and version:
        want_id, want_version = expected_location
        if (inst_id, version) != (want_id, want_version):
            ctx.err(
                "",
                "bad_location",
                f"文件位置 {want_id}/{want_version}.yaml 与内容 id={inst_id} version={version} 不符",
                f"file location {want_id}/{want_version}.yaml does not match id={inst_id} version={version}",
            )
    sources = each(ctx, root, "sources", "", lambda r, p: build_source_doc(ctx, r, p))
    scoring = build_scoring(ctx, root, "")
    modules = each(ctx, root, "modules", "", lambda r, p: build_module(ctx, r, p))
    if not root.get("modules"):
        ctx.err("modules", "missing", "至少需要一个模块", "at least one module is required")
    digest = content_hash(raw)
    inst = Instrument(
        id=inst_id,
        version=version or "",
        status=st,
        origin=org,
        title_zh=req_str(ctx, root, "title_zh", ""),
        title_en=req_str(ctx, root, "title_en", ""),
        description_zh=read_str(ctx, root, "description_zh", "", required=False),
        description_en=read_str(ctx, root, "description_en", "", required=False),
        sources=sources,
        scoring=scoring,
        modules=modules,
        content_hash=digest,
    )
    check_instrument(ctx, inst)
    if lock is not None and inst_id and version:
        _check_lock(ctx, inst, lock)
    return (inst if not ctx.errors else None), ctx.errors


def _read_version(ctx: Ctx, root: Mapping[str, Any]) -> str | None:
    """The version, a quoted "YYYY" or "YYYY.N" (an unquoted 2025.1 would be read as a number)."""
    version = read_str(ctx, root, "version", "")
    if version is not None and not VERSION_RE.match(version):
        ctx.err(
            "version",
            "bad_version",
            f"版本号格式错误：{version!r}（应为 YYYY 或 YYYY.N，并加引号）",
            f"malformed version {version!r} (expected YYYY or YYYY.N, quoted)",
        )
    elif "version" in root and version is None:
        # read_str has just reported it (missing, empty or not a string): say what a version looks like
        ctx.errors[-1] = ValidationError(
            ctx.file,
            "version",
            "bad_version",
            '版本号必须是带引号的字符串，如 "2025.1"',
            'version must be a quoted string such as "2025.1"',
        )
    return version


def _check_lock(ctx: Ctx, inst: Instrument, lock: Mapping[str, str]) -> None:
    """A published version is locked with its content hash and stays as published; a draft is not locked."""
    key = f"{inst.id}@{inst.version}"
    locked = lock.get(key)
    if inst.status == "published" and locked is None:
        ctx.err(
            "status",
            "not_locked",
            f"已发布版本 {key} 在 published.lock.json 中没有哈希记录（请用 publish 发布）",
            f"published version {key} has no entry in published.lock.json (publish it with `publish`)",
        )
    elif inst.status == "published" and locked is not None and locked != inst.content_hash:
        ctx.err(
            "",
            "hash_mismatch",
            f"已发布版本 {key} 的内容被修改：哈希 {inst.content_hash[:12]}… 与锁定的 {locked[:12]}… 不符；"
            "已发布版本不可修改，请另建新版本",
            f"published version {key} was modified: hash {inst.content_hash[:12]}… "
            f"differs from locked {locked[:12]}…; "
            "published versions are immutable, create a new version instead",
        )
    elif inst.status == "draft" and locked is not None:
        ctx.err(
            "status",
            "unpublished",
            f"{key} 已发布（见 published.lock.json），不能改回 draft",
            f"{key} was published (see published.lock.json) and cannot return to draft",
        )


def _location(path: Path) -> tuple[str, str]:
    return path.parent.name, path.stem


def parse_file(
    path: str | Path, *, lock: Mapping[str, str] | None = None
) -> tuple[Instrument | None, list[ValidationError]]:
    """Read and validate one definition file; *lock* defaults to the lock file of its definitions root."""
    path = Path(path)
    file = str(path)
    if not path.is_file():
        return None, [ValidationError(file, "", "not_found", "文件不存在", "file not found")]
    try:
        raw = read_yaml(path)
    except YamlError as exc:
        return None, [
            ValidationError(
                file, "", "yaml_error", f"YAML 解析失败：{exc.message}", f"YAML parse error: {exc.message}"
            )
        ]
    if lock is None:
        try:
            lock = read_lock(path.parent.parent)
        except ValueError as exc:
            return None, [
                ValidationError(file, "", "bad_lock", f"锁文件无效：{exc}", f"invalid lock file: {exc}")
            ]
    return parse_definition(raw, file=file, lock=lock, expected_location=_location(path))


def validate_file(path: str | Path, *, lock: Mapping[str, str] | None = None) -> list[ValidationError]:
    """All problems in one definition file (empty list = valid)."""
    return parse_file(path, lock=lock)[1]


def validate_all(root: str | Path | None = None) -> list[ValidationError]:
    """Validate every definition below *root* (default: the shipped definitions) and the lock file itself."""
    base = Path(root) if root is not None else DEFINITIONS_DIR
    try:
        lock = read_lock(base)
    except ValueError as exc:
        return [ValidationError(str(base), "", "bad_lock", f"锁文件无效：{exc}", f"invalid lock file: {exc}")]
    errors: list[ValidationError] = []
    files = definition_files(base)
    for path in files:
        errors.extend(validate_file(path, lock=lock))
    present = {f"{p.parent.name}@{p.stem}" for p in files}
    for key in sorted(set(lock) - present):
        errors.append(
            ValidationError(
                str(base / "published.lock.json"),
                key,
                "missing_definition",
                f"已发布版本 {key} 的定义文件不见了（已发布版本不可删除）",
                f"the definition of published version {key} is missing "
                "(published versions must not be deleted)",
            )
        )
    return errors


def format_errors(errors: Sequence[ValidationError]) -> str:
    return "\n".join(str(e) for e in errors)
