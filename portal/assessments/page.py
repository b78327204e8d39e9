"""The module page, rendered in two stages.

The markup of a module page depends only on the instrument version, the module, the company's cluster, the
language, whether the assessment is locked and the viewer's role (the navigation), so the page
(`templates/assessments/module.html`) and its items (`_items.html`) are rendered by Jinja once per such key
and kept: a published version never changes. What belongs to one page view (checked options, typed values,
versions, visibility, attachments, errors, "last changed by", progress, links with the assessment's id, the
viewer's name, the CSRF token, flashed messages) goes into named slots filled by plain string joins.
Rendering all of it through WTForms and Jinja on every view was most of the page's cost (bench/http_load.py
has the figures).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from flask import current_app, get_flashed_messages, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

import questionnaires
from portal.assessments.forms import EVIDENCE_SEP, VERSION_PREFIX, module_items
from portal.assessments.item_fields import evidence_input_of, field_of
from portal.models import Role
from portal.templating import LOCAL_TZ, zh_data
from questionnaires import Instrument, Item, Module
from questionnaires import help as qhelp

_MARK = "\x00"  # slot delimiter; instrument texts never contain NUL (and user values are never compiled)
_SEP = "\x01"


def _local_time(iso: str) -> str:
    """When an answer was last changed, in China time (stored in UTC): "14:05" today, else "11-20 14:05"."""
    when = datetime.fromisoformat(iso).astimezone(LOCAL_TZ)
    return when.strftime("%H:%M" if when.date() == datetime.now(LOCAL_TZ).date() else "%m-%d %H:%M")


def _key(kind: str, *parts: str) -> str:
    return _SEP.join((kind, *parts))


def _slot(kind: str, *parts: str) -> Markup:
    return Markup(_MARK + _key(kind, *parts) + _MARK)  # noqa: S704 — our own delimiter, no user text


@dataclass(frozen=True)
class CompiledMarkup:
    parts: tuple[str, ...]  # static markup at even positions, slot keys at odd positions

    def fill(self, values: Mapping[str, str]) -> Markup:
        parts = self.parts
        out = [values.get(p, "") if i % 2 else p for i, p in enumerate(parts)]
        return Markup("".join(out))  # noqa: S704 — static parts are autoescaped Jinja output, values escaped


_compiled: dict[tuple[Any, ...], CompiledMarkup] = {}
_lock = threading.Lock()


def _remember(key: tuple[Any, ...], html: str) -> CompiledMarkup:
    found = CompiledMarkup(tuple(html.split(_MARK)))
    with _lock:
        _compiled[key] = found
    return found


def compiled_items(
    instrument: Instrument, module: Module, cluster: str | None, locked: bool
) -> CompiledMarkup:
    key = (instrument.content_hash, module.id, cluster, str(get_locale()), locked, request.script_root)
    found = _compiled.get(key)
    if found is None:
        html = (
            current_app.jinja_env.get_template("assessments/_items.html")
            .render(
                items=module_items(module, cluster),
                locked=locked,
                instrument=instrument,
                terms=lambda item: qhelp.terms_for(instrument, item),  # the glossary entries it uses
                glossary_url=url_for("help.glossary"),
                slot=_slot,
                item_field=field_of,
                evidence_input=evidence_input_of,
                evidence_sep=EVIDENCE_SEP,
                version_prefix=VERSION_PREFIX,
            )
            .strip()
        )
        found = _remember(key, html)
    return found


# ------------------------------------------------------------------------------------------- slot values


@dataclass
class ItemsView:
    """What one page view shows in the item slots."""

    items: list[Item]
    values: Mapping[str, Any]  # field name -> shown value (stored answers, or what was just typed)
    state: Mapping[str, Mapping[str, Any]]  # item id -> {version, updated_by, updated_at}
    visible: AbstractSet[str]
    files: Mapping[str, list[Any]]  # item id -> evidence files
    assessment_id: int
    locked: bool
    errors: Mapping[str, list[str]] = field(default_factory=dict)  # field name -> messages
    warnings: Mapping[str, list[str]] = field(default_factory=dict)  # item id -> contradictions to check
    carried: AbstractSet[str] = frozenset()  # answers carried over from the previous round, not changed since
    carried_round: str = ""  # that round's name ("T0 · …")
    suggested: Mapping[str, Any] = field(default_factory=dict)  # field name -> prefill.Suggestion


def slot_values(view: ItemsView) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in view.items:
        item_id = item.id
        st = view.state.get(item_id, {})
        out[_key("version", item_id)] = str(st.get("version", 0))
        if item_id not in view.visible:
            out[_key("hidden", item_id)] = " hidden"
        for (kind, *parts), text in field_of(item).slots(view.values.get(item_id)).items():
            out[_key(kind, item_id, *parts)] = text
        for ev in item.evidence:
            name = f"{item_id}{EVIDENCE_SEP}{ev.id}"
            if view.values.get(name) is not None:
                out[_key("value", name)] = str(escape(view.values[name]))
            if view.errors.get(name):
                out[_key("error_class", name)] = " has-error"
        out.update(_messages(item_id, view))
        out.update(_notes(item_id, st, view))
        if view.files.get(item_id):
            out[_key("files", item_id)] = _attachments(view, view.files[item_id])
    return out


def _notes(item_id: str, st: Mapping[str, Any], view: ItemsView) -> dict[str, str]:
    """Under the item: a pre-filled figure to accept, and who answered it when (or "carried over")."""
    out = {}
    offered = [s for s in view.suggested.values() if s.item_id == item_id]
    if offered:
        out[_key("prefill", item_id)] = _prefill_note(offered)
    if item_id in view.carried:
        status = escape(_("沿用上一轮的回答（%(round)s），请核对", round=view.carried_round))
    elif st.get("updated_by"):
        # the colleague's name is Chinese data: marked as such inside an English sentence
        when = _local_time(st["updated_at"])
        status = escape(_("最近由 %(who)s 修改于 %(when)s")) % {
            "who": zh_data(st["updated_by"]),
            "when": when,
        }
    else:
        return out
    out[_key("status", item_id)] = str(status)
    return out


def _messages(item_id: str, view: ItemsView) -> dict[str, str]:
    """The item's refusals (errors: not saved) and contradictions to check (warnings: saved)."""
    out = {}
    errors = view.errors.get(item_id)
    if errors:
        out[_key("error_class", item_id)] = " has-error"
        items = "".join(f"<li>{escape(e)}</li>" for e in errors)
        out[_key("errors", item_id)] = f'<div role="alert"><ul class="errors">{items}</ul></div>'
    if view.warnings.get(item_id):
        notes = "".join(f"<li>{escape(w)}</li>" for w in view.warnings[item_id])
        out[_key("warnings", item_id)] = f'<div role="status"><ul class="warnings">{notes}</ul></div>'
    return out


