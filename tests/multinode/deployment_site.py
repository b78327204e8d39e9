"""A site laid out as docs/deploy.md says, on this machine: the guide's `sh` commands run as written (with
the site's own ports and folders in the guide's shell variables), `systemctl` played by starting each
unit file's ExecStart and stopping it with its KillSignal, nginx from Debian's package with its own prefix.

Used by tests/multinode/test_deployment.py; every command run is recorded so the test can check that the
guide holds no command it did not run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deploy.md"
DEV_BIN = Path(sys.executable).parent
UNIT_VENV = "/opt/dx-assess"  # the path the units name
SITE_CONF = "/etc/nginx/conf.d/dx-assess.conf"  # where the guide writes nginx's configuration


def guide_commands() -> list[str]:
    """Each command line of the guide's ```sh blocks (comments and blank lines left out)."""
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S):
        commands += [line.strip() for line in block.splitlines() if line.strip() and line[0] != "#"]
    return commands


def guide_command(start: str) -> str:
    (command,) = [c for c in guide_commands() if c.startswith(start)]
    return command


def sql(database: str, query: str, *params: Any) -> Any:
    """The first value of the first row (PostgreSQL on 127.0.0.1, as the test's superuser)."""
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={database}", autocommit=True) as conn:
        cursor = conn.execute(query, params)
        row = cursor.fetchone() if cursor.description else None
        return row[0] if row else None


