"""Hostile input against every HTML form: no 5xx ever, and a rejected request changes nothing.

Nothing here lists the forms by hand, so a new form is fuzzed without touching this file:

* the routes are every POST rule of ``app.url_map`` outside /api/ (the JSON API is schemathesis's, in
  test_api_fuzz.py);
* the fields come from two places: the WTForms classes the view uses (found by walking the names its
  code refers to) and the <form method="post"> elements of every page a user of the world can open,
  whose action is the route (that is where dynamic forms — the module page, eligibility conditions,
  projects — and the views that read ``request.form`` directly show their field names and choices);
* the user signing in is one the route's access rule (portal.access) allows;
* the URL's object ids come from a small world (an assessment, a project, a solution, a consent…); a
  route with a URL parameter the world does not know fails ``test_every_form_route_is_covered``.

Bodies mix valid-looking values (the page's own choices) with huge and tiny numbers, NaN, NUL bytes,
emoji, 10k-character strings, wrong types, non-ASCII digits, missing and repeated fields. A request is a
rejection when it answers 4xx, re-renders a page showing errors, or redirects with an error flash; then
every table must be as before (row checksums). The request and 5xx counts are printed in the
"hostile input" section at the end of the run (tests/portal/conftest.py).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from types import CodeType, FunctionType, ModuleType
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa
import wtforms
from flask import Flask, request
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from fuzz_counts import fuzz_counts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests_support import PASSWORD, Factory, answer_everything, empty_all_tables, sign_in_session
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Rule

from portal import create_app
from portal.access import AccessRule, rule_for_endpoint, signed_in
from portal.admin import rule_versions
from portal.assessments import saving
from portal.assessments import services as assessments
from portal.auth import security
from portal.auth import services as accounts
from portal.bureau import targets
from portal.bureau.models import BureauIndicator
from portal.eligibility import services as eligibility
from portal.evidence import services as evidence
from portal.extensions import db
from portal.models import (
    Assessment,
    Company,
    ConsentMode,
    Invitation,
    JurisdictionLevel,
    Notification,
    Role,
    User,
)
from portal.notifications import services as notifications
from portal.providers import consent
from portal.providers import services as providers
from portal.reports import jobs, outbox
from portal.reports.models import ReportStatus
from portal.review import services as review
from portal.review.models import AssessorAppointment
from scoring.reference import credit_code

# Tuned so the module runs in about two minutes on SQLite on a 2-core machine; derandomized, and without
# hypothesis's example database, so CI runs are reproducible.
FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


# ------------------------------------------------------------------------------------------ discovery
def _discovery_app() -> Flask:
    return create_app(env={"PORTAL_ENV": "testing", "DATABASE_URL": "sqlite://"})


def form_rules(app: Flask) -> list[Rule]:
    """Every POST route outside the JSON API."""
    rules = [
        r for r in app.url_map.iter_rules() if "POST" in (r.methods or ()) and not r.rule.startswith("/api/")
    ]
    return sorted(rules, key=lambda r: r.endpoint)


FORM_ENDPOINTS = [rule.endpoint for rule in form_rules(_discovery_app())]


def _code_objects(code: CodeType) -> Iterator[CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _code_objects(const)


def form_classes_of(view: Callable[..., Any]) -> set[type[wtforms.Form]]:
    """The WTForms classes a view refers to, directly or through helpers of its own package
    (``forms.RuleUploadForm``, ``_consent_form()``, ``_moderate()``…). ``FlaskForm`` itself = CSRF only."""
    found: set[type[wtforms.Form]] = set()
    seen: set[CodeType] = set()
    package = view.__module__.rsplit(".", 1)[0]

    def visit(function: FunctionType) -> None:
        if function.__code__ in seen:
            return
        seen.add(function.__code__)
        names = {name for code in _code_objects(function.__code__) for name in code.co_names}
        modules = [v for v in function.__globals__.values() if isinstance(v, ModuleType)]
        for name in names:
            candidates = [function.__globals__.get(name)] + [getattr(m, name, None) for m in modules]
            for obj in candidates:
                if isinstance(obj, type) and issubclass(obj, wtforms.Form):
                    found.add(obj)
                elif isinstance(obj, FunctionType) and obj.__module__.startswith(package):
                    visit(obj)

    visit(getattr(view, "__wrapped__", view))  # type: ignore[arg-type]
    return found


@dataclass
class FieldInfo:
    kind: str = "text"  # text | number | date | choice | multi | bool | file | email
    options: set[str] = field(default_factory=set)

    def merge(self, kind: str, options: set[str]) -> None:
        if self.kind == "text" and kind != "text":
            self.kind = kind
        self.options |= options


def _kind_of(field_class: type) -> str:  # noqa: PLR0911 — one return per WTForms field kind
    if issubclass(field_class, wtforms.FileField):
        return "file"
    if issubclass(field_class, wtforms.DecimalField | wtforms.IntegerField | wtforms.FloatField):
        return "number"
    if issubclass(field_class, wtforms.DateField | wtforms.DateTimeField):
        return "date"
    if issubclass(field_class, wtforms.SelectMultipleField):
        return "multi"
    if issubclass(field_class, wtforms.SelectField | wtforms.RadioField):
        return "choice"
    if issubclass(field_class, wtforms.BooleanField):
        return "bool"
    if issubclass(field_class, wtforms.EmailField):
        return "email"
    return "text"


def _choices(unbound: Any) -> set[str]:
    choices = unbound.kwargs.get("choices")
    if callable(choices):
        choices = choices()
    if not choices:
        return set()
    return {str(c[0] if isinstance(c, tuple | list) else c) for c in choices}


def fields_of_form_class(form_class: type[wtforms.Form]) -> dict[str, FieldInfo]:
    fields: dict[str, FieldInfo] = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, wtforms.fields.core.UnboundField) and name != "csrf_token":
            fields[name] = FieldInfo(_kind_of(unbound.field_class), _choices(unbound))
    return fields


class _PostForms(HTMLParser):
    """The <form method="post"> elements of a page: action and fields (kind and the values offered)."""

    INPUT_KINDS: ClassVar[dict[str, str]] = {
        "number": "number",
        "date": "date",
        "file": "file",
        "email": "email",
        "checkbox": "multi",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, FieldInfo]]] = []
        self._fields: dict[str, FieldInfo] | None = None
        self._select: tuple[str, FieldInfo] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action", ""), self._fields))
            return
        if tag == "option" and self._select is not None:
            self._select[1].options.add(a.get("value", ""))
            return
        fields, name = self._fields, a.get("name", "")
        if fields is None or not name or name == "csrf_token":
            return
        info = fields.setdefault(name, FieldInfo())
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            info.merge("choice" if kind in ("radio", "hidden") else self.INPUT_KINDS.get(kind, "text"), set())
            if kind in ("radio", "hidden", "checkbox") and "value" in a:
                info.options.add(a["value"])
        elif tag == "select":
            info.merge("multi" if "multiple" in a else "choice", set())
            self._select = (name, info)
        elif tag == "textarea":
            info.merge("text", set())

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def post_forms(html: str) -> list[tuple[str, dict[str, FieldInfo]]]:
    parser = _PostForms()
    parser.feed(html)
    return parser.forms


# ------------------------------------------------------------------------------------------ the world
SHIPPED_RULE = "gd_techreform_equipment_post_award"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class World:
    """One company with a draft and a submitted assessment, every role, and one object per URL parameter.

    ``refresh()`` puts back what a previous route deleted or revoked, so every route meets its objects.
    """

    make: Factory
    users: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def build(self) -> None:
        make = self.make
        company = make.company()
        admin = make.user(Role.ENTERPRISE, company=company, is_company_admin=True)
        provider = make.user(Role.PROVIDER)
        self.users = {
            "enterprise": admin,
            "member": make.user(Role.ENTERPRISE, company=company, is_company_admin=False),
            "provider": provider,
            "bureau": make.user(Role.BUREAU, jurisdiction_level=JurisdictionLevel.PROVINCE),
            "admin": make.user(Role.ADMIN),
        }
        draft = assessments.start(company, "miit-sme-digital", admin)
        done = assessments.start(company, "gd-mfg-dt", admin)
        answer_everything(done, admin)
        assessments.submit(done, admin, attested=True)
        self.ids.update(draft=draft.id, submitted=done.id, reviewed=self._miit_submitted())
        targets.ensure_catalogue()
        officer = self.users["bureau"]
        self.ids["indicator_id"] = next(
            i.id for i in db.session.scalars(sa.select(BureauIndicator)) if targets.can_report(officer, i)
        )
        rule = rule_versions.upload("fuzz.yaml", _shipped_rule(), self.users["admin"])
        self.ids["version_id"] = rule.id
        self.refresh()

    def refresh(self) -> None:
        db.session.expire_all()
        admin, provider = self.users["enterprise"], self.users["provider"]
        company, org = admin.company, provider.provider_org
        draft = db.session.get(Assessment, self.ids["draft"])
        done = db.session.get(Assessment, self.ids["submitted"])
        for assessment, mode in ((draft, ConsentMode.ASSIST), (done, ConsentMode.SHARE)):
            if consent.active_consent(org.id, assessment.id, write=mode is ConsentMode.ASSIST) is None:
                row = consent.grant(
                    company, assessment, org, mode, consent.local_today() + timedelta(days=30), admin
                )
                self.ids["consent_id"] = row.id
        if eligibility.get_project(company, self.ids.get("project_id", 0)) is None:
            draft_project = eligibility.ProjectDraft(
                "设备", SHIPPED_RULE, None, {"equipment_purchase_wan": 450}
            )
            self.ids["project_id"] = eligibility.save_project(company, draft_project, admin).id
        if evidence.get(draft, self.ids.get("file_id", 0)) is None:
            item = assessments.instrument_of(draft).items[0]
            self.ids["file_id"] = evidence.add(draft, item.id, evidence.Upload("证明.png", PNG), admin).id
        if providers.own_solution(org, self.ids.get("solution_id", 0)) is None:
            self.ids["solution_id"] = providers.save_solution(org, _solution_data()).id
        if not any(r.id == self.ids.get("recognition_id") for r in providers.recognitions_of(org)):
            self.ids["recognition_id"] = providers.declare_recognition(org, {"kind": "resource_pool"}).id
        invitation = db.session.get(Invitation, self.ids.get("invitation_id", 0))
        if invitation is None or invitation.accepted_at is not None or invitation.revoked_at is not None:
            n = len(self.ids) + self.make._next()
            row, self.tokens["invitation"] = accounts.create_invitation(company, f"new{n}@test.dx", admin, 72)
            self.ids["invitation_id"] = row.id
        self._refresh_team(company)
        self._refresh_appointment()
        self.tokens["reset"] = security.request_reset(admin) or ""
        if not any(
            t.id == self.ids.get("token_id") and t.revoked_at is None for t in security.user_tokens(admin)
        ):
            self.ids["token_id"] = security.create_api_token(
                admin, "fuzz", {"assessments:read"}, None
            ).token.id
        self._notice(draft, admin)
        report = jobs.find(jobs.cache_key(done, "zh"))
        if report is None:
            report = jobs.request_report(done, "zh", admin)
        report.status = ReportStatus.FAILED  # so retry has something to do
        db.session.commit()
        self.ids["report_id"] = report.id

    def _refresh_team(self, company: Company) -> None:
        """A colleague the company administrator can remove (companies.change_member removes them)."""
        teammate = db.session.get(User, self.ids.get("member_id", 0))
        if teammate is None or not teammate.active:
            teammate = self.make.user(Role.ENTERPRISE, company=company, is_company_admin=False)
            self.ids["member_id"] = teammate.id
        self.ids["company_id"] = company.id

    def _notice(self, draft: Assessment, admin: User) -> None:
        """A notice for the user signed-in-only routes are fuzzed as (a colleague assigned them a module)."""
        if db.session.get(Notification, self.ids.get("notification_id", 0)) is None:
            notice = notifications.assigned(draft, "base", admin, None, self.users["member"])
            db.session.flush()
            self.ids["notification_id"] = notice.id

    def _miit_submitted(self) -> int:
        """Another company's submitted MIIT round, for the assessor's review pages."""
        member = self.make.user(Role.ENTERPRISE)
        assert member.company is not None
        miit = assessments.start(member.company, "miit-sme-digital", member)
        answer_everything(miit, member, 3)
        assessments.submit(miit, member, attested=True)
        return miit.id

    def _refresh_appointment(self) -> None:
        """The provider user appointed assessor by the officer (the revoke route ends it)."""
        appointment = db.session.get(AssessorAppointment, self.ids.get("appointment_id", 0))
        if appointment is None or appointment.revoked_at is not None:
            provider = self.users["provider"]
            self.ids["appointment_id"] = review.appoint(self.users["bureau"], provider.email).id

    # URL parameters: the endpoint decides which assessment or token it means
    def url_args(self, rule: Rule) -> dict[str, Any]:
        args: dict[str, Any] = dict(QUERY.get(rule.endpoint, {}))
        for name in rule.arguments:
            if name == "assessment_id" and rule.endpoint.startswith("review."):
                args[name] = self.ids["reviewed"]  # a submitted MIIT round the appointed assessor reviews
            elif name == "assessment_id":
                locked = rule.endpoint in SUBMITTED_ASSESSMENT
                args[name] = self.ids["submitted" if locked else "draft"]
            elif name == "token":
                args[name] = self.tokens["invitation" if "invitation" in rule.endpoint else "reset"]
            elif name == "module_id":
                args[name] = "base"
            elif name == "code":
                args[name] = "en"
            elif name == "change":  # what companies.change_member does: removing a colleague (a handover
                args[name] = "remove"  # would take the administrator's rights the other routes need)
            else:  # a KeyError means the world has no such object yet (see the coverage test)
                args[name] = self.ids[name]
        return args

    def user_for(self, rule: AccessRule) -> User | None:
        """A user the access rule lets in (None = anonymous)."""
        if rule.kind in ("public", "anonymous_only"):
            return None
        if rule.kind == "signed_in":
            return self.users["enterprise"]
        for role, name in (
            (Role.ENTERPRISE, "enterprise"),
            (Role.PROVIDER, "provider"),
            (Role.BUREAU, "bureau"),
        ):
            if role in rule.roles:
                return self.users[name]
        return self.users["admin"]


# Routes about a submitted assessment (results, reports, recommendations); the others get the draft.
SUBMITTED_ASSESSMENT = {"results.set_targets", "reports.request_report", "providers.recommend"}
# The query a page needs to show its form (without one, the new-project page lists the programs).
QUERY = {"eligibility.new_project": {"program": SHIPPED_RULE}}


def _shipped_rule() -> bytes:
    from portal.eligibility.rulesets import _shipped_files

    return next(content for program, _name, content in _shipped_files() if program == SHIPPED_RULE)


def _solution_data() -> dict[str, Any]:
    return {
        "name": "云MES",
        "summary": "车间数字化",
        "modules": ["base"],
        "sizes": ["small"],
        "all_clusters": True,
        "price_band": "lt5",
        "duration": "lt1m",
    }


# ----------------------------------------------------------------------------------------- snapshots
# What a rejected request may still write, by design: failed sign-ins are counted (throttling, lockout).
# The fuzzer signs a fresh client in for every request (a sign-in session row each), and failed sign-ins are
# recorded on purpose.
RECORDED_ON_REJECTION = {
    "login_attempts": None,
    "sign_in_sessions": None,
    "users": {"failed_logins", "locked_until", "last_login_at"},
}


def snapshot() -> dict[str, str]:
    """A checksum of every table's rows (minus what a rejection may record)."""
    db.session.expire_all()
    sums = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            skipped = RECORDED_ON_REJECTION.get(table.name, set())
            if skipped is None:
                continue
            columns = [c for c in table.columns if c.name not in skipped]
            rows = conn.execute(sa.select(*columns)).all()
            digest = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
            sums[table.name] = f"{len(rows)}:{digest[:16]}"
    return sums


