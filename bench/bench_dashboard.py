"""Benchmark (not a test): bureau dashboard over a synthetic population on PostgreSQL.

    .venv/bin/python -m bench.bench_dashboard \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/dx_bench [--companies 100000] [--reseed]

1. Creates the database if missing, applies the migrations, and seeds `--companies` synthetic companies
   with `flask seed-scale`'s generator (COPY) unless the database already holds that many; reports the
   generator's throughput (companies/s, aggregates rebuild excluded and reported separately).
2. Times the dashboard through the Flask test client (full request: access check, scoped queries, plotly
   figures, template) for the first view and several filter changes, signed in as the province and a city
   officer: p50/p95 over `--repeat` requests after one warm-up.
3. Times the view's own SQL in the same run: every statement one request of the view sent, replayed
   with its parameters on a bare psycopg connection (the sign-in session, the aggregate and total rows
   the page needs) — the floor a view cannot go under — and prints view / own SQL.
4. Times the raw equivalent in the same run: the headline + breakdown GROUP BY over the raw tables
   (latest result per assessment, latest assessment per company and instrument with a window function),
   and prints the ratios raw / dashboard.

`make bench` runs it at 100,000 companies; `python -m bench dashboard_1m` (opt-in) at 1,000,000 in its own
database (seeding that takes ~8 minutes and ~4 GB the first time on a 2-core machine).

Prints a table on stderr and one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

RAW_SQL = """
WITH latest AS (
    SELECT assessment_id, MAX(id) AS rid FROM assessment_results GROUP BY assessment_id
), sub AS (
    SELECT a.company_id, a.id AS aid, a.instrument_id, a.submitted_at, c.city, c.district, c.cluster,
           r.overall_level, r.on_cloud, r.on_platform, r.miit_level
    FROM assessments a
    JOIN latest l ON l.assessment_id = a.id
    JOIN assessment_results r ON r.id = l.rid
    JOIN companies c ON c.id = a.company_id
    WHERE a.status = 'SUBMITTED' {where}
), ranked AS (
    SELECT sub.*, ROW_NUMBER() OVER (PARTITION BY company_id, instrument_id
                                     ORDER BY submitted_at DESC, aid DESC) AS rn
    FROM sub
)
SELECT {group} AS k, COUNT(DISTINCT company_id) AS assessed,
       SUM(CASE WHEN instrument_id = 'gd-mfg-dt' AND rn = 1 THEN 1 ELSE 0 END) AS gd,
       SUM(CASE WHEN instrument_id = 'gd-mfg-dt' AND rn = 1 AND on_cloud THEN 1 ELSE 0 END) AS on_cloud,
       SUM(CASE WHEN instrument_id = 'gd-mfg-dt' AND rn = 1 AND on_platform THEN 1 ELSE 0 END) AS platform,
       SUM(CASE WHEN instrument_id = 'gd-mfg-dt' AND rn = 1 AND overall_level >= 3 THEN 1 ELSE 0 END) AS high,
       SUM(CASE WHEN instrument_id = 'miit-sme-digital' AND rn = 1 AND miit_level >= 2 THEN 1 ELSE 0 END) m2
