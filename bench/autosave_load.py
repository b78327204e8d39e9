"""Simulated respondents autosaving concurrently, optionally with a database restart in the middle.

Each respondent is its own company user with its own assessment. It changes one answer at a time, with
a short think time, through the real autosave API (session cookie + CSRF header), and behaves like the
page's script: an answer that was not acknowledged (network error, 5xx, 503 while the database restarts)
is sent again until it is. At the end every respondent's last acknowledged value of every item is compared
with what the database holds: "lost" counts acknowledged answers that are not stored.

The database is a private PostgreSQL cluster (initdb in a temporary folder, its own port), so restarting
it disturbs nothing else. All traffic goes to 127.0.0.1. Usage:
  python -m bench.autosave_load --respondents 50 --seconds 60 [--restart-at 20]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from bench.http_load import RESPONDENT_PASSWORD, add_respondents, free_port, migrate, start_gunicorn

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = (
    Path("/usr/lib/postgresql")
    / (sorted(os.listdir("/usr/lib/postgresql"))[-1] if Path("/usr/lib/postgresql").exists() else "15")
    / "bin"
)
ITEMS = {
    "base.info_systems.coverage": ["A", "B", "C", "D", "E"],
    "mgmt.resources.funding": ["A", "B", "C", "D", "E"],
    "mgmt.planning.implementation": ["A", "B", "C", "D", "E", "F"],
    "effect.green.energy_intensity": ["A", "B", "C"],
    "base.security.network": [["B"], ["B", "C"], ["C", "D"], ["E"]],
}


class PrivatePostgres:
    """A throw-away PostgreSQL cluster owned by the postgres system user (initdb refuses root)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="dx-pg-"))
        self.port = free_port()
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self._pg(
            "initdb", "-D", str(self.data), "-U", "app", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"
        )

    def _pg(self, tool: str, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / tool), *args], check=True, capture_output=True
        )

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c max_connections=200"
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-o", options, "start")

    def restart(self) -> None:
        # -l: the restarted server must not inherit our output pipes (subprocess would wait on them forever)
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        try:
            self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://app@127.0.0.1:{self.port}/postgres"


class Respondent(threading.Thread):
    def __init__(self, base: str, account: dict[str, Any], until: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.base, self.account, self.until = base, account, until
        self.rng = random.Random(seed)
        self.acknowledged: dict[str, Any] = {}
        self.status: Counter[int] = Counter()
        self.sent = 0
        self.retries = 0
        jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def _open(self, request: Any) -> tuple[int, bytes]:
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:
            return 0, b""  # connection refused / reset: not acknowledged

    def _sign_in(self) -> str:
        while time.monotonic() < self.until:
            status, page = self._open(self.base + "/login")
            token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
            if status == 200 and token:
                form = {
                    "csrf_token": token.group(1).decode(),
                    "email": self.account["email"],
                    "password": RESPONDENT_PASSWORD,
                }
                self._open(
                    urllib.request.Request(self.base + "/login", data=urllib.parse.urlencode(form).encode())
                )
                status, page = self._open(self.base + "/company/")
                csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page)
                if status == 200 and csrf:
                    return csrf.group(1).decode()
            time.sleep(0.5)
        raise RuntimeError("could not sign in")

    def run(self) -> None:
        csrf = self._sign_in()
        url = f"{self.base}/api/v1/assessments/{self.account['assessment']}/answers"
        while time.monotonic() < self.until:
            item = self.rng.choice(list(ITEMS))
            value = self.rng.choice(ITEMS[item])
            body = json.dumps({"answers": [{"item_id": item, "value": value}]}).encode()
            while True:  # like static/js/autosave.js: resend until acknowledged
                request = urllib.request.Request(
                    url, data=body, headers={"Content-Type": "application/json", "X-CSRFToken": csrf}
                )
                self.sent += 1
                status, _payload = self._open(request)
                self.status[status] += 1
                if status == 200:
                    self.acknowledged[item] = value
                    break
                self.retries += 1
                if time.monotonic() > self.until + 60:
                    return
                time.sleep(0.3)
            time.sleep(self.rng.uniform(0.2, 0.6))  # think time


def stored_answers(env: dict[str, str], assessment_ids: list[int]) -> dict[int, dict[str, Any]]:
    code = f"""
import json
from portal import create_app
from portal.extensions import db
from portal.models import Answer
app = create_app()
with app.app_context():
    out = {{}}
    for a in db.session.query(Answer).filter(Answer.assessment_id.in_({assessment_ids!r})):
        out.setdefault(a.assessment_id, {{}})[a.item_id] = a.value
    print(json.dumps(out))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return {int(k): v for k, v in json.loads(result.stdout.strip().splitlines()[-1]).items()}


def run(
    respondents: int, seconds: float, restart_at: float | None = None, workers: int = 4
) -> dict[str, Any]:
    pg = PrivatePostgres()
    pg.start()
    server = None
    try:
        env = {
            **os.environ,
            "DATABASE_URL": pg.url,
            "PORTAL_ENV": "development",
            "SECRET_KEY": "load-" + "s" * 40,
        }
        env.pop("REDIS_URL", None)
        migrate(env)
        accounts = add_respondents(env, respondents)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(env, port, workers, log_level="error")
        until = time.monotonic() + seconds
        crowd = [Respondent(base, account, until, seed) for seed, account in enumerate(accounts)]
        for respondent in crowd:
            respondent.start()
        restarted = False
        if restart_at is not None:
            time.sleep(restart_at)
            pg.restart()
            restarted = True
        for respondent in crowd:
            respondent.join(timeout=seconds + 120)
        stored = stored_answers(env, [a["assessment"] for a in accounts])
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
        pg.stop()
    lost = 0
    acknowledged = 0
    for respondent in crowd:
        mine = stored.get(respondent.account["assessment"], {})
        for item, value in respondent.acknowledged.items():
            acknowledged += 1
            if mine.get(item) != value:
                lost += 1
    statuses: Counter[int] = Counter()
    for respondent in crowd:
        statuses.update(respondent.status)
    server_errors = sum(n for code, n in statuses.items() if code >= 500 and code != 503)
    return {
        "bench": "autosave_load",
        "respondents": respondents,
        "seconds": seconds,
        "database_restarted": restarted,
        "requests_sent": sum(r.sent for r in crowd),
        "retries_after_no_ack": sum(r.retries for r in crowd),
        "status_counts": {str(k): v for k, v in sorted(statuses.items())},
        "final_answers_checked": acknowledged,
        "lost": lost,
        "server_errors_5xx_except_503": server_errors,
        "targets": {
            "zero_lost": lost == 0,
            "zero_5xx": server_errors == 0 and (restarted or statuses.get(503, 0) == 0),
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--restart-at", type=float, default=None)
    args = parser.parse_args()
    print(json.dumps(run(args.respondents, args.seconds, args.restart_at), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
