"""Contradictions a reviewer would catch at once are warned about, naming both sides; consistent answers
give no warning."""

from __future__ import annotations

from typing import Any

import questionnaires
from questionnaires.consistency import warnings

GD = questionnaires.latest_published("gd-mfg-dt")
PROFILE = {"employees": 186, "revenue_wan": 12800}


def _messages(answers: dict[str, Any], facts: dict[str, Any] | None = None) -> list[str]:
    return [w.message_zh for w in warnings(GD, answers, facts if facts is not None else PROFILE)]


def test_networked_devices_above_all_devices() -> None:
    evidence = {"production_devices_total": 10, "networked_devices": 50}
    [message] = _messages({"cloud.equipment.networked_share": {"value": "B", "evidence": evidence}})
    assert "已联网设备数（50 台）多于生产设备总数（10 台）" in message
    evidence["networked_devices"] = 10
    assert _messages({"cloud.equipment.networked_share": {"value": "B", "evidence": evidence}}) == []


def test_it_staff_not_fewer_than_employees_and_employees_far_from_the_profile() -> None:
    found = _messages({"org.employees": 35, "org.digital_staff": 35})
    assert any("专职信息化/数字化人员（35 人）不少于企业员工总数（35 人）" in m for m in found)
    assert any("企业员工总数 35 人，而企业资料中的从业人员为 186 人" in m for m in found)
    assert _messages({"org.employees": 180, "org.digital_staff": 6}) == []  # within 20 % of the profile


def test_tsn_without_a_production_network() -> None:
    [message] = _messages({"net.tsn": True, "net.intranet": "A"})
    assert "TSN 需要生产网络" in message
    assert _messages({"net.tsn": True, "net.intranet": "C"}) == []
    assert _messages({"net.tsn": False, "net.intranet": "A"}) == []


def test_unknown_profile_figures_and_unanswered_items_give_no_warning() -> None:
    assert _messages({"org.employees": 35}, facts={}) == []
    assert _messages({}) == []


def test_every_check_names_items_of_the_published_instrument() -> None:
    from questionnaires.consistency import CHECKS

    for check in CHECKS["gd-mfg-dt"]:
        for attribute in ("item_id", "other_id"):
            if hasattr(check, attribute):
                assert GD.has_item(getattr(check, attribute)), getattr(check, attribute)
