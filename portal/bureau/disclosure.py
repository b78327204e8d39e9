"""Statistical disclosure control for everything a bureau sees, in one place: cell-key perturbation.

Every count of companies a bureau officer can see (dashboard tables and charts, trends, drill-down
totals, exports, the JSON API, the target page's measured value) is published by `publish()` from a
`Tally` — the true count and the cell key of the companies counted. docs/disclosure.md explains the
method, its parameters and its limits; in short:

* Each company has a secret *record key* in 0–255 (`record_key`, with a SQL twin `record_key_sql` so
  sums can be taken in the database). A cell's *key* is the sum of its companies' record keys mod 256,
  so the same set of companies always has the same key, however it was asked for (a filter, a row of
  another table, a trend point, a date range that happens to select the same companies).
* `publish`: count + noise, where the noise is looked up from (count, cell key) in a fixed
  perturbation table (mostly 0 or ±1, at most ±6); a perturbed value below 5 shows as "<5" (and no
  company is always "<5"). Same companies → same published figure; different sets → independent
  noise, so totals, complements, other filters and other periods cannot be subtracted to an exact
  small count, and the threshold itself proves nothing exact either.
* Shares are computed from published figures only, and are "—" when either is suppressed; money totals
  are shown only with a published count of 5 or more and carry their own keyed noise.
* Lists of consenting companies are withheld when 1–4 non-consenting companies are in the selection
  (`list_withheld`), so "aggregate minus list" never isolates fewer than 5 companies (and, at random
  but fixed per selection, for some selections where everyone consented, so withholding proves nothing).
"""

from __future__ import annotations

import hashlib
import hmac
from bisect import bisect_right
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from itertools import accumulate
from typing import Any, Final

import sqlalchemy as sa
from flask import current_app

MIN_CELL: Final = 5  # counts of 1–4 companies are never shown
SUPPRESSED: Final = "<5"
DASH: Final = "—"
KEY_SPACE: Final = 256  # record and cell keys are 0..255 (as in the ONS method)
_PRIME: Final = 65537

# The perturbation distribution for counts >= MIN_CELL: noise -> probability (symmetric, mean 0).
NOISE: Final[dict[int, float]] = {
    0: 0.404,
    1: 0.17,
    -1: 0.17,
    2: 0.08,
    -2: 0.08,
    3: 0.03,
    -3: 0.03,
    4: 0.012,
    -4: 0.012,
    5: 0.004,
    -5: 0.004,
    6: 0.002,
    -6: 0.002,
}
MAX_NOISE: Final = max(NOISE)
MONEY_NOISE: Final = Decimal("0.05")  # award totals: up to ±5 %, keyed like the counts
WITHHOLD_ALL_CONSENTING: Final = 0.5  # share of all-consenting selections whose list is withheld too


@dataclass(frozen=True, slots=True)
class Tally:
    """A true count of companies and its cell key (the sum of their record keys, mod KEY_SPACE).

    Never shown: only `publish(tally)` is. Tallies of disjoint sets add up to the tally of the union.
    """

    count: int
    key: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.count + other.count, (self.key + other.key) % KEY_SPACE)

    def __sub__(self, part: Tally) -> Tally:
        """The tally of the companies of this set outside `part` (a subset of it)."""
        return Tally(self.count - part.count, (self.key - part.key) % KEY_SPACE)


ZERO: Final = Tally(0, 0)


def tally(count: Any, key_sum: Any) -> Tally:
    """A Tally from a database count and sum of record keys (either may be NULL)."""
    return Tally(int(count or 0), int(key_sum or 0) % KEY_SPACE)


# ------------------------------------------------------------------------------------- record keys


@cache
def _key_parameters(secret: str) -> tuple[int, int, int]:
    digest = hmac.new(secret.encode(), b"bureau-record-key", hashlib.sha256).digest()
    a = int.from_bytes(digest[0:4], "big") % (_PRIME - 1) + 1
    b = int.from_bytes(digest[4:8], "big") % 32768 * 2 + 1  # odd: every residue mod 256 stays reachable
    c = digest[8]
    return a, b, c


def parameters() -> tuple[int, int, int]:
    """This app's record-key parameters (from its secret key)."""
    return _key_parameters(str(current_app.config["SECRET_KEY"]))


def record_key(company_id: int) -> int:
    """The company's record key, 0..255 (derived from its id with the app's secret key)."""
    a, b, c = parameters()
    return ((company_id * a) % _PRIME * b + c) % KEY_SPACE


def record_key_sql(company_id: Any) -> Any:
    """`record_key` as a SQL expression on a company-id column (64-bit arithmetic on both databases)."""
    a, b, c = parameters()
    big = sa.cast(company_id, sa.BigInteger)
    return ((big * a) % _PRIME * b + c) % KEY_SPACE


# ------------------------------------------------------------------------------------- publishing

_CUMULATIVE: Final = list(accumulate(NOISE[n] for n in sorted(NOISE)))
_NOISE_VALUES: Final = sorted(NOISE)


def _uniform(*parts: object) -> float:
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _table_row(count: int) -> int:
    """Rows of the perturbation table: one per count up to 750, then rows 501–750 reused (ONS)."""
    return count if count <= 750 else (count - 1) % 250 + 501


def noise(count: int, key: int) -> int:
    """The perturbation-table entry for (count, cell key)."""
    return _table_entry(_table_row(count), key % KEY_SPACE)


@cache  # at most 750 × 256 entries: the whole perturbation table
def _table_entry(row: int, key: int) -> int:
    u = _uniform("count", row, key) * _CUMULATIVE[-1]
    return _NOISE_VALUES[min(bisect_right(_CUMULATIVE, u), len(_NOISE_VALUES) - 1)]


def publish(t: Tally) -> int | str:
    """A count as a bureau sees it: the count plus its keyed noise, or "<5" when that is below 5.

    No company → always "<5". The threshold applies to the perturbed value, so neither side of it is
    exact: "<5" can hide up to 4 + MAX_NOISE companies, and a figure of 5 or more can stand for fewer.
    """
    if t.count <= 0:
        return SUPPRESSED
    value = t.count + noise(t.count, t.key)
    return value if value >= MIN_CELL else SUPPRESSED


def is_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def share(part: Any, whole: Any) -> float | str:
    """part / whole of two *published* figures (a fraction, 0..1 or a little above after noise);
    "—" when either is suppressed or the whole is zero."""
    if not (is_number(part) and is_number(whole)) or whole == 0:
        return DASH
    return min(1.0, round(part / whole, 4))


def money(total: Decimal, companies: Tally) -> Decimal | str:
    """An award total over companies: shown (whole 万元, keyed noise of up to ±5 %) only when the
    company count is published as a number of 5 or more."""
    if not is_number(publish(companies)) or companies.count < MIN_CELL:
        return DASH
    factor = Decimal(1) + MONEY_NOISE * Decimal(2 * _uniform("money", companies.count, companies.key) - 1)
    return (total * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def list_withheld(hidden: Tally, selection: Tally) -> bool:
    """Whether a list of consenting companies must be withheld from a selection.

    Withheld when 1–4 of the selection's companies did not consent (the published totals minus the list
    would single them out), whenever their published count is "<5" (so withholding bounds them no more
    tightly than "<5" does), and, keyed on the selection's cell key, for half of the selections where
    every company consented (so a withheld list never proves that non-consenting companies exist).
    """
    if hidden.count == 0:
        return (
            selection.count > 0 and _uniform("list", selection.count, selection.key) < WITHHOLD_ALL_CONSENTING
        )
    return hidden.count < MIN_CELL or publish(hidden) == SUPPRESSED
