"""Template globals and filters: navigation per role, dates, money, cache-busted static URLs."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from portal.i18n import localized, pick
from portal.models import Role

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

# (endpoint, label) per role; the first is the role's home.
NAVIGATION: dict[Role, tuple[tuple[str, Any], ...]] = {
    Role.ENTERPRISE: (
        ("companies.dashboard", _l("工作台")),
        ("notifications.tasks", _l("我的任务")),
        ("assessments.index", _l("数字化评估")),
        ("eligibility.index", _l("政策匹配")),
        ("companies.profile", _l("企业信息")),
        ("companies.members", _l("成员与邀请")),
        ("sharing.index", _l("共享与协作")),
    ),
    Role.PROVIDER: (
        ("providers.dashboard", _l("服务商工作台")),
        ("providers.solutions", _l("解决方案")),
        ("providers.profile", _l("机构资料")),
        ("review.queue", _l("现场核查")),
    ),
    Role.BUREAU: (
        ("bureau.dashboard", _l("监测看板")),
        ("bureau.target_list", _l("目标指标")),
        ("bureau.companies", _l("企业名单")),
        ("bureau.pipeline", _l("项目管线")),
        ("pilot.view", _l("试点目标")),
        ("review.assessors", _l("核查员")),
    ),
    Role.ADMIN: (
        ("admin.dashboard", _l("平台管理")),
        ("admin.users", _l("账号管理")),
        ("admin.companies_list", _l("企业名录")),
        ("admin.audit_log", _l("审计日志")),
        ("moderation.index", _l("服务商审核")),
        ("admin_rules.index", _l("政策规则")),
    ),
}


def nav_items() -> list[dict[str, Any]]:
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, label in NAVIGATION.get(current_user.role, ()):
        items.append({"url": fixed_url(endpoint), "label": label, "active": request.endpoint == endpoint})
    return items


# URLs that never change while the app runs are built once: url_for costs ~25 µs, and every page has a
# dozen such links (navigation, assets); keyed by the script root the app is mounted under.
@cache
def _fixed_url(script_root: str, endpoint: str, **values: Any) -> str:
    return url_for(endpoint, **values)


@cache
def _file_digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def fixed_url(endpoint: str, **values: str) -> str:
    """url_for for links without per-request parts (no ids), built once per process."""
    return _fixed_url(request.script_root, endpoint, **values)


def asset(filename: str) -> str:
    """Static URL with a content hash, so browsers cache assets forever but never serve stale ones."""
    static_folder = current_app.static_folder or ""
    version = _file_digest(str(Path(static_folder) / filename))
    return fixed_url("static", filename=filename, v=version)


def plotly_url() -> str:
    """The vendored plotly.js, versioned by its checksum (served by home.plotly_js, cached for a year)."""
    from portal.home import plotly_digest

    return fixed_url("home.plotly_js", v=plotly_digest()[:12])


def local_dt(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return "—"
    return value.astimezone(LOCAL_TZ).strftime(fmt)


def wan(value: Decimal | float | int | None) -> str:
    """Money in 万元 with thousands separators; '—' when unknown."""
    if value is None:
        return "—"
    return f"{Decimal(value):,.2f}".rstrip("0").rstrip(".")


ROLE_LABELS = {
    Role.ENTERPRISE: _l("企业用户"),
    Role.PROVIDER: _l("服务商"),
    Role.BUREAU: _l("主管部门"),
    Role.ADMIN: _l("平台管理员"),
}


def role_label(role: Role) -> Any:
    return ROLE_LABELS[role]


def cluster_name(cluster_id: str) -> str:
    from scoring.reference import industries

    try:
        cluster = industries.cluster(cluster_id)
    except KeyError:
        return cluster_id
    return localized(cluster, "name")


_CLUSTER_ID = re.compile(r"\bc\d{2}\b")


def cluster_names(text: str) -> str:
    """Text that names clusters by their storage ids (an instrument's description: "集群（c01、c02）") with
    the clusters' names instead."""
    return _CLUSTER_ID.sub(lambda m: cluster_name(m.group(0)), text)


def industry_name(division_code: str | None, section_code: str | None = None) -> str:
    """金属制品业 for "33": people read the industry's name, not its GB/T 4754 code."""
    from scoring.reference import industries

    for code, lookup in ((division_code, industries.division), (section_code, industries.section)):
        if code:
            try:
                return localized(lookup(code), "name")
            except KeyError:
                continue
    return ""


_CJK = re.compile(r"[\u3400-\u9fff]")


_LATIN = re.compile(r"[A-Za-z]")
# A run of Chinese text in an English sentence: CJK characters with the punctuation and digits between them
# (《…》（…）“…” 2024年版).
_CJK_RUN = re.compile(
    r"[\u3400-\u9fff《》（）〔〕【】“”、，。：；][\u3400-\u9fff《》（）〔〕【】“”、，。：；0-9—–\-]*"
)


def zh_data(value: Any) -> Markup:
    """Chinese data (a company's, person's or place's name) marked as Chinese, so an English page's
    screen reader and hyphenation treat it as such; in English text that quotes a Chinese term
    ("the 专精特新 recognition") only the Chinese runs are marked. Other values pass through escaped.
    For text, not attributes."""
    text = "" if value is None else str(value)
    if not _CJK.search(text):
        return escape(text)
    if not _LATIN.search(text):
        return Markup('<span lang="zh-CN">{}</span>').format(text)
    parts, last = [], 0
    for run in _CJK_RUN.finditer(text):
        if not _CJK.search(run.group(0)):
            continue  # punctuation or digits alone stay with the English text
        parts += [
            escape(text[last : run.start()]),
            Markup('<span lang="zh-CN">{}</span>').format(run.group(0)),
        ]
        last = run.end()
    return Markup("").join([*parts, escape(text[last:])])


def unit_text(unit: str | None) -> str:
    """An instrument's unit (Chinese data) in the page's language: 台 → machines."""
    from questionnaires.values import unit_en

    if not unit:
        return ""
    return pick(unit, unit_en(unit) or " ").strip()


def register(app: Flask) -> None:
    app.jinja_env.filters.update(unit=unit_text, zh=zh_data, cluster_names=cluster_names)
    app.jinja_env.tests["chinese"] = lambda value: bool(_CJK.search(str(value or "")))
    app.jinja_env.globals.update(
        industry_name=industry_name,
        nav_items=nav_items,
        asset=asset,
        plotly_url=plotly_url,
        fixed_url=fixed_url,
        Role=Role,
        role_label=role_label,
        cluster_name=cluster_name,
    )
    app.jinja_env.filters.update(local_dt=local_dt, wan=wan)

    @app.context_processor
    def inject_locale() -> dict[str, Any]:
        return {
            "current_locale": str(get_locale() or "zh_CN"),  # only for marking the language switch
            "html_lang": pick("zh-CN", "en"),
            "here": request.full_path.rstrip("?"),  # where the language switch returns to
        }
