"""The questionnaire items of a module page, rendered in two stages.

The markup of the items depends only on the instrument version, the module, the company's cluster, the
language and whether the assessment is locked, so `templates/assessments/_items.html` is rendered once
per such key and kept (a published version never changes). What changes per page view (checked options,
typed values, versions, visibility, attachments, errors, "last changed by") goes into named slots that
are filled by plain string joins. Rendering the items through WTForms and Jinja on every view was most of
the page's cost (bench/http_load.py has the figures).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from portal.assessments.forms import EVIDENCE_SEP, VERSION_PREFIX, choices_of, module_items, text
from questionnaires import Instrument, Item, Module

_MARK = "\x00"  # slot delimiter; instrument texts never contain NUL (and user values are never compiled)
_SEP = "\x01"


def _key(kind: str, *parts: str) -> str:
    return _SEP.join((kind, *parts))


def _slot(kind: str, *parts: str) -> Markup:
    return Markup(_MARK + _key(kind, *parts) + _MARK)  # noqa: S704 — our own delimiter, no user text


@dataclass(frozen=True)
class CompiledItems:
    parts: tuple[str, ...]  # static markup at even positions, slot keys at odd positions

    def fill(self, values: Mapping[str, str]) -> Markup:
        parts = self.parts
        out = [values.get(p, "") if i % 2 else p for i, p in enumerate(parts)]
        return Markup("".join(out))  # noqa: S704 — static parts are autoescaped Jinja output, values escaped


_compiled: dict[tuple[str, str, str | None, str, bool], CompiledItems] = {}
_lock = threading.Lock()


def compiled_items(
    instrument: Instrument, module: Module, cluster: str | None, locked: bool
) -> CompiledItems:
    key = (instrument.content_hash, module.id, cluster, str(get_locale()), locked)
    found = _compiled.get(key)
    if found is None:
        html = (
            current_app.jinja_env.get_template("assessments/_items.html")
            .render(
                items=module_items(module, cluster),
                locked=locked,
                slot=_slot,
                choices_of=choices_of,
                text=text,
                evidence_sep=EVIDENCE_SEP,
                version_prefix=VERSION_PREFIX,
            )
            .strip()
        )
        found = CompiledItems(tuple(html.split(_MARK)))
        with _lock:
            _compiled[key] = found
    return found


# ------------------------------------------------------------------------------------------- slot values


@dataclass
class ItemsView:
    """What one page view shows in the item slots."""

    items: list[Item]
    values: Mapping[str, Any]  # field name -> shown value (stored answers, or what was just typed)
    state: Mapping[str, Mapping[str, Any]]  # item id -> {version, updated_by, updated_at}
    visible: set[str]
    files: Mapping[str, list[Any]]  # item id -> evidence files
    assessment_id: int
    locked: bool
    errors: Mapping[str, list[str]] = field(default_factory=dict)  # field name -> messages


def slot_values(view: ItemsView) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in view.items:
        item_id = item.id
        st = view.state.get(item_id, {})
        out[_key("version", item_id)] = str(st.get("version", 0))
        if item_id not in view.visible:
            out[_key("hidden", item_id)] = " hidden"
        value = view.values.get(item_id)
        if item.type == "multi":
            for chosen in value or ():
                out[_key("checked", item_id, str(chosen))] = "checked "
        elif item.type in ("single", "boolean", "scenario_level"):
            if value is not None:
                out[_key("checked", item_id, str(value))] = "checked "
        elif value is not None:
            out[_key("value", item_id)] = str(escape(value))
        for ev in item.evidence:
            name = f"{item_id}{EVIDENCE_SEP}{ev.id}"
            if view.values.get(name) is not None:
                out[_key("value", name)] = str(escape(view.values[name]))
            if view.errors.get(name):
                out[_key("error_class", name)] = " has-error"
        errors = view.errors.get(item_id)
        if errors:
            out[_key("error_class", item_id)] = " has-error"
            items = "".join(f"<li>{escape(e)}</li>" for e in errors)
            out[_key("errors", item_id)] = f'<ul class="errors" role="alert">{items}</ul>'
        if st.get("updated_by"):
            out[_key("status", item_id)] = str(
                escape(
                    _("最近由 %(who)s 修改于 %(when)s", who=st["updated_by"], when=st["updated_at"][11:16])
                )
            )
        if view.files.get(item_id):
            out[_key("files", item_id)] = _attachments(view, view.files[item_id])
    return out


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