def _prefill_note(offered: list[Any]) -> str:
    """Where the pre-filled figures come from, and the button that saves them (no JavaScript: the button
    saves the module form, which holds them; with it, autosave.js saves just this item)."""
    sources = _("；").join(dict.fromkeys(s.source for s in offered))
    text = _("已预填（%(sources)s），尚未保存。请核对后点“采用”，或直接修改。", sources=sources)
    button = (
        f'<button class="btn btn-secondary btn-sm" type="submit" data-accept>{escape(_("采用"))}</button>'
    )
    return f'<div class="prefill" data-prefill><span>{escape(text)}</span> {button}</div>'


def _attachments(view: ItemsView, files: list[Any]) -> str:
    delete = escape(_("删除"))
    out = []
    for f in files:
        href = url_for("evidence.download", assessment_id=view.assessment_id, file_id=f.id)
        button = (
            ""
            if view.locked
            else f' <button class="linklike danger" type="submit" form="ev-del-{f.id}">{delete}</button>'
        )
        out.append(
            f'<span class="attachment"><a href="{escape(href)}">📎 {escape(f.filename)}</a> '
            f'<span class="muted">{round(f.size / 1024)} KB</span>{button}</span>'
        )
    return "".join(out)


def render_items(instrument: Instrument, module: Module, cluster: str | None, view: ItemsView) -> Markup:
    return compiled_items(instrument, module, cluster, view.locked).fill(slot_values(view))


