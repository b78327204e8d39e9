"""The platform administrator's view of companies: find one, correct its 统一社会信用代码.

A company cannot change its own credit code (it identifies the company to bureaus and on reports); when
it was mistyped at registration the company asks the platform administrator, who corrects it here with a
reason. The old and new codes and the reason go to the audit log.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal import audit
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Company, User

SEARCH_LIMIT = 50


class CreditCodeError(PortalError):
    """A correction the rules refuse (the form shows it on the credit-code field)."""


def search(text: str) -> list[Company]:
    """Companies whose name or credit code contains the text (the newest first; at most SEARCH_LIMIT)."""
    query = sa.select(Company).order_by(Company.id.desc()).limit(SEARCH_LIMIT)
    text = text.strip()[:120]
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            sa.or_(Company.name.ilike(pattern, escape="\\"), Company.credit_code.ilike(pattern, escape="\\"))
        )
    return list(db.session.scalars(query))


def correct_credit_code(company: Company, new_code: str, reason: str, actor: User) -> None:
    """Set the (already validated and normalised) code; refuses the unchanged code and one another company
    holds. Commits with the audit entry."""
    old_code = company.credit_code
    if new_code == old_code:
        raise CreditCodeError(400, _l("新代码与原代码相同。"), "credit_code")
    holder = db.session.scalar(sa.select(Company).where(Company.credit_code == new_code))
    if holder is not None:
        raise CreditCodeError(409, _l("该统一社会信用代码已属于另一家企业。"), "credit_code")
    company.credit_code = new_code
    detail = f"{old_code} → {new_code}；{reason.strip()}"
    audit.record(actor, "correct_credit_code", f"company:{company.id}", company.id, detail)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # another correction took the code a moment ago
        db.session.rollback()
        raise CreditCodeError(409, _l("该统一社会信用代码已属于另一家企业。"), "credit_code") from None
