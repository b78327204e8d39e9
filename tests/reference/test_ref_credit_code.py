"""统一社会信用代码 (GB 32100-2015) validation (scoring/reference/credit_code.py)."""

from __future__ import annotations

import pytest

from scoring.reference.credit_code import (
    CHARSET,
    WEIGHTS,
    CreditCodeError,
    check_char,
    is_valid,
    validate,
    with_check_char,
)

# Publicly listed codes, checked by hand against the formula:
KNOWN_VALID = [
    "91350100M000100Y43",  # the example code of GB 32100-2015
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91440300192317458F",  # 比亚迪股份有限公司
]


def test_weights_are_the_published_table() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_charset_has_31_symbols_without_i_o_z_s_v() -> None:
    assert len(CHARSET) == 31
    assert len(set(CHARSET)) == 31
    for letter in "IOZSV":
        assert letter not in CHARSET


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_valid_codes(code: str) -> None:
    result = validate(code)
    assert result.ok
    assert result.error is None
    assert result.normalized == code
    assert result.message_zh == ""


@pytest.mark.parametrize(
    "first17",
    [
        "91440300MA5FXXXX1",  # 深圳 company
        "91445200MA4X0000A",  # 揭阳 company
        "92441403MA51234BC",  # 梅县区 个体工商户
        "12440000MB2C12345",  # 事业单位
        "11100000000000000",
    ],
)
def test_with_check_char_builds_valid_codes(first17: str) -> None:
    code = with_check_char(first17)
    assert len(code) == 18
    assert code.startswith(first17)
    assert is_valid(code)
    # every other check character is rejected, naming the right one
    for wrong in CHARSET:
        if wrong == code[17]:
            continue
        result = validate(code[:17] + wrong)
        assert not result.ok
        assert result.error is CreditCodeError.BAD_CHECK_CHAR
        assert result.expected == code[17]


def test_check_char_31_is_written_as_zero() -> None:
    # Σ = 0 → 31 − 0 = 31 → "0"
    assert check_char("0" * 17) == "0"
    assert is_valid("0" * 18)


def test_check_char_matches_known_codes() -> None:
    for code in KNOWN_VALID:
        assert check_char(code[:17]) == code[17]


def test_wrong_check_char_message() -> None:
    result = validate("91350100M000100Y44")
    assert not result.ok
    assert result.error is CreditCodeError.BAD_CHECK_CHAR
    assert result.position == 18
    assert result.message_zh == "校验码错误：第18位应为“3”，您输入的是“4”"
    assert "should be “3”" in result.message_en
    assert "“4”" in result.message_en


@pytest.mark.parametrize(("code", "length"), [("91350100M000100Y4", 17), ("91350100M000100Y433", 19)])
def test_wrong_length(code: str, length: int) -> None:
    result = validate(code)
    assert result.error is CreditCodeError.WRONG_LENGTH
    assert result.message_zh == f"统一社会信用代码应为18位，您输入了{length}位"
    assert str(length) in result.message_en


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_illegal_letters_are_named_with_position(letter: str) -> None:
    code = "9135" + letter + "100M000100Y43"
    result = validate(code)
    assert result.error is CreditCodeError.ILLEGAL_CHAR
    assert result.position == 5
    assert result.message_zh == f"第5位字符“{letter}”不合法：只能是数字或除 I、O、Z、S、V 以外的大写字母"
    assert f"Character 5 “{letter}”" in result.message_en


def test_lowercase_is_normalised_then_checked() -> None:
    assert validate("9144030071526726xg").ok
    assert validate("9144030071526726xg").normalized == "9144030071526726XG"
    lower_o = validate("9135o100M000100Y43")  # lowercase o is still the illegal letter O
    assert lower_o.error is CreditCodeError.ILLEGAL_CHAR
    assert "“O”" in lower_o.message_zh


def test_spaces_and_full_width_are_normalised() -> None:
    spaced = validate(" 9135 0100 M000 100Y 43 ")
    assert spaced.ok
    assert spaced.normalized == "91350100M000100Y43"
    assert validate("９１３５０１００Ｍ０００１００Ｙ４３").ok  # full-width input from a Chinese IME
    assert validate("91350100M000100Y43\u3000").ok  # ideographic space


@pytest.mark.parametrize("code", ["", "   ", "\u3000"])
def test_empty(code: str) -> None:
    result = validate(code)
    assert result.error is CreditCodeError.EMPTY
    assert result.message_zh


def test_punctuation_is_an_illegal_char() -> None:
    result = validate("91350100-000100Y43")
    assert result.error is CreditCodeError.ILLEGAL_CHAR
    assert result.position == 9


def test_with_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        with_check_char("9144030071526726")  # 16 characters
    with pytest.raises(ValueError):
        with_check_char("9144030071526726XG")  # already 18
    with pytest.raises(ValueError):
        with_check_char("91440300I15267260")  # contains I
