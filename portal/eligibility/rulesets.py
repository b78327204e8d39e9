"""Which rules are in force: the shipped rule files with the published rule versions applied.

Also the validation of an uploaded rule file (the scoring library's validator, messages naming the line)
and the program names other pages show. Administrators manage versions in ``portal/admin/rule_versions``.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import OrderedDict
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from portal import transactions
from portal.extensions import db
from portal.i18n import locale_of, pick
from portal.models import RuleVersion, RuleVersionStatus
from questionnaires import strict_yaml
from questionnaires.strict_yaml import YamlError
from scoring.eligibility import RuleSet, default_rules, load_rules
from scoring.eligibility.rules import RULES_DIR, Program, RuleError, RuleFileError, load_rule_file
from scoring.maturity import direction_labels  # directions only the roadmap catalogue names

LOCAL_TZ: Final = ZoneInfo("Asia/Shanghai")
MAX_RULE_FILE_BYTES: Final = 256 * 1024
UPLOAD_LIMITS: Final = strict_yaml.Limits(max_bytes=MAX_RULE_FILE_BYTES)


def today() -> date:
    return datetime.now(LOCAL_TZ).date()


@cache
def _shipped_files() -> tuple[tuple[str, str, bytes], ...]:
    """(program id, file name, content) of every shipped rule file."""
    return tuple(
        (p.id, Path(p.path).name, Path(p.path).read_bytes())
        for p in load_rules(RULES_DIR).programs  # raises if the shipped rules are broken
    )


def shipped_programs() -> list[Program]:
    return list(default_rules().programs)


def versions_in_force(day: date | None = None) -> list[RuleVersion]:
    """Per program, the published version in force on ``day`` (today, China time) with the highest number."""
    day = day or today()
    published = transactions.read_once(("published rule versions",), _published_versions)
    chosen: dict[str, RuleVersion] = {}
    for version in published:
        if version.program_id not in chosen and version.in_force(day):
            chosen[version.program_id] = version
    return list(chosen.values())


def _published_versions() -> tuple[RuleVersion, ...]:
    """Every published version, per program the newest first."""
    return tuple(
        db.session.scalars(
            sa.select(RuleVersion)
            .where(RuleVersion.status == RuleVersionStatus.PUBLISHED.value)
            .order_by(RuleVersion.program_id, RuleVersion.version.desc())
        )
    )


_RULES_CACHE: OrderedDict[str, RuleSet] = OrderedDict()
_RULES_CACHE_SIZE: Final = 8


def _compose(uploads: list[tuple[str, str, bytes]]) -> RuleSet:
    """Load shipped files plus uploads (program id, file name, content); an upload replaces its program id."""
    replaced = {pid for pid, _name, _content in uploads}
    files = [(name, content) for pid, name, content in _shipped_files() if pid not in replaced]
    files += [(f"uploaded_{i:03d}_{name}", content) for i, (_pid, name, content) in enumerate(uploads)]
    digest = hashlib.sha256()
    for name, content in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    key = digest.hexdigest()
    if key in _RULES_CACHE:
        _RULES_CACHE.move_to_end(key)
        return _RULES_CACHE[key]
    with tempfile.TemporaryDirectory(prefix="dx-rules-") as tmp:
        for name, content in files:
            (Path(tmp) / name).write_bytes(content)
        rules = load_rules(tmp)
    _RULES_CACHE[key] = rules
    while len(_RULES_CACHE) > _RULES_CACHE_SIZE:
        _RULES_CACHE.popitem(last=False)
    return rules


# sha256 of active uploads that no longer load on their own (see effective_rules); per process, tiny.
_UNLOADABLE: set[str] = set()


def effective_rules(in_force: list[RuleVersion] | None = None) -> RuleSet:
    """The shipped rules with the rule versions in force applied (cached by content hash); `in_force`:
    `versions_in_force()` when the caller has just read it.

    A version that no longer loads (stored before a check got stricter, e.g. a key written twice before the
    strict YAML loader) is left out with a warning in the log: its program keeps the shipped rule instead of
    every eligibility page failing, the admin page included, where the version can be withdrawn.
    """
    versions = versions_in_force() if in_force is None else in_force
    return _with_uploads([(v.program_id, v.filename, v.content.encode()) for v in versions])


def rules_with(program_id: str, filename: str, content: bytes) -> RuleSet:
    """The rules in force with one more file in place of its program (what publishing it would give)."""
    uploads = [(v.program_id, v.filename, v.content.encode()) for v in versions_in_force()]
    uploads = [u for u in uploads if u[0] != program_id]
    return _compose([*uploads, (program_id, safe_name(filename), content)])


def _with_uploads(uploads: list[tuple[str, str, bytes]]) -> RuleSet:
    uploads = [upload for upload in uploads if hashlib.sha256(upload[2]).hexdigest() not in _UNLOADABLE]
    try:
        return _compose(uploads) if uploads else default_rules()
    except RuleFileError:
        usable = [upload for upload in uploads if _loads_alone(upload)]
        return _compose(usable) if usable else default_rules()


def _loads_alone(upload: tuple[str, str, bytes]) -> bool:
    try:
        _compose([upload])
    except RuleFileError as exc:
        current_app.logger.warning("active rule upload %s left out, it no longer loads: %s", upload[1], exc)
        _UNLOADABLE.add(hashlib.sha256(upload[2]).hexdigest())
        return False
    return True


def safe_name(filename: str) -> str:
    name = secure_filename(filename) or "rules.yaml"
    return name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"


def yaml_problem(exc: YamlError) -> str:
    """The strict loader's refusal in the user's language, position first."""
    if exc.line is not None and exc.column is not None:
        where = _("第 %(line)s 行第 %(column)s 列：", line=exc.line, column=exc.column)
    else:
        where = _("第 %(line)s 行：", line=exc.line) if exc.line is not None else ""
    return where + _yaml_reason(exc)


def _yaml_reason(exc: YamlError) -> str:  # noqa: PLR0911 — one message per YAML error code
    params = exc.params
    match exc.code:
        case strict_yaml.TOO_LARGE:
            return _("文件超过 %(kb)s KB，请精简后再上传。", kb=params["limit_kb"])
        case strict_yaml.ENCODING:
            return _("文件不是 UTF-8 编码的文本，请另存为 UTF-8 后再上传。")
        case strict_yaml.TOO_DEEP:
            return _("嵌套层级过深（最多 %(limit)s 层）。", limit=params["limit"])
        case strict_yaml.TOO_MANY_NODES:
            return _("内容条目过多（最多 %(limit)s 个，别名展开后计算）。", limit=params["limit"])
        case strict_yaml.DUPLICATE_KEY:
            return _(
                "键“%(key)s”重复（第 %(first)s 行已有），同一层级的键只能出现一次。",
                key=params["key"],
                first=params["first_line"],
            )
        case strict_yaml.ALIAS:
            return _("不允许使用 YAML 锚点和别名（&名称、*名称），请直接写出内容。")
        case strict_yaml.MERGE_KEY:
            return _("不允许使用 YAML 合并键（<<），请直接写出内容。")
    return _("YAML 语法错误：%(problem)s", problem=exc.detail)  # PyYAML's own (English) description


def check_rule_file(filename: str, content: bytes) -> tuple[Program | None, list[RuleError]]:
    """Validate an upload with the engine's validator; errors name the uploaded file, not a temp path."""
    shown = filename or "rules.yaml"
    try:  # the strict loader first, for a refusal the uploader can read (size, encoding, YAML itself)
        strict_yaml.loads(content, source=shown, limits=UPLOAD_LIMITS)
    except YamlError as exc:
        return None, [RuleError(shown, "", yaml_problem(exc))]
    with tempfile.TemporaryDirectory(prefix="dx-rule-upload-") as tmp:
        path = Path(tmp) / safe_name(filename)
        path.write_bytes(content)
        try:
            program = load_rule_file(path)
        except RuleFileError as exc:
            return None, [RuleError(shown, e.path, e.reason.replace(str(path), shown)) for e in exc.errors]
    try:  # the whole set must still load with this file in place of its program id
        _compose([(program.id, safe_name(filename), content)])
    except RuleFileError as exc:
        return None, [RuleError(shown, e.path, e.reason) for e in exc.errors]
    return program, []


def program_labels(lang: str | None = None) -> dict[str, str]:
    """Names of the programs and of their directions ("program/direction" keys), for pages that mention
    programs by id, such as the roadmap's "helps to apply for". In the current locale; ``lang`` ("zh"/"en")
    forces one (for callers that render another language than the request's)."""
    if lang is not None:
        with force_locale(locale_of(lang)):
            return program_labels()
    programs = {p.id: p for p in effective_rules().programs}
    directions = {
        f"{p.id}/{d.id}": pick(d.name_zh, d.name_en) for p in programs.values() for d in p.directions
    }
    directions.update({key: pick(zh, en) for key, (zh, en) in direction_labels().items()})
    labels = {pid: pick(p.name_zh, p.name_en) for pid, p in programs.items()}
    for key, direction in directions.items():
        program_id = key.split("/", 1)[0]
        if program_id in labels:
            labels[key] = _("%(program)s（%(clause)s）", program=labels[program_id], clause=direction)
    return labels
