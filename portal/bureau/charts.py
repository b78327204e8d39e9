"""Plotly chart specs of the bureau dashboard, built from the already-suppressed tables (a "<5" cell is
never drawn as a number: its bar/point is left out and labelled "<5").

The specs are plain plotly JSON ({"data": [...], "layout": {...}}) drawn by static/js/charts.js with the
locally served plotly.js. They are written as dicts rather than through plotly.graph_objects, whose
validation costs ~50 ms per figure — too slow for a dashboard answering every filter in 300 ms.
"""

from __future__ import annotations

import json
from typing import Any

from portal.bureau.queries import Table
from portal.charts import BRAND, FONT

Spec = dict[str, Any]
LIGHT = "#7fb0e6"
RED = "#c8102e"


def _value(cell: Any) -> int | None:
    return cell if isinstance(cell, int) else None


def _text(cell: Any) -> str:
    return f"{cell:,}" if isinstance(cell, int) else str(cell)


def _layout(height: int, title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 14}},
        "height": height,
        "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
        "font": {"family": FONT, "size": 12, "color": "#1f2933"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": -0.2},
        "yaxis": {"gridcolor": "#e5e9f0", "rangemode": "tozero"},
    }
    layout.update(extra)
    return layout


def distribution(table: Table, title: str) -> Spec:
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
    return {"data": [trace], "layout": _layout(300, title, showlegend=False)}


def breakdown(table: Table, title: str, limit: int = 25) -> Spec:
    """Assessed and on-cloud companies per group (horizontal bars)."""
    rows = table.rows[:limit]
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
        for index, name, color in ((2, "已评估", LIGHT), (4, "上云", BRAND))
    ]
    layout = _layout(
        120 + 26 * max(len(rows), 3),
        title,
        barmode="group",
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"gridcolor": "#e5e9f0"},
    )
    return {"data": traces, "layout": layout}


def trend(table: Table, title: str) -> Spec:
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
        for index, name, color in ((1, "已评估", LIGHT), (2, "上云", BRAND), (5, "成熟度三级及以上", RED))
    ]
    return {"data": traces, "layout": _layout(320, title, xaxis={"type": "category"})}


def to_web(spec: Spec) -> str:
    """JSON for a <script type="application/json"> block ('<' escaped so no text can close the tag)."""
    return json.dumps(spec, ensure_ascii=False).replace("<", "\\u003c")
