"""Configuration classes. Values come from the environment, validated once at start-up.

No environment variable is read at import time: `load_config()` is called by the app factory.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse


class ConfigError(RuntimeError):
    """A setting from the environment is missing or malformed; the message names it and says why."""


@dataclass(frozen=True)
class _Setting:
    name: str
    help: str


def _check_database_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme.split("+")[0] not in {"sqlite", "postgresql", "postgres"}:
        raise ConfigError(
            f"DATABASE_URL: unsupported scheme {parsed.scheme!r}; use sqlite:///path or "
            "postgresql+psycopg://user@host:port/db"
        )
    # Heroku-style URLs say postgres://; SQLAlchemy 2 wants postgresql+psycopg://
    if parsed.scheme in {"postgres", "postgresql"}:
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _check_public_url(url: str) -> str:
    """The portal's address as people reach it: scheme and host (and port), no path, query or fragment."""
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise ConfigError(f"PUBLIC_URL: expected https://host[:port], got {url!r}")
    if parsed.path not in {"", "/"} or parsed.query or parsed.fragment or parsed.username:
        raise ConfigError(f"PUBLIC_URL: give the site address only (https://host[:port]), got {url!r}")
    return f"{parsed.scheme}://{parsed.netloc}"


def _check_hosts(value: str) -> list[str]:
    hosts = [host.strip().lower() for host in value.split(",") if host.strip()]
    for host in hosts:
        if not re.fullmatch(r"\.?[a-z0-9.-]+|\[[0-9a-f:]+\]", host):
            raise ConfigError(f"TRUSTED_HOSTS: {host!r} is not a host name (no scheme or port)")
    return hosts


def _check_proxy_count(value: str) -> int:
    if not value.isascii() or not value.isdigit() or not 0 <= int(value) <= 5:
        raise ConfigError(f"TRUSTED_PROXIES: expected the number of proxies in front (0-5), got {value!r}")
    return int(value)


def _check_redis_url(url: str) -> str:
    if urlparse(url).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(f"REDIS_URL: expected redis://host:port/db, got {url!r}")
    return url


class BaseConfig:
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}  # noqa: RUF012
    REDIS_URL: str | None = None
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # as long as an idle sign-in session lives (portal/auth/sessions.py IDLE_LIMIT)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    # Throttling (Flask-Limiter, portal/auth/throttle.py): Redis when REDIS_URL is set, so every app node
    # counts together; process memory otherwise (one node, development, tests).
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = "dx-throttle"
    # Sign-in attempts, counted before the password is checked:
    LOGIN_LIMIT_ACCOUNT_ADDRESS = "5 per minute"  # one account from one client address
    LOGIN_LIMIT_ACCOUNT = "30 per hour"  # one account from all browsers it has never signed in on
    LOGIN_LIMIT_DEVICE = "10 per minute"  # one account from a browser it signed in on before
    # Failed sign-ins from one client address, any accounts (password spraying):
    LOGIN_LIMIT_ADDRESS_FAILURES = "30 per 10 minutes"
    # Registration, password-reset and verification mails:
    MAIL_LIMIT_ADDRESS = "10 per hour"
    MAIL_LIMIT_EMAIL = "3 per hour"
    # Shown on the agreement and privacy pages as the address for personal-information requests (optional)
    PRIVACY_CONTACT: str | None = None
    VERIFY_LIMIT_ADDRESS = "30 per minute"  # report verification form and page, per client address
    WTF_CSRF_TIME_LIMIT = (
        None  # tokens live as long as the session: long questionnaire sessions must not fail
    )
    INVITATION_TTL_HOURS = 72
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    PUBLIC_URL = "http://127.0.0.1:5000"
    TRUSTED_HOSTS: list[str] | None = None  # None: any Host (development); production sets the list
    TRUSTED_PROXIES = 0
    TESTING = False
    DEBUG = False
    # Flask-Compress: text responses (HTML, JSON, CSS, JS, SVG) compressed as the browser asks, brotli or
    # gzip first; below 1 KB compression saves less than its headers cost. PDFs, spreadsheets and images
    # are not in its list (already compressed). See portal/compression.py.
    COMPRESS_ALGORITHM = "br, gzip, zstd, deflate"
    COMPRESS_ALGORITHM_STREAMING = "br, zstd, deflate"
    COMPRESS_MIN_SIZE = 1024
    # Work out a stored result's default upgrade plan once it is stored, in a job (RQ, or the app's pool
    # without Redis), so its result page's first view reads it (portal/results/plan_ahead.py). The tests
    # turn it off (a plan per submission would slow the suite), except those of that module.
    RESULT_PLAN_AHEAD = True


