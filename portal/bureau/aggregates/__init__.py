"""Per-period aggregates for the bureau dashboards, maintained on every stored result and rebuildable.

Counting rule (the same everywhere: pages, API, exports, tests):

* Periods are calendar months and quarters in Asia/Shanghai time, counted on the assessment's
  **submission date** (`Assessment.submitted_at`).
* Only **submitted** assessments with a stored result count; of an assessment's result rows the latest
  (highest id, e.g. after `flask scores recompute`) is used.
* **One company counts once per period**: its latest submitted assessment in that period. Maturity
  level, 上云/上平台 (the four kinds) and 5G tier come from the latest **gd-mfg-dt** assessment; the MIIT
  level from the latest **miit-sme-digital** assessment; "assessed" means any submitted assessment.
* "All time" (the dashboard without a date range) = each company's latest assessment overall.

Two tables hold this:

* `bureau_facts` — one row per company and month with that month's latest figures and the month of the
  company's next row (`next_*`), so "latest per company within months [a, b]" is
  `a <= month <= b AND next > b` (an indexed filter, no window function at view time).
* `bureau_aggregates` — sums of those rows per grain ('all' | 'month' | 'quarter'), period and company
  dimensions (city, district, cluster, size class), with roll-ups (see ROLLUPS); and the (month, next
  month) pairs a date range subtracts from its months' rows (RANGE_GRAINS, see `tables`). Pages read
  only this cube, and the fact rows only for a date range filtered on more dimensions than a range
  roll-up keeps.
* `bureau_totals` — companies registered now and the program pipeline per roll-up, kept current by the
  flushes and statements that change them (`totals`).

`on_result_stored(row)` (subscribed to `portal.signals.result_stored`, which `results.store` sends)
recomputes the company's facts and applies the difference to the cube; `rebuild_all()`
(`flask bureau rebuild-aggregates`) recomputes both from the raw tables — the cube with an independent
SQL GROUP BY, so tests compare the two paths.
Company dimensions and consent (`sharing`, counted as "listed") are copied into the facts: a company that
changes city/district/cluster/size class or its consent is moved at once, in the flush that changes it
(`totals` subscribes `upkeep.move_facts`), and a removed company's rows leave the cube with it.

The code is split along those lines: `tables` (grains, roll-ups, periods), `facts` (fact rows in Python),
`upkeep` (incremental maintenance), `pipeline` (program pipeline rows), `totals` (registered companies and
the pipeline per roll-up), `rebuild` (full SQL rebuild).
The names other modules use are importable from `portal.bureau.aggregates` itself.
"""

from __future__ import annotations

from portal.bureau.aggregates import totals
from portal.bureau.aggregates.facts import build_facts, contributions, submissions_query
from portal.bureau.aggregates.pipeline import (
    eligibility_evaluator,
    pipeline_rows,
    refresh_all_eligibility,
    refresh_eligibility,
)
from portal.bureau.aggregates.rebuild import analyze, metric_columns, rebuild_all, rebuild_cube
from portal.bureau.aggregates.tables import (
    AGG_TABLE,
    FACT_COLUMNS,
    FACT_TABLE,
    GRAINS,
    RANGE_GRAINS,
    RANGE_ROLLUPS,
    ROLLED,
    ROLLUPS,
    grain_code,
    month_index,
    month_label,
    month_of,
    quarter_label,
    quarter_months,
    quarter_of,
    rollup_for,
)
from portal.bureau.aggregates.upkeep import apply_delta, on_result_stored, refresh_company

__all__ = [
    "AGG_TABLE",
    "FACT_COLUMNS",
    "FACT_TABLE",
    "GRAINS",
    "RANGE_GRAINS",
    "RANGE_ROLLUPS",
    "ROLLED",
    "ROLLUPS",
    "analyze",
    "apply_delta",
    "build_facts",
    "contributions",
    "eligibility_evaluator",
    "grain_code",
    "metric_columns",
    "month_index",
    "month_label",
    "month_of",
    "on_result_stored",
    "pipeline_rows",
    "quarter_label",
    "quarter_months",
    "quarter_of",
    "rebuild_all",
    "rebuild_cube",
    "refresh_all_eligibility",
    "refresh_company",
    "refresh_eligibility",
    "rollup_for",
    "submissions_query",
    "totals",
]
