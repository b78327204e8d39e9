"""Autosave endpoint: read and write answers of one assessment (session sign-in + CSRF header)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.access import roles
from portal.api.blueprint import bp
from portal.assessments import saving, services, stored
from portal.assessments.access import assessment_for
from portal.errors import PortalError
from portal.models import Role
from questionnaires.validator import ID_RE

MODULE_ID_MAX = 60  # ResumePoint.module_id
NOT_FOUND = _l("评估不存在")


def _own(assessment_id: int) -> Any:
    """The assessment for a member of its company, or a provider under an active consent (None → 404)."""
    return assessment_for(current_user, assessment_id)


@bp.get("/assessments/<int:assessment_id>/answers")
@roles(Role.ENTERPRISE, Role.PROVIDER)
def get_answers(assessment_id: int) -> Any:
    assessment = _own(assessment_id)
    if assessment is None:
        raise PortalError(404, NOT_FOUND)
    answers = stored.read(assessment.id)
    return jsonify(answers=stored.state(answers), **services.status_body(assessment, stored.values(answers)))


def _module_param(raw: str | None) -> str | None:
    """`?module=`: the module the user is on, remembered as the resume point. Checked before it reaches
    resume_points.module_id (VARCHAR(60): a longer value failed the insert on PostgreSQL)."""
    if raw is None or raw == "":
        return None
    if len(raw) > MODULE_ID_MAX or not ID_RE.fullmatch(raw):
        raise PortalError(400, _l("module 参数应为模块编号（如 base）"), "module")
    return raw


@bp.post("/assessments/<int:assessment_id>/answers")
@roles(Role.ENTERPRISE, Role.PROVIDER)
def save_answers(assessment_id: int) -> Any:
    payload = request.get_json(silent=True)
    if payload is None:
        raise PortalError(400, _l("请求内容不是有效的 JSON"))
    # refusals (PortalError, AssessmentError) are answered by the app's error handler
    changes = saving.parse_changes(payload)
    module_id = _module_param(request.args.get("module"))
    position = (module_id, changes[-1].item_id) if module_id else None
    result = saving.save(assessment_id, changes, current_user, position)  # providers: assist consent
    body = {
        "saved": [{"item_id": i, "version": v, "saved_at": at.isoformat()} for i, v, at in result.saved],
        "conflicts": [
            {
                "item_id": c.item_id,
                "your_value": c.your_value,
                "current_value": c.current_value,
                "current_version": c.current_version,
                "updated_by": c.updated_by,
                "updated_at": c.updated_at.isoformat(),
            }
            for c in result.conflicts
        ],
        **result.status,
    }
    return jsonify(body), (409 if result.conflicts else 200)


# `?lang=` of the result API: the view's language ("zh_CN" too, as the pages' own ?lang= accepts).
RESULT_LANGS = {"zh": "zh", "zh_CN": "zh", "en": "en"}


@bp.get("/assessments/<int:assessment_id>/result")
@roles(Role.ENTERPRISE, Role.PROVIDER)
def get_result(assessment_id: int) -> Any:
    """The same result the result page shows (stored for submitted assessments, a live preview for drafts):
    the engine's fields as before, plus `view`, the result view the page and the PDF render, in the
    language of `?lang=` or else the one the pages use for this user."""
    from portal.i18n import is_english
    from portal.results.plain import to_plain
    from portal.results.services import scored, view_result
    from portal.results.view import build_result_view

    raw = request.args.get("lang")
    if raw is not None and raw not in RESULT_LANGS:
        raise PortalError(400, _l("lang 参数应为 zh 或 en"), "lang")
    assessment = _own(assessment_id)
    if assessment is None:
        raise PortalError(404, NOT_FOUND)
    lang = RESULT_LANGS[raw] if raw is not None else ("en" if is_english() else "zh")
    shown = scored(assessment)
    body = view_result(assessment, shown)
    body["view"] = to_plain(build_result_view(assessment, lang, shown))
    return jsonify(body)