FROM ranked GROUP BY {group}
"""

# (label, officer, query string, raw SQL filter, raw SQL group column)
SCENARIOS: tuple[tuple[str, str, str, str, str], ...] = (
    ("first view (province)", "province", "", "", "city"),
    ("city=广州市", "province", "?city=广州市", "AND c.city = '广州市'", "district"),
    ("cluster=c01 & size=small", "province", "?cluster=c01&size_class=small",
     "AND c.cluster = 'c01' AND c.size_class = 'small'", "city"),
    ("from 2025-01 to 2025-06", "province", "?from=2025-01&to=2025-06",
     "AND a.submitted_at >= '2024-12-31 16:00+00' AND a.submitted_at < '2025-06-30 16:00+00'", "city"),
    ("city=深圳市 & 2024", "province", "?city=深圳市&from=2024-01&to=2024-12",
     "AND c.city = '深圳市' AND a.submitted_at >= '2023-12-31 16:00+00'"
     " AND a.submitted_at < '2024-12-31 16:00+00'",
     "district"),
    ("first view (揭阳市 officer)", "city", "", "AND c.city = '揭阳市'", "district"),
    ("API summary (province)", "province", "/api", "", "city"),
    # drill-down lists (no raw equivalent: the raw SQL counts, a list names companies)
    ("company list (province)", "province", "companies", "", ""),
    ("company list (揭阳市 officer)", "city", "companies", "", ""),
)  # fmt: skip


def _ensure_database(url: str) -> None:
    import psycopg

    parsed = sa.engine.make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')


def _own_sql(app: Any, view: Callable[[], None]) -> list[tuple[str, Any]]:
    """The statements one request of the view sends to the database, with their parameters."""
    from portal.extensions import db

    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        view()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return sent


def _replay(url: str, statements: list[tuple[str, Any]]) -> Callable[[], None]:
    import psycopg

    dsn = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = psycopg.connect(dsn, autocommit=True)

    def replay() -> None:
        with conn.cursor() as cursor:
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                if cursor.description:
                    cursor.fetchall()

    return replay


def _incremental_refresh(samples: int) -> dict[str, float]:
    """What a stored result costs the aggregates at this size: a company's facts recomputed and the cube
    and totals moved by the difference (`refresh_company`, the result_stored upkeep), for companies whose
    fact rows were removed first so every one of their rows is applied — then rolled back."""
    from portal.bureau import aggregates
    from portal.extensions import db
    from portal.models import Company

    rng = random.Random(2026)
    top = db.session.scalar(sa.select(sa.func.max(Company.id))) or 0
    times = []
    for _ in range(samples):
        company = db.session.get(Company, rng.randint(1, top))
        if company is None:
            continue
        db.session.execute(
            sa.delete(aggregates.FACT_TABLE).where(aggregates.FACT_TABLE.c.company_id == company.id)
        )
        start = time.perf_counter()
        aggregates.refresh_company(company)
        db.session.flush()
        times.append((time.perf_counter() - start) * 1000)
        db.session.rollback()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(_p(times, 0.95), 1)}


def _timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()  # warm-up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--raw-repeat", type=int, default=5)
    parser.add_argument("--reseed", action="store_true", help="drop the schema and seed again")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgresql"):
        parser.error("the benchmark needs PostgreSQL")
    _ensure_database(args.database_url)

    from flask_migrate import upgrade

    import portal.models  # noqa: F401 — the models package first (feature models import its helpers)
    from portal import create_app
    from portal.bureau import seed_scale
    from portal.extensions import db
    from portal.models import Company, JurisdictionLevel, Role, User

    env = {"DATABASE_URL": args.database_url, "PORTAL_ENV": "development", "LOG_FORMAT": "text"}
    app = create_app(overrides={"WTF_CSRF_ENABLED": False}, env=env)
    report: dict[str, Any] = {"bench": "bureau_dashboard", "python": platform.python_version()}
    with app.app_context():
        if args.reseed:
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        existing = db.session.scalar(sa.select(sa.func.count(Company.id))) or 0
        if existing < args.companies:
            seeded = seed_scale.seed(args.companies - existing)
            report["seed"] = {
                "companies": seeded.companies,
                "assessments": seeded.assessments,
                "results": seeded.results,
                "seconds_generate": round(seeded.seconds_generate, 2),
                "companies_per_second": round(seeded.companies_per_second),
                "seconds_rebuild_aggregates": round(seeded.seconds_aggregate, 2),
            }
        else:
            report["seed"] = {"reused_companies": existing}
        counts = {
            t: db.session.scalar(sa.text(f"SELECT count(*) FROM {t}"))  # fixed table names
            for t in ("companies", "assessments", "assessment_results", "bureau_facts", "bureau_aggregates")
        }
        report["rows"] = counts
        officers = {}
        for key, level, city in (
            ("province", JurisdictionLevel.PROVINCE, None),
            ("city", JurisdictionLevel.CITY, "揭阳市"),
        ):
            email = f"bench-{key}@bureau.dx"
            user = db.session.scalar(sa.select(User).where(User.email == email))
            if user is None:
                user = User(
                    email=email,
                    name=email,
                    role=Role.BUREAU,
                    jurisdiction_level=level,
                    jurisdiction_city=city,
                )
                user.set_password("Bench-pass-2026")
                db.session.add(user)
                db.session.commit()
            officers[key] = user.id
        db.session.remove()
        report["incremental_refresh"] = _incremental_refresh(args.repeat)

    from portal.auth.sessions import open_session

    clients = {}
    for key, user_id in officers.items():
        client = app.test_client()
        with app.app_context():  # the session cookie names a sign-in session, not the user
            token = open_session(db.session.get(User, user_id))
            db.session.remove()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        clients[key] = client

    rows = []
    engine = sa.create_engine(args.database_url)
    for label, who, query, where, group in SCENARIOS:
        client = clients[who]
        url = "/api/v1/bureau/summary" if query == "/api" else "/bureau/" + query

        def view(client: Any = client, url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            response.close()

        view_ms = _timed(view, args.repeat)
        own_ms = _timed(_replay(args.database_url, _own_sql(app, view)), args.repeat)
        raw_sql = sa.text(RAW_SQL.format(where=where, group=group))

        def raw(raw_sql: Any = raw_sql) -> None:
            with engine.connect() as conn:
                conn.execute(raw_sql).all()

        raw_p50 = statistics.median(_timed(raw, args.raw_repeat)) if group else None
        rows.append(
            {
                "scenario": label,
                "url": url,
                "view_p50_ms": round(statistics.median(view_ms), 1),
                "view_p95_ms": round(_p(view_ms, 0.95), 1),
                "own_sql_p50_ms": round(statistics.median(own_ms), 1),
                "view_over_own_sql": round(statistics.median(view_ms) / statistics.median(own_ms), 2),
                "raw_sql_p50_ms": round(raw_p50, 1) if raw_p50 is not None else None,
                "raw_over_view": round(raw_p50 / statistics.median(view_ms), 2)
                if raw_p50 is not None
                else None,
            }
        )
    report["scenarios"] = rows
    report["repeat"] = args.repeat
    report["raw_repeat"] = args.raw_repeat
    dashboards = [r for r in rows if not r["scenario"].startswith("company list")]
    lists = [r for r in rows if r["scenario"].startswith("company list")]
    report["slowest_view_p50_ms"] = max(r["view_p50_ms"] for r in dashboards)
    report["slowest_list_p50_ms"] = max(r["view_p50_ms"] for r in lists)
    # the first view, every filter change and date range answer in ≤ 300 ms p50 (at 100k and at 1M)
    report["targets"] = {
        "every_view_p50_le_300ms": report["slowest_view_p50_ms"] <= 300,
        "company_lists_p50_le_300ms": report["slowest_list_p50_ms"] <= 300,
    }

    out = sys.stderr
    print(f"rows: {counts}", file=out)
    refresh = report["incremental_refresh"]
    print(
        f"one company's aggregates refreshed: p50 {refresh['p50_ms']} ms, p95 {refresh['p95_ms']} ms",
        file=out,
    )
    if "companies_per_second" in report["seed"]:
        s = report["seed"]
        print(
            f"seed: {s['companies']} companies, {s['assessments']} assessments in {s['seconds_generate']} s "
            f"= {s['companies_per_second']} companies/s; "
            f"aggregates rebuilt in {s['seconds_rebuild_aggregates']} s",
            file=out,
        )
    print(
        f"{'scenario':<30}{'view p50':>10}{'view p95':>10}{'own SQL p50':>13}{'view/own':>10}"
        f"{'raw SQL p50':>13}{'raw/view':>10}",
        file=out,
    )
    for r in rows:
        print(
            f"{r['scenario']:<30}{r['view_p50_ms']:>10}{r['view_p95_ms']:>10}{r['own_sql_p50_ms']:>13}"
            f"{r['view_over_own_sql']:>10}{r['raw_sql_p50_ms'] or '-':>13}{r['raw_over_view'] or '-':>10}",
            file=out,
        )
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