# --------------------------------------------------------------------------------------- the fixtures
@dataclass
class FuzzSetup:
    app: Flask
    world: World
    fields: dict[str, dict[str, FieldInfo]]  # endpoint -> fields
    seen_in_pages: set[str]  # endpoints some page's form posts to
    errors: list[str]


@pytest.fixture(scope="module")
def fuzz(_app: Flask) -> Iterator[FuzzSetup]:
    with _app.app_context():
        empty_all_tables()
        saving.forget_this_worker()
        dispatch, outbox.dispatch = outbox.dispatch, lambda report_id: False  # no PDF rendering: input only
        errors: list[str] = []
        handler = _ErrorLog(errors)
        _app.logger.addHandler(handler)
        _app.config["HANDLE_ERRORS_IN_TESTS"] = True  # a crash must be a 500 response, not an exception
        try:
            world = World(Factory())
            world.build()
            fields, seen = _discover(_app, world)
            yield FuzzSetup(_app, world, fields, seen, errors)
        finally:
            _app.config["HANDLE_ERRORS_IN_TESTS"] = False
            _app.logger.removeHandler(handler)
            outbox.dispatch = dispatch
            empty_all_tables()
            saving.forget_this_worker()


class _ErrorLog(logging.Handler):
    """Keeps the traceback of the last unhandled error, for the failure message."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.sink.append("".join(traceback.format_exception(*record.exc_info))[-3000:])  # type: ignore[misc]


def _client(app: Flask, user: User | None) -> FlaskClient:
    client = app.test_client()
    if user is not None:
        sign_in_session(client, user)
    return client


def _discover(app: Flask, world: World) -> tuple[dict[str, dict[str, FieldInfo]], set[str]]:  # noqa: C901 — two discovery sources, read top to bottom
    """Fields per form endpoint: the view's WTForms classes, then the forms of every page users can open."""
    fields: dict[str, dict[str, FieldInfo]] = {e: {} for e in FORM_ENDPOINTS}
    with app.test_request_context():
        for endpoint in FORM_ENDPOINTS:
            for form_class in form_classes_of(app.view_functions[endpoint]):
                for name, info in fields_of_form_class(form_class).items():
                    fields[endpoint].setdefault(name, FieldInfo()).merge(info.kind, info.options)
    adapter = app.url_map.bind("localhost")
    seen: set[str] = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static" or rule.rule.startswith("/api/"):
            continue
        access = rule_for_endpoint(app, rule.endpoint)
        assert access is not None
        users = {
            id(u): u for u in [None, *world.users.values()] if access.decide(_as_user(u)).value == "allow"
        }
        try:
            path = _path(app, rule.endpoint, world.url_args(rule))
        except KeyError:
            continue
        for user in users.values():
            response = _client(app, user).get(path)
            if response.mimetype != "text/html":
                response.close()
                continue
            for action, form_fields in post_forms(response.get_data(as_text=True)):
                target = (action or path).split("?")[0].split("#")[0]
                try:
                    endpoint, _args = adapter.match(target, method="POST")
                except Exception:
                    continue
                if endpoint in fields:
                    seen.add(endpoint)
                    for name, info in form_fields.items():
                        fields[endpoint].setdefault(name, FieldInfo()).merge(info.kind, info.options)
    return fields, seen


