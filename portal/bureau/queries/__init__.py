"""Read side of the bureau dashboards: filters, jurisdiction scoping, counts, suppression.

Every figure the pages, the JSON API and the CSV/Excel exports show comes from `summary()` (its tables
include the monthly and quarterly trends) and the drill-down lists here, so the three always agree.
Counting rule: see the docstring of the `portal.bureau.aggregates` package (latest submitted assessment per
company per period, counted on submission dates, Asia/Shanghai).

* Without a date range the figures come from the maintained cube (grain 'all').
* With a date range (whole months `from`..`to`) a company counts with its latest assessment submitted
  within the range: the cube's month rows less its (month, next month) pairs inside the range, or the
  fact rows when the filters need more dimensions than a range roll-up keeps.
* "Registered" counts companies in the portal now (not date-filtered), from the maintained totals.
* Disclosure control: counts are read as true tallies (count + cell key) and every figure shown is
  published by `portal.bureau.disclosure` (0, "<5", or a cell-key-perturbed count; docs/disclosure.md).

The code is split along those lines: `labels` (category and place names, the counting rule as shown),
`filters` (query string → filters → SQL conditions, the jurisdiction first), `counts` (true tallies),
`tables` (the dashboard's tables) and `drilldown` (lists of consenting companies).
The names other modules use are importable from `portal.bureau.queries` itself.
"""

from __future__ import annotations

from portal.bureau.queries.counts import measure, trend
from portal.bureau.queries.drilldown import all_companies, company_batches, company_list, pipeline_list
from portal.bureau.queries.filters import Filters, parse_filters
from portal.bureau.queries.labels import (
    COUNTING_RULE_EN,
    COUNTING_RULE_ZH,
    SIZE_CLASSES,
    SIZE_NAMES,
    cluster_name,
    counting_rule,
    jurisdiction_name,
)
from portal.bureau.queries.tables import Table, programs_table, summary

__all__ = [
    "COUNTING_RULE_EN",
    "COUNTING_RULE_ZH",
    "SIZE_CLASSES",
    "SIZE_NAMES",
    "Filters",
    "Table",
    "all_companies",
    "cluster_name",
    "company_batches",
    "company_list",
    "counting_rule",
    "jurisdiction_name",
    "measure",
    "parse_filters",
    "pipeline_list",
    "programs_table",
    "summary",
    "trend",
]
