"""Benchmark (not a test): plan time per assessment vs scoring the same assessment once, in the same run.

    .venv/bin/python -m bench.bench_plan [--n 30] [--budget 20000]

For N plausible assessments of each instrument (seeded), the least-effort plan to the next level (MIIT level
on the MIIT questionnaire, overall maturity level on the Guangdong one) is computed, and the assessment is
scored once by ``scoring.maturity.score``. Prints a table on stderr and one JSON line on stdout: median and
95th-percentile plan time, the score time, their ratio, and how many plans were proven least-effort
(exact) within the node budget. Target: median plan ≤ 1 s.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from typing import Any

import questionnaires as q
from questionnaires.item_types import kind_of
from scoring.maturity import score
from scoring.plan import Planner, Target
from scoring.plan.search import DEFAULT_BUDGET

INSTRUMENTS = (("gd-mfg-dt", "2025.2"), ("miit-sme-digital", "2024"))
TARGET_MEDIAN_S = 1.0


def assessment(inst: q.Instrument, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    maturity = rng.uniform(0.05, 0.7)
    answers = {i.id: kind_of(i).demo_answer(i, rng, maturity) for i in inst.items}
    shown = {i.id for i in q.visible_items(inst, answers, None)}
    return {k: v for k, v in answers.items() if k in shown}


def _next_target(inst: q.Instrument, answers: dict[str, Any]) -> Target | None:
    result = score(inst, answers)
    if result.miit is not None:
        return Target("miit", result.miit.level + 1) if result.miit.level < 4 else None
    return Target("overall", result.overall.level + 1) if result.overall.level < 5 else None


def measure(n: int, budget: int = DEFAULT_BUDGET) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, version in INSTRUMENTS:
        inst = q.load(key, version)
        plan_s: list[float] = []
        score_s: list[float] = []
        exact = planned = 0
        for seed in range(n):
            answers = assessment(inst, seed)
            t0 = time.perf_counter()
            score(inst, answers)
            score_s.append(time.perf_counter() - t0)
            target = _next_target(inst, answers)
            if target is None:
                continue
            t0 = time.perf_counter()
            plan = Planner(inst, answers, None, budget=budget).plan(target)
            plan_s.append(time.perf_counter() - t0)
            planned += plan.status == "planned"
            exact += plan.exact
        med_plan = statistics.median(plan_s) if plan_s else 0.0
        med_score = statistics.median(score_s)
        out[key] = {
            "assessments": n,
            "plans": len(plan_s),
            "planned": planned,
            "exact": exact,
            "plan_ms_p50": round(med_plan * 1000, 1),
            "plan_ms_p95": round(sorted(plan_s)[int(0.95 * (len(plan_s) - 1))] * 1000, 1) if plan_s else 0.0,
            "score_ms_p50": round(med_score * 1000, 2),
            "ratio_plan_to_score": round(med_plan / med_score, 1) if med_score else None,
        }
    return out


def summary(figures: dict[str, dict[str, Any]]) -> dict[str, Any]:
    line: dict[str, Any] = {"bench": "plan", "python": platform.python_version()}
    for key, f in figures.items():
        short = "gd" if key.startswith("gd") else "miit"
        for name, value in f.items():
            line[f"{short}_{name}"] = value
    line["targets"] = {
        "median_plan_le_1s": all(f["plan_ms_p50"] <= TARGET_MEDIAN_S * 1000 for f in figures.values())
    }
    return line


def table(figures: dict[str, dict[str, Any]]) -> str:
    head = (
        f"{'instrument':<18} {'plans':>5} {'exact':>5} {'plan p50':>10} {'plan p95':>10}"
        f" {'score':>9} {'ratio':>7}"
    )
    rows = [head]
    for key, f in figures.items():
        rows.append(
            f"{key:<18} {f['plans']:>5} {f['exact']:>5} {f['plan_ms_p50']:>8} ms {f['plan_ms_p95']:>8} ms"
            f" {f['score_ms_p50']:>6} ms {f['ratio_plan_to_score']!s:>6}×"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_plan")
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--budget", type=int, default=DEFAULT_BUDGET, help="search nodes per plan")
    args = parser.parse_args(argv)
    figures = measure(args.n, args.budget)
    print(table(figures), file=sys.stderr)
    print(json.dumps(summary(figures), sort_keys=True, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
