"""POST /api/v1/eligibility — the eligibility engine's JSON contract over HTTP.

Same JSON in, same JSON out as ``python -m scoring eligibility`` (both call ``evaluate_json``); 400 with the
``{"errors": [...]}`` body on invalid input. It evaluates only the posted data: no company data is read and
nothing is stored, so it is exempt from the session CSRF check (a forged cross-site post can neither change
state nor read the answer). Access: any signed-in user (see tests/portal/test_access_matrix.py POLICY).
It uses the shipped rules, exactly like the CLI; uploaded rule files apply to companies' own reports only.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_babel import lazy_gettext as _l

from portal.access import signed_in
from portal.api.blueprint import bp
from portal.errors import PortalError
from portal.extensions import csrf
from scoring.eligibility import PayloadError, dumps, evaluate_json, loads_payload


@bp.post("/eligibility")
@signed_in
def eligibility() -> Any:
    if not request.is_json:
        raise PortalError(400, _l("请求内容不是有效的 JSON（Content-Type: application/json）"), "")
    try:  # the CLI's reader: a UTF-8 BOM is accepted, a repeated key refused
        payload = loads_payload(request.get_data(cache=False))
    except PayloadError as exc:
        raise PortalError(400, (exc.message_zh, exc.message_en), "") from None
    # The engine's own 400 body stays byte-identical to the CLI's; its items have the portal's error shape
    # (field, message, message_zh, message_en) with ``message`` in zh, the default language, since the CLI
    # has no request language. Refusals made here, by the portal, are PortalErrors like everywhere else.
    status, body = evaluate_json(payload)
    return Response(dumps(body), status=status, mimetype="application/json")


csrf.exempt(eligibility)
