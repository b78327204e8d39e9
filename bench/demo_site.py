"""The demo site in this process for the page benches: a fresh PostgreSQL database with `make run`'s demo
data (flask seed-demo and bureau seed-demo), the app, signed-in test clients, and the pages a role reaches.

The app runs in this process and pages are requested through Flask's test client, so a timing is the
server's own time for the page (routing, session, queries, template), without network or a client.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
DEMO_PASSWORD = "Demo-2026"
# One demo account per role (README.md): company admin, provider, province/city/district bureau, admin.
ROLES = {
    "company": "qiye@demo.dx",
    "provider": "fuwushang@demo.dx",
    "bureau_province": "sheng@demo.dx",
    "bureau_city": "jieyang@demo.dx",
    "bureau_district": "meijiang@demo.dx",
    "admin": "admin@demo.dx",
}
# Links that are not pages to time: files, downloads, actions, other languages, the sign-out.
SKIP = re.compile(r"^/(static|vendor)/|/download|/export\.|/logout|^/login|^/register|^/password")


def seed(env: dict[str, str]) -> None:
    """Migrate and seed the demo data, as `make run` does."""
    flask = str(VENV_BIN / "flask")
    for args in (["db", "upgrade"], ["seed-demo"], ["bureau", "seed-demo"]):
        subprocess.run([flask, "--app", "portal", *args], env=env, cwd=ROOT, check=True, capture_output=True)


@contextmanager
def demo_app(database_url: str | None) -> Iterator[Any]:
    """The app on *database_url* (demo data expected there), or on a fresh database seeded with the demo
    data and dropped afterwards."""
    from bench.http_load import drop_database, fresh_database

    url = database_url or fresh_database()
    try:
        if not database_url:
            env = {**os.environ, "DATABASE_URL": url, "PORTAL_ENV": "development"}
            env.pop("REDIS_URL", None)
            seed(env)
        app = make_app(url)
        try:
            yield app
        finally:
            with app.app_context():
                from portal.extensions import db

                db.engine.dispose()
    finally:
        if not database_url:
            drop_database(url)


def make_app(database_url: str) -> Any:
    from portal import create_app

    env = {"PORTAL_ENV": "development", "DATABASE_URL": database_url, "SECRET_KEY": "bench-" + "x" * 40}
    return create_app(overrides={"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}, env=env)


def signed_in(app: Any, email: str, password: str = DEMO_PASSWORD) -> Any:
    client = app.test_client()
    answer = client.post("/login", data={"email": email, "password": password})
    if answer.status_code != 302:
        raise RuntimeError(f"could not sign in as {email}: {answer.status_code}")
    return client


def links(html: str) -> list[str]:
    """Same-origin page links of a page (paths without query strings), in order."""
    found = []
    for href in re.findall(r'href="(/[^"#?]*)', html):
        if not SKIP.search(href) and href not in found:
            found.append(href)
    return found


def pattern(path: str) -> str:
    """The route a path is an instance of: numbers as <id> (one page of each kind is enough)."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


def pages_of(client: Any, home: str, limit: int = 40, first: dict[str, float] | None = None) -> list[str]:
    """The pages a signed-in user reaches from their home by following links: one path per route.
    *first*: filled with the time of each page's first request (ms), the first view in this process."""
    seen: dict[str, str] = {}
    queue = [home]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if pattern(path) in seen:
            continue
        started = time.perf_counter()
        answer = client.get(path)
        if first is not None and path not in first:
            first[path] = round((time.perf_counter() - started) * 1000, 2)
        if answer.status_code != 200 or answer.mimetype != "text/html":
            continue
        seen[pattern(path)] = path
        queue.extend(p for p in links(answer.get_data(as_text=True)) if pattern(p) not in seen)
    return list(seen.values())
