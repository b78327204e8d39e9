"""HTTP throughput of the questionnaire page and the autosave endpoint under bounded load, as ratios
against a trivial route of the same app in the same run; page weights.

Runs gunicorn (gunicorn.conf.py, 2 sync workers) on a free loopback port against a fresh PostgreSQL
database, and `wrk` (Debian package) with 2 threads for a fixed duration per route.
Traffic goes only to 127.0.0.1.
Usage: python -m bench.http_load [--seconds 2] [--rounds 8] [--workers 2] [--connections 4]
       [--respondents 8] [--database-url URL]

- The load is what a province of respondents sends: the requests rotate over `--respondents` companies
  (8), each signed in with its own session and with its own draft, about half filled in (answers are
  read on every page view and save, so an empty draft would flatter both).
- 2 workers, one per core of our 2-core machines: the setting that served the most requests/s on every
  route. gunicorn.conf.py's 4 (two per core) served fewer (2026-12-06, the two servers measured side by
  side in the same rounds: trivial 888 against 1,118 req/s, autosave 439 against 477, page 450 against 514),
  and would have given better ratios only because the trivial route lost the most.
- Bounded load: by default 4 connections, two per worker, so a request waits for at most one other.
  With many more connections than workers, latency only measures the queue (16 connections on 2 workers:
  each request waits for ~8 others), which is overload, not the bounded load the targets are about.
- The baseline is the trivial route of the same app, /healthz, requested with the same signed-in
  sessions as the pages: every signed-in request pays for the session and loading its user, so this
  isolates the cost of the questionnaire page itself. /healthz without a session is reported too.
- Autosave posts to the same URL as the page's script (`…/answers?module=base`), one answer per request.
  `autosave_one_assessment` sends all of that load to a single assessment, as colleagues saving at the
  same moment would: saves of one assessment queue on its row lock, so this figure is lower; it has no
  target of its own.
- Each route is warmed up for a few seconds first (not measured), as a long-running worker would be.
- The routes are measured in turn, in short rounds (8 x 2 s), so that the machine's own ups and downs
  (a shared virtual machine: the trivial route ranged 750-1,300 requests/s within minutes) land on all
  routes alike; a ratio is the median of the rounds' ratios, a p99 the worst round's.
- The database's own ceiling (bench/db_ceiling.py): in each round, the autosave's write statement and its
  COMMIT run by a bare psycopg client over the same respondents at the same concurrency; the table shows
  it and the share of it the application's autosave reaches (no target: the disk's synchronous commit).
- Workers are not recycled during the run (`--max-requests 0`): with gunicorn.conf.py's 5,000 the
  trivial route restarted each worker every few seconds, which cut its rate and put 0.6-0.9 s cold
  starts into its p99 (and so flattered the ratios).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from bench import db_ceiling

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
WARM_UP_SECONDS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, log_level: str = "warning"
) -> subprocess.Popen[bytes]:
    """gunicorn with gunicorn.conf.py on a loopback port, without worker recycling (a restart in the middle
    of a measurement would show up as slow requests); returns once /readyz answers 200."""
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            *("-c", str(ROOT / "gunicorn.conf.py"), "-w", str(workers), "-b", f"127.0.0.1:{port}"),
            *("--max-requests", "0", "--log-level", log_level, "portal:create_app()"),
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}", server)
    except BaseException:
        server.kill()
        server.wait()
        raise
    return server


def wait_ready(base: str, process: subprocess.Popen[bytes] | None = None, seconds: float = 30) -> None:
    """Poll /readyz until it answers 200: the server is up, migrated and reaches its database."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server for {base} exited with {process.returncode}")
        try:
            if urllib.request.urlopen(base + "/readyz", timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{base} did not become ready within {seconds:.0f} s")


def fresh_database() -> str:
    import psycopg

    name = f"dx_bench_http_{os.getpid()}"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[-1]
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


RESPONDENT_PASSWORD = "Load-bench-1"


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "portal", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def prepare(env: dict[str, str]) -> int:
    """Migrate, seed the demo, start an assessment for the demo company; return its id."""
    migrate(env)
    flask = str(VENV_BIN / "flask")
    subprocess.run([flask, "--app", "portal", "seed-demo"], env=env, check=True, capture_output=True)
    code = (
        "from portal import create_app\n"
        "from portal.extensions import db\n"
        "from portal.models import User\n"
        "from portal.assessments.services import start\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    u = db.session.query(User).filter_by(email='qiye@demo.dx').one()\n"
        "    print(start(u.company, 'miit-sme-digital', u).id)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


def add_respondents(env: dict[str, str], count: int, answered: float = 0.0) -> list[dict[str, Any]]:
    """`count` companies, each with one user (password RESPONDENT_PASSWORD) and one open assessment with
    about `answered` of its items answered: [{"email", "assessment"}]. The database must be migrated."""
    code = f"""
import json
import random
from portal import create_app
from portal.demo import fill_in
from portal.extensions import db
from portal.models import Company, Role, User
from portal.assessments.services import start
from scoring.reference import credit_code
app = create_app()
out = []
with app.app_context():
    for n in range({count}):
        code = credit_code.with_check_char(f"9144520000{{n:07d}}")
        company = Company(name=f"压测企业{{n}}", credit_code=code, city="揭阳市")
        user = User(name=f"填报人{{n}}", email=f"load{{n}}@bench.dx", role=Role.ENTERPRISE,
                    company=company, is_company_admin=True)
        user.set_password({RESPONDENT_PASSWORD!r})
        db.session.add_all([company, user])
        db.session.commit()
        assessment = start(company, "miit-sme-digital", user)
        if {answered}:
            fill_in(assessment, user, random.Random(n), maturity=0.5, share={answered})
        out.append({{"email": user.email, "assessment": assessment.id}})
print(json.dumps(out))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def sign_in(base: str, email: str = "qiye@demo.dx", password: str = "Demo-2026") -> tuple[str, str]:
    """Session cookie and CSRF token of a company user, via the real login form."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    data = urllib.parse.urlencode(
        {"csrf_token": token.group(1), "email": email, "password": password}
    ).encode()
    opener.open(base + "/login", data=data).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    home = opener.open(base + "/company/").read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', home)
    assert csrf, "no CSRF token on the workbench"
    return cookie, csrf.group(1)


# Each request goes to the next respondent in turn (its session cookie, CSRF token and assessment). The
# wrk threads take turns over the respondents (thread 0 the 1st, 3rd, 5th …, thread 1 the 2nd, 4th …):
# when both threads walked the same sequence in step, they sent requests for the same respondent at the
# same moment, and every save met another save of the same assessment, which no two companies do. The
# autosave body changes one answer, cycling through four values so that every request writes.
WRK_THREADS = 2
WRK_ROTATE = """
local respondents = %s
local method = "%s"
local threads = %d
local started = 0
function setup(thread)
  thread:set("thread_index", started)
  started = started + 1
end
local n = 0
request = function()
  local r = respondents[((n * threads + (thread_index or 0)) %% #respondents) + 1]
  n = n + 1
  local headers = {Cookie = r.cookie}
  local body = nil
  if method == "POST" then
    local letters = {"B", "C", "D", "E"}
    headers["Content-Type"] = "application/json"
    headers["X-CSRFToken"] = r.csrf
    body = '{"answers":[{"item_id":"base.info_systems.coverage","value":"' .. letters[(n %% 4) + 1] .. '"}]}'
  end
  return wrk.format(method, r.path, headers, body)
end
"""


def rotating_script(respondents: list[dict[str, str]], method: str = "GET") -> str:
    """A wrk script sending each request as the next respondent (dicts with path, cookie, csrf)."""
    table = (
        "{"
        + ", ".join(
            "{" + ", ".join(f"{key} = {json.dumps(r[key])}" for key in ("path", "cookie", "csrf")) + "}"
            for r in respondents
        )
        + "}"
    )
    return WRK_ROTATE % (table, method, WRK_THREADS)


def run_wrk(
    url: str, seconds: int, headers: dict[str, str], script: str | None = None, connections: int = 4
) -> dict[str, float]:
    cmd = ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    with tempfile.TemporaryDirectory() as folder:
        if script:
            lua = Path(folder) / "request.lua"
            lua.write_text(script)
            cmd += ["-s", str(lua)]
        out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "non_2xx": int(errors.group(1)) if errors else 0}


