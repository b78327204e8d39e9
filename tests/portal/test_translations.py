"""The English catalog covers every user-facing string of the portal (Chinese is the source language)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_every_string_has_an_english_translation(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        source = {m.id for m in read_po(handle) if m.id}
    with (ROOT / "portal/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        english = {m.id: m.string for m in read_po(handle) if m.id and not m.fuzzy}
    assert len(source) > 500  # the extraction really ran over the templates and code
    missing = sorted(msg for msg in source if not english.get(msg))
    assert missing == [], (
        f"{len(missing)} strings lack English (run `make translations-update`): {missing[:5]}"
    )
