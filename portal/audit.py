"""Record and list platform audit events.

What is recorded here (answer-level history is AnswerChange; outsiders' reads are providers.audit):
submissions, consent grants and revocations, rule-file uploads and (de)activations, accounts created or
changed by administrators, company deletions (PIPL), team changes by company administrators (members
removed, roles changed, the administrator role handed over) and credit-code corrections.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models.platform_audit import PlatformEvent

ACTIONS: dict[str, tuple[str, str]] = {
    "submit_assessment": ("提交评估", "submitted an assessment"),
    "grant_consent": ("授权服务商", "granted a provider consent"),
    "revoke_consent": ("撤回授权", "revoked a provider consent"),
    "upload_rule_file": ("上传政策规则文件", "uploaded a rule file"),
    "activate_rule_file": ("启用政策规则文件", "activated a rule file"),
    "deactivate_rule_file": ("停用政策规则文件", "deactivated a rule file"),
    "publish_rule_version": ("发布政策规则版本", "published a rule version"),
    "withdraw_rule_version": ("撤回政策规则版本", "withdrew a rule version"),
    "create_account": ("开通账号", "created an account"),
    "delete_company": ("注销企业（删除个人信息）", "deleted a company's personal data"),
    "remove_member": ("移除企业成员", "removed a company member"),
    "change_member_role": ("变更成员角色", "changed a member's role"),
    "hand_over_admin": ("移交企业管理员", "handed over the company administrator role"),
    "correct_credit_code": ("更正统一社会信用代码", "corrected a unified social credit code"),
    "appoint_assessor": ("任命核查员", "appointed an assessor"),
    "revoke_assessor": ("撤销核查员", "revoked an assessor"),
    "open_review": ("开始核查评估", "started reviewing an assessment"),
    "review_item": ("核查评估题目", "reviewed an answer"),
    "sign_off_review": ("核查签字确认", "signed off a review"),
}


def record(
    actor: Any, action: str, target: str, company_id: int | None = None, detail: str | None = None
) -> None:
    """Add an event to the current transaction (the caller commits with its own change)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    label = "system" if actor is None else f"{actor.name} <{actor.email}>"
    db.session.add(
        PlatformEvent(
            actor_id=getattr(actor, "id", None),
            actor_label=label[:120],
            action=action,
            target=target[:120],
            company_id=company_id,
            detail=(detail or None) and detail[:500],
        )
    )


def recent(limit: int = 200, action: str | None = None) -> list[PlatformEvent]:
    query = sa.select(PlatformEvent).order_by(PlatformEvent.id.desc()).limit(limit)
    if action:
        query = query.where(PlatformEvent.action == action)
    return list(db.session.scalars(query))
