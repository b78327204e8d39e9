"""Top-level entry point: ``score(instrument, answers, profile, targets, peers) -> ScoreResult``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from questionnaires import Instrument, validate_answer

from . import cloud as cloud_mod
from .benchmark import PeerRecord, benchmark, peer_from_mapping
from .engine import score_modules, visibility
from .miit import exchange_to_answers, is_miit, score_miit
from .result import (
    ENGINE_VERSION,
    InputError,
    InstrumentRef,
    Profile,
    ScoreResult,
    ScoringInputError,
)
from .result.deferred import later
from .roadmap import build_roadmap

EXCHANGE_KEYS = frozenset({"answers", "scenario_levels"})

_CLUSTER = re.compile(r"c(0[1-9]|1[0-9]|20)")  # the 20 strategic clusters, ASCII digits only


def is_exchange_form(doc: Mapping[str, Any]) -> bool:
    """``{"answers": {...}, "scenario_levels": {...}}`` (only those keys)."""
    return "answers" in doc and set(doc) <= EXCHANGE_KEYS and isinstance(doc.get("answers"), Mapping)


def normalize_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Validate every answer with ``questionnaires.validate_answer``; return the normalized mapping.

    Accepts the app's stored form and the exchange form. Unknown items and invalid values raise
    :class:`ScoringInputError` listing all problems (field = ``answers.<item id>``).
    """
    if not isinstance(answers, Mapping):
        raise ScoringInputError([InputError("answers", "答案应为对象", "answers must be an object")])
    raw = exchange_to_answers(answers, instrument) if is_exchange_form(answers) else dict(answers)
    errors: list[InputError] = []
    out: dict[str, Any] = {}
    for key in sorted(raw, key=str):
        if not isinstance(key, str) or not instrument.has_item(key):
            errors.append(InputError(f"answers.{key}", f"没有题目 {key!r}", f"unknown item {key!r}"))
            continue
        check = validate_answer(instrument, key, raw[key])
        if not check.ok:
            field = f"answers.{key}" + (f".{check.field}" if check.field else "")
            errors.append(InputError(field, check.message_zh, check.message_en))
            continue
        out[key] = check.normalized
    if errors:
        raise ScoringInputError(errors)
    # questionnaire order, so nothing downstream depends on the caller's dict order
    return {i.id: out[i.id] for i in instrument.items if i.id in out}


def normalize_profile(profile: Profile | Mapping[str, Any] | None) -> Profile:
    if profile is None:
        return Profile()
    if isinstance(profile, Profile):
        return profile
    if not isinstance(profile, Mapping):
        raise ScoringInputError([InputError("profile", "企业画像应为对象", "profile must be an object")])
    errors = []
    values: dict[str, str | None] = {}
    for key in ("cluster", "size", "city"):
        v = profile.get(key)
        if v is not None and not isinstance(v, str):
            errors.append(InputError(f"profile.{key}", "应为文字", "must be a string"))
        values[key] = v or None
    cluster = values["cluster"]
    if cluster is not None and not _CLUSTER.fullmatch(cluster):  # isdigit() took 'c0²', then int() raised
        errors.append(InputError("profile.cluster", "产业集群应为 c01–c20", "cluster must be c01–c20"))
    if errors:
        raise ScoringInputError(errors)
    return Profile(cluster=cluster, size=values["size"], city=values["city"])


def _targets(instrument: Instrument, targets: Mapping[str, Any] | None) -> dict[str, int]:
    if not targets:
        return {}
    errors: list[InputError] = []
    out: dict[str, int] = {}
    for mid, lv in targets.items():
        if mid not in {m.id for m in instrument.modules}:
            errors.append(InputError(f"targets.{mid}", f"没有维度 {mid!r}", f"unknown dimension {mid!r}"))
        elif isinstance(lv, bool) or not isinstance(lv, int) or not 1 <= lv <= 5:
            errors.append(InputError(f"targets.{mid}", "目标等级应为 1–5", "target level must be 1–5"))
        else:
            out[mid] = lv
    if errors:
        raise ScoringInputError(errors)
    return out


def _peers(peers: Iterable[PeerRecord | Mapping[str, Any]]) -> list[PeerRecord]:
    out: list[PeerRecord] = []
    errors: list[InputError] = []
    for n, p in enumerate(peers):
        if isinstance(p, PeerRecord):
            out.append(p)
            continue
        try:
            rec = peer_from_mapping(p)
            if not rec.score.is_finite():
                raise ValueError
            out.append(rec)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            errors.append(
                InputError(f"peers[{n}]", "对标记录需要数值 score", "peer record needs a numeric score")
            )
    if errors:
        raise ScoringInputError(errors)
    return out


def score(
    instrument: Instrument,
    answers: Mapping[str, Any],
    profile: Profile | Mapping[str, Any] | None = None,
    targets: Mapping[str, int] | None = None,
    peers: Iterable[PeerRecord | Mapping[str, Any]] | None = None,
) -> ScoreResult:
    """Score one assessment. Pure: the same inputs always give an equal result (and byte-identical JSON)."""
    prof = normalize_profile(profile)
    norm = normalize_answers(instrument, answers)
    target_map = _targets(instrument, targets)
    peer_list = _peers(peers) if peers is not None else None
    cluster = prof.cluster
    seen = visibility(instrument, norm, cluster)  # once per run: every part below sees the same items
    hidden = seen.hidden
    modules, overall = score_modules(instrument, norm, cluster, seen=seen)
    unanswered = tuple(u for m in modules for u in m.unanswered)
    ignored = tuple(k for k in norm if k not in seen.ids)
    miit = score_miit(instrument, norm) if is_miit(instrument) else None
    cloud = fiveg = None
    if cloud_mod.applies_to(instrument):
        cloud = cloud_mod.cloud_status(instrument, norm, hidden)
        fiveg = cloud_mod.fiveg_tier(instrument, norm, hidden)
    bench = None
    if peer_list is not None:
        mine = miit.points["total"] if miit is not None else overall.score
        bench = benchmark(
            mine if mine is not None else Decimal(0), prof.cluster, prof.size, prof.city, peer_list
        )
    # the roadmap (some thirty what-ifs) only a reader of the result needs: worked out when first read
    roadmap = later(lambda: build_roadmap(instrument, norm, cluster, modules, target_map, seen=seen))
    return ScoreResult(
        engine_version=ENGINE_VERSION,
        instrument=InstrumentRef(
            instrument.id, instrument.version, instrument.content_hash, instrument.scoring.method
        ),
        profile=prof,
        modules=modules,
        overall=overall,
        unanswered=unanswered,
        ignored_answers=ignored,
        miit=miit,
        cloud=cloud,
        fiveg=fiveg,
        benchmark=bench,
        roadmap=roadmap,
    )
