"""Company facts the engine works out from what the company already told us, instead of asking again.

- ``main_business_share_pct`` = main-business revenue ÷ revenue, unrounded (rounding happens only when shown:
  69.996 % must not pass "达70%以上").
- ``registered_in_guangdong`` from the 统一社会信用代码: characters 3–8 are the registering authority's
  administrative division code (GB 32100-2015), and 44… is 广东省.
- ``sme_size_class`` from sector, employees, revenue and total assets by 工信部联企业〔2011〕300号
  (``scoring.reference.sme_size``).

A value the caller gave is never replaced. Every derived value (and every share that cannot be derived) is
reported with the result, so people see where a fact came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from scoring.eligibility.model import Derivation, number
from scoring.reference.sme_size import SIZE_NAMES_EN, SIZE_NAMES_ZH, classify

GUANGDONG_DIVISION: Final = "44"
# Province-level division codes (GB/T 2260): any of them but 44 means registered outside Guangdong.
_PROVINCES: Final = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}
)
# The engine's sector choices → the 300号 industry that sizes them; services and "other" span several.
_SIZE_SECTOR: Final = {
    "manufacturing": "industry",
    "mining": "industry",
    "utilities": "industry",
    "construction": "construction",
}


def _absent(company: Mapping[str, Any], name: str) -> bool:
    return company.get(name) is None


def _share(company: dict[str, Any], notes: list[Derivation]) -> None:
    main, total = company.get("main_business_revenue_wan"), company.get("revenue_wan")
    if not (isinstance(main, Decimal) and isinstance(total, Decimal)):
        return
    if total <= 0:
        notes.append(
            Derivation(
                "main_business_share_pct",
                None,
                "上年度营业收入为 0，无法计算主营业务收入占营业收入比重；请直接填写该比重",
                "revenue last year is 0, so the main-business share of revenue cannot be derived; "
                "enter the share itself",
            )
        )
        return
    share = main / total * 100
    company["main_business_share_pct"] = share
    shown = number(share)
    notes.append(
        Derivation(
            "main_business_share_pct",
            shown,
            f"主营业务收入占营业收入比重 {shown}%，"
            f"由主营业务收入 {number(main)} 万元 ÷ 营业收入 {number(total)} 万元计算",
            f"main-business share of revenue {shown} %, derived as main-business revenue {number(main)} "
            f"÷ revenue {number(total)} (10k CNY)",
        )
    )


def _registered(company: dict[str, Any], notes: list[Derivation]) -> None:
    code = company.get("credit_code")
    if not isinstance(code, str) or len(code) != 18:
        return
    province = code[2:4]
    if province not in _PROVINCES:
        return
    inside = province == GUANGDONG_DIVISION
    company["registered_in_guangdong"] = inside
    division = code[2:8]
    notes.append(
        Derivation(
            "registered_in_guangdong",
            inside,
            f"在广东省登记注册：{'是' if inside else '否'}"
            f"（统一社会信用代码的登记管理机关行政区划码为 {division}）",
            f"registered in Guangdong: {'yes' if inside else 'no'} (the credit code's division code is "
            f"{division})",
        )
    )


def _size(company: dict[str, Any], notes: list[Derivation]) -> None:
    sector = _SIZE_SECTOR.get(str(company.get("sector")))
    if sector is None:
        return

    def num(name: str) -> float | None:
        value = company.get(name)
        return float(value) if isinstance(value, Decimal) else None

    employees = company.get("employees")
    result = classify(
        sector,
        int(employees) if isinstance(employees, Decimal) else None,
        num("revenue_wan"),
        num("total_assets_wan"),
    )
    if result.size is None:
        return
    company["sme_size_class"] = result.size.value
    notes.append(
        Derivation(
            "sme_size_class",
            result.size.value,
            f"企业规模：{SIZE_NAMES_ZH[result.size]}，按《中小企业划型标准规定》（工信部联企业〔2011〕300号）"
            f"由行业、从业人员、营业收入和资产总额划型（{result.rule_zh}）",
            f"size class: {SIZE_NAMES_EN[result.size]}, derived by MIIT 2011 No. 300 from sector, employees, "
            f"revenue and total assets ({result.rule_en})",
        )
    )


def derive_company(company: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[Derivation, ...]]:
    """The company fields with derivable facts filled in where the caller left them out, and the notes."""
    out = dict(company)
    notes: list[Derivation] = []
    if _absent(out, "main_business_share_pct"):
        _share(out, notes)
    if _absent(out, "registered_in_guangdong"):
        _registered(out, notes)
    if _absent(out, "sme_size_class"):
        _size(out, notes)
    return out, tuple(notes)