class _Anonymous:
    is_authenticated = False


def _as_user(user: User | None) -> User | _Anonymous:
    return _Anonymous() if user is None else user


def _path(app: Flask, endpoint: str, args: dict[str, Any]) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **args)


# ---------------------------------------------------------------------------------------- the values
HOSTILE = [
    "1e200000", "-1e200000", "-1e308", "1e308", "1e-400", str(2**70), str(-(2**70)), "2147483648",
    "9223372036854775808", "-9223372036854775809", "NaN", "nan", "Infinity", "-Infinity", "inf",
    "\x00", "1\x00", "a\x00b", "😀", "👩‍👩‍👧‍👦" * 40, "字" * 10_000, "9" * 10_000, "x" * 10_000,
    "²", "１２３", "١٢٣", "½", "Ⅻ", "0x1F", "1_000", "1,000", " 7 ", "", " ", "-0", "0", "-1", "1.5", "1e3",
    "abc", "[]", "{}", "null", "true", "<script>alert(1)</script>", "' OR 1=1 --", "../../../etc/passwd",
    "9999-12-31", "10000-01-01", "0000-00-00", "2024-02-30", "2024-13-01", "1900-01-01", "2024/01/01",
]  # fmt: skip
SAFE_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)  # lone surrogates cannot be sent
FILE_CONTENTS = [b"", PNG, b"%PDF-1.4\n%%EOF\n", b"\x00" * 1000, "规则: [".encode(), b"program: x\n"]


