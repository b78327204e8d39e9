"""Where the release's files live: templates/, static/ and migrations/ (one rule for app, CLI and reports)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# The package itself in an installed release (the build copies them in, build_hooks.py), the checkout's
# root during development.
ASSETS = PACKAGE if (PACKAGE / "migrations").is_dir() else PACKAGE.parent
