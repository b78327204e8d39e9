"""`make bench`: run every benchmark, print a table, write bench/results/latest.json.

Each figure is a ratio against a baseline measured in the same run, so it holds on a noisy machine:
scoring vs loading answers, an upgrade plan vs scoring the same assessment once,
full PDF report vs a bare WeasyPrint render of the same length, bureau dashboard at 100k (opt-in:
1M) companies vs its own SQL and the raw SQL, a rule version's preview vs one eligibility pass,
questionnaire page and autosave vs a trivial route (and the database's own ceiling for the same saves),
every page's server time per role vs the trivial route, bytes on the wire of each kind of page vs the
login page.
Each benchmark is a module of this package printing one JSON line on its last line of output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# The dashboard bench keeps its 100k-company population in this database between runs (seeded once).
DASHBOARD_DB = os.environ.get(
    "BENCH_DASHBOARD_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/dx_bench_bureau"
)
# …and its 1,000,000-company population in this one (opt-in: seeding it takes minutes and gigabytes).
DASHBOARD_1M_DB = os.environ.get(
    "BENCH_DASHBOARD_1M_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/dx_bench_bureau_1m"
)
OPT_IN = {"lighthouse", "dashboard_1m"}  # run only when named: `python -m bench lighthouse dashboard_1m`
BENCHES = [
    ("scoring", [sys.executable, "-m", "bench.bench_scoring"]),
    ("plan", [sys.executable, "-m", "bench.bench_plan"]),
    ("report", [sys.executable, "-m", "bench.bench_report"]),
    ("rule_preview", [sys.executable, "-m", "bench.bench_rule_preview"]),
    ("report_request", [sys.executable, "-m", "bench.bench_report_request"]),
    ("dashboard", [sys.executable, "-m", "bench.bench_dashboard", "--database-url", DASHBOARD_DB]),
    (
        "dashboard_1m",
        [
            *(sys.executable, "-m", "bench.bench_dashboard", "--database-url", DASHBOARD_1M_DB),
            *("--companies", "1000000", "--repeat", "10", "--raw-repeat", "2"),
        ],
    ),
    ("http", [sys.executable, "-m", "bench.http_load"]),
    ("pages", [sys.executable, "-m", "bench.bench_pages"]),
    ("weight", [sys.executable, "-m", "bench.bench_weight"]),
    ("lighthouse", [sys.executable, "-m", "bench.bench_lighthouse"]),  # opt-in: needs npm (see the module)
    (
        "autosave_load",
        [sys.executable, "-m", "bench.autosave_load", "--respondents", "50", "--seconds", "60"],
    ),
]


def run(name: str, cmd: list[str]) -> dict[str, Any]:
    module = cmd[2].split(".")[-1]
    if not (HERE / f"{module}.py").exists():
        return {"bench": name, "error": f"bench/{module}.py not present"}
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=HERE.parent, env=os.environ)
    seconds = round(time.perf_counter() - started, 1)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {"bench": name, "error": f"exit {proc.returncode}", "tail": tail, "seconds": seconds}
    result: dict[str, Any] = json.loads(lines[-1])
    result["seconds"] = seconds
    return result


def table(results: list[dict[str, Any]], cores: int | None) -> str:
    """One table: a row per target (met: true/false) under its bench's figures; the machine's core count
    on top, since every figure depends on it."""
    rows = [f"cores: {cores}", f"{'bench':<14} {'target':<40} {'met':<5}  figures"]
    for r in results:
        name = r.get("bench", "?")
        if "error" in r:
            rows.append(f"{name:<14} {'ERROR: ' + r['error']:<40} {'false':<5}  {r.get('tail', '')}")
            continue
        figures = {
            k: v for k, v in r.items() if k not in ("targets", "bench") and not isinstance(v, dict | list)
        }
        targets = r.get("targets", {}) or {"(no target)": None}
        for n, (target, met) in enumerate(targets.items()):
            shown = "-" if met is None else str(bool(met)).lower()
            extra = json.dumps(figures, ensure_ascii=False) if n == 0 else ""
            rows.append(f"{name if n == 0 else '':<14} {target:<40} {shown:<5}  {extra}")
        for route, fig in r.items():  # the HTTP bench's routes: one line each
            if isinstance(fig, dict) and "rps" in fig:
                rows.append(f"{'':<14} {'  ' + route:<40} {'':<5}  {json.dumps(fig, ensure_ascii=False)}")
    return "\n".join(rows)


def main() -> int:
    chosen = set(sys.argv[1:])
    wanted = chosen or {name for name, _ in BENCHES} - OPT_IN
    results = [run(name, cmd) for name, cmd in BENCHES if name in wanted]
    summary = {"cores": os.cpu_count(), "when": time.strftime("%Y-%m-%dT%H:%M:%S"), "results": results}
    out = HERE / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    print(table(results, os.cpu_count()))
    print(f"written to {out.relative_to(HERE.parent)}")
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