TODAY = date.today()
# Values that pass the validators no page offers as a choice, so valid-looking bodies get past them.
VALID_BY_NAME: dict[str, st.SearchStrategy[str]] = {
    "credit_code": st.integers(1, 99_999).map(lambda n: credit_code.with_check_char(f"914400000001{n:05d}")),
    "email": st.integers(1, 10**6).map(lambda n: f"fuzz{n}@test.dx"),
}


def _valid(name: str, info: FieldInfo) -> st.SearchStrategy[list[Any]]:
    """Values a browser would send for the field (a list: none for an unticked box, several for a multi)."""
    if info.kind == "file":
        return st.sampled_from([[(PNG, "证明.png")], [(_shipped_rule(), "rule.yaml")]])
    if info.kind == "multi":
        return st.lists(st.sampled_from(sorted(info.options) or ["1"]), min_size=1, max_size=3, unique=True)
    if info.kind == "bool":
        return st.sampled_from([["y"], []])
    if info.options:
        one: st.SearchStrategy[Any] = st.sampled_from(sorted(info.options))
    elif "password" in name:
        one = st.just(PASSWORD)
    elif name in VALID_BY_NAME or info.kind == "email":
        one = VALID_BY_NAME.get(name, VALID_BY_NAME["email"])
    else:
        one = {
            "number": st.sampled_from(["1", "12", "2024", "100", "3.5"])
            | st.integers(0, 100_000).map(str)
            | st.decimals(0, 10**6, places=2).map(str),
            "date": st.dates(TODAY - timedelta(days=30), TODAY + timedelta(days=365)).map(date.isoformat),
        }.get(info.kind, st.sampled_from(["测试", "Fuzz 1", "2024"]) | SAFE_TEXT.filter(str.strip))
    return one.map(lambda v: [v])


