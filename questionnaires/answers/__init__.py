"""Pure helpers over an instrument and a company's answers: check one answer, skip logic, progress.

Answer representation (what the web app stores per assessment, JSON-compatible)::

    answers = {
        "base.equipment.network": ["B", "C"],          # multi: list of option ids
        "base.info_systems.coverage": "C",              # single: option id
        "equip.cnc_rate": 35.5,                          # number (int or float)
        "org.it_staff": 3,                               # integer
        "strategy.notes": "…",                           # text
        "net.edge_computing": True,                      # boolean
        "ops.production.quality": 2,                     # scenario_level: 0 = 未达到L1, 1..4 = L1..L4
        "base.equipment.digitization": {                 # any item with evidence fields:
            "value": "C",                                #   the answer itself (may be None while drafting)
            "evidence": {"production_devices_total": 120, "digitized_devices": 40},
        },
    }

An item is *answered* when its value is not ``None``, ``""`` or ``[]`` (``False`` and ``0`` are answers).
None of these functions raise on bad input: :func:`validate_answer` reports problems in its result.
What a value of each item type may be is decided by its class in ``questionnaires/item_types/``.

Sections: ``visibility`` (conditions, skip logic), ``checks`` (one answer), ``review`` (progress, missing
answers); reading a stored value and numbers typed as text are in ``questionnaires/values.py``.
"""

from __future__ import annotations

from questionnaires.item_types import DEFAULT_MAX_TEXT
from questionnaires.values import (
    DEFAULT_MAX_COUNT,
    DEFAULT_MAX_MONEY_WAN,
    DEFAULT_MAX_QUANTITY,
    NUL_EN,
    NUL_ZH,
    UNITS_EN,
    AnswerCheck,
    answer_evidence,
    answer_value,
    is_answered,
    numeric_bounds,
    unit_en,
)

from .checks import validate_answer
from .review import MissingItem, ModuleProgress, Progress, flags, missing_required, progress
from .visibility import evaluate, is_visible, module_visible, visible_answers, visible_items

__all__ = [
    "DEFAULT_MAX_COUNT",
    "DEFAULT_MAX_MONEY_WAN",
    "DEFAULT_MAX_QUANTITY",
    "DEFAULT_MAX_TEXT",
    "NUL_EN",
    "NUL_ZH",
    "UNITS_EN",
    "AnswerCheck",
    "MissingItem",
    "ModuleProgress",
    "Progress",
    "answer_evidence",
    "answer_value",
    "evaluate",
    "flags",
    "is_answered",
    "is_visible",
    "missing_required",
    "module_visible",
    "numeric_bounds",
    "progress",
    "unit_en",
    "validate_answer",
    "visible_answers",
    "visible_items",
]
