"""Rule versions: an administrator uploads a rule file (a draft), previews its effect,
publishes it with validity dates, and may withdraw it. Every version is kept; the rules in force are
``rulesets.effective_rules``.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Final

import sqlalchemy as sa
import sqlalchemy.exc
from flask_babel import gettext as _

from portal import audit
from portal.eligibility import rulesets
from portal.extensions import db
from portal.models import Assessment, AssessmentStatus, Company, RuleVersion, RuleVersionStatus, User
from portal.models._common import utcnow
from questionnaires import strict_yaml
from scoring.eligibility.rule_audit import line_of_path
from scoring.eligibility.rules import RuleError, RuleFileError


class PublishError(ValueError):
    """A publish or withdraw request that cannot be carried out; the message is in the user's language."""


def line_of(content: bytes, path: str) -> int | None:
    """The 1-based line of a validator path (``clauses[2].test.value``) in the YAML text, if it exists."""
    try:
        return line_of_path(content.decode("utf-8"), path)
    except UnicodeDecodeError:
        return None


def with_lines(content: bytes, errors: list[RuleError]) -> list[RuleError]:
    """The validator's errors, each reason prefixed with the line it points at (when there is one)."""
    out = []
    for error in errors:
        line = line_of(content, error.path) if error.path else None
        reason = _("第 %(line)s 行：", line=line) + error.reason if line is not None else error.reason
        out.append(RuleError(error.file, error.path, reason))
    return out


def upload(filename: str, content: bytes, user: User | None) -> RuleVersion:
    """Store a validated rule file as a draft (RuleFileError with line-numbered errors otherwise)."""
    program, errors = rulesets.check_rule_file(filename, content)
    if errors or program is None:
        raise RuleFileError(with_lines(content, errors))
    row = RuleVersion(
        filename=rulesets.safe_name(filename),
        program_id=program.id,
        name_zh=program.name_zh[:200],
        content=content.decode("utf-8"),
        content_hash=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=user.id if user is not None else None,
        status=RuleVersionStatus.DRAFT.value,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        user, "upload_rule_file", f"rule_version:{row.id}", detail=f"{row.program_id} {row.filename}"
    )
    db.session.commit()
    return row


def publish(row: RuleVersion, valid_from: date, valid_until: date | None, user: User | None) -> int | None:
    """Publish a draft with its validity dates (China dates, inclusive); it gets the program's next number.
    Returns what ``refresh_stored_results`` returns."""
    if row.status != RuleVersionStatus.DRAFT.value:
        raise PublishError(_("只有草稿可以发布；已发布或已撤回的版本请重新上传。"))
    if valid_until is not None and valid_until < valid_from:
        raise PublishError(_("失效日期不能早于生效日期。"))
    latest = db.session.scalar(
        sa.select(sa.func.max(RuleVersion.version)).where(RuleVersion.program_id == row.program_id)
    )
    row.version = int(latest or 0) + 1
    row.status = RuleVersionStatus.PUBLISHED.value
    row.valid_from, row.valid_until = valid_from, valid_until
    row.published_at, row.published_by_id = utcnow(), user.id if user is not None else None
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # another administrator published a version of this program just now
        db.session.rollback()
        raise PublishError(_("同一政策刚刚发布了另一个版本，请刷新页面后重试。")) from None
    audit.record(
        user,
        "publish_rule_version",
        f"rule_version:{row.id}",
        detail=f"{row.program_id} v{row.version} {valid_from}~{valid_until or ''}",
    )
    db.session.commit()
    return refresh_stored_results()


def withdraw(row: RuleVersion, user: User | None) -> int | None:
    """Withdraw a published version: the previous version in force (or the shipped file) applies again."""
    if row.status != RuleVersionStatus.PUBLISHED.value:
        raise PublishError(_("只有已发布的版本可以撤回。"))
    row.status = RuleVersionStatus.WITHDRAWN.value
    row.withdrawn_at, row.withdrawn_by_id = utcnow(), user.id if user is not None else None
    audit.record(
        user, "withdraw_rule_version", f"rule_version:{row.id}", detail=f"{row.program_id} v{row.version}"
    )
    db.session.commit()
    return refresh_stored_results()


# Companies re-evaluated within the publish request; above it the nightly `flask bureau refresh-eligibility`
# does it (each stored row keeps recording the version it was computed with). ~10 ms per company.
REFRESH_INLINE_LIMIT: Final = 1000


def refresh_stored_results(batch_size: int = 200) -> int | None:
    """Re-evaluate the stored results (the bureau pipeline rows) under the rules now in force: every company
    with a submitted assessment or a stored row. Returns the number of companies evaluated, or None when
    there are more than REFRESH_INLINE_LIMIT (left to the nightly refresh)."""
    from portal.bureau.aggregates import refresh_eligibility
    from portal.bureau.models import BureauProgramStatus

    submitted = sa.select(Assessment.company_id).where(Assessment.status == AssessmentStatus.SUBMITTED)
    stored = sa.select(BureauProgramStatus.company_id).where(BureauProgramStatus.synthetic.is_(False))
    ids = sorted(set(db.session.scalars(submitted.union(stored))))
    if len(ids) > REFRESH_INLINE_LIMIT:
        return None
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        for company in db.session.scalars(sa.select(Company).where(Company.id.in_(chunk))):
            refresh_eligibility(company)
        db.session.commit()
    return len(ids)


def get(version_id: int) -> RuleVersion | None:
    return db.session.get(RuleVersion, version_id)


def all_versions() -> list[RuleVersion]:
    """Every version, newest upload first."""
    return list(db.session.scalars(sa.select(RuleVersion).order_by(RuleVersion.id.desc())))


def in_force_ids() -> set[int]:
    return {v.id for v in rulesets.versions_in_force()}


def program_name(row: RuleVersion, en: bool) -> str:
    """The program's name in the file, in English when asked and given (the table keeps the Chinese one)."""
    if en:
        try:
            doc = strict_yaml.loads(row.content.encode(), source=row.filename, limits=rulesets.UPLOAD_LIMITS)
        except strict_yaml.YamlError:
            return row.name_zh
        name = doc.get("program", {}).get("name_en") if isinstance(doc, dict) else None
        if isinstance(name, str) and name.strip():
            return name.strip()
    return row.name_zh
