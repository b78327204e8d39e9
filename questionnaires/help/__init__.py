"""Help that sits beside the instruments without changing them (published definitions are hash-locked):
time estimates per module, a glossary of terms with their sources, and which items a company's profile
figures or its answers to the other instrument pre-fill.

Data files in this folder: time.yaml (estimates.py), glossary.yaml (glossary.py), shared_items.yaml
(shared.py). Pure: standard library and the project's strict YAML loader only.
"""

from __future__ import annotations

from .estimates import EstimateRules, item_seconds, module_minutes
from .glossary import Citation, Term, TermNote, glossary, terms_for
from .shared import Target, profile_targets, shared_sources

__all__ = [
    "Citation",
    "EstimateRules",
    "Target",
    "Term",
    "TermNote",
    "glossary",
    "item_seconds",
    "module_minutes",
    "profile_targets",
    "shared_sources",
    "terms_for",
]
