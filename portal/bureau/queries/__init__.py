"""Read side of the bureau dashboards: filters, jurisdiction scoping, counts, suppression.

Every figure the pages, the JSON API and the CSV/Excel exports show comes from `summary()` (its tables
include the monthly and quarterly trends) and the drill-down lists here, so the three always agree.
Counting rule: see the docstring of the `portal.bureau.aggregates` package (latest submitted assessment per
company per period, counted on submission dates, Asia/Shanghai).

* Without a date range the figures come from the maintained cube (grain 'all').
* With a date range (whole months `from`..`to`) they come from `bureau_facts`: a company counts with its
  latest assessment submitted within the range.
* "Registered" counts companies in the portal now (not date-filtered).
* Small cells: any count of 1–4 companies is shown as "<5" and shares/awards derived from it as "—".

The code is split along those lines: `labels` (category names, the counting rule as shown), `filters`
(query string → filters → SQL conditions, the jurisdiction first), `counts` (raw sums), `suppression`
(small cells), `tables` (the dashboard's tables) and `drilldown` (lists of consenting companies).
The names other modules use are importable from `portal.bureau.queries` itself.
"""

from __future__ import annotations

from portal.bureau.queries.counts import measure, trend
from portal.bureau.queries.drilldown import company_list, pipeline_list
from portal.bureau.queries.filters import Filters, parse_filters
from portal.bureau.queries.labels import COUNTING_RULE_EN, COUNTING_RULE_ZH, SIZE_CLASSES, SIZE_NAMES
from portal.bureau.queries.suppression import cell, share
from portal.bureau.queries.tables import Table, programs_table, summary

__all__ = [
    "COUNTING_RULE_EN",
    "COUNTING_RULE_ZH",
    "SIZE_CLASSES",
    "SIZE_NAMES",
    "Filters",
    "Table",
    "cell",
    "company_list",
    "measure",
    "parse_filters",
    "pipeline_list",
    "programs_table",
    "share",
    "summary",
    "trend",
]
