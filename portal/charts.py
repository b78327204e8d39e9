"""Figures of a result view's chart specs, as plain Plotly figure dicts. The same functions feed the web page
(JSON spec drawn by static/js/charts.js with the locally served plotly.js) and the PDF report (static SVG,
through `plotly.graph_objects.Figure`).

The dicts are written directly rather than through plotly's graph objects: validating every property on
each request cost more than the rest of the chart work. What plotly's objects would add, the default
template, is taken from plotly once per process, so the JSON is the one `go.Figure(...).to_json()` gives.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import plotly.io as pio

from portal.results.compare_model import History
from portal.results.model import MiitBars, Radar

BRAND = "#0f4c92"
TARGET = "#c8102e"
FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"

Figure = dict[str, Any]


@cache
def _template() -> dict[str, Any]:
    """plotly's default template as plain data (what `go.Figure()` puts in every figure's layout)."""
    template: dict[str, Any] = pio.templates[pio.templates.default].to_plotly_json()
    return template


def _layout(height: int, **specific: Any) -> dict[str, Any]:
    return {
        "template": _template(),
        **specific,
        "margin": {"l": 40, "r": 40, "t": 30, "b": 30},
        "font": {"family": FONT, "size": 13, "color": "#1f2933"},
        "legend": {"orientation": "h", "y": -0.08},
        "height": height,
        "paper_bgcolor": "white",
        "showlegend": True,
    }


def radar(spec: Radar, lang: str) -> Figure:
    """Dimension scores (0–100) on a radar; target levels, if any, drawn as their score thresholds."""
    en = lang.startswith("en")
    names = [title for _id, title, _score in spec.modules]
    scores = [score for _id, _title, score in spec.modules]
    targets = dict(spec.targets)
    data: list[dict[str, Any]] = [
        {
            "fill": "toself",
            "fillcolor": "rgba(15,76,146,0.18)",
            "line": {"color": BRAND},
            "name": "Score" if en else "得分",
            "r": [*scores, scores[0]] if scores else [],
            "theta": [*names, names[0]] if names else [],
            "type": "scatterpolar",
        }
    ]
    if targets:
        # a target level L needs the level's minimum score; levels start at 0/20/40/60/80 (methodology §2)
        values = [
            max(0, (targets[mid] - 1) * 20) if mid in targets else score
            for mid, _title, score in spec.modules
        ]
        data.append(
            {
                "line": {"color": TARGET, "dash": "dash"},
                "name": "Target" if en else "目标",
                "r": [*values, values[0]],
                "theta": [*names, names[0]],
                "type": "scatterpolar",
            }
        )
    polar = {"radialaxis": {"range": [0, 100], "tickvals": [20, 40, 60, 80, 100]}}
    return {"data": data, "layout": _layout(420, polar=polar)}


def miit_bars(spec: MiitBars, lang: str) -> Figure:
    """MIIT points per sub-dimension against their maximum."""
    en = lang.startswith("en")
    labels = [title for _id, title, _points, _max in spec.groups]
    data = [
        {
            "marker": {"color": "#dbe6f3"},
            "name": "Max" if en else "满分",
            "orientation": "h",
            "x": [top for _id, _title, _points, top in spec.groups],
            "y": labels,
            "type": "bar",
        },
        {
            "marker": {"color": BRAND},
            "name": "Score" if en else "得分",
            "orientation": "h",
            "x": [points for _id, _title, points, _max in spec.groups],
            "y": labels,
            "type": "bar",
        },
    ]
    layout = _layout(60 + 34 * len(labels), yaxis={"autorange": "reversed"}, barmode="overlay")
    return {"data": data, "layout": layout}


def history(spec: History, lang: str) -> Figure:
    """The score of every submitted round, oldest first: one point per round, labelled with its level
    (a scatter line: the partial plotly.js bundle ships scatter in its core). Texts come from the view,
    already in `lang`."""
    data = [
        {
            "line": {"color": BRAND},
            "marker": {"color": [TARGET if p.current else BRAND for p in spec.points], "size": 10},
            "mode": "lines+markers+text",
            "name": spec.metric,
            "text": [p.level_name for p in spec.points],
            "textposition": "top center",
            "textfont": {"size": 11},
            "cliponaxis": False,  # a level name over the first or last point may reach into the margin
            "x": [f"{p.round}<br>{p.date}" for p in spec.points],
            "y": [p.score for p in spec.points],
            "hovertemplate": "%{x}<br>%{y}<extra></extra>",
            "type": "scatter",
        }
    ]
    layout = _layout(
        320,
        yaxis={"range": [0, 105], "tickvals": [0, 20, 40, 60, 80, 100], "title": {"text": spec.metric}},
        # half a slot of room on either side, so the level names over the end points are not cut
        xaxis={"type": "category", "range": [-0.5, len(spec.points) - 0.5]},
    )
    layout["showlegend"] = False
    return {"data": data, "layout": layout}


def to_web(fig: Any) -> str:
    """The figure (a plotly figure or its plain dict) as JSON for static/js/charts.js (no inline script, so a
    strict CSP holds)."""
    return str(pio.to_json(fig, validate=False))
