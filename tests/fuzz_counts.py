"""Counters of the hostile-input suites (tests/portal/test_form_fuzz.py, test_api_fuzz.py), kept on the
pytest config and printed at the end of the run by tests/portal/conftest.py, with or without -s."""

from __future__ import annotations

from collections import Counter

import pytest

FUZZ_COUNTS = pytest.StashKey[Counter[str]]()


def fuzz_counts(config: pytest.Config) -> Counter[str]:
    """The run's counters: '<suite> requests' and '<suite> 5xx'."""
    return config.stash.setdefault(FUZZ_COUNTS, Counter())
