"""One broken definition per validator rule: each must be rejected with the right code and path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fixture_types import WriteDef

from questionnaires import ValidationError, content_hash, parse_definition, validate_all, validate_file

Mutation = Callable[[dict[str, Any]], None]


def _items(d: dict[str, Any]) -> list[dict[str, Any]]:
    return d["modules"][0]["items"]


def _set(path: list[Any], value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        node: Any = d
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _delete(path: list[Any]) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        node: Any = d
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


I = ["modules", 0, "items"]  # noqa: E741

CASES: list[tuple[str, Mutation, str, str]] = [
    ("unknown item type", _set([*I, 0, "type"], "dropdown"), "unknown_type", "modules[0].items[0].type"),
    ("duplicate item id", _set([*I, 3, "id"], "net.5g"), "duplicate_id", "modules[0].items[3].id"),
    (
        "duplicate item id across modules",
        _set(["modules", 1, "items", 0, "id"], "net.edge"),
        "duplicate_id",
        "modules[1].items[0].id",
    ),
    ("duplicate module id", _set(["modules", 1, "id"], "net"), "duplicate_id", "modules[1].id"),
    (
        "duplicate option id",
        _set([*I, 0, "options", 2, "id"], "B"),
        "duplicate_id",
        "modules[0].items[0].options[2].id",
    ),
    (
        "option points over max",
        _set([*I, 0, "options", 3, "points"], 4),
        "points_over_max",
        "modules[0].items[0].options[3].points",
    ),
    (
        "negative option points",
        _set([*I, 0, "options", 1, "points"], -1),
        "points_over_max",
        "modules[0].items[0].options[1].points",
    ),
    (
        "single best option below max",
        _set([*I, 0, "max_points"], 5),
        "max_points_mismatch",
        "modules[0].items[0].max_points",
    ),
    (
        "multi options do not add up to max",
        _set([*I, 1, "options", 2, "points"], 0.5),
        "multi_sum_mismatch",
        "modules[0].items[1].options",
    ),
    (
        "points without max_points",
        _delete([*I, 3, "max_points"]),
        "missing",
        "modules[0].items[3].max_points",
    ),
    (
        "show_if to missing item",
        _set([*I, 1, "show_if"], {"item": "net.nope", "in": ["B"]}),
        "bad_reference",
        "modules[0].items[1].show_if",
    ),
    (
        "show_if to later item",
        _set([*I, 1, "show_if"], {"item": "net.edge", "equals": True}),
        "forward_reference",
        "modules[0].items[1].show_if",
    ),
    (
        "show_if to itself",
        _set([*I, 1, "show_if"], {"item": "net.scenarios", "answered": True}),
        "forward_reference",
        "modules[0].items[1].show_if",
    ),
    (
        "show_if to missing option",
        _set([*I, 1, "show_if"], {"item": "net.5g", "in": ["B", "Z"]}),
        "bad_option_reference",
        "modules[0].items[1].show_if",
    ),
    (
        "show_if nested missing option",
        _set(
            [*I, 2, "show_if"],
            {"all": [{"item": "net.5g", "not_in": ["A"]}, {"any": [{"item": "net.scenarios", "in": ["X"]}]}]},
        ),
        "bad_option_reference",
        "modules[0].items[2].show_if",
    ),
    (
        "show_if numeric op on choice",
        _set([*I, 1, "show_if"], {"item": "net.5g", "gte": 2}),
        "bad_condition",
        "modules[0].items[1].show_if",
    ),
    (
        "show_if with two operators",
        _set([*I, 1, "show_if"], {"item": "net.5g", "in": ["B"], "answered": True}),
        "bad_condition",
        "modules[0].items[1].show_if",
    ),
    (
        "missing source on own item",
        _delete([*I, 2, "source"]),
        "missing_source",
        "modules[0].items[2].source",
    ),
    (
        "source document not listed",
        _set([*I, 2, "source"], {"document": "D99"}),
        "bad_reference",
        "modules[0].items[2].source.document",
    ),
    ("four levels only", lambda d: d["modules"][0]["levels"].pop(), "bad_levels", "modules[0].levels"),
    ("levels not 1..5", _set(["modules", 0, "levels", 3, "level"], 3), "bad_levels", "modules[0].levels"),
    (
        "min_score decreasing",
        _set(["modules", 0, "levels", 4, "min_score"], 10),
        "bad_levels",
        "modules[0].levels[4].min_score",
    ),
    ("numeric min > max", _set([*I, 2, "min"], 500), "min_gt_max", "modules[0].items[2].min"),
    ("number item without max", _delete([*I, 2, "max"]), "missing_bound", "modules[0].items[2].max"),
    (
        "number evidence without min",
        _delete([*I, 4, "evidence", 1, "min"]),
        "missing_bound",
        "modules[0].items[4].evidence[1].min",
    ),
    (
        "evidence min > max",
        _set([*I, 4, "evidence", 1, "min"], 101),
        "min_gt_max",
        "modules[0].items[4].evidence[1].min",
    ),
    ("unknown item key (typo)", _set([*I, 0, "txet_zh"], "x"), "unknown_key", "modules[0].items[0].txet_zh"),
    (
        "unknown option key",
        _set([*I, 0, "options", 0, "point"], 0),
        "unknown_key",
        "modules[0].items[0].options[0].point",
    ),
    ("unknown top-level key", _set(["titel_zh"], "x"), "unknown_key", "titel_zh"),
    ("malformed version", _set(["version"], "2025-1"), "bad_version", "version"),
    ("unquoted version", _set(["version"], 2025.1), "bad_version", "version"),
    ("bad status", _set(["status"], "final"), "bad_status", "status"),
    ("unknown cluster", _set(["modules", 1, "clusters"], ["c21"]), "bad_cluster", "modules[1].clusters[0]"),
    (
        "item cluster outside module clusters",
        _set(["modules", 1, "items", 0, "clusters"], ["c06"]),
        "bad_cluster",
        "modules[1].items[0].clusters",
    ),
    ("general weights not 100", _set(["modules", 0, "weight"], 90), "bad_weight", "modules"),
    (
        "exclusive on single choice",
        _set([*I, 0, "options", 0, "exclusive"], True),
        "not_allowed",
        "modules[0].items[0].options[0].exclusive",
    ),
    (
        "options on a number item",
        _set([*I, 2, "options"], [{"id": "A", "text_zh": "a", "text_en": "a"}]),
        "not_allowed",
        "modules[0].items[2].options",
    ),
    (
        "scenario ladder gap",
        _set([*I, 6, "ladder"], [{"level": 1, "text_zh": "a"}, {"level": 3, "text_zh": "c"}]),
        "bad_level",
        "modules[0].items[6].ladder",
    ),
    ("missing required text", _delete([*I, 0, "text_en"]), "missing", "modules[0].items[0].text_en"),
    ("wrong value type", _set([*I, 0, "required"], "yes"), "wrong_type", "modules[0].items[0].required"),
    ("bad item id", _set([*I, 0, "id"], "Net 5G"), "bad_id", "modules[0].items[0].id"),
]


@pytest.mark.parametrize(("mutate", "code", "path"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_definition_is_rejected(
    minimal: dict[str, Any], write_def: WriteDef, mutate: Mutation, code: str, path: str
) -> None:
    mutate(minimal)
    file = write_def(minimal, version="2025.1")
    errors = validate_file(file)
    assert any(e.code == code and e.path == path for e in errors), "\n".join(map(str, errors))
    for err in errors:
        assert err.file == str(file)
        assert err.reason_zh and err.reason_en


def test_minimal_definition_is_valid(minimal: dict[str, Any], write_def: WriteDef) -> None:
    assert validate_file(write_def(minimal)) == []


def test_typo_error_suggests_the_right_key(minimal: dict[str, Any], write_def: WriteDef) -> None:
    minimal["modules"][0]["items"][0]["txet_zh"] = "x"
    (err,) = [e for e in validate_file(write_def(minimal)) if e.code == "unknown_key"]
    assert "text_zh" in err.reason_en and "text_zh" in err.reason_zh


def test_error_message_format(minimal: dict[str, Any], write_def: WriteDef) -> None:
    minimal["modules"][0]["items"][0]["options"][3]["points"] = 4
    err = next(e for e in validate_file(write_def(minimal)) if e.code == "points_over_max")
    assert str(err).startswith(f"{err.file}:modules[0].items[0].options[3].points: [points_over_max] ")
    assert "0–3" in err.reason_zh


def test_multi_sum_only_checked_when_declared(minimal: dict[str, Any], write_def: WriteDef) -> None:
    minimal["modules"][0]["items"][1]["options"][2]["points"] = 0.5
    minimal["scoring"]["multi_choice_sum_equals_max"] = False
    assert validate_file(write_def(minimal)) == []


def test_external_instrument_items_need_no_source(minimal: dict[str, Any], write_def: WriteDef) -> None:
    minimal["origin"] = "external"
    del minimal["modules"][0]["items"][2]["source"]
    assert validate_file(write_def(minimal)) == []


def test_file_location_must_match_id_and_version(minimal: dict[str, Any], write_def: WriteDef) -> None:
    errors = validate_file(write_def(minimal, version="2025.2"))
    assert [e.code for e in errors] == ["bad_location"]


def test_duplicate_yaml_key_is_rejected(minimal: dict[str, Any], write_def: WriteDef) -> None:
    text = "id: test-inst\nversion: '2025.1'\nversion: '2025.2'\n"
    errors = validate_file(write_def(minimal, text=text))
    assert [e.code for e in errors] == ["yaml_error"]
    assert "duplicate key 'version'" in errors[0].reason_en


def test_not_a_mapping(write_def: WriteDef) -> None:
    errors = validate_file(write_def({}, instrument_id="x", version="2025.1", text="- just\n- a list\n"))
    assert [e.code for e in errors] == ["wrong_type"]


def _lock(path: Path, entries: dict[str, str]) -> None:
    (path.parent.parent / "published.lock.json").write_text(json.dumps(entries), "utf-8")


def test_published_without_lock_entry(minimal: dict[str, Any], write_def: WriteDef) -> None:
    minimal["status"] = "published"
    errors = validate_file(write_def(minimal))
    assert [(e.code, e.path) for e in errors] == [("not_locked", "status")]


def test_published_definitions_may_lack_bounds(minimal: dict[str, Any], write_def: WriteDef) -> None:
    """Published instruments cannot change: their fields without a max get answers.numeric_bounds' default."""
    del minimal["modules"][0]["items"][2]["max"]
    minimal["status"] = "published"
    file = write_def(minimal)
    _lock(file, {"test-inst@2025.1": content_hash(minimal)})
    assert validate_file(file) == []


