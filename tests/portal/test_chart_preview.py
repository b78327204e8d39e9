"""The result page's radar drawn by the server (shown before, and without, plotly.js)."""

from __future__ import annotations

import re
from decimal import Decimal

from portal.chart_preview import radar_svg
from portal.results.model import Radar

MODULES = (("a", "基础<设施>", Decimal("55.5")), ("b", "Data & models", Decimal(80)), ("c", "C", Decimal(0)))


def test_every_dimension_named_and_the_scores_drawn() -> None:
    svg = str(radar_svg(Radar(MODULES, ()), "各维度得分"))
    assert svg.startswith('<svg class="radar-preview"') and 'role="img" aria-label="各维度得分"' in svg
    assert "基础&lt;设施&gt;" in svg and "Data &amp; models" in svg  # names escaped, not markup
    assert svg.count('class="score"') == 1 and 'class="target"' not in svg
    points = re.search(r'class="score" points="([^"]+)"', svg)
    assert points is not None and len(points.group(1).split()) == 3


def test_targets_dashed_and_too_few_dimensions_draw_nothing() -> None:
    assert 'class="target"' in str(radar_svg(Radar(MODULES, (("a", 4),)), "x"))
    assert str(radar_svg(Radar(MODULES[:2], ()), "x")) == ""
