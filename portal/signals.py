"""The portal's own signals (blinker, as Flask's are): a lower layer announces, a higher one listens.

`result_stored` lets `portal.results` say "a result row was stored" without importing the features that
react to it (the bureau aggregates today), so results never imports upward.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from blinker import Namespace
from flask import current_app

if TYPE_CHECKING:
    from portal.models import AssessmentResult

_signals = Namespace()

# Sent by portal.results.services.store after a result row is committed.
# Sender: the Flask app (subscribers connect per app); keyword arguments `row`: the AssessmentResult, and
# `recompute`: True when a recompute of every result stored it (work meant for one new result can wait).
result_stored = _signals.signal("result-stored")


def send_result_stored(row: AssessmentResult, *, recompute: bool = False) -> None:
    """Announce a committed result row to the current app's subscribers."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the app, not the proxy
    result_stored.send(app, row=row, recompute=recompute)
