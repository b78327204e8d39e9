"""Matching solutions to roadmap actions: the formula on a small catalogue whose ranking is obvious,
reasons shown, hidden solutions never matched, the result page lists the top three per action."""

from __future__ import annotations

from typing import Any

from fixture_types import LoginAs
from tests_support import Factory, submitted

from portal.models import ProviderOrg, Role, Solution
from portal.providers import matching, services
from portal.providers.matching import Offer

ACTION = {"action_id": "cloud_equipment_realtime", "module_id": "cloud", "title_zh": "设备上云"}
PROFILE = {"cluster": "c05", "size": "small", "city": "揭阳市"}


def offer(n: int, **fields: Any) -> Offer:
    return Offer(solution_id=n, name=f"方案{n}", org_id=n, org_name=f"服务商{n}", **fields)


REALTIME = frozenset({"cloud_equipment_realtime"})


def test_ranking_on_a_small_catalogue() -> None:
    best = offer(
        1,
        actions=REALTIME,
        clusters=frozenset({"c05"}),
        sizes=frozenset({"small"}),
        cities_served=frozenset({"揭阳市"}),
        support_listed=True,
        support_verified=True,
        provider_verified=True,
    )
    nearby = offer(2, actions=REALTIME, cities_served=frozenset({"揭阳市"}))
    elsewhere = offer(3, actions=REALTIME, clusters=frozenset({"c01"}))
    unrelated = offer(4, actions=frozenset({"green_energy_monitoring"}), clusters=frozenset({"c05"}))
    ranked = matching.rank(ACTION, PROFILE, [unrelated, elsewhere, nearby, best])
    assert [m.offer.solution_id for m in ranked] == [1, 2, 3]
    assert ranked[0].score == 100
    assert [r.component for r in ranked[0].reasons] == [
        "gap",
        "cluster",
        "size",
        "city",
        "support",
        "verified",
    ]
    # measure 35 + every cluster 10 + every size 8 + city 15
    assert ranked[1].score == 35 + 10 + 8 + 15
    # measure 35 + other cluster 0 + every size 8
    assert ranked[2].score == 35 + 8
    assert all(m.score == sum(r.points for r in m.reasons) for m in ranked)


def test_reasons_are_readable() -> None:
    match = matching.score(ACTION, PROFILE, offer(1, actions=REALTIME, support_listed=True))
    assert match is not None
    texts = [r.text_zh for r in match.reasons]
    assert "提供本项措施（设备上云上平台）" in texts
    assert "服务商声明可享受省级支持（待平台核实）" in texts


def test_sharing_the_dimension_or_the_cloud_kind_is_not_enough() -> None:
    # the examples: a device-networking kit for "建立安全管理制度", an MES for another software gap
    kit = offer(
        1,
        modules=frozenset({"equip", "cloud", "data"}),
        cloud_kinds=frozenset({"cloud_equipment"}),
        actions=frozenset({"cloud_equipment_dumb_devices"}),
        clusters=frozenset({"c05"}),
        sizes=frozenset({"small"}),
        cities_served=frozenset({"揭阳市"}),
        support_verified=True,
        provider_verified=True,
    )
    security = {"action_id": "data_security_baseline", "module_id": "data"}
    assert matching.rank(security, PROFILE, [kit]) == []
    assert matching.rank(ACTION, PROFILE, [kit]) == []  # same kind (设备上云), another measure
    mes = offer(2, modules=frozenset({"software"}), actions=frozenset({"software_mes_erp"}))
    rnd_software = {"action_id": "cloud_rnd_simulation", "module_id": "software"}
    assert matching.rank(rnd_software, PROFILE, [mes]) == []
    generic = {"action_id": "item:software.rnd_tools", "module_id": "software"}
    assert matching.rank(generic, PROFILE, [mes]) == []


def test_hidden_solutions_are_never_ranked() -> None:
    hidden = offer(1, actions=REALTIME, hidden=True)
    assert matching.rank(ACTION, PROFILE, [hidden]) == []