class DevelopmentConfig(BaseConfig):
    DEBUG = False  # the reloader/debugger is opt-in via `flask run --debug`


class TestingConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 — fixed for reproducible tests only
    WTF_CSRF_ENABLED = True
    RESULT_PLAN_AHEAD = False


class ProductionConfig(BaseConfig):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

SETTINGS = (
    _Setting("PORTAL_ENV", "development | production | testing (default development)"),
    _Setting("DATABASE_URL", "SQLAlchemy URL; default: SQLite in the instance folder"),
    _Setting("REDIS_URL", "Redis: job queue and throttling; unset: jobs in an app thread, counts in memory"),
    _Setting("SECRET_KEY", "session signing key; required in production"),
    _Setting("LOG_FORMAT", "text (default) or json: one JSON object per log line, with access lines"),
    _Setting("PUBLIC_URL", "the address people use (https://host); links in mail; required in production"),
    _Setting("TRUSTED_HOSTS", "extra host names accepted besides PUBLIC_URL's (comma-separated; production)"),
    _Setting("TRUSTED_PROXIES", "number of reverse proxies in front (0 default; 1 behind one nginx)"),
    _Setting("MAIL_SERVER", "SMTP host for reset/verification mail; required in production (else logged)"),
    _Setting("MAIL_PORT", "SMTP port (default 25; 587 with starttls, 465 with ssl)"),
    _Setting("MAIL_SECURITY", "none (default) | starttls | ssl"),
    _Setting("MAIL_USERNAME", "SMTP user name, with MAIL_PASSWORD (unset: no authentication)"),
    _Setting("MAIL_FROM", "sender address (default noreply@dx-assess.local)"),
    _Setting(
        "SUPPORT_EMAIL", "where users write to the platform administrator (shown on pages; unset: not shown)"
    ),
    _Setting("METRICS_TOKEN", "bearer token for /metrics (>= 32 characters; unset: /metrics answers 404)"),
    _Setting("EVIDENCE_QUOTA_MB", "evidence storage per company, in MB (default 500)"),
)

DEFAULT_EVIDENCE_QUOTA_MB = 500


def _check_evidence_quota(value: str) -> int:
    """EVIDENCE_QUOTA_MB as bytes: a whole number of megabytes, at least 1."""
    try:
        megabytes = int(value.strip())
    except ValueError:
        megabytes = 0
    if megabytes < 1:
        raise ConfigError(
            f"EVIDENCE_QUOTA_MB: expected a whole number of megabytes (at least 1), got {value!r}"
        )
    return megabytes * 1024 * 1024


def load_config(instance_path: str, env: dict[str, str] | None = None) -> dict[str, Any]:  # noqa: C901 — one check per setting, read top to bottom
    """Build the config mapping from the environment; raise ConfigError with a clear message."""
    env = dict(os.environ) if env is None else env
    name = env.get("PORTAL_ENV", "development")
    if name not in CONFIGS:
        raise ConfigError(f"PORTAL_ENV: {name!r} is not one of {', '.join(CONFIGS)}")
    cls = CONFIGS[name]
    config: dict[str, Any] = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
    config["PORTAL_ENV"] = name

    database_url = env.get("DATABASE_URL")
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = _check_database_url(database_url)
    else:
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(instance_path) / "dx_assess.sqlite3")

    if env.get("REDIS_URL"):
        config["REDIS_URL"] = _check_redis_url(env["REDIS_URL"])
    if env.get("METRICS_TOKEN"):
        config["METRICS_TOKEN"] = _check_metrics_token(env["METRICS_TOKEN"])
    if env.get("REPORTS_TEST_DELAY_S"):  # fault-test hook: a slow first attempt, to kill its worker
        config["REPORTS_TEST_DELAY_S"] = float(env["REPORTS_TEST_DELAY_S"])
    config["EVIDENCE_QUOTA_BYTES"] = _check_evidence_quota(
        env.get("EVIDENCE_QUOTA_MB") or str(DEFAULT_EVIDENCE_QUOTA_MB)
    )
    if env.get("REPORTS_QUEUE"):
        config["REPORTS_QUEUE"] = env["REPORTS_QUEUE"]
    log_format = env.get("LOG_FORMAT", "text")
    if log_format not in ("text", "json"):
        raise ConfigError(f"LOG_FORMAT: {log_format!r} is not 'text' or 'json'")
    config["LOG_FORMAT"] = log_format

    secret = env.get("SECRET_KEY") or config.get("SECRET_KEY")
    if not secret:
        if name == "production":
            raise ConfigError(
                "SECRET_KEY: required in production, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`"
            )
        secret = _instance_secret(Path(instance_path))
    elif name == "production" and len(secret) < 32:
        raise ConfigError("SECRET_KEY: must be at least 32 characters in production")
    config["SECRET_KEY"] = secret
    _public_address(config, env, production=name == "production")
    _mail(config, env, production=name == "production")
    return config


