"""docs/deploy.md, followed on this machine (issue 24): the wheel built and installed in a fresh virtualenv
outside the checkout, nginx from Debian's package with the configuration rendered from the guide's
template, two gunicorn nodes and a report worker started from the units in deploy/, PostgreSQL and a Redis
of the site's own. Runs in the PostgreSQL pass with the other multinode tests; skips without nginx.

Step timings, the rolling restart's request count and failures, and the memory of a node and of a worker
are printed and written to tests/artifacts/deployment.json.

Dependencies: the fresh virtualenv gets the wheel as the guide installs it, but with PIP_NO_DEPS=1 and the
development virtualenv's site-packages as its dependencies (a full resolve from the package index takes
minutes); `flask` and `gunicorn` are the same entry points pip would write.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from deployment_site import DEV_BIN, GUIDE, ROOT, Browser, Site, guide_command, guide_commands, pss_kb, sql

from bench.http_load import free_port

pytestmark = pytest.mark.multinode
DATABASE = f"dx_deploy_{os.getpid()}"  # one per run: runs on one machine do not collide
ADMIN = "it-admin@bureau.example.cn"
ARTIFACT = ROOT / "tests" / "artifacts" / "deployment.json"


def _fresh_virtualenv(site: Site) -> None:
    """The guide's two install lines, then the dependencies and entry points (see the module docstring)."""
    venv = Path(site.env["DX_VENV"])
    site.run(guide_command("python3 -m pip wheel"))
    site.run(guide_command("python3 -m venv"), env={**site.env, "PIP_NO_DEPS": "1"})
    (packages,) = venv.glob("lib/python3*/site-packages")
    (dev_packages,) = DEV_BIN.parent.glob("lib/python3*/site-packages")
    (packages / "zz_dependencies.pth").write_text(f"{dev_packages}\n")
    for name, entry in {"flask": "flask.cli:main", "gunicorn": "gunicorn.app.wsgiapp:run"}.items():
        module, function = entry.split(":")
        script = venv / "bin" / name
        script.write_text(
            f"#!{venv}/bin/python\nimport sys\nfrom {module} import {function}\nsys.exit({function}())\n"
        )
        script.chmod(0o755)


