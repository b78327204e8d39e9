"""The portal's one language mechanism.

Interface text is gettext (Chinese msgids, English in translations/en). Chinese/English *data* pairs (the
``*_zh``/``*_en`` fields of instruments, rules, catalogues, error values) are chosen here and nowhere else:
``pick(zh, en)`` and ``localized(obj, "name")`` in Python, the same two as Jinja globals/filters, so no
template or view tests the language itself. Code running outside a request in another language wraps
itself in ``flask_babel.force_locale``; these helpers then follow it.

Language selection: zh_CN by default, English on request (stored in the session and on the account).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy.exc
from babel import Locale
from babel.support import NullTranslations
from flask import Blueprint, Flask, current_app, g, has_request_context, redirect, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from portal.access import public
from portal.links import safe_target

SUPPORTED = ("zh_CN", "en")
# The signed-in account's language as last read, kept in the (signed) session cookie: while the database is
# down the account cannot be read, and the 503 answer is still worded in the user's language.
ACCOUNT_LANG = "account_lang"


def is_english() -> bool:
    """True when the current locale (the request's, or one forced with ``force_locale``) is English."""
    return str(get_locale() or "zh_CN").startswith("en")


def locale_of(lang: str) -> str:
    """The locale of a stored language code ("zh"/"en", as reports and API callers name it), for
    ``force_locale``."""
    return "en" if lang == "en" else "zh_CN"


def html_lang_of(lang: str) -> str:
    """The `lang` attribute of a document in a stored language code ("zh"/"en")."""
    return "en" if lang == "en" else "zh-CN"


def pick(zh: str | None, en: str | None) -> str:
    """The text of a Chinese/English data pair in the current language, falling back to the other half."""
    if is_english():
        return en or zh or ""
    return zh or en or ""


def localized(obj: Any, field: str) -> str:
    """``obj.<field>_zh`` or ``obj.<field>_en`` (attribute or mapping key) in the current language."""
    if isinstance(obj, dict):
        return pick(obj.get(f"{field}_zh"), obj.get(f"{field}_en"))
    return pick(getattr(obj, f"{field}_zh", None), getattr(obj, f"{field}_en", None))


def list_separator() -> str:
    """The separator between list items in running text: "、" in Chinese, ", " in English."""
    return pick("、", ", ")


def select_locale() -> Locale:
    return _locale(_selected_code())


@cache
def _locale(code: str) -> Locale:
    """Parsed once per process: Babel re-reads its locale index on every parse (~0.3 ms per request)."""
    return Locale.parse(code)


def _selected_code() -> str:
    if not has_request_context():  # a worker or the CLI: the default, unless it uses force_locale
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    lang = request.args.get("lang")
    if lang in SUPPORTED:
        return lang
    if session.get("lang") in SUPPORTED:
        return str(session["lang"])
    account = _account_locale()
    if account in SUPPORTED:
        return str(account)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _account_locale() -> str | None:
    """The signed-in account's language, or None. Loading the account needs the database: while it is
    down, the language noted in the session when the account was last read words the 503 answer."""
    try:
        locale = current_user.locale if getattr(current_user, "is_authenticated", False) else None
    except sqlalchemy.exc.OperationalError:
        noted = session.get(ACCOUNT_LANG)
        return str(noted) if noted in SUPPORTED else None
    if locale in SUPPORTED and session.get(ACCOUNT_LANG) != locale:
        session[ACCOUNT_LANG] = locale
    return str(locale) if locale else None


bp = Blueprint("i18n", __name__)


@bp.post("/lang/<code>")
@public
def set_language(code: str) -> Any:
    """Switch the interface language and go back where the user was."""
    if code in SUPPORTED:
        session["lang"] = code
        if getattr(current_user, "is_authenticated", False):
            from portal.extensions import db

            current_user.locale = code
            db.session.commit()
    return redirect(safe_target(request.form.get("next"), "/"))


def _translations() -> NullTranslations:
    """The catalog of the current locale, looked up once per request and locale (a result page translates
    some 550 strings; Flask-Babel's own lookup per string was a third of the page's rendering). Keyed by
    the locale object itself, so ``force_locale`` (which sets another) is followed and restored exactly."""
    locale = get_locale()
    if locale is None:
        return get_translations()
    cached = g.get("_dx_translations")
    if cached is None or cached[0] is not locale:
        cached = (locale, get_translations())
        g._dx_translations = cached
    translations: NullTranslations = cached[1]
    return translations


@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
    text = _translations().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 — the catalog's own text, marked as Jinja's i18n extension marks it
    return text % variables


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    # the template gettext of Flask-Babel, with the catalog looked up once (see `_translations`)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # `_()` and `gettext()` called directly, not through the extension's alias and its newstyle wrapper,
    # which call the function twice more through the template context: the same result (the catalog's
    # text, marked safe when escaping, always %-formatted with the variables, which are escaped), at a
    # fraction of the cost for the ~740 texts of a result page (its rendering went from 13 to 11 ms).
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)
    app.jinja_env.globals.update(pick=pick, list_separator=list_separator)
    app.jinja_env.filters.update(localized=localized)
