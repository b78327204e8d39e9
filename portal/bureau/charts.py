"""Plotly chart specs of the bureau dashboard, built from the already-published tables: a "<5" cell is
never drawn as a number (its bar is left out and labelled "<5", its trend point is a gap in the line).
A chart with nothing to draw says why instead of showing an empty 0–1 axis.

The specs are plain plotly JSON ({"data": [...], "layout": {...}}) drawn by static/js/charts.js with the
locally served plotly.js. They are written as dicts rather than through plotly.graph_objects, whose
validation costs ~50 ms per figure — too slow for a dashboard answering every filter in 300 ms.
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _

from portal.bureau.disclosure import SUPPRESSED, is_number
from portal.bureau.queries import Table
from portal.charts import BRAND, FONT

Spec = dict[str, Any]
LIGHT = "#7fb0e6"
RED = "#c8102e"


def _value(cell: Any) -> int | None:
    return cell if is_number(cell) else None


def _text(cell: Any) -> str:
    return f"{cell:,}" if is_number(cell) else str(cell)


def _layout(height: int, title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 14}},
        "height": height,
        "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
        "font": {"family": FONT, "size": 12, "color": "#1f2933"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": -0.25},
        "yaxis": {"gridcolor": "#e5e9f0", "rangemode": "tozero"},
    }
    layout.update(extra)
    return layout


def _empty(title: str, height: int, why: str) -> Spec:
    """No axes at all: a sentence in the middle saying why there is nothing to draw."""
    hidden = {"visible": False}
    annotation = {"text": why, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}
    layout = _layout(height, title, xaxis=hidden, yaxis=hidden, annotations=[annotation])
    return {"data": [], "layout": layout, "empty": why}


def _why_empty(cells: list[Any]) -> str | None:
    if not cells or all(c == 0 for c in cells):
        return _("所选范围内没有企业完成此项评估。")
    if not any(is_number(c) and c > 0 for c in cells):
        return _("每一项都少于 5 家企业，为保护企业信息不作图（表中显示为“<5”）。")
    return None


def distribution(table: Table) -> Spec:
    why = _why_empty([r[1] for r in table.rows])
    if why:
        return _empty(table.title, 300, why)
    trace = {
        "type": "bar",
        "x": [r[0] for r in table.rows],
        "y": [_value(r[1]) for r in table.rows],
        "text": [_text(r[1]) for r in table.rows],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": BRAND},
        "hovertemplate": "%{x}: %{text}<extra></extra>",
    }
    return {"data": [trace], "layout": _layout(300, table.title, showlegend=False)}


def breakdown(table: Table, limit: int = 25) -> Spec:
    """Assessed and on-cloud companies per group (horizontal bars)."""
    rows = table.rows[:limit]
    why = _why_empty([r[2] for r in rows])
    if why:
        return _empty(table.title, 200, why)
    labels = [r[0] for r in rows]
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "y": labels,
            "x": [_value(r[index]) for r in rows],
            "text": [_text(r[index]) for r in rows],
            "marker": {"color": color},
            "hovertemplate": "%{y} " + name + ": %{text}<extra></extra>",
        }
        for index, name, color in ((2, _("已评估"), LIGHT), (5, _("上云"), BRAND))
    ]
    layout = _layout(
        120 + 26 * max(len(rows), 3),
        table.title,
        barmode="group",
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"gridcolor": "#e5e9f0"},
    )
    return {"data": traces, "layout": layout}


def trend(table: Table) -> Spec:
    """Lines per period; a suppressed point is a gap (never 0), periods are category labels kept whole."""
    why = _why_empty([r[1] for r in table.rows])
    if why:
        return _empty(table.title, 320, why)
    periods = [r[0] for r in table.rows]
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": periods,
            "y": [_value(r[index]) for r in table.rows],
            "text": [_text(r[index]) for r in table.rows],
            "line": {"color": color},
            "connectgaps": False,
            "hovertemplate": "%{x} " + name + ": %{text}<extra></extra>",
        }
        for index, name, color in (
            (1, _("已评估"), LIGHT),
            (3, _("上云"), BRAND),
            (6, _("成熟度三级及以上"), RED),
        )
    ]
    suppressed = any(c == SUPPRESSED for r in table.rows for c in r[1:])
    note = [
        {
            "text": _("空缺处少于 5 家企业，不显示"),
            "showarrow": False,
            "xref": "paper",
            "yref": "paper",
            "x": 1,
            "y": 1.08,
            "xanchor": "right",
            "font": {"size": 11, "color": "#52606d"},
        }
    ]
    layout = _layout(
        360,
        table.title,
        xaxis={"type": "category", "automargin": True, "tickangle": -45 if len(periods) > 8 else 0},
        margin={"l": 50, "r": 20, "t": 50, "b": 90},
        annotations=note if suppressed else [],
    )
    return {"data": traces, "layout": layout}


def to_web(spec: Spec) -> str:
    """JSON for a <script type="application/json"> block ('<' escaped so no text can close the tag)."""
    return json.dumps(spec, ensure_ascii=False).replace("<", "\\u003c")
