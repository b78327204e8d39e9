"""Peer benchmark: group widening and the minimum group size."""

from __future__ import annotations

from decimal import Decimal

from scoring.maturity import PeerRecord, benchmark


def _peers(n: int, cluster: str, size: str, city: str, start: int = 10) -> list[PeerRecord]:
    return [PeerRecord(Decimal(start + 10 * i), cluster, size, city) for i in range(n)]


def test_same_city_group_when_five_peers() -> None:
    peers = _peers(5, "c06", "small", "揭阳市") + _peers(20, "c06", "small", "广州市")
    r = benchmark(Decimal(35), "c06", "small", "揭阳", peers)
    assert r.status == "ok" and r.group_key == "cluster+size+city" and r.peers == 5
    # scores 10,20,30,40,50: 3 below → 60th percentile
    assert r.percentile == Decimal("60.00")
    assert (r.p25, r.median, r.p75) == (Decimal("20.00"), Decimal("30.00"), Decimal("40.00"))
    assert (r.min, r.max) == (Decimal("10.00"), Decimal("50.00"))
    assert "揭阳市" in (r.group_label_zh or "")


def test_widen_to_region_group() -> None:
    peers = (
        _peers(4, "c06", "small", "揭阳市")
        + _peers(2, "c06", "small", "汕头市")
        + _peers(9, "c06", "small", "广州市")
    )
    r = benchmark(Decimal(35), "c06", "small", "揭阳市", peers)
    assert r.group_key == "cluster+size+region_group" and r.peers == 6
    assert "粤东粤西粤北" in (r.group_label_zh or "")
    assert r.tried == ("cluster+size+city", "cluster+size+region_group")


def test_widen_to_province_then_cluster_only() -> None:
    peers = _peers(2, "c06", "small", "揭阳市") + _peers(3, "c06", "small", "广州市")
    r = benchmark(Decimal(35), "c06", "small", "揭阳市", peers)
    assert r.group_key == "cluster+size+province" and r.peers == 5
    peers2 = _peers(2, "c06", "small", "揭阳市") + _peers(3, "c06", "medium", "广州市")
    r2 = benchmark(Decimal(35), "c06", "small", "揭阳市", peers2)
    assert r2.group_key == "cluster" and r2.peers == 5


def test_insufficient_peers_reveals_nothing() -> None:
    peers = _peers(4, "c06", "small", "揭阳市") + _peers(30, "c01", "small", "揭阳市")
    r = benchmark(Decimal(35), "c06", "small", "揭阳市", peers)
    assert r.status == "insufficient_peers"
    assert r.peers is None and r.percentile is None and r.median is None and r.min is None


def test_shenzhen_is_its_own_region_group() -> None:
    peers = _peers(5, "c01", "small", "深圳市") + _peers(5, "c01", "small", "东莞市")
    r = benchmark(Decimal(100), "c01", "small", "深圳", peers)
    assert r.group_key == "cluster+size+city" and r.percentile == Decimal("100.00")