def pss_kb(pid: int) -> int:
    """Memory of a process and all its descendants (a worker's chromium, a master's workers): the sum of
    their proportional set sizes, so pages they share are counted once, not once per process."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            status = Path(f"/proc/{current}/smaps_rollup").read_text()
        except OSError:
            continue
        match = re.search(r"^Pss:\s+(\d+) kB", status, re.M)
        total += int(match.group(1)) if match else 0
    return total


@dataclass
class Site:
    home: Path
    env: dict[str, str]
    ports: dict[str, int]  # unit instance (8001) -> this site's port
    units: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    redis: subprocess.Popen[bytes] | None = None  # the site's own Redis (stopped by one scenario)

    def start_redis(self) -> None:
        port = self.env["REDIS_URL"].rsplit(":", 1)[1].split("/")[0]
        self.redis = subprocess.Popen(
            ["redis-server", "--port", port, "--save", "", "--appendonly", "no", "--dir", str(self.home)],
            stdout=subprocess.DEVNULL,
        )

    def stop_redis(self) -> None:
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait()
            self.redis = None

    # ------------------------------------------------------------------ running the guide's commands
    def run(self, command: str, *, env: dict[str, str] | None = None) -> str:
        """One guide line: its `&&` parts in turn; returns what the last part printed."""
        self.ran.append(command)
        output = ""
        for part in command.split(" && "):
            output = self._part(part.strip(), env or self.env)
        return output

    def _part(self, part: str, env: dict[str, str]) -> str:
        if part.startswith("systemctl "):
            words = shlex.split(part)
            getattr(self, "_systemctl_" + words[1])(words[2:] if words[1] != "enable" else words[3:])
            return ""
        if part.startswith("nginx "):
            part = part.replace("nginx ", f"nginx -p {self.home}/nginx/ -c {self.home}/nginx/nginx.conf ", 1)
        part = part.replace(SITE_CONF, str(self.home / "nginx" / "conf.d" / "dx-assess.conf"))
        in_source = re.search(r"\bdist\b|deploy/", part) is not None
        done = subprocess.run(
            ["bash", "-c", part],
            env=env,
            cwd=ROOT if in_source else self.home,  # the release's source, or anywhere else
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{part}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    # ------------------------------------------------------------------ systemctl, played
    def unit_command(self, unit: str) -> tuple[list[str], dict[str, str]]:
        name, _, instance = unit.partition("@")
        text = (ROOT / "deploy" / (f"{name}@.service" if instance else f"{name}.service")).read_text()
        text = text.replace("%i", str(self.ports.get(instance, instance)))
        text = text.replace("/run/", f"{self.home}/run/").replace(UNIT_VENV, self.env["DX_VENV"])
        extra = dict(re.findall(r"^Environment=(\w+)=(\S+)$", text, re.M))
        (start,) = re.findall(r"^ExecStart=(.+)$", text, re.M)
        return shlex.split(start), extra

    def start(self, unit: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        argv, extra = self.unit_command(unit)
        with (self.home / "logs" / f"{unit}.log").open("ab") as log:  # the process keeps its own copy
            process = subprocess.Popen(
                argv, env={**(env or self.env), **extra}, cwd=self.home, stderr=log, stdout=log
            )
        self.units[unit] = process
        return process

    def stop(self, unit: str) -> None:
        process = self.units.pop(unit)
        process.send_signal(signal.SIGTERM)  # the units' KillSignal
        try:
            process.wait(timeout=30)  # TimeoutStopSec
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _systemctl_enable(self, units: list[str]) -> None:  # `enable --now`
        for unit in units:
            self.start(unit)

    def _systemctl_restart(self, units: list[str]) -> None:
        for unit in units:
            self.stop(unit)
            self.start(unit)

    def _systemctl_reload(self, units: list[str]) -> None:
        assert units == ["nginx"]
        nginx = ["nginx", "-p", f"{self.home}/nginx/", "-c", f"{self.home}/nginx/nginx.conf"]
        subprocess.run([*nginx, *(["-s", "reload"] if self.nginx_pid() else [])], check=True)

    def nginx_pid(self) -> int | None:
        """The running nginx master (`nginx -t` leaves an empty pid file behind)."""
        pid = self.home / "nginx" / "nginx.pid"
        text = pid.read_text().strip() if pid.exists() else ""
        return int(text) if text else None

    def stop_all(self) -> None:
        for unit in list(self.units):
            self.stop(unit)
        self.stop_redis()
        pid = self.nginx_pid()
        if pid:
            os.kill(pid, signal.SIGQUIT)

    def log_lines(self, unit: str) -> list[str]:
        return (self.home / "logs" / f"{unit}.log").read_text(errors="replace").splitlines()

    def write_nginx_main(self) -> None:
        """nginx's own main file (Debian's /etc/nginx/nginx.conf, minus the system paths)."""
        prefix = self.home / "nginx"
        for folder in ("conf.d", "temp", "logs"):
            (prefix / folder).mkdir(parents=True, exist_ok=True)
        user = "user root;\n" if os.geteuid() == 0 else ""  # temp files in this private folder
        (prefix / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log;\n"
            "events { worker_connections 512; }\nhttp {\n  access_log off;\n"
            + "".join(f"  {kind}_temp_path {prefix}/temp/{kind};\n" for kind in ("client_body", "proxy"))
            + f"  include {prefix}/conf.d/*.conf;\n}}\n"
        )


class Browser:
    """One user's browser against the site through nginx (HTTPS, the site's certificate, cookies)."""

    def __init__(self, base: str, certificate: Path) -> None:
        self.base = base
        context = ssl.create_default_context(cafile=str(certificate))
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context), urllib.request.HTTPCookieProcessor(self.jar)
        )

    def get(self, path: str, timeout: float = 30) -> tuple[int, bytes, str]:
        try:
            with self.opener.open(self.base + path, timeout=timeout) as response:
                return response.status, response.read(), response.geturl()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read(), error.geturl()

    def post(self, path: str, data: dict[str, str]) -> tuple[int, bytes, str]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        request.add_header("Referer", self.base + path)  # Flask-WTF checks it on HTTPS
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read(), response.geturl()

    def csrf(self, path: str) -> str:
        match = re.search(rb'name="csrf_token"(?: type="hidden")? value="([^"]+)"', self.get(path)[1])
        assert match, f"no CSRF token on {path}"
        return match.group(1).decode()

    def sign_in(self, email: str, password: str) -> None:
        status, _, url = self.post(
            "/login", {"csrf_token": self.csrf("/login"), "email": email, "password": password}
        )
        assert status == 200 and "/login" not in url, f"sign-in as {email} failed"

    def report(self, assessment_id: int, lang: str = "zh_CN", seconds: float = 120) -> dict[str, Any]:
        token = self.csrf(f"/company/assessments/{assessment_id}/result")
        _, _, url = self.post(
            f"/company/assessments/{assessment_id}/report", {"csrf_token": token, "lang": lang}
        )
        report_id = int(re.search(r"/reports/(\d+)", url).group(1))  # type: ignore[union-attr]
        deadline = time.monotonic() + seconds
        state: dict[str, Any] = {}
        while time.monotonic() < deadline and state.get("status") not in ("done", "failed"):
            time.sleep(0.5)
            state = json.loads(self.get(f"/reports/{report_id}/status")[1])
        return {"id": report_id, **state}
