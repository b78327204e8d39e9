"""Benchmark (not a test): score N synthetic assessments; baseline = merely parsing/validating the answers.

    .venv/bin/python -m bench.bench_scoring [--n 10000] [--instrument gd-mfg-dt] [--version 2025.2]

Prints a human summary on stderr and one JSON line on stdout with per-assessment times and the ratio.
Target: ≤ 1 ms per assessment (the parse included).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from typing import Any

import questionnaires as q
from scoring.maturity import ENGINE_VERSION, result_to_json, score
from scoring.maturity.api import normalize_answers

TARGET_US = 1000  # issue 22: at a million companies an engine or rule change must not mean hours of recompute
CLUSTERS = [None, "c01", "c02", "c05", "c06", "c09", "c12", "c03"]
CITIES = ["广州市", "佛山市", "揭阳市", "梅州市", "深圳市"]


def _answer(item: q.Item, rnd: random.Random) -> Any:
    if item.type == "single":
        return rnd.choice(item.option_ids)
    if item.type == "multi":
        real = [o.id for o in item.options if not o.exclusive]
        picked = [o for o in real if rnd.random() < 0.5]
        return picked or real[:1]
    if item.type == "boolean":
        return rnd.random() < 0.5
    if item.type == "scenario_level":
        return rnd.randint(0, len(item.ladder))
    if item.type in ("number", "integer"):
        low = int(item.min) if item.min is not None else 0
        return rnd.randint(low, low + 100)
    return "备注"


def synthetic(inst: q.Instrument, n: int, seed: int = 4) -> list[tuple[str, dict[str, Any]]]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        answers = {i.id: _answer(i, rnd) for i in inst.items if rnd.random() < 0.85}
        out.append(
            (
                json.dumps(answers, ensure_ascii=False),
                {
                    "cluster": rnd.choice(CLUSTERS),
                    "city": rnd.choice(CITIES),
                    "size": rnd.choice(["micro", "small", "medium"]),
                },
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_scoring")
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--instrument", default="gd-mfg-dt")
    parser.add_argument("--version", help="default: the latest published version (what new assessments use)")
    parser.add_argument("--json", action="store_true", help="also serialise every result to JSON")
    args = parser.parse_args(argv)
    inst = q.load(args.instrument, args.version) if args.version else q.latest_published(args.instrument)
    data = synthetic(inst, args.n)

    t0 = time.perf_counter()
    for text, _ in data:
        normalize_answers(inst, json.loads(text))
    baseline = time.perf_counter() - t0

    t0 = time.perf_counter()
    size = 0
    for text, profile in data:
        result = score(inst, json.loads(text), profile=profile)
        if args.json:
            size += len(result_to_json(result))
    full = time.perf_counter() - t0

    per_base = baseline / args.n * 1e6
    per_full = full / args.n * 1e6
    line = {
        "bench": "scoring",
        "engine_version": ENGINE_VERSION,
        "instrument": inst.key,
        "n": args.n,
        "baseline_parse_us_per_assessment": round(per_base, 1),
        "score_us_per_assessment": round(per_full, 1),
        "ratio_score_to_baseline": round(per_full / per_base, 2) if per_base else None,
        "json": bool(args.json),
        "python": platform.python_version(),
        "targets": {"score_le_1ms_per_assessment": per_full <= TARGET_US},
    }
    print(
        f"{args.n} assessments: parse {per_base:.1f} µs, score {per_full:.1f} µs each "
        f"(×{line['ratio_score_to_baseline']})",
        file=sys.stderr,
    )
    print(json.dumps(line, sort_keys=True, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
