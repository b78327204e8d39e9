"""Evidence uploads: what may be uploaded, and by whom it may be read.

Only a few document types are accepted, recognised by their content (magic bytes), not by the name
the browser sends; files are stored outside the static folder (in the database) and are served only
through an authorised download route, as attachments with nosniff.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa

from portal.evidence.models import EvidenceFile
from portal.extensions import db
from portal.models import Assessment, AssessmentKey, User

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


class EvidenceError(ValueError):
    def __init__(self, message_zh: str, message_en: str, status: int = 400) -> None:
        super().__init__(message_en)
        self.message_zh, self.message_en, self.status = message_zh, message_en, status


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
        raise EvidenceError(
            "只能上传 PDF、PNG、JPG、Excel（xlsx）或 Word（docx）文件。",
            "Only PDF, PNG, JPG, Excel (xlsx) or Word (docx) files can be uploaded.",
        )
    if not upload.data:
        raise EvidenceError("文件是空的。", "The file is empty.")
    if len(upload.data) > MAX_BYTES:
        raise EvidenceError("文件超过 10 MB 上限。", "The file is larger than 10 MB.", 413)
    content_type, magic = TYPES[extension]
    if not upload.data.startswith(magic):
        raise EvidenceError(
            f"文件内容与扩展名 .{extension} 不符，请上传原始文件。",
            f"The file content does not match the .{extension} extension.",
        )
    return name, content_type


def add(assessment: Assessment, item_id: str, upload: Upload, user: User) -> EvidenceFile:
    if assessment.locked:
        raise EvidenceError("评估已提交并锁定，不能再上传佐证材料。", "The assessment is locked.", 409)
    from portal.assessments.services import instrument_of

    if not instrument_of(assessment).has_item(item_id):
        raise EvidenceError("没有这道题。", "Unknown item.", 404)
    count = db.session.scalar(
        sa.select(sa.func.count(EvidenceFile.id)).where(
            EvidenceFile.assessment_id == assessment.id, EvidenceFile.item_id == item_id
        )
    )
    if (count or 0) >= MAX_FILES_PER_ITEM:
        raise EvidenceError(f"每道题最多上传 {MAX_FILES_PER_ITEM} 个文件。", "Too many files for this item.")
    name, content_type = check(upload)
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
    db.session.commit()
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
        raise EvidenceError("评估已提交并锁定。", "The assessment is locked.", 409)
    row = get(assessment, file_id)
    if row is None:
        raise EvidenceError("文件不存在。", "No such file.", 404)
    db.session.delete(row)
    db.session.commit()