def test_top_three_and_neutral_stable_ties() -> None:
    both = frozenset({"cloud_equipment_realtime", "cloud_operations_saas"})
    same = [offer(n, actions=both) for n in range(1, 7)]
    first = matching.rank(ACTION, PROFILE, same)
    assert len(first) == 3 and first == matching.rank(ACTION, PROFILE, list(reversed(same)))
    other = matching.rank({**ACTION, "action_id": "cloud_operations_saas"}, PROFILE, same, limit=None)
    assert len(other) == 6  # order depends on the action, not on who listed first or paid


def test_cloud_kind_from_action_id() -> None:
    assert matching.cloud_kind_of({"action_id": "cloud_supply_chain_collab"}) == "cloud_supply_chain"
    assert matching.cloud_kind_of({"action_id": "cloud_rnd_simulation"}) == "cloud_rnd"
    assert matching.cloud_kind_of({"action_id": "platform_data_integration"}) is None


def _solution(org: ProviderOrg, **fields: Any) -> Solution:
    data = {
        "name": "设备上云快线",
        "summary": "哑设备联网与设备数据上云",
        "modules": ["equip", "cloud"],
        "cloud_kinds": ["cloud_equipment"],
        "actions": ["cloud_equipment_dumb_devices", "cloud_equipment_realtime", "data_auto_collection"],
        "all_clusters": True,
        "clusters": [],
        "sizes": ["small", "micro"],
        "deployments": ["public"],
        "price_band": "5-20",
        "duration": "1-3m",
        "support_listed": False,
        "support_note": "",
        **fields,
    }
    return services.save_solution(org, data)


def test_result_page_lists_matches_with_reasons(make: Factory, login_as: LoginAs) -> None:
    assessment, admin = submitted(make, choice=1, cluster="c05")
    org = make.provider_org(cities_served=["揭阳市"])
    _solution(org)
    html = login_as(admin).get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert "可对接的解决方案" in html and "设备上云快线" in html and "推荐理由" in html
    assert "服务商在揭阳市提供服务" in html and "无付费排名" in html


def test_matched_actions_read_as_the_roadmap_states_them(make: Factory, login_as: LoginAs) -> None:
    """The solutions sit under the roadmap's own actions (the result view's): the same number and title
    as in the roadmap above them, in the page's language."""
    import re
    from html import unescape

    from portal.results.view import build_result_view

    assessment, admin = submitted(make, choice=1, cluster="c05")
    _solution(make.provider_org(cities_served=["揭阳市"]))
    client = login_as(admin)
    for lang, locale in (("zh", "zh_CN"), ("en", "en")):
        html = client.get(f"/company/assessments/{assessment.id}/result?lang={locale}").get_data(as_text=True)
        view = build_result_view(assessment, lang)
        assert view.roadmap is not None
        actions = {a.id: a for h in view.roadmap.horizons for a in h.actions}
        shown = re.findall(
            r'data-action="([^"]+)">\s*<div><span class="badge">#(\d+)</span> <strong>([^<]*)</strong>', html
        )
        assert shown, "a matched action is listed"
        for action_id, rank, title in shown:
            assert (int(rank), unescape(title)) == (actions[action_id].rank, actions[action_id].title)


def test_moderation_hides_a_solution_from_matching(make: Factory, login_as: LoginAs) -> None:
    assessment, admin = submitted(make, choice=1, cluster="c05")
    org = make.provider_org(cities_served=["揭阳市"])
    solution = _solution(org)
    platform_admin = login_as(make.user(Role.ADMIN))
    response = platform_admin.post(f"/admin/providers/solutions/{solution.id}/hide", data={"reason": ""})
    assert response.status_code == 302 and not solution.hidden  # a reason is required
    platform_admin.post(f"/admin/providers/solutions/{solution.id}/hide", data={"reason": "虚假宣传"})
    from portal.extensions import db

    db.session.expire_all()
    assert solution.hidden and solution.moderation_reason == "虚假宣传"
    assert all(s.solution_id != solution.id for s in services.visible_offers())
    html = login_as(admin).get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert "设备上云快线" not in html
    platform_admin.post(f"/admin/providers/solutions/{solution.id}/unhide", data={"reason": "已整改"})
    html = login_as(admin).get(f"/company/assessments/{assessment.id}/result").get_data(as_text=True)
    assert "设备上云快线" in html