def combine(runs: list[dict[str, float]]) -> dict[str, float]:
    """One route over all rounds: median requests/s and p50; the worst round's p99; all non-2xx."""
    return {
        "rps": round(statistics.median(r["rps"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
        "p99_ms": max(r["p99_ms"] for r in runs),
        "non_2xx": sum(int(r["non_2xx"]) for r in runs),
    }


def round_ratios(route: list[dict[str, float]], baseline: list[dict[str, float]]) -> list[float]:
    return [round(r["rps"] / b["rps"], 3) for r, b in zip(route, baseline, strict=True)]


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def page_weight(base: str, path: str, cookie: str) -> dict[str, Any]:
    """Bytes of a page plus the scripts and stylesheets it loads (uncompressed, as served)."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    html = urllib.request.urlopen(request).read()
    assets = re.findall(rb'(?:src|href)="(/(?:static|vendor)/[^"]+)"', html)
    total = len(html)
    for asset in set(assets):
        total += len(urllib.request.urlopen(base + asset.decode()).read())
    # plotly.js itself; every page links the few rules plotly would otherwise inject (vendor/plotly-dx.css)
    plotly = any(b"plotly" in a and b".js" in a for a in assets)
    return {"bytes": total, "kb": round(total / 1024, 1), "plotly": plotly}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=2, help="per route and round")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--respondents", type=int, default=8, help="companies the requests rotate over")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk not found: run `make install` as root (installs Debian's wrk)", file=sys.stderr)
        return 1
    url = args.database_url or fresh_database()
    env = {**os.environ, "DATABASE_URL": url, "PORTAL_ENV": "development", "SECRET_KEY": "bench-" + "x" * 40}
    env.pop("REDIS_URL", None)
    demo_assessment = prepare(env)
    accounts = add_respondents(env, args.respondents, answered=0.5)  # drafts half filled in
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(env, port, args.workers)
    try:
        signed_in = [(a["assessment"], *sign_in(base, a["email"], RESPONDENT_PASSWORD)) for a in accounts]

        def rotating(path: str, method: str = "GET") -> tuple[str, dict[str, str], str]:
            respondents = [
                {"path": path.format(id=assessment), "cookie": cookie, "csrf": csrf}
                for assessment, cookie, csrf in signed_in
            ]
            return base + "/", {}, rotating_script(respondents, method)

        module = "/company/assessments/{id}/modules/base"
        autosave = "/api/v1/assessments/{id}/answers?module=base"
        demo_cookie, demo_csrf = sign_in(base)
        one_assessment = rotating_script(
            [{"path": autosave.format(id=demo_assessment), "cookie": demo_cookie, "csrf": demo_csrf}], "POST"
        )
        routes: dict[str, tuple[str, dict[str, str], str | None]] = {
            "anonymous": (base + "/healthz", {}, None),
            "trivial": rotating("/healthz"),
            "page": rotating(module),
            "save": rotating(autosave, "POST"),
            "save_one_assessment": (base + "/", {}, one_assessment),
        }
        # Warm-up, not measured: each worker's first requests import lazily loaded modules and compile
        # templates and statements, once per worker lifetime (thousands of requests in production).
        for route_url, headers, script in routes.values():
            run_wrk(route_url, WARM_UP_SECONDS, headers, script, connections=args.connections)
        # Rounds of every route in turn, so a burst of load elsewhere on the machine lands on all of
        # them alike; each ratio is the median of the per-round ratios.
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in routes}
        people = db_ceiling.respondents(url, [a["assessment"] for a in accounts])
        ceiling: list[float] = []  # the same saves by a bare psycopg client (bench/db_ceiling.py)
        for _ in range(args.rounds):
            for name, (route_url, headers, script) in routes.items():
                rounds[name].append(run_wrk(route_url, args.seconds, headers, script, args.connections))
            ceiling.append(db_ceiling.saves_per_second(url, people, args.seconds, args.connections))
        figures = {name: combine(runs) for name, runs in rounds.items()}
        shares = [round(r["rps"] / c, 3) for r, c in zip(rounds["save"], ceiling, strict=True)]
        figures["db_ceiling"] = {"rps": round(statistics.median(ceiling), 1), "autosave_share": shares}
        for name in ("page", "save", "save_one_assessment"):
            ratios = round_ratios(rounds[name], rounds["trivial"])
            figures[name]["ratio_to_trivial"] = round(statistics.median(ratios), 3)
            figures[name]["ratios_by_round"] = ratios
        demo_page = f"/company/assessments/{demo_assessment}/modules/base"
        weights = {
            "questionnaire_page": page_weight(base, demo_page, demo_cookie),
            "dashboard_page": page_weight(
                base, f"/company/assessments/{demo_assessment}/result", demo_cookie
            ),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        if not args.database_url:
            drop_database(url)
    page, save = figures["page"], figures["save"]
    result = {
        "bench": "http_load",
        "workers": args.workers,
        "connections": args.connections,
        "respondents": args.respondents,
        "cores": os.cpu_count(),
        "trivial_anonymous": figures["anonymous"],
        "trivial": figures["trivial"],
        "rounds": args.rounds,
        "seconds_per_route_and_round": args.seconds,
        "questionnaire_page": page,
        "autosave": save,
        "autosave_one_assessment": figures["save_one_assessment"],
        # no target: the database's own ceiling, and the share of it the application's autosave reaches
        "db_ceiling_saves_per_s": figures["db_ceiling"]["rps"],
        "autosave_share_of_db_ceiling": round(statistics.median(figures["db_ceiling"]["autosave_share"]), 3),
        "page_weight": weights,
        "targets": {
            "questionnaire_ratio_ge_0.5": page["ratio_to_trivial"] >= 0.5,
            "questionnaire_p99_lt_50ms": page["p99_ms"] < 50,
            "autosave_ratio_ge_0.5": save["ratio_to_trivial"] >= 0.5,
            "autosave_p99_lt_50ms": save["p99_ms"] < 50,
            "questionnaire_weight_le_200kb_no_plotly": weights["questionnaire_page"]["bytes"] <= 200 * 1024
            and not weights["questionnaire_page"]["plotly"],
        },
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
