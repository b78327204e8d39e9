"""统一社会信用代码 (Unified Social Credit Code) check per GB 32100-2015.

GB 32100-2015《法人和其他组织统一社会信用代码编码规则》:
- 18 characters: 登记管理部门码 (1) + 机构类别码 (1) + 登记管理机关行政区划码 (6)
  + 主体标识码 (9) + 校验码 (1).
- Character set (代码字符集): digits 0-9 and the capital letters except I, O, Z, S, V (31 symbols);
  their values are their positions in CHARSET (0–30).
- Check character (校验码): C18 = 31 − MOD(Σ Ci × Wi, 31) for i = 1..17, with Wi = 3^(i−1) MOD 31;
  a result of 31 is written as 0. WEIGHTS below is computed from that formula and asserted against the
  published table 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28 in tests/reference/test_ref_credit_code.py.
We check only length, character set and check character. DECISION: we do not check the code-table meaning of
positions 1–8 (registration authority, organisation type, 行政区划码), because those tables change and a
wrong guess would reject real companies; GB 11714 check of the embedded 组织机构代码 is not done either.
Input normalisation: NFKC (full-width "９１４４" from Chinese IMEs → "9144"), all whitespace removed,
uppercase.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

LENGTH: Final = 18
CHARSET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, Z, S, V
WEIGHTS: Final[tuple[int, ...]] = tuple(pow(3, i, 31) for i in range(LENGTH - 1))  # Wi = 3^(i-1) MOD 31
_VALUE: Final[dict[str, int]] = {ch: i for i, ch in enumerate(CHARSET)}


class CreditCodeError(StrEnum):
    EMPTY = "empty"
    WRONG_LENGTH = "wrong_length"
    ILLEGAL_CHAR = "illegal_char"
    BAD_CHECK_CHAR = "bad_check_char"


@dataclass(frozen=True, slots=True)
class CreditCodeResult:
    """Outcome of validate(). On error, `position` (1-based) and the messages say which character is wrong."""

    ok: bool
    normalized: str
    error: CreditCodeError | None = None
    message_zh: str = ""
    message_en: str = ""
    position: int | None = None
    expected: str | None = None  # the correct check character for BAD_CHECK_CHAR


def normalize(code: str) -> str:
    """NFKC-fold (full-width → ASCII), drop all whitespace, uppercase."""
    folded = unicodedata.normalize("NFKC", code)
    return "".join(ch for ch in folded if not ch.isspace()).upper()


def _check_char(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    value = 31 - total % 31
    return CHARSET[0 if value == 31 else value]


def _illegal(code: str) -> tuple[int, str] | None:
    for i, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            return i, ch
    return None


def _illegal_result(normalized: str, position: int, ch: str) -> CreditCodeResult:
    return CreditCodeResult(
        ok=False,
        normalized=normalized,
        error=CreditCodeError.ILLEGAL_CHAR,
        message_zh=f"第{position}位字符“{ch}”不合法：只能是数字或除 I、O、Z、S、V 以外的大写字母",
        message_en=(
            f"Character {position} “{ch}” is not allowed: use digits or capital letters "
            "other than I, O, Z, S, V"
        ),
        position=position,
    )


def validate(code: str) -> CreditCodeResult:
    """Check a 统一社会信用代码; the result says which rule failed and where."""
    normalized = normalize(code)
    if not normalized:
        return CreditCodeResult(
            ok=False,
            normalized="",
            error=CreditCodeError.EMPTY,
            message_zh="请输入统一社会信用代码",
            message_en="Please enter the unified social credit code",
        )
    if len(normalized) != LENGTH:
        return CreditCodeResult(
            ok=False,
            normalized=normalized,
            error=CreditCodeError.WRONG_LENGTH,
            message_zh=f"统一社会信用代码应为18位，您输入了{len(normalized)}位",
            message_en=f"The unified social credit code has 18 characters; you entered {len(normalized)}",
        )
    bad = _illegal(normalized)
    if bad is not None:
        return _illegal_result(normalized, *bad)
    expected = _check_char(normalized[:17])
    given = normalized[17]
    if given != expected:
        return CreditCodeResult(
            ok=False,
            normalized=normalized,
            error=CreditCodeError.BAD_CHECK_CHAR,
            message_zh=f"校验码错误：第18位应为“{expected}”，您输入的是“{given}”",
            message_en=f"Wrong check character: character 18 should be “{expected}”, you entered “{given}”",
            position=LENGTH,
            expected=expected,
        )
    return CreditCodeResult(ok=True, normalized=normalized)


def is_valid(code: str) -> bool:
    return validate(code).ok


def check_char(first17: str) -> str:
    """The check character (第18位) for the first 17 characters; ValueError if they are malformed."""
    body = normalize(first17)
    if len(body) != LENGTH - 1:
        raise ValueError(f"need 17 characters, got {len(body)}")
    bad = _illegal(body)
    if bad is not None:
        raise ValueError(_illegal_result(body, *bad).message_en)
    return _check_char(body)


def with_check_char(first17: str) -> str:
    """A complete, valid 18-character code built from its first 17 characters (used for demo data)."""
    body = normalize(first17)
    return body + check_char(body)
