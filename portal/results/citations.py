"""Where a roadmap measure comes from, as a company can read it.

The roadmap catalogue cites its policy sources the way its authors checked them: a document code, the
section, the line numbers in the seed text and sometimes a quote ("D8 专栏2 L2248 “…”; D2 第九条 L418").
A company reads the document's name and the section instead:
《广东省制造业数字化转型实施方案（2021—2025年）》专栏2；《先进制造业发展专项资金（企业技术改造）管理实施细则》第九条.
Line numbers and quotes stay in the catalogue.
"""

from __future__ import annotations

import re
from typing import Final

# The documents the roadmap catalogue cites, by code (policy/seed002_digest.md and the Jieyang seeds).
DOCUMENTS: Final[dict[str, str]] = {
    "D2": "《先进制造业发展专项资金（企业技术改造）管理实施细则》",
    "D8": "《广东省制造业数字化转型实施方案（2021—2025年）》",
    "D9": "《广东省制造业数字化转型若干政策措施》",
    "D10": "《关于开展2022年省级促进经济高质量发展专项资金制造业数字化转型标杆示范项目入库储备的通知》",
    "J-AMI": "《揭阳市先进制造业发展和信息化“十四五”规划》",
    "J-STI": "《揭阳市科技创新“十四五”规划》",
    "J-TU": "《揭阳市工业企业技术改造三年行动计划实施方案（2018—2020年）》",
}

_CODE = re.compile(r"^(?P<code>[A-Z]+-?[A-Z0-9]*\d*)\s*(?P<rest>.*)$")
_LINES = re.compile(r"\bL\d+(?:-\d+)?\b,?")
_QUOTE = re.compile(r"“[^”]*”")


def readable(source: str) -> str:
    """The citation with document names for codes, without line numbers or quotes; a part citing an
    unknown document is left out rather than shown as a code."""
    parts: list[str] = []
    for part in source.split(";"):
        match = _CODE.match(part.strip())
        if match is None or match["code"] not in DOCUMENTS:
            continue
        section = _QUOTE.sub("", _LINES.sub("", match["rest"])).strip(" ,，")
        cited = DOCUMENTS[match["code"]] + (section if section else "")
        if cited not in parts:
            parts.append(cited)
    return "；".join(parts)


# The eligibility rules cite each programme's document by its number (文号, the data in scoring/rules); people
# cite a document as 《名称》（文号）. Titles from policy/seed002_digest.md, local_plans_digest.md and
# (pilot_cities_2023_2026.md names the pilot notices by number only, so they are cited by number).
TITLES_BY_NUMBER: Final[dict[str, str]] = {
    "粤工信规字〔2021〕5号": "先进制造业发展专项资金（企业技术改造）管理实施细则",
    "粤工信技改函〔2021〕45号": "先进制造业发展专项资金（普惠性制造业投资奖励）管理实施细则",
    "工信厅企业函〔2021〕79号": "工业和信息化部办公厅关于开展第三批专精特新“小巨人”企业培育工作的通知",
    "粤工信规字〔2020〕3号": "广东省工业和信息化厅专精特新中小企业遴选办法",
    "粤工信工业互联网函〔2021〕32号": (
        "关于开展2022年省级促进经济高质量发展专项资金制造业数字化转型标杆示范项目入库储备的通知"
    ),
    "揭市经信[2018]119号": "揭阳市工业企业技术改造三年行动计划实施方案（2018—2020年）及2018年主要工作安排",
}
_NUMBER = re.compile(r"[^\s、，,（(]+?(?:〔\d{4}〕|\[\d{4}\])\d+号")


def cite_document(document: str) -> str:
    """《名称》（文号） for each document number a rule's source names; the number alone where the title
    is not known; the source's own words where it names no number."""
    numbers = _NUMBER.findall(document)
    if not numbers:
        return document
    parts = []
    for number in numbers:
        title = TITLES_BY_NUMBER.get(number)
        parts.append(f"《{title}》（{number}）" if title else number)
    return "、".join(parts)
