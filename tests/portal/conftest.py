"""Prints the hostile-input counters (requests sent, server errors seen) at the end of every run."""

from __future__ import annotations

import pytest
from fuzz_counts import FUZZ_COUNTS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    counts = config.stash.get(FUZZ_COUNTS, None)
    if not counts:
        return
    terminalreporter.section("hostile input")
    for suite in sorted({key.split(" ", 1)[0] for key in counts}):
        terminalreporter.line(
            f"{suite}: {counts[suite + ' requests']} fuzzed requests, {counts[suite + ' 5xx']} server errors"
        )
