"""Validate definition files and build :class:`~questionnaires.model.Instrument` objects from them.

:func:`parse_definition` is the single place where YAML data becomes dataclasses: it checks the structure
(types, required and unknown keys) while building, then the cross-references and scoring rules on the built
objects. Every problem is reported as a :class:`ValidationError` with a path such as
``modules[3].items[2].options[1].points`` and a reason in Chinese and English.

The code is split along those steps: `context` (the error type, the collecting context, paths), `keys`
(allowed keys per mapping), `readers` (typed field readers), `conditions`, `build` (structure →
dataclasses), `item_checks` and `instrument_checks` (semantic checks on the built objects) and `parse`
(the public API). The names other modules use are importable from `questionnaires.validator` itself.
"""

from __future__ import annotations

from .build import ID_RE
from .context import ValidationError
from .parse import format_errors, parse_definition, parse_file, validate_all, validate_file

__all__ = [
    "ID_RE",
    "ValidationError",
    "format_errors",
    "parse_definition",
    "parse_file",
    "validate_all",
    "validate_file",
]