def _hostile(info: FieldInfo) -> st.SearchStrategy[Any]:
    if info.kind == "file":
        contents = st.sampled_from(FILE_CONTENTS) | st.binary(max_size=200) | st.just(_shipped_rule())
        return st.tuples(contents, st.sampled_from(["a.png", "r.yaml", "x.pdf", "", "\x00.png"]) | SAFE_TEXT)
    return st.sampled_from(HOSTILE) | SAFE_TEXT


def _mutation(name: str, info: FieldInfo) -> st.SearchStrategy[tuple[str, list[Any]]]:
    """One field made hostile: a bad value, left out, repeated, or a bad value among good ones."""
    bad = _hostile(info)
    values = st.one_of(
        bad.map(lambda v: [v]),
        st.just([]),
        st.lists(bad, min_size=2, max_size=4),
        st.tuples(_valid(name, info), bad).map(lambda t: [*t[0], t[1]]),
    )
    return values.map(lambda v: (name, v))


def bodies(fields: dict[str, FieldInfo]) -> st.SearchStrategy[list[tuple[str, Any]]]:
    """(name, value) pairs: a valid-looking body with up to three fields made hostile (so the hostile value
    reaches the code behind the validators), or every field random; plus a few unexpected fields."""
    names = sorted(fields)
    valid = st.fixed_dictionaries({n: _valid(n, fields[n]) for n in names})
    mutations = (
        st.lists(st.one_of([_mutation(n, fields[n]) for n in names]), max_size=3) if names else st.just([])
    )
    mutated = st.tuples(valid, mutations).map(lambda t: {**t[0], **dict(t[1])})
    chaotic = st.fixed_dictionaries(
        {n: st.one_of(_valid(n, fields[n]), st.lists(_hostile(fields[n]), max_size=3)) for n in names}
    )
    extra = st.lists(st.tuples(SAFE_TEXT.filter(bool), st.sampled_from(HOSTILE)), max_size=2)
    return st.tuples(st.one_of(mutated, mutated, chaotic), extra).map(
        lambda t: [(name, v) for name, values in t[0].items() for v in values] + t[1]
    )


