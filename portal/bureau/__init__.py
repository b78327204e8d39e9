"""The bureau's dashboards: aggregates, program pipeline, targets, exports."""

from __future__ import annotations

from typing import Any

from flask import Flask

from portal.signals import result_stored


def _keep_aggregates_current(app: Flask, *, row: Any, **_: Any) -> None:
    # Imported here, not at the top: portal.models loads portal.bureau.models, which runs this package's
    # __init__ first, before the aggregates' own imports of portal.models could complete.
    from portal.bureau.aggregates import on_result_stored

    on_result_stored(row)


def register(app: Flask) -> None:
    """Subscribe this app's bureau upkeep to stored results (blinker keeps one connection per receiver
    and sender, so calling this twice for one app still updates the aggregates once)."""
    result_stored.connect(_keep_aggregates_current, sender=app)
    from portal.bureau.aggregates import totals  # see _keep_aggregates_current for why imported here

    totals.listen()
