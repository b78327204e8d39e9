"""Eligibility for a company: the engine's input from stored data, the report, projects, rule uploads.

Other pages (the result page, the PDF report) call ``evaluate_company(company)`` and render the dict with
``templates/eligibility/_programs.html`` (``{% include %}`` with ``report`` in the context).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from portal import audit
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n import locale_of, pick
from portal.models import Company, CompanyEligibilityProfile, EligibilityProject, RuleFile, User
from questionnaires import strict_yaml
from questionnaires.strict_yaml import YamlError
from scoring.eligibility import RuleSet, default_rules, evaluate_json, load_rules, parse_input
from scoring.eligibility.fields import COMPANY, PROJECT
from scoring.eligibility.rules import RULES_DIR, Program, RuleError, RuleFileError, load_rule_file
from scoring.maturity import direction_labels  # directions only the roadmap catalogue names

JSONDict = dict[str, Any]
LOCAL_TZ: Final = ZoneInfo("Asia/Shanghai")
MAX_RULE_FILE_BYTES: Final = 256 * 1024
UPLOAD_LIMITS: Final = strict_yaml.Limits(max_bytes=MAX_RULE_FILE_BYTES)

# GB/T 4754-2017 门类 → the contract's sector. B/C/D together are 工业 (industry) in the rules.
SECTOR_BY_SECTION: Final = {"B": "mining", "C": "manufacturing", "D": "utilities", "E": "construction"}
SERVICE_SECTIONS: Final = frozenset("FGHIJKLMNOPQRST")


def today() -> date:
    """Today in Guangdong (the rules' validity dates are local dates)."""
    return datetime.now(LOCAL_TZ).date()


def sector_of(section: str | None) -> str | None:
    if not section:
        return None
    if section in SECTOR_BY_SECTION:
        return SECTOR_BY_SECTION[section]
    return "services" if section in SERVICE_SECTIONS else "other"


# ----------------------------------------------------------------------------------------- the input


def conditions_of(company: Company) -> JSONDict:
    """The stored eligibility conditions (contract company field → value); {} when none yet."""
    row = db.session.get(CompanyEligibilityProfile, company.id)
    return dict(row.data) if row is not None and row.data else {}


def profile_fields(company: Company, as_of: date) -> JSONDict:
    """Company fields taken from the company profile; fields the profile does not know are left out."""
    out: JSONDict = {"city": company.city}
    sector = sector_of(company.industry_section)
    if sector is not None:
        out["sector"] = sector
    if company.size_class:
        out["sme_size_class"] = company.size_class
    if company.founded_year is not None:
        # Year precision: the profile stores the founding year only.
        out["years_in_operation"] = max(0, as_of.year - company.founded_year)
    if company.employees is not None:
        out["employees"] = company.employees
    for name in ("revenue_wan", "total_assets_wan"):
        value = getattr(company, name)
        if value is not None:
            out[name] = json_number(value)
    return out


def json_number(value: Decimal | int | float) -> int | float:
    d = Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


def projects_of(company: Company) -> list[EligibilityProject]:
    return list(
        db.session.scalars(
            sa.select(EligibilityProject)
            .where(EligibilityProject.company_id == company.id)
            .order_by(EligibilityProject.id)
        )
    )


def project_payload(project: EligibilityProject) -> JSONDict:
    out: JSONDict = {"id": project.name, "program": project.program}
    if project.direction:
        out["direction"] = project.direction
    out.update(project.data or {})
    return out


def build_input(company: Company, as_of: date | None = None) -> JSONDict:
    """The contract JSON (``python -m scoring eligibility`` input) for the company on ``as_of`` (today).

    Company profile fields are mapped (city, sector, size class, years in operation, employees, revenue,
    assets); the stored conditions add the rest; absent = not known. Projects are named by their name.
    """
    day = as_of or today()
    company_part = conditions_of(company)
    company_part.update(profile_fields(company, day))  # the profile wins over anything stored
    return {
        "as_of": day.isoformat(),
        "company": company_part,
        "projects": [project_payload(p) for p in projects_of(company)],
    }


_PROJECT_ERROR = re.compile(r"^projects\[(\d+)\]")


def _drop_invalid(payload: JSONDict, errors: list[JSONDict]) -> bool:
    """Remove what the engine refused (stale stored values, projects of a removed program); False if stuck."""
    changed = False
    bad_projects: set[int] = set()
    for error in errors:
        path = str(error.get("field") or "")
        m = _PROJECT_ERROR.match(path)
        if m:
            bad_projects.add(int(m.group(1)))
        elif path.startswith("company.") and path != "company.city":
            payload["company"].pop(path.removeprefix("company."), None)
            changed = True
    if bad_projects:
        payload["projects"] = [p for i, p in enumerate(payload["projects"]) if i not in bad_projects]
        changed = True
    return changed


def evaluate_company(company: Company, as_of: date | None = None) -> JSONDict:
    """The engine's output dict for the company (shipped rules + active uploaded rule files)."""
    payload = build_input(company, as_of)
    rules = effective_rules()
    for _attempt in range(3):
        status, body = evaluate_json(payload, rules)
        if status == 200:
            return body
        current_app.logger.warning("eligibility input of company %s refused: %s", company.id, body["errors"])
        if not _drop_invalid(payload, body["errors"]):
            break
    raise ValueError(f"eligibility input of company {company.id} is invalid: {body['errors']}")


# ------------------------------------------------------------------------------------ saving, validation


class ValidationFailedError(PortalError):
    """Field errors in the eligibility contract's shape, [{"field": <form field name>, "message_zh",
    "message_en"}] (the engine's own messages, in both languages); the form puts each on its field."""

    def __init__(self, errors: list[JSONDict]) -> None:
        first = errors[0]
        super().__init__(422, (str(first["message_zh"]), str(first["message_en"])), first.get("field"))
        self.errors = errors


def _relative(errors: list[JSONDict], prefix: str) -> list[JSONDict]:
    out = []
    for e in errors:
        field = str(e.get("field") or "")
        out.append({**e, "field": field.removeprefix(prefix) if field.startswith(prefix) else field})
    return out


def save_conditions(company: Company, data: JSONDict, user: User | None) -> None:
    """Store the company's conditions after the engine's own validation; ValidationFailedError otherwise."""
    data = {k: v for k, v in data.items() if k in COMPANY and k != "city"}
    _profile, errors = parse_input(
        {"as_of": today().isoformat(), "company": {"city": company.city, **data}}, effective_rules()
    )
    if errors:
        raise ValidationFailedError(_relative(errors, "company."))
    row = db.session.get(CompanyEligibilityProfile, company.id)
    if row is None:
        row = CompanyEligibilityProfile(company_id=company.id)
        db.session.add(row)
    row.data = data
    row.updated_by_id = user.id if user is not None else None
    db.session.commit()


def project_programs(rules: RuleSet | None = None) -> list[Program]:
    """Programs that take projects (shipped and uploaded), by id."""
    return [p for p in (rules or effective_rules()).programs if p.level == "project"]


def get_project(company: Company, project_id: int) -> EligibilityProject | None:
    """The company's project, or None (also for another company's project id → 404)."""
    project = db.session.get(EligibilityProject, project_id)
    return project if project is not None and project.company_id == company.id else None


@dataclass(frozen=True)
class ProjectDraft:
    name: str
    program: str
    direction: str | None
    data: JSONDict


def validate_project(company: Company, draft: ProjectDraft, existing: EligibilityProject | None) -> None:
    errors: list[JSONDict] = []
    name = draft.name.strip()
    if not name:
        errors.append({"field": "name", "message_zh": "请填写项目名称", "message_en": "enter a project name"})
    elif len(name) > 80:
        errors.append(
            {"field": "name", "message_zh": "项目名称不超过 80 字", "message_en": "80 characters max"}
        )
    else:
        clash = db.session.scalar(
            sa.select(EligibilityProject.id).where(
                EligibilityProject.company_id == company.id, EligibilityProject.name == name
            )
        )
        if clash is not None and (existing is None or clash != existing.id):
            errors.append(
                {
                    "field": "name",
                    "message_zh": "已有同名项目，请换一个名称",
                    "message_en": "another project has this name",
                }
            )
    raw: JSONDict = {"id": name or "-", "program": draft.program, **draft.data}
    if draft.direction:
        raw["direction"] = draft.direction
    _profile, engine_errors = parse_input(
        {"as_of": today().isoformat(), "company": {"city": company.city}, "projects": [raw]},
        effective_rules(),
    )
    for e in _relative(engine_errors, "projects[0]."):
        if e["field"] == "direction":
            e = {**e, "message_zh": "请选择申报方向", "message_en": "choose a direction"}
        if e["field"] != "id":
            errors.append(e)
    if errors:
        raise ValidationFailedError(errors)


def save_project(
    company: Company, draft: ProjectDraft, user: User | None, existing: EligibilityProject | None = None
) -> EligibilityProject:
    """Create or update a project after validation (ValidationFailedError with field errors otherwise)."""
    data = {k: v for k, v in draft.data.items() if k in PROJECT}
    draft = ProjectDraft(draft.name.strip(), draft.program, draft.direction or None, data)
    validate_project(company, draft, existing)
    project = existing or EligibilityProject(company_id=company.id, program=draft.program)
    project.name = draft.name
    project.direction = draft.direction
    project.data = draft.data
    project.updated_by_id = user.id if user is not None else None
    if existing is None:
        db.session.add(project)
    db.session.commit()
    return project


def delete_project(company: Company, project_id: int) -> bool:
    project = get_project(company, project_id)
    if project is None:
        return False
    db.session.delete(project)
    db.session.commit()
    return True


# ------------------------------------------------------------------------------------------ rule files


@cache
def _shipped_files() -> tuple[tuple[str, str, bytes], ...]:
    """(program id, file name, content) of every shipped rule file."""
    return tuple(
        (p.id, Path(p.path).name, Path(p.path).read_bytes())
        for p in load_rules(RULES_DIR).programs  # raises if the shipped rules are broken
    )


def shipped_programs() -> list[Program]:
    return list(default_rules().programs)


def active_rule_files() -> list[RuleFile]:
    return list(db.session.scalars(sa.select(RuleFile).where(RuleFile.active).order_by(RuleFile.id)))


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


def effective_rules() -> RuleSet:
    """The shipped rules with active uploaded files applied (cached by content hash).

    An active upload that no longer loads (stored before a check got stricter, e.g. a key written twice
    before the strict YAML loader) is left out with a warning in the log: its program keeps the shipped rule
    instead of every eligibility page failing, the admin page included, where the upload can be deactivated.
    """
    uploads = [(f.program_id, f.filename, f.content.encode()) for f in active_rule_files()]
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


def _safe_name(filename: str) -> str:
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
        path = Path(tmp) / _safe_name(filename)
        path.write_bytes(content)
        try:
            program = load_rule_file(path)
        except RuleFileError as exc:
            return None, [RuleError(shown, e.path, e.reason.replace(str(path), shown)) for e in exc.errors]
    try:  # the whole set must still load with this file in place of its program id
        _compose([(program.id, _safe_name(filename), content)])
    except RuleFileError as exc:
        return None, [RuleError(shown, e.path, e.reason) for e in exc.errors]
    return program, []


def upload_rule_file(filename: str, content: bytes, user: User | None, activate: bool = True) -> RuleFile:
    """Store a validated rule file (RuleFileError with the validator's errors otherwise)."""
    program, errors = check_rule_file(filename, content)
    if errors or program is None:
        raise RuleFileError(errors)
    row = RuleFile(
        filename=_safe_name(filename),
        program_id=program.id,
        name_zh=program.name_zh[:200],
        content=content.decode("utf-8"),
        content_hash=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=user.id if user is not None else None,
        active=False,
    )
    db.session.add(row)
    db.session.flush()
    if activate:
        _activate(row)
    audit.record(user, "upload_rule_file", f"rule_file:{row.id}", detail=f"{row.program_id} {row.filename}")
    db.session.commit()
    return row


def _activate(row: RuleFile) -> None:
    for other in db.session.scalars(
        sa.select(RuleFile).where(
            RuleFile.program_id == row.program_id, RuleFile.active, RuleFile.id != row.id
        )
    ):
        other.active = False
    row.active = True


def set_rule_file_active(rule_file_id: int, active: bool, user: User | None = None) -> RuleFile | None:
    """Activate (deactivating other uploads of the same program) or deactivate; None if unknown."""
    row = db.session.get(RuleFile, rule_file_id)
    if row is None:
        return None
    if active:
        _activate(row)
    else:
        row.active = False
    action = "activate_rule_file" if active else "deactivate_rule_file"
    audit.record(user, action, f"rule_file:{row.id}", detail=row.program_id)
    db.session.commit()
    return row


def get_rule_file(rule_file_id: int) -> RuleFile | None:
    return db.session.get(RuleFile, rule_file_id)


def rule_files() -> list[RuleFile]:
    return list(db.session.scalars(sa.select(RuleFile).order_by(RuleFile.id.desc())))


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
