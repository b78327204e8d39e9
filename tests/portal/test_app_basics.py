"""App factory, configuration validation, language switch, layering of the pure packages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[2]


def test_config_rejects_bad_values(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config(str(tmp_path), {"DATABASE_URL": "mysql://x"})
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load_config(str(tmp_path), {"REDIS_URL": "http://x"})
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), {"PORTAL_ENV": "production"})
    with pytest.raises(ConfigError, match="PORTAL_ENV"):
        load_config(str(tmp_path), {"PORTAL_ENV": "staging"})


def test_config_defaults_to_sqlite_in_instance_folder(tmp_path: Path) -> None:
    config = load_config(str(tmp_path), {})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'dx_assess.sqlite3'}"
    assert config["SECRET_KEY"] == load_config(str(tmp_path), {})["SECRET_KEY"]  # kept across restarts
    pg = load_config(str(tmp_path), {"DATABASE_URL": "postgresql://u@h/db"})
    assert pg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_login_page_is_chinese_by_default_and_english_on_request(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "用户登录" in html
    client.post("/lang/en", data={"next": "/"})
    english = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in english and "Sign in" in english


def test_no_external_assets_in_pages(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "http://" not in html.replace("http://localhost", "") and "https://" not in html


def test_unknown_page_is_404_in_chinese(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


def _imports(package: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", ["scoring", "questionnaires"])
def test_pure_packages_import_no_web_or_database_code(package: str) -> None:
    forbidden = {
        "flask",
        "flask_sqlalchemy",
        "sqlalchemy",
        "wtforms",
        "flask_wtf",
        "portal",
        "plotly",
        "weasyprint",
    }
    assert _imports(package) & forbidden == set()


def test_migrations_match_the_models(app: Flask) -> None:
    """`flask db upgrade` builds exactly the schema the models describe (no drift either way)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from portal.extensions import db

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_single_migration_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