def _settings(home: Path, ports: dict[str, int], listen: int, redis_port: int) -> dict[str, str]:
    path = {**os.environ}.get("PATH", "")
    return {
        "PATH": f"{DEV_BIN}:{path}",  # python3 is the development interpreter (it builds the wheel)
        "HOME": str(home),
        "LANG": "C.UTF-8",
        # /etc/dx-assess/env
        "PORTAL_ENV": "production",
        "SECRET_KEY": "deployment-test-" + "k" * 48,
        "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "PUBLIC_URL": f"https://localhost:{listen}",
        "TRUSTED_PROXIES": "1",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": "1",  # nothing listens: mail fails (logged), which nothing here needs
        "LOG_FORMAT": "json",
        "METRICS_TOKEN": "metrics-" + "t" * 40,
        # the guide's shell variables
        "DX_VENV": str(home / "venv"),
        "DX_NODE_1": f"127.0.0.1:{ports['8001']}",
        "DX_NODE_2": f"127.0.0.1:{ports['8002']}",
        "DX_SERVER_NAME": "localhost",
        "DX_LISTEN": str(listen),
        "DX_TLS_CERT": str(home / "tls" / "dx.crt"),
        "DX_TLS_KEY": str(home / "tls" / "dx.key"),
        "DX_LOG_DIR": str(home / "nginx" / "logs"),
        "DX_BACKUP_DIR": str(home / "backups"),
        "PGHOST": "127.0.0.1",
        "PGUSER": "postgres",
        "PGDATABASE": DATABASE,
        "ADMIN_PASSWORD": "Bureau-admin-2027",
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tools = (
        "nginx",
        "envsubst",
        "openssl",
        "curl",
        "redis-server",
        "pg_dump",
        "pg_restore",
        "createdb",
        "psql",
    )
    missing = [tool for tool in tools if not shutil.which(tool)]
    if missing:
        pytest.skip(
            f"not installed: {', '.join(missing)} (scripts/system-packages.sh installs nginx as root)"
        )
    import psycopg

    home = tmp_path_factory.mktemp("site")
    for folder in ("tls", "logs", "backups", "run"):
        (home / folder).mkdir()
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in (DATABASE, "dx_restore_drill"):
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    ports = {"8001": free_port(), "8002": free_port()}
    site = Site(home=home, env=_settings(home, ports, free_port(), free_port()), ports=ports)
    site.start_redis()
    site.write_nginx_main()
    try:
        yield site
    finally:
        site.stop_all()
        ARTIFACT.parent.mkdir(exist_ok=True)
        ARTIFACT.write_text(json.dumps(site.timings, indent=2))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


class Steps:
    def __init__(self, site: Site) -> None:
        self.site = site

    def __call__(self, name: str) -> Any:
        site = self.site

        class Timer:
            def __enter__(self) -> None:
                self.started = time.monotonic()

            def __exit__(self, *exc: object) -> None:
                site.timings[f"step: {name} (s)"] = round(time.monotonic() - self.started, 1)

        return Timer()


def _wait_ready(site: Site, node: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done = subprocess.run(
            ["curl", "-fsS", "-o", "/dev/null", f"http://{site.env[node]}/readyz"],
            check=False,
            stderr=subprocess.DEVNULL,
        )
        if done.returncode == 0:
            return
        time.sleep(0.5)
    raise AssertionError(f"{node} never became ready")


def _stamp(revision: str) -> None:
    sql(DATABASE, "UPDATE alembic_version SET version_num = %s", revision)


def _connections() -> int:
    return int(sql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", DATABASE))


def _queued_reports() -> int:
    return int(sql(DATABASE, "SELECT count(*) FROM reports WHERE status = 'queued'"))


def _previous_revision(site: Site, head: str) -> str:
    """The revision before the head, read from the installed release's migrations."""
    from alembic.script import ScriptDirectory

    (migrations,) = Path(site.env["DX_VENV"]).glob("lib/python3*/site-packages/portal/migrations")
    previous = ScriptDirectory(str(migrations)).get_revision(head).down_revision
    assert isinstance(previous, str)
    return previous


def _steady_load(browser: Browser, stop: threading.Event, counts: dict[str, int]) -> None:
    while not stop.is_set():
        status, _, url = browser.get("/company/", timeout=30)
        counts["requests"] += 1
        if status != 200 or "/login" in url:
            counts["failures"] += 1


def test_the_guide_installs_serves_restarts_and_recovers(site: Site) -> None:  # noqa: PLR0915 — the guide in order
    step, env = Steps(site), site.env
    with step("build the wheel and install it in a fresh virtualenv"):
        _fresh_virtualenv(site)
    with step("migrate, first administrator, demo data on a staging copy"):
        site.run(guide_command('"$DX_VENV/bin/flask" --app portal db upgrade'))
        site.run(guide_command('"$DX_VENV/bin/flask" --app portal users create-admin'))
        flask = [f"{env['DX_VENV']}/bin/flask", "--app", "portal"]
        refused = subprocess.run(
            [*flask, "seed-demo"], env=env, cwd=site.home, capture_output=True, text=True
        )
        assert refused.returncode == 1 and "--force-demo" in refused.stderr
        subprocess.run(
            [*flask, "seed-demo", "--companies", "6", "--force-demo"],
            env=env,
            cwd=site.home,
            check=True,
            capture_output=True,
        )
    with step("TLS certificate, nginx from the template"):
        site.run(guide_command("openssl req -new"))
        site.run(guide_command("openssl req -x509"))
        site.run(guide_command("envsubst"))
        site.run(guide_command("nginx -t"))
    with step("two nodes and a worker from the units, ready"):
        site.run(guide_command("systemctl enable --now"))
        _wait_ready(site, "DX_NODE_1")
        _wait_ready(site, "DX_NODE_2")
        site.run(
            guide_command(
                'curl -fsS --retry 60 --retry-delay 1 --retry-all-errors "http://$DX_NODE_1/readyz"'
            )
        )
    base = f"https://localhost:{env['DX_LISTEN']}"
    certificate = Path(env["DX_TLS_CERT"])
    with step("sign-in, both languages and a report through nginx"):
        company, assessment_id = _company_browser(site)
        report = company.report(assessment_id)
        assert report["status"] == "done", report
        status, pdf, _ = company.get(f"/reports/{report['id']}/download")
        assert status == 200 and pdf.startswith(b"%PDF")
        company.post("/lang/en", {"csrf_token": company.csrf("/company/"), "next": "/company/"})
        assert b'<html lang="en">' in company.get("/company/")[1]
        admin = Browser(base, certificate)
        admin.sign_in(ADMIN, env["ADMIN_PASSWORD"])
        assert admin.get("/admin/")[0] == 200
    site.timings["memory (PSS): app node, master and 2 workers (MB)"] = round(
        pss_kb(site.units["dx-app@8001"].pid) / 1024
    )
    site.timings["memory (PSS): report worker with its chromium, after a report (MB)"] = round(
        pss_kb(site.units["dx-worker"].pid) / 1024
    )
    metrics = site.run(guide_command('curl -fsS -H "Authorization: Bearer $METRICS_TOKEN"'))
    assert 'dx_reports{status="done"} 1.0' in metrics and "dx_rq_queue_depth" in metrics
    assert company.get("/metrics")[0] == 404  # not through nginx

    with step("rolling restart under a steady request loop"):
        counts = {"requests": 0, "failures": 0}
        stop = threading.Event()
        loop = threading.Thread(target=_steady_load, args=(company, stop, counts))
        loop.start()
        try:
            site.run(guide_command("systemctl restart dx-app@8001"))
            site.run(guide_command("systemctl restart dx-app@8002"))
        finally:
            stop.set()
            loop.join()
    site.timings["database connections: 2 nodes, worker, after the loop"] = _connections()
    site.timings["rolling restart: requests"] = counts["requests"]
    site.timings["rolling restart: failed requests"] = counts["failures"]
    assert counts["requests"] > 20 and counts["failures"] == 0, counts

    with step("readiness with the database a migration behind"):
        heads = site.run(guide_command('"$DX_VENV/bin/flask" --app portal db heads'))
        current = site.run(guide_command('"$DX_VENV/bin/flask" --app portal db current'))
        head = heads.split()[0]
        assert head in current
        history = subprocess.run(
            [*flask, "db", "history", "-r", "-2:"],
            env=env,
            cwd=site.home,
            capture_output=True,
            text=True,
            check=True,
        )
        previous = re.findall(r"(\w+) -> " + head, history.stdout)[0]
        subprocess.run(
            [*flask, "db", "stamp", previous], env=env, cwd=site.home, check=True, capture_output=True
        )
        try:
            behind = subprocess.run(
                ["curl", "-sS", f"http://{env['DX_NODE_1']}/readyz"],
                capture_output=True,
                text=True,
                check=True,
            )
        finally:
            subprocess.run(
                [*flask, "db", "stamp", head], env=env, cwd=site.home, check=True, capture_output=True
            )
        assert json.loads(behind.stdout)["checks"]["database"]["reason"].startswith("database behind")
        assert previous not in behind.stdout
        _wait_ready(site, "DX_NODE_1", seconds=5)

    with step("a node without SECRET_KEY stops"):
        without_key = {k: v for k, v in env.items() if k != "SECRET_KEY"}
        started = time.monotonic()
        node = site.start("dx-app@8003", env=without_key)
        node.wait(timeout=30)
        site.units.pop("dx-app@8003")
        assert node.returncode != 0 and time.monotonic() - started < 20
        assert any("SECRET_KEY: required in production" in line for line in site.log_lines("dx-app@8003"))

    with step("backup, retention, restore drill"):
        for start in ("pg_dump", "find", "createdb", "psql", "dropdb"):
            output = site.run(guide_command(start))
            if start == "psql":
                assert int(output.strip()) >= 1  # the rendered report came back with the dump

    with step("secrets: a new key, every session ended"):
        assert len(site.run(guide_command("python3 -c")).strip()) == 64
        site.run(guide_command('"$DX_VENV/bin/flask" --app portal users end-sessions'))
        assert "/login" in company.get("/company/")[2]

    # every line of the nodes' logs is JSON, and nginx's request id is in the app's access line
    for line in site.log_lines("dx-app@8001"):
        json.loads(line)
    nginx_ids = {
        json.loads(line)["request_id"]
        for line in (Path(env["DX_LOG_DIR"]) / "dx-access.log").read_text().splitlines()
    }
    app_ids = {json.loads(line).get("request_id") for line in site.log_lines("dx-app@8002")}
    assert nginx_ids & app_ids
    print(json.dumps(site.timings, indent=2))


def test_the_guide_shows_the_template_and_holds_no_command_the_test_did_not_run(site: Site) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    shown = re.search(r"```nginx\n(.*?)```", text, re.S)
    assert shown and shown.group(1) == (ROOT / "deploy" / "nginx.conf.template").read_text()
    if not site.ran:
        pytest.skip("the deployment test did not run")
    assert set(guide_commands()) <= set(site.ran), set(guide_commands()) - set(site.ran)


def _company_browser(site: Site) -> tuple[Browser, int]:
    browser = Browser(f"https://localhost:{site.env['DX_LISTEN']}", Path(site.env["DX_TLS_CERT"]))
    browser.sign_in("qiye@demo.dx", "Demo-2026")
    # Chinese pages (the account keeps the language it chose last), so the submitted one is recognised
    browser.post("/lang/zh_CN", {"csrf_token": browser.csrf("/company/"), "next": "/company/"})
    listing = browser.get("/company/assessments/")[1]
    ids = [int(i) for i in re.findall(rb'href="/company/assessments/(\d+)"', listing)]
    return browser, next(
        i for i in ids if "查看评估结果".encode() in browser.get(f"/company/assessments/{i}")[1]
    )


def test_after_a_database_restart_a_new_report_completes_and_none_stays_queued(site: Site) -> None:
    """Every connection of the site's database is ended by the server (what a PostgreSQL restart does to
    the worker and the nodes: AdminShutdown), without restarting the machine's shared server."""
    if not site.ran:
        pytest.skip("the deployment test did not run")
    browser, assessment_id = _company_browser(site)
    ended = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s"
    assert sql("postgres", ended, DATABASE) >= 3  # the nodes' and the worker's connections
    report = browser.report(assessment_id, lang="en")
    assert report["status"] == "done", report
    assert _queued_reports() == 0


def test_a_report_requested_while_redis_is_down_is_not_lost(site: Site) -> None:
    """Redis stops while a report is requested: no 500, and once Redis is back the report completes (or
    the request was refused with a clear message) — no row left queued with nothing in the queue."""
    if not site.ran:
        pytest.skip("the deployment test did not run")
    browser, assessment_id = _company_browser(site)
    site.stop_redis()
    try:
        token = browser.csrf(f"/company/assessments/{assessment_id}/result")
        try:
            status, _, _ = browser.post(
                f"/company/assessments/{assessment_id}/report", {"csrf_token": token, "lang": "en"}
            )
        except urllib.error.HTTPError as error:
            status = error.code
        assert status != 500
    finally:
        site.start_redis()
    deadline = time.monotonic() + 120
    while _queued_reports() and time.monotonic() < deadline:
        time.sleep(1)
    assert _queued_reports() == 0
