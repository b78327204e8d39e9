"""Plotly figures of the bureau dashboard, built from the already-suppressed tables (so a "<5" cell is
never drawn as a number: its bar is left out and labelled "<5")."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from portal.bureau.queries import Table
from portal.charts import BRAND, FONT

PALETTE = ["#0f4c92", "#2f7dd1", "#7fb0e6", "#c8102e", "#f2a541"]


def _value(cell: Any) -> int | None:
    return cell if isinstance(cell, int) else None


def _text(cell: Any) -> str:
    return str(cell) if not isinstance(cell, int) else f"{cell:,}"


def _layout(fig: go.Figure, height: int, title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 14}},
        height=height,
        margin={"l": 50, "r": 20, "t": 40, "b": 40},
        font={"family": FONT, "size": 12, "color": "#1f2933"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.2},
        yaxis={"gridcolor": "#e5e9f0", "rangemode": "tozero"},
    )
    return fig


def distribution(table: Table, title: str) -> go.Figure:
    labels = [r[0] for r in table.rows]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=[_value(r[1]) for r in table.rows],
            text=[_text(r[1]) for r in table.rows],
            textposition="outside",
            marker={"color": BRAND},
            cliponaxis=False,
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(showlegend=False)
    return _layout(fig, 300, title)


def breakdown(table: Table, title: str, limit: int = 25) -> go.Figure:
    """Assessed and on-cloud companies per group (horizontal bars)."""
    rows = table.rows[:limit]
    labels = [r[0] for r in rows]
    fig = go.Figure()
    for index, name, color in ((2, "已评估", "#7fb0e6"), (4, "上云", BRAND)):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=[_value(r[index]) for r in rows],
                text=[_text(r[index]) for r in rows],
                orientation="h",
                name=name,
                marker={"color": color},
                hovertemplate="%{y} " + name + ": %{text}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", yaxis={"autorange": "reversed", "automargin": True})
    fig = _layout(fig, 120 + 26 * max(len(rows), 3), title)
    fig.update_layout(yaxis={"gridcolor": "white"}, xaxis={"gridcolor": "#e5e9f0"})
    return fig


def trend(table: Table, title: str) -> go.Figure:
    periods = [r[0] for r in table.rows]
    fig = go.Figure()
    for index, name, color in (
        (1, "已评估", "#7fb0e6"),
        (2, "上云", BRAND),
        (5, "成熟度三级及以上", "#c8102e"),
    ):
        fig.add_trace(
            go.Scatter(
                x=periods,
                y=[_value(r[index]) for r in table.rows],
                text=[_text(r[index]) for r in table.rows],
                mode="lines+markers",
                name=name,
                line={"color": color},
                connectgaps=False,
                hovertemplate="%{x} " + name + ": %{text}<extra></extra>",
            )
        )
    fig.update_layout(xaxis={"type": "category"})
    return _layout(fig, 320, title)


def to_web(fig: go.Figure) -> str:
    return str(fig.to_json())