def test_published_hash_mismatch(minimal: dict[str, Any], write_def: WriteDef) -> None:
    minimal["status"] = "published"
    file = write_def(minimal)
    _lock(file, {"test-inst@2025.1": content_hash(minimal)})
    assert validate_file(file) == []
    minimal["modules"][0]["items"][0]["text_zh"] = "改过的题干"
    write_def(minimal)
    errors = validate_file(file)
    assert [e.code for e in errors] == ["hash_mismatch"]
    assert "immutable" in errors[0].reason_en


def test_locked_version_cannot_return_to_draft(minimal: dict[str, Any], write_def: WriteDef) -> None:
    file = write_def(minimal)
    _lock(file, {"test-inst@2025.1": "0" * 64})
    assert [e.code for e in validate_file(file)] == ["unpublished"]


def test_validate_all_reports_deleted_published_version(minimal: dict[str, Any], write_def: WriteDef) -> None:
    file = write_def(minimal)
    _lock(file, {"gone@2024": "0" * 64})
    errors = validate_all(file.parent.parent)
    assert [(e.code, e.path) for e in errors] == [("missing_definition", "gone@2024")]


def test_parse_definition_builds_dataclasses(minimal: dict[str, Any]) -> None:
    inst, errors = parse_definition(minimal)
    assert errors == [] and inst is not None
    assert inst.content_hash == content_hash(minimal)
    item = inst.item("net.scenarios")
    assert item.options[0].exclusive and item.module_id == "net"
    assert inst.module_of("petro.hazard").clusters == ("c02",)
    with pytest.raises(AttributeError):
        item.text_zh = "x"  # type: ignore[misc]


def test_validation_error_is_a_value() -> None:
    err = ValidationError("f.yaml", "modules[0]", "bad_levels", "中", "en")
    assert str(err) == "f.yaml:modules[0]: [bad_levels] 中 / en"
