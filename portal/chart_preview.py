"""The result page's radar as a small inline SVG drawn on the server: what a person sees on the first view,
with no script. plotly.js (large, and long to start on a phone) replaces it with the interactive chart when
the person reaches for the chart (pointer, touch or keyboard focus): static/js/charts.js."""

from __future__ import annotations

import math
from decimal import Decimal

from markupsafe import Markup

from portal.results.model import Radar

WIDTH, HEIGHT = 560, 420  # wider than high: the names at 3 and 9 o'clock need the room
CENTRE_X, CENTRE_Y = WIDTH / 2, HEIGHT / 2
RADIUS = 130  # room around the web for the dimension names
RINGS = (20, 40, 60, 80, 100)


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    """Where plotly puts it: the first dimension at 3 o'clock, the others counter-clockwise."""
    angle = 2 * math.pi * index / count
    r = RADIUS * max(0.0, min(100.0, value)) / 100
    return CENTRE_X + r * math.cos(angle), CENTRE_Y - r * math.sin(angle)


def _polygon(values: list[float], css: str) -> Markup:
    corners = (_point(i, len(values), v) for i, v in enumerate(values))
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
    return Markup('<polygon class="{}" points="{}"/>').format(css, points)


def _label(index: int, count: int, title: str) -> Markup:
    angle = 2 * math.pi * index / count
    x = CENTRE_X + (RADIUS + 10) * math.cos(angle)
    y = CENTRE_Y - (RADIUS + 10) * math.sin(angle)
    anchor = "start" if math.cos(angle) > 0.2 else ("end" if math.cos(angle) < -0.2 else "middle")
    short = title if len(title) <= 20 else title[:19] + "…"
    return Markup('<text x="{:.1f}" y="{:.1f}" text-anchor="{}">{}</text>').format(x, y + 4, anchor, short)


def radar_svg(spec: Radar, label: str) -> Markup:
    """The scores (and target thresholds, dashed) of every dimension; *label* names the chart for screen
    readers (the scores themselves are in the page's tables)."""
    count = len(spec.modules)
    if count < 3:
        return Markup("")
    scores = [float(Decimal(str(score or 0))) for _id, _title, score in spec.modules]
    targets = dict(spec.targets)
    ring = Markup('<circle class="ring" cx="{0}" cy="{1}" r="{2:.1f}"/>')
    parts = [ring.format(CENTRE_X, CENTRE_Y, RADIUS * step / 100) for step in RINGS]
    spoke = Markup('<line class="spoke" x1="{0}" y1="{1}" x2="{2:.1f}" y2="{3:.1f}"/>')
    corners = (_point(i, count, 100) for i in range(count))
    parts += [spoke.format(CENTRE_X, CENTRE_Y, x, y) for x, y in corners]
    parts.append(_polygon(scores, "score"))
    if targets:
        wanted = [
            max(0, (targets[mid] - 1) * 20) if mid in targets else score
            for (mid, _title, _s), score in zip(spec.modules, scores, strict=True)
        ]
        parts.append(_polygon([float(w) for w in wanted], "target"))
    parts += [_label(i, count, title) for i, (_id, title, _s) in enumerate(spec.modules)]
    svg = Markup('<svg class="radar-preview" viewBox="0 0 {0} {1}" role="img" aria-label="{2}">{3}</svg>')
    return svg.format(WIDTH, HEIGHT, label, Markup("").join(parts))