# ------------------------------------------------------------------------------------------- whole page


@dataclass
class PageView:
    """What one view of a module page shows besides the items."""

    module: Module
    role: Role  # the navigation differs per role
    progress: questionnaires.Progress
    errors: list[str]
    items: ItemsView
    notices: list[str] = field(default_factory=list)  # e.g. answers carried over from the previous round


def compiled_page(instrument: Instrument, cluster: str | None, view: PageView) -> CompiledMarkup:
    module, locked = view.module, view.items.locked
    key = (
        "page",
        instrument.content_hash,
        module.id,
        cluster,
        str(get_locale()),
        locked,
        view.role,
        request.script_root,
    )
    found = _compiled.get(key)
    if found is None:
        modules = [m for m in instrument.modules if questionnaires.module_visible(m, cluster)]
        index = [m.id for m in modules].index(module.id)
        # stand-ins whose every per-view value is a slot; the navigation comes from the real user's role
        viewer = SimpleNamespace(is_authenticated=True, name=_slot("user_name"), role=view.role)
        html = render_template(
            "assessments/module.html",
            instrument=instrument,
            module=module,
            items=module_items(module, cluster),
            modules=modules,
            previous=modules[index - 1] if index > 0 else None,
            minutes=qhelp.module_minutes(module, cluster),
            following=modules[index + 1] if index + 1 < len(modules) else None,
            locked=locked,
            slot=_slot,
            current_user=viewer,
            csrf_token=lambda: _slot("csrf"),
            here=_slot("here"),
        )
        found = _remember(key, html)
    return found


def page_slot_values(view: PageView, items_html: str) -> dict[str, str]:
    assessment_id = view.items.assessment_id
    csrf = generate_csrf()
    macros = current_app.jinja_env.get_template
    flashes = macros("_flashes.html").module.flash_list  # type: ignore[attr-defined]
    bar = macros("assessments/_progress.html").module.bar  # type: ignore[attr-defined]
    modules_url = url_for("assessments.module", assessment_id=assessment_id, module_id="_")[:-1]
    out = {
        "csrf": csrf,
        "here": str(escape(request.full_path.rstrip("?"))),
        "user_name": str(zh_data(current_user.name)),
        "flashes": str(
            flashes(get_flashed_messages(with_categories=True) + [("info", n) for n in view.notices])
        ),
        "errors": str(flashes([("error", e) for e in view.errors], role="alert")),
        "assessment_id": str(assessment_id),
        "overview_url": url_for("assessments.overview", assessment_id=assessment_id),
        "review_url": url_for("assessments.review", assessment_id=assessment_id),
        "modules_url": modules_url,
        "api_url": str(
            escape(url_for("api.save_answers", assessment_id=assessment_id, module=view.module.id))
        ),
        "upload_url": url_for("evidence.upload", assessment_id=assessment_id),
        "progress_bar": str(bar(view.progress.answered, view.progress.total, _("总体完成度"), overall=True)),
        "items": items_html,
        "delete_forms": "" if view.items.locked else _delete_forms(view, csrf),
    }
    for row in view.progress.modules:
        out[_key("module_progress", row.module_id)] = f"{row.answered}/{row.total}"
    return out


def _delete_forms(view: PageView, csrf: str) -> str:
    """The hidden forms the attachments' delete buttons submit (form="ev-del-ID")."""
    out = []
    for item in view.items.items:
        for f in view.items.files.get(item.id, ()):
            action = url_for("evidence.delete", assessment_id=view.items.assessment_id, file_id=f.id)
            out.append(
                f'<form id="ev-del-{f.id}" method="post" action="{escape(action)}" hidden>'
                f'<input type="hidden" name="csrf_token" value="{csrf}">'
                f'<input type="hidden" name="module_id" value="{escape(view.module.id)}"></form>'
            )
    return "".join(out)


def render_page(instrument: Instrument, cluster: str | None, view: PageView) -> str:
    items_html = render_items(instrument, view.module, cluster, view.items)
    return str(compiled_page(instrument, cluster, view).fill(page_slot_values(view, items_html)))
