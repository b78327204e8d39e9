"""Allowed keys per mapping of a definition: anything else is reported as a probable typo."""

from __future__ import annotations

INSTRUMENT_KEYS = frozenset(
    {
        "id",
        "version",
        "status",
        "origin",
        "title_zh",
        "title_en",
        "description_zh",
        "description_en",
        "sources",
        "scoring",
        "modules",
    }
)
SOURCE_DOC_KEYS = frozenset({"id", "title", "reference", "file", "digest", "url"})
SOURCE_REF_KEYS = frozenset({"document", "section", "lines", "note"})
SCORING_KEYS = frozenset({"method", "total_points", "multi_choice_sum_equals_max", "notes_zh", "notes_en"})
MODULE_KEYS = frozenset(
    {
        "id",
        "title_zh",
        "title_en",
        "description_zh",
        "description_en",
        "weight",
        "max_points",
        "levels",
        "clusters",
        "groups",
        "items",
        "source",
        "flags",
    }
)
FLAG_KEYS = frozenset({"id", "name_zh", "name_en", "condition", "description_zh", "description_en"})
GROUP_KEYS = frozenset({"id", "title_zh", "title_en", "max_points", "weight_pct"})
LEVEL_KEYS = frozenset(
    {"level", "name_zh", "name_en", "description_zh", "description_en", "min_score", "requires"}
)
ITEM_KEYS = frozenset(
    {
        "id",
        "type",
        "text_zh",
        "text_en",
        "help_zh",
        "help_en",
        "required",
        "options",
        "min",
        "max",
        "unit",
        "max_length",
        "evidence",
        "show_if",
        "clusters",
        "source",
        "source_id",
        "group",
        "max_points",
        "points_true",
        "ladder",
        "constraint",
        "tags",
    }
)
OPTION_KEYS = frozenset({"id", "text_zh", "text_en", "points", "level", "exclusive"})
EVIDENCE_KEYS = frozenset(
    {"id", "label_zh", "label_en", "type", "unit", "min", "max", "required", "help_zh", "help_en"}
)
LADDER_KEYS = frozenset({"level", "text_zh", "text_en"})
