"""数转评估 (DX Assess) — the Flask application. `create_app()` is the only entry point."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from portal.assets import ASSETS
from portal.config import ConfigError, load_config


def create_app(overrides: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> Flask:
    """Build the app: config from the environment (validated), extensions, blueprints, CLI, i18n.

    Migrations are NOT applied here: run `flask db upgrade` (make run does) as an explicit step.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ASSETS / "templates"),
        static_folder=str(ASSETS / "static"),
    )
    try:
        app.config.from_mapping(load_config(app.instance_path, env))
    except ConfigError as exc:
        raise SystemExit(f"Configuration error — {exc}") from exc
    if overrides:
        app.config.update(overrides)
    trust_proxies(app)

    register_extensions(app)
    register_input_guards(app)  # before the blueprints: their routes use its <int:…> converter
    register_blueprints(app)
    register_subscribers(app)
    register_access_control(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    register_metrics(app)
    configure_logging(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client address and scheme come from X-Forwarded-For
    and X-Forwarded-Proto (rate limits and the audit log key on the real client). X-Forwarded-Host is
    never believed: links are built from PUBLIC_URL and requests must name a trusted host."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    from portal import compression, i18n
    from portal.extensions import babel, csrf, db, limiter, limits_storage_uri, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ASSETS / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    compression.register(app)  # first: its after_request runs last, on the finished response
    login_manager.init_app(app)
    if app.config.get("RATELIMIT_STORAGE_URI", "memory://") == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = limits_storage_uri(app.config.get("REDIS_URL"))
    limiter.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page itself says why
    babel.init_app(app, locale_selector=i18n.select_locale, default_translation_directories="translations")

    from portal import transactions

    transactions.register(app)  # after db.init_app: read-only requests end with COMMIT (see the module)

    from portal.auth import sessions

    # The id in the cookies is a sign-in session's token, not the user id (portal/auth/sessions.py).
    login_manager.user_loader(sessions.load)


def register_input_guards(app: Flask) -> None:
    from portal import inputs

    inputs.register(app)


def register_blueprints(app: Flask) -> None:
    from portal.admin.rules_views import bp as admin_rules_bp
    from portal.admin.views import bp as admin_bp
    from portal.api import bp as api_bp
    from portal.assessments.views import bp as assessments_bp
    from portal.auth.views import bp as auth_bp
    from portal.bureau.pilot_views import bp as pilot_bp
    from portal.bureau.views import bp as bureau_bp
    from portal.companies.views import bp as companies_bp
    from portal.eligibility.views import bp as eligibility_bp
    from portal.evidence.views import bp as evidence_bp
    from portal.help.views import bp as help_bp
    from portal.home import bp as home_bp
    from portal.notifications.views import bp as notifications_bp
    from portal.providers.admin_views import bp as provider_moderation_bp
    from portal.providers.company_views import bp as sharing_bp
    from portal.providers.views import bp as providers_bp
    from portal.reports.views import bp as reports_bp
    from portal.results.views import bp as results_bp
    from portal.review.views import bp as review_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(companies_bp, url_prefix="/company")
    app.register_blueprint(assessments_bp, url_prefix="/company/assessments")
    app.register_blueprint(results_bp, url_prefix="/company/assessments")
    app.register_blueprint(evidence_bp, url_prefix="/company/assessments")
    app.register_blueprint(reports_bp)  # /company/assessments/<id>/report, /reports/<id>, /verify/<code>
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(providers_bp, url_prefix="/provider")
    app.register_blueprint(sharing_bp, url_prefix="/company/sharing")  # 共享与协作 (consents, audit)
    app.register_blueprint(provider_moderation_bp, url_prefix="/admin/providers")
    app.register_blueprint(bureau_bp, url_prefix="/bureau")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(admin_rules_bp, url_prefix="/admin/rules")  # rule versions
    app.register_blueprint(eligibility_bp)  # /company/eligibility…
    app.register_blueprint(help_bp)  # /glossary
    app.register_blueprint(notifications_bp)  # /notifications/…, /company/tasks
    app.register_blueprint(review_bp)  # /bureau/assessors…, /provider/reviews/…
    app.register_blueprint(pilot_bp, url_prefix="/bureau/pilot")  # the pilot-city target


def register_subscribers(app: Flask) -> None:
    """Features that react to other features' signals (portal/signals.py) subscribe here, once per app."""
    from portal import bureau
    from portal.results import plan_ahead

    bureau.register(app)
    plan_ahead.register(app)


def register_access_control(app: Flask) -> None:
    from portal import security
    from portal.access import enforce_access

    app.before_request(security.authenticate_bearer)  # first: access rules judge the token's owner
    app.before_request(enforce_access)
    security.register(app)


def register_errorhandlers(app: Flask) -> None:
    from portal.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from portal import i18n, templating

    templating.register(app)
    i18n.register(app)


def register_commands(app: Flask) -> None:
    from portal.cli import register

    register(app)


def register_metrics(app: Flask) -> None:
    from portal import metrics

    metrics.register(app)


def configure_logging(app: Flask) -> None:
    from portal import logs

    if app.config.get("LOG_FORMAT") == "json":
        logs.configure(app)
    elif not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
