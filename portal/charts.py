"""Plotly figures built from plain result data. The same functions feed the web pages (JSON spec drawn by
static/js/charts.js with the locally served plotly.js) and, later, the PDF report (static SVG)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

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


def radar(
    modules: Sequence[Mapping[str, Any]], lang: str, targets: Mapping[str, int] | None = None
) -> go.Figure:
    """Dimension scores (0–100) on a radar; optional target levels drawn as their score thresholds."""
    en = lang.startswith("en")
    names = [m["title_en"] if en else m["title_zh"] for m in modules]
    scores = [m["score"] or 0 for m in modules]
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
        goal = [
            max(0, (targets.get(m["module_id"], 0) - 1) * 20) if targets.get(m["module_id"]) else None
            for m in modules
        ]
        if any(g is not None for g in goal):
            values = [g if g is not None else s for g, s in zip(goal, scores, strict=True)]
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


def miit_bars(
    groups: Mapping[str, float], max_points: Mapping[str, float], labels: Mapping[str, str], lang: str
) -> go.Figure:
    """MIIT points per sub-dimension against their maximum."""
    en = lang.startswith("en")
    ids = list(groups)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=[labels.get(i, i) for i in ids],
            x=[max_points.get(i, 0) for i in ids],
            orientation="h",
            name="Max" if en else "满分",
            marker={"color": "#dbe6f3"},
        )
    )
    fig.add_trace(
        go.Bar(
            y=[labels.get(i, i) for i in ids],
            x=[groups[i] for i in ids],
            orientation="h",
            name="Points" if en else "得分",
            marker={"color": BRAND},
        )
    )
    fig.update_layout(barmode="overlay", yaxis={"autorange": "reversed"})
    return _layout(fig, 60 + 34 * len(ids))


def to_web(fig: go.Figure) -> str:
    """The figure as JSON for static/js/charts.js (no inline script, so a strict CSP holds)."""
    return str(fig.to_json())
