"""The bureau's pilot-city target page (counting in portal/bureau/pilot.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import roles
from portal.bureau import pilot
from portal.bureau.queries.labels import MIIT_NAMES, SIZE_NAMES, city_name, district_name, jurisdiction_name
from portal.choices import known_cluster
from portal.models import JurisdictionLevel, Role
from portal.results.citations import cite_document
from portal.results.format import local_date
from portal.templating import cluster_name

bp = Blueprint("pilot", __name__)

MIIT_CITATION = "《中小企业数字化水平评测指标（2024年版）》（工信厅企业〔2024〕56号）"


def industry_name(cluster_id: str | None) -> str:
    known = known_cluster(cluster_id)
    return cluster_name(known) if known else _("未填行业")


def level_name(level: int | None) -> str:
    return str(MIIT_NAMES[level]) if level in MIIT_NAMES else "—"


@dataclass(frozen=True)
class Page:
    scope: str
    cities: list[str]  # the officer's pilot cities (one, or the 14 for the province)
    headline: pilot.Figures
    geo_title: str
    geo_head: str
    geo: list[pilot.Figures]
    industries: list[pilot.Figures]
    listing: pilot.Listing


def page_for(user: Any) -> Page:
    """The officer's pilot-city target figures (the page, and the jurisdiction report)."""
    upgrades = pilot.upgrades(user)
    total = pilot.Counts()
    for u in upgrades:
        total.add(u)
    level = user.jurisdiction_level
    cities = list(pilot.pilot_cities()) if level is JurisdictionLevel.PROVINCE else []
    if level is not JurisdictionLevel.PROVINCE and user.jurisdiction_city in pilot.pilot_cities():
        cities = [user.jurisdiction_city]
    targets = {city: pilot.city_target(city) for city in cities}
    if level is JurisdictionLevel.PROVINCE:
        by_city = pilot.group(upgrades, lambda c: c.city)
        geo_title, geo_head = _("按试点城市"), _("城市")
        geo = [pilot.figures(city_name(c), by_city.get(c, pilot.Counts()), targets[c]) for c in cities]
        target = sum(t for t in targets.values() if t) or None
    else:
        by_district = pilot.group(upgrades, lambda c: c.district)
        geo_title, geo_head = _("按区县"), _("区县")
        city = user.jurisdiction_city or ""
        geo = [
            pilot.figures(district_name(city, d) if d else _("未填区县"), n) for d, n in by_district.items()
        ]
        target = targets.get(city)
        if level is JurisdictionLevel.DISTRICT:
            geo = []
    by_industry = pilot.group(upgrades, lambda c: c.cluster)
    return Page(
        scope=jurisdiction_name(user),
        cities=cities,
        headline=pilot.figures(_("合计"), total, target),
        geo_title=geo_title,
        geo_head=geo_head,
        geo=geo,
        industries=[pilot.figures(industry_name(k), n) for k, n in by_industry.items()],
        listing=pilot.listing(upgrades),
    )


@bp.get("/")
@roles(Role.BUREAU)
def view() -> Any:
    page = page_for(current_user)
    start, end = pilot.window()
    return render_template(
        "bureau/pilot.html",
        page=page,
        district_officer=current_user.jurisdiction_level is JurisdictionLevel.DISTRICT,
        start=start.isoformat(),
        end=end.isoformat(),
        pilot_citation=cite_document(pilot.program().document),
        miit_citation=MIIT_CITATION,
        industry_name=industry_name,
        level_name=level_name,
        size_name=lambda s: str(SIZE_NAMES.get(s or "", s)),
        city_name=city_name,
        district_name=district_name,
        local_date=local_date,
        pct=lambda x: f"{x:.0%}" if isinstance(x, float) else x,
    )


def as_table(page: Page) -> Any:
    """The target figures as a dashboard table (the jurisdiction report prints it); None outside the
    pilot cities."""
    from portal.bureau.queries.tables import Table

    if not page.cities:
        return None
    rows = [[f.label, f.reported, f.confirmed, f.target, f.progress] for f in [*page.geo, page.headline]]
    return Table(
        "pilot",
        _("中小企业数字化转型城市试点目标"),
        [page.geo_head, _("企业自评达标"), _("核查确认（计入目标）"), _("目标"), _("完成进度")],
        [[cell if cell is not None else "—" for cell in row] for row in rows],
        ["text", "count", "count", "count", "share"],
    )
