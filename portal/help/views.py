"""/glossary: every term with its explanation, sources and the reading of each questionnaire version."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

import questionnaires
from portal.access import public
from portal.i18n import is_english, localized
from questionnaires import help as qhelp

bp = Blueprint("help", __name__)


def _version_title(instrument_id: str, version: str) -> str:
    """ "广东制造业数字化转型成熟度评估 2025.2" for a term's per-version note."""
    try:
        instrument = questionnaires.load(instrument_id, version)
    except questionnaires.QuestionnaireError:  # the data test keeps this from happening
        return version
    return f"{localized(instrument, 'title')} {version}"


@bp.get("/glossary")
@public
def glossary() -> Any:
    terms = qhelp.glossary()
    titles = {
        (n.instrument, n.version): _version_title(n.instrument, n.version) for t in terms for n in t.versions
    }
    return render_template("help/glossary.html", terms=terms, version_titles=titles, is_english=is_english())
