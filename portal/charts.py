"""Plotly figures of a result view's chart specs. The same functions feed the web page (JSON spec drawn by
static/js/charts.js with the locally served plotly.js) and the PDF report (static SVG)."""

from __future__ import annotations

import plotly.graph_objects as go

from portal.results.model import MiitBars, Radar

BRAND = "#0f4c92"
TARGET = "#c8102e"
FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 40, "r": 40, "t": 30, "b": 30},
        font={"family": FONT, "size": 13, "color": "#1f2933"},
        paper_bgcolor="white",
        showlegend=True,
        legend={"orientation": "h", "y": -0.08},
    )
    return fig


def radar(spec: Radar, lang: str) -> go.Figure:
    """Dimension scores (0–100) on a radar; target levels, if any, drawn as their score thresholds."""
    en = lang.startswith("en")
    names = [title for _id, title, _score in spec.modules]
    scores = [score for _id, _title, score in spec.modules]
    targets = dict(spec.targets)
    fig = go.Figure()
    fig.add_trace(
        go.Scatterpolar(
            r=[*scores, scores[0]] if scores else [],
            theta=[*names, names[0]] if names else [],
            fill="toself",
            name="Score" if en else "得分",
            line={"color": BRAND},
            fillcolor="rgba(15,76,146,0.18)",
        )
    )
    if targets:
        # a target level L needs the level's minimum score; levels start at 0/20/40/60/80 (methodology §2)
        values = [
            max(0, (targets[mid] - 1) * 20) if mid in targets else score
            for mid, _title, score in spec.modules
        ]
        fig.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]],
                theta=[*names, names[0]],
                name="Target" if en else "目标",
                line={"color": TARGET, "dash": "dash"},
            )
        )
    fig.update_layout(polar={"radialaxis": {"range": [0, 100], "tickvals": [20, 40, 60, 80, 100]}})
    return _layout(fig, 420)


def miit_bars(spec: MiitBars, lang: str) -> go.Figure:
    """MIIT points per sub-dimension against their maximum."""
    en = lang.startswith("en")
    labels = [title for _id, title, _points, _max in spec.groups]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=[top for _id, _title, _points, top in spec.groups],
            orientation="h",
            name="Max" if en else "满分",
            marker={"color": "#dbe6f3"},
        )
    )
    fig.add_trace(
        go.Bar(
            y=labels,
            x=[points for _id, _title, points, _max in spec.groups],
            orientation="h",
            name="Score" if en else "得分",
            marker={"color": BRAND},
        )
    )
    fig.update_layout(barmode="overlay", yaxis={"autorange": "reversed"})
    return _layout(fig, 60 + 34 * len(labels))


def to_web(fig: go.Figure) -> str:
    """The figure as JSON for static/js/charts.js (no inline script, so a strict CSP holds)."""
    return str(fig.to_json())
