"""Select choices built from the reference data (cities, districts, industries, clusters)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.i18n import localized, pick
from scoring.reference import industries, regions


def city_choices() -> list[tuple[str, Any]]:
    names = [(c, pick(c, regions.CITY_NAMES_EN[c])) for c in regions.CITIES]
    return [("", _l("请选择地市")), *names]


def district_choices() -> list[tuple[str, Any]]:
    """Every district of every city; the browser narrows the list to the chosen city (static/js/forms.js)."""
    choices: list[tuple[str, Any]] = [("", _l("请选择区县"))]
    for city in regions.CITIES:
        for d in regions.districts(city):
            choices.append((d.name_zh, localized(d, "name")))
    return choices


def districts_by_city() -> dict[str, list[str]]:
    return {city: [d.name_zh for d in regions.districts(city)] for city in regions.CITIES}


def section_choices() -> list[tuple[str, Any]]:
    return [("", _l("请选择行业门类"))] + [
        (s.code, f"{s.code} {localized(s, 'name')}") for s in industries.sections()
    ]


def division_choices() -> list[tuple[str, Any]]:
    return [("", _l("请选择行业大类"))] + [
        (d.code, f"{d.code} {localized(d, 'name')}") for d in industries.divisions()
    ]


def divisions_by_section() -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for d in industries.divisions():
        result.setdefault(industries.section_of(d.code), []).append(d.code)
    return result


def cluster_choices() -> list[tuple[str, Any]]:
    return [("", _l("不属于 20 个战略性产业集群"))] + [
        (c.id, localized(c, "name")) for c in industries.clusters()
    ]


def known_cluster(cluster_id: str | None) -> str | None:
    """The cluster id if it is one of the 20 strategic clusters, else None (for values read from storage)."""
    return cluster_id if cluster_id in {c.id for c in industries.clusters()} else None
