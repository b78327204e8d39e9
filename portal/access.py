"""Explicit access rules for every route.

Each view is decorated with exactly one rule (`public`, `anonymous_only`, `signed_in`, `roles(...)`).
A before-request hook enforces the rule of the matched endpoint and refuses any endpoint that has none,
so a forgotten decorator fails closed (403) instead of exposing data. tests/portal/test_access_matrix.py
walks every route × role against the declared rules.

Object-level checks (this company's assessment, this bureau's jurisdiction, a provider's consent) live
in the feature services and answer 404 for other people's objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.errors import PortalError, wants_json
from portal.models import Role

F = TypeVar("F", bound=Callable[..., Any])

# Where each role lands after signing in (and when it opens an anonymous-only page).
HOME_ENDPOINTS = {
    Role.ENTERPRISE: "companies.dashboard",
    Role.PROVIDER: "providers.dashboard",
    Role.BUREAU: "bureau.dashboard",
    Role.ADMIN: "admin.dashboard",
}


def home_url(user: Any) -> str:
    return url_for(HOME_ENDPOINTS[user.role])


class Decision(StrEnum):
    ALLOW = "allow"
    LOGIN = "login"  # not signed in: send to the login page (401 for the API)
    FORBID = "forbid"  # signed in, wrong role
    ELSEWHERE = "elsewhere"  # signed-in user on an anonymous-only page: send home


@dataclass(frozen=True)
class AccessRule:
    kind: str  # public | anonymous_only | signed_in | roles
    roles: frozenset[Role] = frozenset()
    company_admin: bool = False  # enterprise users must also be their company's administrator

    def decide(self, user: Any) -> Decision:
        signed_in = bool(getattr(user, "is_authenticated", False))
        if self.kind == "public":
            return Decision.ALLOW
        if self.kind == "anonymous_only":
            return Decision.ELSEWHERE if signed_in else Decision.ALLOW
        if not signed_in:
            return Decision.LOGIN
        if self.kind == "signed_in":
            return Decision.ALLOW
        return Decision.ALLOW if self._role_allows(user) else Decision.FORBID

    def _role_allows(self, user: Any) -> bool:
        if user.role not in self.roles:
            return False
        return not (self.company_admin and user.role is Role.ENTERPRISE and not user.is_company_admin)

    def describe(self) -> str:
        if self.kind != "roles":
            return self.kind
        names = ",".join(sorted(r.value for r in self.roles))
        return f"roles({names}{', company admin' if self.company_admin else ''})"


PUBLIC = AccessRule("public")
ANONYMOUS_ONLY = AccessRule("anonymous_only")
SIGNED_IN = AccessRule("signed_in")

# Endpoints registered by Flask itself, which cannot carry a decorator.
FRAMEWORK_RULES: dict[str, AccessRule] = {"static": PUBLIC}


def _mark(rule: AccessRule) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        if hasattr(view, "access_rule"):
            raise RuntimeError(f"{view.__name__} already has an access rule")
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorator


public = _mark(PUBLIC)
anonymous_only = _mark(ANONYMOUS_ONLY)
signed_in = _mark(SIGNED_IN)


def roles(*allowed: Role, company_admin: bool = False) -> Callable[[F], F]:
    return _mark(AccessRule("roles", frozenset(allowed), company_admin))


def rule_for_endpoint(app: Flask, endpoint: str) -> AccessRule | None:
    if endpoint in FRAMEWORK_RULES:
        return FRAMEWORK_RULES[endpoint]
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def enforce_access() -> Any:
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: let Flask answer 404/405
        return None
    rule = rule_for_endpoint(current_app, endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s has no access rule; refusing", endpoint)
        abort(403)
    decision = rule.decide(current_user)
    if decision is Decision.ALLOW:
        return None
    if decision is Decision.ELSEWHERE:
        return redirect(home_url(current_user))
    if decision is Decision.LOGIN:
        return _ask_to_sign_in()
    raise PortalError(403, _l("您的账号无权访问此页面。"))


def _ask_to_sign_in() -> Any:
    if wants_json():
        raise PortalError(401, _l("请先登录"))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