# ------------------------------------------------------------------------------------------ the tests
NO_FIELDS = "no WTForms class in the view and no page has a form posting to it"


def coverage_problems(app: Flask, world: World, seen_in_pages: set[str]) -> list[str]:
    """What keeps a POST route from being fuzzed: no fields to fuzz, or no object for its URL."""
    problems = []
    for rule in form_rules(app):
        if not form_classes_of(app.view_functions[rule.endpoint]) and rule.endpoint not in seen_in_pages:
            problems.append(
                f"{rule.endpoint}: no WTForms class in the view and no page has a form posting to it"
            )
        try:
            world.url_args(rule)
        except KeyError as missing:
            problems.append(f"{rule.endpoint}: the fuzz world has no object for URL parameter {missing}")
    return problems


def test_every_form_route_is_covered(fuzz: FuzzSetup) -> None:
    """Each POST route has fields to fuzz (a WTForms class, or a page's form posting to it) and objects for
    its URL. A new route without them fails here, saying what is missing."""
    assert FORM_ENDPOINTS, "no form routes discovered"
    assert coverage_problems(fuzz.app, fuzz.world, fuzz.seen_in_pages) == []


class _RenameForm(FlaskForm):
    name = wtforms.StringField()


def test_a_new_form_route_is_fuzzed_or_reported(fuzz: FuzzSetup) -> None:
    """The coverage test can fail: a route reading request.form with no page showing its form, under a URL
    parameter the world does not know, is reported; a route with a WTForms class is picked up by itself."""
    app = _discovery_app()

    @signed_in
    def rename(widget_id: int) -> str:
        return request.form.get("name", "")

    @signed_in
    def create() -> str:
        return str(_RenameForm().validate_on_submit())

    app.add_url_rule("/widgets/<int:widget_id>/rename", "widgets.rename", rename, methods=["POST"])
    app.add_url_rule("/widgets/new", "widgets.create", create, methods=["POST"])
    assert coverage_problems(app, fuzz.world, fuzz.seen_in_pages) == [
        f"widgets.rename: {NO_FIELDS}",
        "widgets.rename: the fuzz world has no object for URL parameter 'widget_id'",
    ]
    with app.test_request_context():
        fields = fields_of_form_class(next(iter(form_classes_of(create))))
    assert set(fields) == {"name"}


