"""Evidence uploads: what may be uploaded, and by whom it may be read.

Only a few document types are accepted, recognised by their content (magic bytes), not by the name
the browser sends; files are stored outside the static folder (in the database) and are served only
through an authorised download route, as attachments with nosniff.

Limits that hold under concurrent uploads: at most MAX_FILES_PER_ITEM files per item and at most the
company's storage quota (EVIDENCE_QUOTA_MB, default 500) over all its assessments. Both are counted while
the company's row is locked (`_lock_company`), so two uploads of one company never both pass a check the
other one's file would have failed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.config import DEFAULT_EVIDENCE_QUOTA_MB
from portal.errors import PortalError
from portal.evidence.models import EvidenceFile
from portal.extensions import db
from portal.models import Assessment, AssessmentKey, AssessmentStatus, Company, User

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_ITEM = 10

# extension -> (content type, test on the first bytes)
_ZIP = b"PK\x03\x04"
TYPES: dict[str, tuple[str, bytes]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
}


class EvidenceError(PortalError):
    """A file or an upload the evidence feature refuses (the views flash it; 404s become the 404 page)."""


LOCKED = _l("评估已提交并锁定，不能再上传佐证材料。")


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def safe_filename(name: str) -> str:
    """Keep letters (incl. Chinese), digits, dot, dash, underscore; no paths."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\-（）() ]+", "_", name).strip(" .") or "file"
    return name[-120:]


def check(upload: Upload) -> tuple[str, str]:
    """(safe name, content type) or EvidenceError saying what is wrong."""
    name = safe_filename(upload.filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in TYPES:
        raise EvidenceError(400, _l("只能上传 PDF、PNG、JPG、Excel（xlsx）或 Word（docx）文件。"))
    if not upload.data:
        raise EvidenceError(400, _l("文件是空的。"))
    if len(upload.data) > MAX_BYTES:
        raise EvidenceError(413, _l("文件超过 10 MB 上限。"))
    content_type, magic = TYPES[extension]
    if not upload.data.startswith(magic):
        raise EvidenceError(
            400, _l("文件内容与扩展名 .%(extension)s 不符，请上传原始文件。", extension=extension)
        )
    return name, content_type


def quota_bytes() -> int:
    """The company storage quota (EVIDENCE_QUOTA_MB, validated at start by portal/config.py)."""
    return int(current_app.config.get("EVIDENCE_QUOTA_BYTES") or DEFAULT_EVIDENCE_QUOTA_MB * 1024 * 1024)


def company_usage(company_id: int) -> int:
    """Bytes of evidence stored by the company, over all its assessments."""
    used = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(EvidenceFile.size), 0))
        .join(Assessment, Assessment.id == EvidenceFile.assessment_id)
        .where(Assessment.company_id == company_id)
    )
    return int(used or 0)


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def usage_text(company_id: int) -> str:
    """The company's evidence storage, used of limit, for the upload panel's messages (current language)."""
    used, limit = human_size(company_usage(company_id)), human_size(quota_bytes())
    return _("企业佐证材料已用 %(used)s / %(limit)s", used=used, limit=limit)


def _lock_company(company_id: int) -> None:
    """Serialise the company's uploads until this transaction ends.

    PostgreSQL: the company row, FOR UPDATE. SQLite ignores FOR UPDATE, but the first write of a
    transaction takes the database's write lock (other writers wait for it, busy timeout), so there it is
    an UPDATE that changes nothing. Either way the counts read after this see every upload committed before.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(Company.id).where(Company.id == company_id).with_for_update())
        return
    table = Company.__table__
    db.session.execute(
        table.update()
        .where(table.c.id == company_id)
        .values(id=table.c.id, updated_at=table.c.updated_at)  # no change (and no onupdate timestamp)
    )


def _check_limits(assessment: Assessment, item_id: str, size: int) -> None:
    """Under the company lock: still a draft, room on the item, room in the company's quota."""
    status = db.session.scalar(
        sa.select(Assessment.status).where(Assessment.id == assessment.id).with_for_update()
    )
    if status is not AssessmentStatus.DRAFT:  # submitted meanwhile
        raise EvidenceError(409, LOCKED)
    count = db.session.scalar(
        sa.select(sa.func.count(EvidenceFile.id)).where(
            EvidenceFile.assessment_id == assessment.id, EvidenceFile.item_id == item_id
        )
    )
    if (count or 0) >= MAX_FILES_PER_ITEM:
        raise EvidenceError(400, _l("每道题最多上传 %(count)s 个文件。", count=MAX_FILES_PER_ITEM))
    used, limit = company_usage(assessment.company_id), quota_bytes()
    if used + size > limit:
        raise EvidenceError(
            413,
            _l(
                "企业佐证材料存储空间不足：已用 %(used)s，上限 %(limit)s，本文件 %(size)s。"
                "请删除不再需要的文件后再上传。",
                used=human_size(used),
                limit=human_size(limit),
                size=human_size(size),
            ),
        )


def add(assessment: Assessment, item_id: str, upload: Upload, user: User) -> EvidenceFile:
    if assessment.locked:
        raise EvidenceError(409, LOCKED)
    from portal.instruments import instrument_of

    if not instrument_of(assessment).has_item(item_id):
        raise EvidenceError(404, _l("没有这道题。"))
    name, content_type = check(upload)  # before the lock: a bad file neither waits nor blocks others
    try:
        _lock_company(assessment.company_id)
        _check_limits(assessment, item_id, len(upload.data))
        row = EvidenceFile(
            assessment_id=assessment.id,
            item_id=item_id,
            filename=name,
            content_type=content_type,
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            data=upload.data,
            uploaded_by_id=user.id,
        )
        db.session.add(row)
        db.session.commit()  # releases the lock
    except Exception:
        db.session.rollback()  # releases the lock; nothing of the refused file is kept
        raise
    return row


def files_by_item(assessment: AssessmentKey) -> dict[str, list[EvidenceFile]]:
    rows = db.session.scalars(
        sa.select(EvidenceFile).where(EvidenceFile.assessment_id == assessment.id).order_by(EvidenceFile.id)
    )
    out: dict[str, list[EvidenceFile]] = {}
    for row in rows:
        out.setdefault(row.item_id, []).append(row)
    return out


def get(assessment: Assessment, file_id: int) -> EvidenceFile | None:
    row = db.session.get(EvidenceFile, file_id)
    return row if row is not None and row.assessment_id == assessment.id else None


def delete(assessment: Assessment, file_id: int) -> None:
    if assessment.locked:
        raise EvidenceError(409, _l("评估已提交并锁定。"))
    row = get(assessment, file_id)
    if row is None:
        raise EvidenceError(404, _l("文件不存在。"))
    db.session.delete(row)
    db.session.commit()
