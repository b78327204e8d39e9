"""Matching catalogue solutions to a company's roadmap actions — transparent, additive, no paid placement.

`rank(action, company_profile, solutions)` scores every visible solution that addresses the action's gap
and returns the best first, each with the reasons (推荐理由) that make up its score:

    score = gap + cluster + size + city + support + verified          (0–100)

    gap      35  the provider lists the action among the measures the solution delivers (the roadmap
                 catalogue's measure ids, which carry both the dimension and the capability). A solution
                 that does not list the action is not shown at all, whatever its other points: sharing a
                 dimension is not enough (a device-networking kit is no answer to "建立安全管理制度", nor an
                 MES to "研发设计类软件").
    cluster  20  it names the company's 战略性产业集群; 10 when it is for every cluster; 0 otherwise.
    size     15  it names the company's size class; 8 when it is for every size; 0 otherwise.
    city     15  the provider serves the company's city (its declared cities served).
    support  10  listed in a 上云上平台 product catalogue / eligible for provincial support, verified by a
                 platform administrator; 5 when only declared by the provider.
    verified  5  the provider holds at least one recognition verified by an administrator (资源池, 优秀服务商,
                 省级特色型/专业型平台 …).

Hidden solutions (administrator moderation) are never ranked. Ties are broken by a hash of the action id and
the solution id — neutral and stable, and not the same provider first for every action. There is no paid
placement: no field of the catalogue, the provider or any payment can change the order beyond this formula.
docs/matching.md explains the same to users.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scoring.reference import regions

GAP = 35
CLUSTER_NAMED = 20
CLUSTER_ALL = 10
SIZE_NAMED = 15
SIZE_ALL = 8
CITY_SERVED = 15
SUPPORT_VERIFIED = 10
SUPPORT_DECLARED = 5
PROVIDER_VERIFIED = 5
TOP = 3

CLOUD_KIND_PREFIXES = ("cloud_equipment", "cloud_rnd", "cloud_supply_chain", "cloud_operations")

_KIND_ZH = {
    "cloud_equipment": "设备上云上平台",
    "cloud_rnd": "研发上云上平台",
    "cloud_supply_chain": "供应链上云上平台",
    "cloud_operations": "运营管理上云上平台",
}
_SIZE_ZH = {"micro": "微型", "small": "小型", "medium": "中型", "large": "大型"}


@dataclass(frozen=True)
class Offer:
    """What matching needs to know about one catalogue solution (built from the database by services)."""

    solution_id: int
    name: str
    org_id: int
    org_name: str
    modules: frozenset[str] = frozenset()
    cloud_kinds: frozenset[str] = frozenset()
    actions: frozenset[str] = frozenset()  # roadmap measures the solution delivers
    clusters: frozenset[str] = frozenset()  # empty = every cluster
    sizes: frozenset[str] = frozenset()  # empty = every size
    cities_served: frozenset[str] = frozenset()
    support_listed: bool = False
    support_verified: bool = False
    provider_verified: bool = False
    hidden: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)  # display-only facts


@dataclass(frozen=True)
class Reason:
    component: str  # gap | cluster | size | city | support | verified
    points: int
    text_zh: str
    text_en: str


@dataclass(frozen=True)
class Match:
    offer: Offer
    score: int
    reasons: tuple[Reason, ...]


def cloud_kind_of(action: Mapping[str, Any]) -> str | None:
    """The 上云上平台 kind an action works on, read from its id.

    cloud_equipment_realtime → cloud_equipment; platform_data_integration → None.
    """
    action_id = str(action.get("action_id") or "")
    for kind in CLOUD_KIND_PREFIXES:
        if action_id == kind or action_id.startswith(kind + "_"):
            return kind
    return None


def score(  # noqa: C901 — one scoring component per branch; Reason lists them
    action: Mapping[str, Any], company_profile: Mapping[str, Any], offer: Offer, cluster_name: str = ""
) -> Match | None:
    """One solution against one action; None when it does not address the action's gap (or is hidden)."""
    if offer.hidden:
        return None
    reasons: list[Reason] = []
    action_id = str(action.get("action_id") or "")
    if action_id not in offer.actions:
        return None
    kind = cloud_kind_of(action)
    if kind:
        reasons.append(Reason("gap", GAP, f"提供本项措施（{_KIND_ZH[kind]}）", "delivers this measure"))
    else:
        reasons.append(Reason("gap", GAP, "提供本项措施", "delivers this measure"))

    cluster = company_profile.get("cluster")
    if cluster and cluster in offer.clusters:
        label = cluster_name or cluster
        reasons.append(
            Reason(
                "cluster", CLUSTER_NAMED, f"适用于本企业所属集群（{label}）", f"made for cluster {cluster}"
            )
        )
    elif not offer.clusters:
        reasons.append(Reason("cluster", CLUSTER_ALL, "适用于各产业集群", "for every industry cluster"))

    size = company_profile.get("size")
    if size and size in offer.sizes:
        reasons.append(
            Reason("size", SIZE_NAMED, f"面向{_SIZE_ZH.get(size, size)}企业", f"made for {size} enterprises")
        )
    elif not offer.sizes:
        reasons.append(Reason("size", SIZE_ALL, "适用于各类规模企业", "for enterprises of any size"))

    city = company_profile.get("city")
    if city and city in offer.cities_served:
        city_en = regions.CITY_NAMES_EN.get(city, city)
        served = Reason("city", CITY_SERVED, f"服务商在{city}提供服务", f"the provider serves {city_en}")
        reasons.append(served)

    if offer.support_verified:
        reasons.append(
            Reason(
                "support",
                SUPPORT_VERIFIED,
                "已列入“上云上平台”产品目录等省级支持（平台已核实）",
                "in a provincial support catalogue (verified)",
            )
        )
    elif offer.support_listed:
        reasons.append(
            Reason(
                "support",
                SUPPORT_DECLARED,
                "服务商声明可享受省级支持（待平台核实）",
                "provincial support declared by the provider (not yet verified)",
            )
        )

    if offer.provider_verified:
        reasons.append(
            Reason(
                "verified",
                PROVIDER_VERIFIED,
                "服务商资质（入池/认定）已经平台核实",
                "the provider's recognition is verified",
            )
        )
    return Match(offer, sum(r.points for r in reasons), tuple(reasons))


def _tiebreak(action: Mapping[str, Any], offer: Offer) -> str:
    return hashlib.sha256(f"{action.get('action_id')}:{offer.solution_id}".encode()).hexdigest()


def rank(
    action: Mapping[str, Any],
    company_profile: Mapping[str, Any],
    solutions: Iterable[Offer],
    limit: int | None = TOP,
    cluster_name: str = "",
) -> list[Match]:
    """Solutions addressing the action's gap, best first (see the module docstring for the formula).

    `action` is a roadmap action as in the result JSON (action_id, module_id, …); `company_profile` has
    cluster, size and city (portal.results.services.profile_of). `limit=None` returns every match.
    """
    matches = [m for offer in solutions if (m := score(action, company_profile, offer, cluster_name))]
    matches.sort(key=lambda m: (-m.score, _tiebreak(action, m.offer)))
    return matches if limit is None else matches[:limit]