MAIL_SECURITY = ("none", "starttls", "ssl")


def _mail(config: dict[str, Any], env: dict[str, str], *, production: bool) -> None:
    """SMTP settings. Without a mail server the messages (with their one-time links) are written to the
    log, which must never happen in production: there MAIL_SERVER is required."""
    for setting in ("MAIL_SERVER", "MAIL_FROM", "MAIL_USERNAME", "MAIL_PASSWORD"):
        if env.get(setting):
            config[setting] = env[setting]
    if production and not config.get("MAIL_SERVER"):
        raise ConfigError(
            "MAIL_SERVER: required in production (password-reset and verification links would otherwise "
            "be written to the log), e.g. smtp.internal"
        )
    support = (env.get("SUPPORT_EMAIL") or "").strip()
    if support and (" " in support or support.count("@") != 1):
        raise ConfigError(f"SUPPORT_EMAIL: expected one e-mail address, got {support!r}")
    config["SUPPORT_EMAIL"] = support or None
    security = env.get("MAIL_SECURITY") or "none"
    if security not in MAIL_SECURITY:
        raise ConfigError(f"MAIL_SECURITY: {security!r} is not one of {', '.join(MAIL_SECURITY)}")
    config["MAIL_SECURITY"] = security
    default_port = {"none": "25", "starttls": "587", "ssl": "465"}[security]
    port = env.get("MAIL_PORT") or default_port
    if not port.isascii() or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"MAIL_PORT: expected a port number, got {port!r}")
    config["MAIL_PORT"] = int(port)
    if bool(config.get("MAIL_USERNAME")) != bool(config.get("MAIL_PASSWORD")):
        raise ConfigError("MAIL_USERNAME: give it together with MAIL_PASSWORD (SMTP authentication)")


def _check_metrics_token(token: str) -> str:
    if len(token) < 32:
        raise ConfigError("METRICS_TOKEN: must be at least 32 characters (it opens /metrics)")
    return token


def check_environment(env: dict[str, str]) -> None:
    """Validate the environment as `create_app` will, without touching the instance folder: gunicorn's
    master calls it before starting any worker, so a bad setting stops the node instead of a boot loop."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        load_config(scratch, env)


# Loopback names stay accepted so health checks and the machine's own tools can reach a node directly;
# they cannot poison anything, since links are built from PUBLIC_URL.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def _public_address(config: dict[str, Any], env: dict[str, str], *, production: bool) -> None:
    """PUBLIC_URL, the hosts a request may name, and how many proxies' X-Forwarded-For to believe."""
    public_url = env.get("PUBLIC_URL")
    if production and not public_url:
        raise ConfigError("PUBLIC_URL: required in production, e.g. https://dx.gdii.gov.cn")
    if public_url:
        config["PUBLIC_URL"] = _check_public_url(public_url)
    if production and not config["PUBLIC_URL"].startswith("https://"):
        raise ConfigError("PUBLIC_URL: must be https:// in production (cookies are sent over HTTPS only)")
    extra = _check_hosts(env.get("TRUSTED_HOSTS", ""))
    if production:
        public_host = urlparse(config["PUBLIC_URL"]).hostname or ""
        config["TRUSTED_HOSTS"] = [public_host, *extra, *LOOPBACK_HOSTS]
    elif extra:
        config["TRUSTED_HOSTS"] = [*extra, *LOOPBACK_HOSTS]
    if env.get("TRUSTED_PROXIES"):
        config["TRUSTED_PROXIES"] = _check_proxy_count(env["TRUSTED_PROXIES"])


def _instance_secret(instance: Path) -> str:
    """A random key kept in the instance folder so development sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
