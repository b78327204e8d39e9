"""Input robustness of the eligibility contract, shared by the CLI and the API (issue 18)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from elig_support import payload, reason, result

from scoring.eligibility import PayloadError, evaluate_json, loads_payload
from scoring.reference.credit_code import with_check_char

ROOT = Path(__file__).resolve().parents[2]
Z = "gd_zjtx_sme"


def _cli(path: str, stdin: bytes = b"") -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "scoring", "eligibility", path],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    return done.returncode, json.loads(done.stdout.decode("utf-8"))


def _errors(body: dict[str, Any]) -> dict[str, dict[str, str]]:
    code, out = evaluate_json(body)
    assert code == 400, out
    return {e["field"]: e for e in out["errors"]}


def test_a_utf8_bom_is_accepted_by_the_cli_file_stdin_and_the_reader(tmp_path: Path) -> None:
    text = json.dumps(payload(Z), ensure_ascii=False)
    f = tmp_path / "profile.json"
    f.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    code, body = _cli(str(f))
    assert code == 0 and body["city"] == "揭阳市"
    code, body = _cli("-", b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert code == 0 and body["city"] == "揭阳市"
    assert loads_payload("\ufeff" + text) == payload(Z)


def test_a_repeated_key_is_refused_naming_it(tmp_path: Path) -> None:
    text = '{"as_of": "2021-06-01", "company": {"city": "揭阳市", "revenue_wan": 1, "revenue_wan": 2}}'
    with pytest.raises(PayloadError) as caught:
        loads_payload(text)
    assert "revenue_wan" in caught.value.message_zh and "duplicate key" in caught.value.message_en
    f = tmp_path / "dup.json"
    f.write_text(text, encoding="utf-8")
    code, body = _cli(str(f))
    (error,) = body["errors"]
    assert code == 2
    assert error["field"] == "" and "重复" in error["message"] and error["message"] == error["message_zh"]


@pytest.mark.parametrize("text", ['{"a": NaN}', '{"a": Infinity}', "[" * 100_000, '{"a": 1', b"\xff\xfe{}"])
def test_text_that_is_not_json_is_a_payload_error(text: str | bytes) -> None:
    with pytest.raises(PayloadError) as caught:
        loads_payload(text)
    assert caught.value.message_zh and caught.value.message_en


@pytest.mark.parametrize(
    ("name", "parent_zh", "parent_en"), [("普宁市", "揭阳市", "Jieyang"), ("兴宁", "梅州市", "Meizhou")]
)
def test_a_county_level_city_names_its_prefecture_level_city(
    name: str, parent_zh: str, parent_en: str
) -> None:
    error = _errors(payload(Z, company={"city": name}))["company.city"]
    assert parent_zh in error["message_zh"] and "县级市" in error["message_zh"]
    assert parent_en in error["message_en"] and "county-level city" in error["message_en"]


def test_an_unknown_place_still_lists_the_21_cities() -> None:
    assert "21" in _errors(payload(Z, company={"city": "纽约"}))["company.city"]["message_zh"]


def test_main_business_revenue_above_revenue_is_refused() -> None:
    error = _errors(payload(Z, company={"revenue_wan": 1000, "main_business_revenue_wan": 1200}))
    message = error["company.main_business_revenue_wan"]
    assert "不能大于营业收入" in message["message_zh"] and "1,200" in message["message_zh"]


def test_a_share_that_cannot_be_derived_is_said_so() -> None:
    code, body = evaluate_json(payload(Z, company={"revenue_wan": 0, "main_business_revenue_wan": 0}))
    assert code == 200
    (note,) = [d for d in body["derived"] if d["field"] == "main_business_share_pct"]
    assert note["value"] is None
    assert "营业收入为 0" in note["message_zh"] and "cannot be derived" in note["message_en"]


def test_a_derived_share_is_reported() -> None:
    _code, body = evaluate_json(payload(Z))
    (note,) = [d for d in body["derived"] if d["field"] == "main_business_share_pct"]
    assert note["value"] == pytest.approx(91.6667)


@pytest.mark.parametrize(("division", "inside"), [("445200", True), ("110105", False)])
def test_registered_in_guangdong_is_derived_from_the_credit_code(division: str, inside: bool) -> None:
    code = with_check_char(f"91{division}MA4W12345")
    body = payload(Z, company={"credit_code": code}, drop=("registered_in_guangdong",))
    status, out = evaluate_json(body)
    assert status == 200
    (note,) = [d for d in out["derived"] if d["field"] == "registered_in_guangdong"]
    assert note["value"] is inside and division in note["message_zh"]
    r = next(x for x in out["results"] if x["program"] == Z)
    assert reason(r, "registered_in_guangdong")["passed"] is inside


def test_a_given_value_is_never_replaced_by_a_derived_one() -> None:
    code = with_check_char("91110105MA4W12345")
    status, out = evaluate_json(payload(Z, company={"credit_code": code, "registered_in_guangdong": True}))
    assert status == 200
    assert not [d for d in out["derived"] if d["field"] == "registered_in_guangdong"]


def test_a_wrong_credit_code_is_refused_with_the_libraries_message() -> None:
    good = with_check_char("91445200MA4W12345")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    error = _errors(payload(Z, company={"credit_code": bad}))["company.credit_code"]
    assert "校验码" in error["message_zh"]


def test_sme_size_class_is_derived_by_the_300_rule_when_absent() -> None:
    company = {"sector": "manufacturing", "employees": 180, "revenue_wan": 12000, "total_assets_wan": 9000}
    r = result(Z, company=company, drop=("sme_size_class",))
    assert reason(r, "sme")["passed"] is True
    _status, out = evaluate_json(payload(Z, company=company, drop=("sme_size_class",)))
    (note,) = [d for d in out["derived"] if d["field"] == "sme_size_class"]
    assert note["value"] == "small"
    assert "300号" in note["message_zh"]
    large = {**company, "employees": 1200, "revenue_wan": 50000}
    r = result(Z, company=large, drop=("sme_size_class",))
    assert reason(r, "sme")["passed"] is False


def test_services_firms_are_not_sized_without_a_300_industry() -> None:
    status, out = evaluate_json(payload(Z, company={"sector": "services"}, drop=("sme_size_class",)))
    assert status == 200
    assert not [d for d in out["derived"] if d["field"] == "sme_size_class"]
