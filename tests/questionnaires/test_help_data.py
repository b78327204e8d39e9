"""The help data beside the hash-locked instruments (questionnaires/help/): every key it names exists in the
instrument, the shared items really ask for the same kind of figure, and the estimates follow their rule."""

from __future__ import annotations

import dataclasses
import re

import pytest

import questionnaires
from questionnaires import help as qhelp
from questionnaires.help import estimates, shared
from questionnaires.model import ITEM_TYPES, Instrument, Item

PUBLISHED = [
    questionnaires.load(i.id, i.version) for i in questionnaires.list_available() if i.status == "published"
]
CITATION = re.compile(r"^《[^《》]+》（[^（）]+〔\d{4}〕\d+号）.*$")


def _versions(instrument_id: str) -> list[Instrument]:
    return [i for i in PUBLISHED if i.id == instrument_id]


def _target_item(target: qhelp.Target, version: str) -> Item:
    instrument = questionnaires.load(target.instrument, version)
    assert instrument.has_item(target.item), f"{target.instrument}@{version} has no item {target.item}"
    return instrument.item(target.item)


def _unit_and_kind(target: qhelp.Target, version: str) -> tuple[str | None, str]:
    item = _target_item(target, version)
    if target.evidence is None:
        return item.unit, item.type
    fields = {f.id: f for f in item.evidence}
    assert target.evidence in fields, f"{target.item} has no evidence field {target.evidence}"
    return fields[target.evidence].unit, fields[target.evidence].type


# --------------------------------------------------------------------------------------------- glossary


def test_glossary_ids_are_unique_anchors() -> None:
    ids = [t.id for t in qhelp.glossary()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_every_term_cites_a_policy_document_as_title_and_number() -> None:
    for term in qhelp.glossary():
        assert term.sources, term.id
        for citation in term.sources:
            assert CITATION.match(citation.text), citation.text
        assert term.definition_zh and term.definition_en and term.term_en


def test_items_named_by_the_glossary_exist_in_every_published_version() -> None:
    for term in qhelp.glossary():
        for instrument_id, item_ids in term.items.items():
            assert _versions(instrument_id), instrument_id
            for instrument in _versions(instrument_id):
                missing = [i for i in item_ids if not instrument.has_item(i)]
                assert not missing, (term.id, instrument.key, missing)
        for note in term.versions:
            questionnaires.load(note.instrument, note.version)  # raises if the version does not exist


def test_the_terms_the_issue_names_are_reachable_from_a_question() -> None:
    used = {t.id for inst in PUBLISHED for item in inst.items for t in qhelp.terms_for(inst, item)}
    for term_id in ("tsn", "identifier-resolution", "binding-scenario", "on-platform", "cloud-platform"):
        assert term_id in used
    assert {"mes", "erp", "plm", "industrial-internet-platform"} <= used


def test_each_version_gets_its_own_reading_of_on_platform() -> None:
    term = next(t for t in qhelp.glossary() if t.id == "on-platform")
    old, new = questionnaires.load("gd-mfg-dt", "2025.1"), questionnaires.load("gd-mfg-dt", "2025.2")
    assert term.note_for(old) is not None and term.note_for(new) is not None
    assert term.note_for(old) != term.note_for(new)
    assert term.note_for(questionnaires.latest_published("miit-sme-digital")) is None


def test_binding_scenarios_link_the_entry_and_others_do_not() -> None:
    miit = questionnaires.latest_published("miit-sme-digital")
    for item in miit.items:
        linked = "binding-scenario" in {t.id for t in qhelp.terms_for(miit, item)}
        assert linked == item.constraint, item.id


# ----------------------------------------------------------------------------------------- shared items


def _all_targets() -> list[qhelp.Target]:
    data = shared.shared_data()
    groups = data.same_meaning + data.not_the_same
    return [t for _, t in data.profile] + [t for g in groups for t in g]


def test_every_shared_key_exists_in_each_reviewed_version() -> None:
    for target in _all_targets():
        assert target.versions
        for version in target.versions:
            _unit_and_kind(target, version)


def test_same_meaning_groups_span_two_instruments_with_one_unit_and_numeric_figures() -> None:
    for group in shared.shared_data().same_meaning:
        assert len({t.instrument for t in group}) == len(group) >= 2
        kinds = {_unit_and_kind(t, v) for t in group for v in t.versions}
        assert len({unit for unit, _ in kinds}) == 1, group
        assert {kind for _, kind in kinds} <= {"number", "integer"}, group


def test_profile_figures_go_to_items_in_their_unit() -> None:
    units = {"employees": "人", "revenue_wan": "万元"}
    for name, target in shared.shared_data().profile:
        for version in target.versions:
            assert _unit_and_kind(target, version)[0] == units[name], (name, target)


def test_a_reviewed_pair_is_either_the_same_or_not_never_both() -> None:
    def key(group: tuple[qhelp.Target, ...]) -> frozenset[tuple[str, str, str | None]]:
        return frozenset((t.instrument, t.item, t.evidence) for t in group)

    same = {key(g) for g in shared.shared_data().same_meaning}
    assert not same & {key(g) for g in shared.shared_data().not_the_same}


def test_an_unreviewed_version_gets_no_prefill() -> None:
    gd = questionnaires.latest_published("gd-mfg-dt")
    assert qhelp.profile_targets(gd)
    unreviewed = dataclasses.replace(gd, version="2099.1")
    assert qhelp.profile_targets(unreviewed) == [] and qhelp.shared_sources(unreviewed) == []


# ------------------------------------------------------------------------------------------- estimates


def test_every_item_type_has_a_decision_time() -> None:
    assert set(estimates.rules().decision_seconds) == set(ITEM_TYPES)


@pytest.mark.parametrize("instrument", PUBLISHED, ids=lambda i: i.key)
def test_every_module_gets_a_plausible_estimate(instrument: Instrument) -> None:
    for module in instrument.modules:
        cluster = module.clusters[0] if module.clusters else None
        minutes = qhelp.module_minutes(module, cluster)
        # at least 10 s per question, at most 3 minutes per question
        assert len(module.items) / 6 <= minutes <= 3 * len(module.items) + 1, (module.id, minutes)


def test_estimates_grow_with_reading_and_lookups() -> None:
    miit = questionnaires.latest_published("miit-sme-digital")
    ladder = miit.item("ops.production.quality")  # reads four rungs
    figures = miit.item("effect.market.revenue_per_employee")  # four figures to look up
    short = questionnaires.latest_published("gd-mfg-dt").item("net.ipv6")  # a yes/no question
    assert qhelp.item_seconds(short) < qhelp.item_seconds(ladder)
    assert qhelp.item_seconds(short) + 4 * estimates.rules().evidence_field_seconds < qhelp.item_seconds(
        figures
    )


def test_items_of_other_clusters_are_left_out() -> None:
    module = questionnaires.latest_published("gd-mfg-dt").module("net")
    rules = estimates.EstimateRules(300, dict.fromkeys(ITEM_TYPES, 600), 0)  # 10 minutes an item
    only_c01 = dataclasses.replace(module.items[0], clusters=("c01",))
    narrowed = dataclasses.replace(module, items=(only_c01, *module.items[1:]))
    everyone = qhelp.module_minutes(narrowed, "c01", rules)
    assert qhelp.module_minutes(narrowed, "c06", rules) <= everyone - 10
    assert qhelp.module_minutes(narrowed, None, rules) <= everyone - 10
