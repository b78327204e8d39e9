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


_NUMERALS: Final = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def _number(chinese: str) -> str:
    """一 … 九十九 as digits ('十二' → '12'); anything else as it is."""
    if chinese.isdigit():
        return chinese
    if not chinese or any(c not in _NUMERALS for c in chinese):
        return chinese
    if "十" not in chinese:
        return str(_NUMERALS[chinese]) if len(chinese) == 1 else chinese
    tens, _ten, ones = chinese.partition("十")
    return str((_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[ones] if ones else 0))


_BOX = re.compile(r"专栏\s*(\d+)")
_ARTICLE = re.compile(r"第([一二三四五六七八九十\d]+)条")
_PART = re.compile(r"^([一二三四五六七八九十]+)(?:[(（]([一二三四五六七八九十\d]+)[)）])?$")


def section_in_english(section: str) -> str:
    """A section reference of a Chinese policy text as an English reader cites it: 专栏2 → Box 2,
    第九条 → Article 9, 四(二) → Part 4 (2); anything else is left as written."""
    section = _BOX.sub(lambda m: f"Box {m[1]}", section)
    section = _ARTICLE.sub(lambda m: f"Article {_number(m[1])}", section)
    if part := _PART.match(section.strip()):
        return f"Part {_number(part[1])}" + (f" ({_number(part[2])})" if part[2] else "")
    return section


def readable(source: str, english: bool = False) -> str:
    """The citation with document names for codes, without line numbers or quotes; a part citing an
    unknown document is left out rather than shown as a code. The document's name is its Chinese title
    (people find it by that name); in English the section is cited in English ("Box 2")."""
    parts: list[str] = []
    for part in source.split(";"):
        match = _CODE.match(part.strip())
        if match is None or match["code"] not in DOCUMENTS:
            continue
        section = _QUOTE.sub("", _LINES.sub("", match["rest"])).strip(" ,，")
        if english and section:
            section = " " + section_in_english(section)
        cited = DOCUMENTS[match["code"]] + section
        if cited not in parts:
            parts.append(cited)
    return ("; " if english else "；").join(parts)


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
