"""Plan sources as people cite them: 《文件名》（文号）, never the catalogue's document codes, seed folders,
digest files or line numbers (those stay in the catalogue data for maintainers)."""

from __future__ import annotations

import re
from typing import Final

_CODE: Final = re.compile(r"^[A-Z][A-Z0-9-]*\s+")  # "D8 ", "J-AMI "
_SEED: Final = re.compile(r"\s*\((?:seeds?|seed)/[^)]*\)\s*$")  # " (seeds/002)"
_DOC_NO: Final = re.compile(r"\s*([\u4e00-\u9fff]+[〔\[]\d{4}[〕\]]\d+号)$")  # 粤府〔2021〕45号
_ANNEX: Final = re.compile(r"\s*(附表\d+|附件\d+)$")
_LINE_REF: Final = re.compile(r"[,，、;；]?\s*\b[A-Z][A-Z0-9-]*\s+L\d+(?:[-–]\d+)?")  # ", D12 L2984"


def citation(source_document: str) -> str:
    """'D8 广东省…实施方案（2021—2025年）粤府〔2021〕45号 (seeds/002)' →
    '《广东省…实施方案（2021—2025年）》（粤府〔2021〕45号）'."""
    text = _SEED.sub("", _CODE.sub("", source_document.strip()))
    number = ""
    found = _DOC_NO.search(text)
    if found:
        number, text = found.group(1), text[: found.start()].strip()
    part = ""
    annex = _ANNEX.search(text)
    if annex:
        part, text = annex.group(1), text[: annex.start()].strip()
    if "《" not in text:
        text = f"《{text}》"
    return f"{text}{f'（{number}）' if number else ''}{part}"


def without_line_refs(text: str | None) -> str:
    """A baseline or target note without the catalogue's '(D12 L2984)' references."""
    if not text:
        return ""
    cleaned = _LINE_REF.sub("", text)
    return cleaned.replace("（）", "").replace("()", "").strip()
