"""Configuration classes. Values come from the environment, validated once at start-up.

No environment variable is read at import time: `load_config()` is called by the app factory.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
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
    WTF_CSRF_TIME_LIMIT = (
        None  # tokens live as long as the session: long questionnaire sessions must not fail
    )
    INVITATION_TTL_HOURS = 72
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    TESTING = False
    DEBUG = False


class DevelopmentConfig(BaseConfig):
    DEBUG = False  # the reloader/debugger is opt-in via `flask run --debug`


class TestingConfig(BaseConfig):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 — fixed for reproducible tests only
    WTF_CSRF_ENABLED = True


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
    _Setting("REDIS_URL", "Redis for the job queue; unset: jobs run inline"),
    _Setting("SECRET_KEY", "session signing key; required in production"),
    _Setting("LOG_FORMAT", "text (default) or json: one JSON object per log line, with access lines"),
    _Setting("MAIL_SERVER", "SMTP host for password-reset mail; unset: mail is written to the log"),
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


def load_config(instance_path: str, env: dict[str, str] | None = None) -> dict[str, Any]:
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
    for setting in ("MAIL_SERVER", "MAIL_PORT", "MAIL_FROM"):
        if env.get(setting):
            config[setting] = env[setting]
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
    return config


def _instance_secret(instance: Path) -> str:
    """A random key kept in the instance folder so development sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
