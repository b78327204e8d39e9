"""The web form of each question type: its WTForms field, its template macro and its page slots.

One class per item type (``questionnaires.model.ItemType``) and per evidence field type. Everything that is
not about the web (what a valid answer is, its points, how it reads) belongs to the type's class in
questionnaires/item_types/; this module only turns stored answers into form values and back. The macros
named here are in templates/assessments/_item_fields.html. tests/portal/assessments/test_item_fields.py
fails when a type has no field class or a field class names a missing macro.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from flask_babel import gettext as _
from markupsafe import escape
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from portal.i18n import localized
from questionnaires import EvidenceField, Item
from questionnaires.item_types import DEFAULT_MAX_TEXT

Choice = tuple[str, str, bool]  # (value posted, label, exclusive)
Slots = dict[tuple[str, ...], str]  # (slot kind, *key parts after the item id) -> filled-in text


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:  # the questionnaires library validates choices
        return None


class LooseRadioField(RadioField):
    def pre_validate(self, form: Any) -> None:
        return None


def number_attrs(low: Any, high: Any, integer: bool) -> dict[str, Any]:
    attrs: dict[str, Any] = {"type": "number", "step": "1" if integer else "any", "inputmode": "decimal"}
    if low is not None:
        attrs["min"] = str(low)
    if high is not None:
        attrs["max"] = str(high)
    return attrs


# ----------------------------------------------------------------------------------------------------
# Items
# ----------------------------------------------------------------------------------------------------


class ItemField:
    """How one question type is asked on the module page and read back from what the form posts."""

    macro: ClassVar[str]  # the macro in templates/assessments/_item_fields.html that draws the input
    read_as: ClassVar[str]  # how static/js/autosave.js reads the inputs (data-read on the fieldset)
    multiple: ClassVar[bool] = False  # several options may be ticked ("可多选" beside the question)

    def choices(self, item: Item) -> list[Choice]:
        """The options as the form posts them; [] for typed answers."""
        return []

    def field(self, item: Item) -> Field:
        raise NotImplementedError

    def form_value(self, value: Any) -> Any:
        """A stored answer value (not None) as the form shows it."""
        return value

    def submitted(self, data: Any) -> Any:
        """What the form posted, as an answer value for the item type's check (None: left empty)."""
        return (data.strip() or None) if isinstance(data, str) else data

    def slots(self, value: Any) -> Slots:
        """The page slots a shown form value fills: the typed value."""
        return {} if value is None else {("value",): str(escape(value))}


class _ChoiceField(ItemField):
    read_as = "chosen"

    def field(self, item: Item) -> Field:
        return LooseRadioField(
            localized(item, "text"), choices=[(v, label) for v, label, _x in self.choices(item)]
        )

    def slots(self, value: Any) -> Slots:
        return {} if value is None else {("checked", str(value)): "checked "}


class SingleField(_ChoiceField):
    macro = "radios"

    def choices(self, item: Item) -> list[Choice]:
        return [(o.id, localized(o, "text"), bool(o.exclusive)) for o in item.options]


class MultiField(SingleField):
    macro = "checkboxes"
    read_as = "ticked"
    multiple = True

    def field(self, item: Item) -> Field:
        return CheckboxListField(
            localized(item, "text"), choices=[(v, label) for v, label, _x in self.choices(item)]
        )

    def submitted(self, data: Any) -> Any:
        return list(data or []) or None

    def slots(self, value: Any) -> Slots:
        return {("checked", str(chosen)): "checked " for chosen in value or ()}


class BooleanField(_ChoiceField):
    macro = "radios"
    read_as = "yes_no"

    def choices(self, item: Item) -> list[Choice]:
        return [("true", _("是"), False), ("false", _("否"), False)]

    def form_value(self, value: Any) -> Any:
        return "true" if value else "false"


class ScenarioLevelField(_ChoiceField):
    macro = "ladder"
    read_as = "level"

    def choices(self, item: Item) -> list[Choice]:
        below = _("未达到 L1")
        steps = [
            (str(s.level), _("L%(level)s：%(text)s", level=s.level, text=localized(s, "text")), False)
            for s in item.ladder
        ]
        return [("0", below, False), *steps]

    def form_value(self, value: Any) -> Any:
        return str(value)


class NumberField(ItemField):
    macro = "number"
    read_as = "typed"
    integer = False

    @property
    def step(self) -> str:
        return "1" if self.integer else "any"

    def field(self, item: Item) -> Field:
        return StringField(localized(item, "text"), render_kw=number_attrs(item.min, item.max, self.integer))

    def form_value(self, value: Any) -> Any:
        return str(value)


class IntegerField(NumberField):
    integer = True


class TextField(ItemField):
    macro = "textarea"
    read_as = "typed"

    def field(self, item: Item) -> Field:
        limit = str(item.max_length or DEFAULT_MAX_TEXT)
        return TextAreaField(localized(item, "text"), render_kw={"rows": 3, "maxlength": limit})


ITEM_FIELDS: Mapping[str, ItemField] = MappingProxyType(
    {
        "single": SingleField(),
        "multi": MultiField(),
        "number": NumberField(),
        "integer": IntegerField(),
        "text": TextField(),
        "boolean": BooleanField(),
        "scenario_level": ScenarioLevelField(),
    }
)


def field_of(item: Item) -> ItemField:
    return ITEM_FIELDS[item.type]


# ----------------------------------------------------------------------------------------------------
# Evidence fields
# ----------------------------------------------------------------------------------------------------


class EvidenceInput:
    macro: ClassVar[str]

    def field(self, spec: EvidenceField, label: str) -> Field:
        return StringField(label)


class NumberEvidenceInput(EvidenceInput):
    macro = "evidence_number"

    def field(self, spec: EvidenceField, label: str) -> Field:
        return StringField(label, render_kw=number_attrs(spec.min, spec.max, False))


class TextEvidenceInput(EvidenceInput):
    macro = "evidence_text"


EVIDENCE_INPUTS: Mapping[str, EvidenceInput] = MappingProxyType(
    {"number": NumberEvidenceInput(), "integer": NumberEvidenceInput(), "text": TextEvidenceInput()}
)


def evidence_input_of(spec: EvidenceField) -> EvidenceInput:
    return EVIDENCE_INPUTS[spec.type]
