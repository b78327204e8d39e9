"""Peer benchmark: percentile and quartiles against comparable companies, never on groups smaller than 5.

Groups are tried from narrow to wide and the first with at least :data:`MIN_GROUP` peers is used:

1. same cluster × size class × city
2. same cluster × size class × region group (珠三角 / 粤东西北 / 深圳, ``region_group``)
3. same cluster × size class × whole province
4. same cluster only (any size, anywhere)

*peers* are other companies' submitted assessments (the caller leaves out the company itself). Percentile
rank = 100 × (peers below + ½ × peers with an equal score) / n. Quartiles use linear interpolation between
order statistics (position (n − 1) × p, the "inclusive" method). With no group ≥ 5 the result is
``insufficient_peers`` and reveals nothing about any group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scoring.reference.regions import (
    REGION_GROUP_NAMES_EN,
    REGION_GROUP_NAMES_ZH,
    normalize_city,
    region_group,
)

from .result import BenchmarkResult, q_score

MIN_GROUP = 5


@dataclass(frozen=True)
class PeerRecord:
    score: Decimal
    cluster: str | None = None
    size: str | None = None
    city: str | None = None


def _city(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return normalize_city(name)
    except KeyError:
        return name


def _region(name: str | None) -> str | None:
    c = _city(name)
    if c is None:
        return None
    try:
        return str(region_group(c))
    except KeyError:
        return None


def peer_from_mapping(raw: Mapping[str, Any]) -> PeerRecord:
    return PeerRecord(
        score=Decimal(str(raw["score"])),
        cluster=raw.get("cluster"),
        size=raw.get("size"),
        city=raw.get("city"),
    )


def _quantile(sorted_scores: list[Decimal], p: Decimal) -> Decimal:
    pos = (len(sorted_scores) - 1) * p
    lo = int(pos)
    hi = min(lo + 1, len(sorted_scores) - 1)
    frac = pos - lo
    return sorted_scores[lo] + (sorted_scores[hi] - sorted_scores[lo]) * frac


def benchmark(
    score: Decimal,
    cluster: str | None,
    size: str | None,
    city: str | None,
    peers: Iterable[PeerRecord | Mapping[str, Any]],
) -> BenchmarkResult:
    records = [p if isinstance(p, PeerRecord) else peer_from_mapping(p) for p in peers]
    my_city = _city(city)
    my_region = _region(city)
    region_zh = REGION_GROUP_NAMES_ZH.get(my_region, my_region) if my_region else None  # type: ignore[call-overload]
    region_en = REGION_GROUP_NAMES_EN.get(my_region, my_region) if my_region else None  # type: ignore[call-overload]
    groups: list[tuple[str, str, str, Callable[[PeerRecord], bool]]] = []
    if cluster and size and my_city:
        groups.append(
            (
                "cluster+size+city",
                f"同集群、同规模、同城市（{my_city}）",
                f"same cluster, size class and city ({my_city})",
                lambda p: p.cluster == cluster and p.size == size and _city(p.city) == my_city,
            )
        )
    if cluster and size and my_region:
        groups.append(
            (
                "cluster+size+region_group",
                f"同集群、同规模、同区域（{region_zh}）",
                f"same cluster, size class and region ({region_en})",
                lambda p: p.cluster == cluster and p.size == size and _region(p.city) == my_region,
            )
        )
    if cluster and size:
        groups.append(
            (
                "cluster+size+province",
                "同集群、同规模、全省",
                "same cluster and size class, whole province",
                lambda p: p.cluster == cluster and p.size == size,
            )
        )
    if cluster:
        groups.append(
            (
                "cluster",
                "同集群（全省，不分规模）",
                "same cluster (province, any size)",
                lambda p: p.cluster == cluster,
            )
        )
    tried: list[str] = []
    for key, zh, en, match in groups:
        tried.append(key)
        scores = sorted(p.score for p in records if match(p))
        if len(scores) < MIN_GROUP:
            continue
        n = len(scores)
        below = sum(1 for s in scores if s < score)
        equal = sum(1 for s in scores if s == score)
        pct = Decimal(100) * (Decimal(below) + Decimal(equal) / 2) / n
        return BenchmarkResult(
            status="ok",
            group_key=key,
            group_label_zh=zh,
            group_label_en=en,
            peers=n,
            percentile=q_score(pct),
            p25=q_score(_quantile(scores, Decimal("0.25"))),
            median=q_score(_quantile(scores, Decimal("0.5"))),
            p75=q_score(_quantile(scores, Decimal("0.75"))),
            min=q_score(scores[0]),
            max=q_score(scores[-1]),
            tried=tuple(tried),
            min_group_size=MIN_GROUP,
        )
    return BenchmarkResult(
        status="insufficient_peers",
        group_key=None,
        group_label_zh="可比企业不足5家，暂不提供对标",
        group_label_en="fewer than 5 comparable companies: no benchmark",
        peers=None,
        percentile=None,
        p25=None,
        median=None,
        p75=None,
        min=None,
        max=None,
        tried=tuple(tried),
        min_group_size=MIN_GROUP,
    )