def test_discovery_finds_the_fields_users_fill_in(fuzz: FuzzSetup) -> None:
    """Guards the discovery itself: static forms, dynamic forms and views reading request.form directly."""
    fields = fuzz.fields
    assert {"revenue_wan", "industry_division", "cluster"} <= fields["companies.edit_profile"].keys()
    assert fields["companies.edit_profile"]["revenue_wan"].kind == "number"
    assert "debt_to_asset_pct" in fields["eligibility.edit_conditions"]
    assert {"period", "value"} <= fields["bureau.report_actual"].keys()
    assert any(name.startswith("assignee-") for name in fields["assessments.assign"])
    assert any(name.startswith("due-") for name in fields["assessments.assign"])
    assert any(name.startswith("target-") for name in fields["results.set_targets"])
    assert any(name.startswith("base.") for name in fields["assessments.module"])
    assert fields["admin_rules.upload"]["file"].kind == "file"
    assert {"valid_from", "valid_until"} <= fields["admin_rules.publish"].keys()
    assert (
        str(fuzz.world.users["provider"].provider_org_id)
        in fields["sharing.grant"]["provider_org_id"].options
    )
    assert "lt5" in fields["providers.new_solution"]["price_band"].options
    assert "equipment_purchase_wan" in fields["eligibility.new_project"]


