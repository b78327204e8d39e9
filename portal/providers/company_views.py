"""共享与协作 (company side): share an assessment with a provider or invite it to assist, revoke, and see
who accessed or changed the company's data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.access import roles
from portal.assessments.rounds import round_name
from portal.assessments.services import company_assessments, get_for_company
from portal.extensions import db
from portal.models import ConsentMode, ProviderOrg, Role
from portal.providers import audit, consent, services
from portal.providers.forms import ConsentForm

bp = Blueprint("sharing", __name__)


def _consent_form() -> ConsentForm:
    form = ConsentForm()
    company = current_user.company
    rounds = list(reversed(company_assessments(company)))
    # A required select starts with an empty "请选择" option, so nothing is chosen for the user by accident;
    # the newest round is preselected, as it is the one people share.
    form.assessment_id.choices = [
        ("", _("请选择评估")),
        *[(a.id, f"{round_name(a)}（{_('已提交') if a.locked else _('填报中')}）") for a in rounds],
    ]
    verified = services.verified_org_ids()
    # a provider's name is Chinese data: the option says so (WTForms passes the third member as attributes)
    form.provider_org_id.choices = [
        ("", _("请选择服务商")),
        *[(o.id, _org_label(o, o.id in verified), {"lang": "zh-CN"}) for o in services.all_orgs()],
    ]
    if not form.is_submitted() and rounds:
        form.assessment_id.data = rounds[0].id
    if form.ends_on.data is None:
        form.ends_on.data = consent.local_today() + timedelta(days=30)
    return form


def _org_label(org: ProviderOrg, verified: bool) -> str:
    facts = [org.city or "", _("资质已核实") if verified else ""]
    shown = "，".join(f for f in facts if f)
    return f"{org.name}（{shown}）" if shown else org.name


def _page(form: ConsentForm) -> Any:
    company = current_user.company
    return render_template(
        "consent/index.html",
        form=form,
        consents=consent.consents_of_company(company),
        events=audit.for_company(company),
        changes=services.assist_changes(company),
        recommendations=services.recommendations_of_company(company),
        revoke_form=FlaskForm(),
        audit_label=audit.label,
        today=consent.local_today(),
    )


@bp.get("/")
@roles(Role.ENTERPRISE)
def index() -> Any:
    return _page(_consent_form())


@bp.post("/grant")
@roles(Role.ENTERPRISE, company_admin=True)
def grant() -> Any:
    form = _consent_form()
    if form.validate_on_submit():
        company = current_user.company
        assessment = get_for_company(company, form.assessment_id.data)
        org = db.session.get(ProviderOrg, form.provider_org_id.data)
        if assessment is None or org is None:
            abort(404)
        try:
            consent.grant(
                company,
                assessment,
                org,
                ConsentMode(form.mode.data),
                form.ends_on.data,
                current_user,
                form.note.data,
            )
        except consent.ConsentError as error:
            form.ends_on.errors = [error.text()]
        else:
            flash(
                _("已授权 %(org)s，截止 %(day)s。", org=org.name, day=form.ends_on.data.isoformat()),
                "success",
            )
            return redirect(url_for("sharing.index"))
    return _page(form), 422


@bp.post("/<int:consent_id>/revoke")
@roles(Role.ENTERPRISE, company_admin=True)
def revoke(consent_id: int) -> Any:
    item = consent.company_consent(current_user.company, consent_id)
    if item is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    consent.revoke(item, current_user)
    flash(_("已撤销对 %(org)s 的授权，对方立即无法再查看。", org=item.provider_org.name), "success")
    return redirect(url_for("sharing.index"))
