"""/glossary: every term with its explanation, sources and the reading of each questionnaire version."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

import questionnaires
from portal.access import public
from portal.i18n import localized
from questionnaires import help as qhelp

bp = Blueprint("help", __name__)


def _version_title(instrument_id: str, version: str) -> str:
    """The questionnaire's title before a term's per-version note (the note names the version)."""
    try:
        instrument = questionnaires.load(instrument_id, version)
    except questionnaires.QuestionnaireError:  # the data test keeps this from happening
        return version
    return localized(instrument, "title")


@bp.get("/glossary")
@public
def glossary() -> Any:
    terms = qhelp.glossary()
    titles = {
        (n.instrument, n.version): _version_title(n.instrument, n.version) for t in terms for n in t.versions
    }
    return render_template("help/glossary.html", terms=terms, version_titles=titles)