@pytest.mark.parametrize("endpoint", FORM_ENDPOINTS)
def test_hostile_form_input_never_fails_and_rejections_change_nothing(
    fuzz: FuzzSetup, endpoint: str, request: pytest.FixtureRequest
) -> None:
    app, world = fuzz.app, fuzz.world
    counts = fuzz_counts(request.config)
    world.refresh()
    rule = next(r for r in form_rules(app) if r.endpoint == endpoint)
    access = rule_for_endpoint(app, endpoint)
    assert access is not None
    user = world.user_for(access)
    path = _path(app, endpoint, world.url_args(rule))
    fields = fuzz.fields[endpoint]
    state: dict[str, Any] = {"n": 0, "known": None}  # known: the snapshot while nothing changed since
    statuses: Counter[int] = Counter()

    @given(body=bodies(fields))
    @FUZZ
    def fuzz_route(body: list[tuple[str, Any]]) -> None:
        state["n"] += 1
        before = state["known"] or snapshot()
        state["known"] = None
        response = _post(app, user, path, body, state["n"])
        counts["forms requests"] += 1
        statuses[response.status] += 1
        if response.status >= 500:
            counts["forms 5xx"] += 1
            raise AssertionError(f"POST {path}: {response.status}\n{fuzz.errors[-1] if fuzz.errors else ''}")
        if response.rejected:
            after = snapshot()
            assert after == before, f"POST {path} was rejected ({response.status}) but changed the database"
            state["known"] = after

    fuzz_route()
    request.node.user_properties.append(("statuses", dict(statuses)))
    print(endpoint, dict(statuses))


@dataclass
class Sent:
    status: int
    rejected: bool


REJECTION_FLASHES = {"error", "warning"}
# A module save that met a colleague's newer answers stores the others, by design (the page says so).
PARTIAL_SAVE = "被同事同时修改"


def _post(app: Flask, user: User | None, path: str, body: list[tuple[str, Any]], n: int) -> Sent:
    client = _client(app, user)
    data = MultiDict([(k, (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v) for k, v in body])
    # a fresh address per request, so the sign-in throttle does not turn every later case into a 429
    environ = {"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}
    response = client.post(path, data=data, environ_base=environ)
    status, html = response.status_code, response.get_data(as_text=True)
    response.close()
    if status >= 500:
        return Sent(status, True)
    if status in (301, 302, 303, 307, 308):
        with client.session_transaction() as session:
            categories = {category for category, _message in session.get("_flashes", [])}
        return Sent(status, bool(categories & REJECTION_FLASHES))
    if PARTIAL_SAVE in html:
        return Sent(status, False)
    shows_errors = re.search(r'flash-(error|warning)|class="[^"]*(errors|invalid)', html) is not None
    return Sent(status, status >= 400 or shows_errors)
