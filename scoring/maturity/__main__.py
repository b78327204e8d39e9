"""``python -m scoring.maturity score ...`` (the same command as ``python -m scoring score``)."""

from __future__ import annotations

import sys

from scoring.maturity.cli import main

if __name__ == "__main__":
    sys.exit(main())
