"""A sign-in's device as a person names it ("Chrome · Windows"), read from the browser's User-Agent header.

The raw header ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 …") is stored as it came; the
sessions page shows the browser and the system, which is what someone checks when deciding whether a
sign-in is theirs. Order matters: Edge and Chrome also say "Safari", WeChat says "Chrome" or "Safari".
"""

from __future__ import annotations

import re
from typing import Final

from flask_babel import gettext as _

_BROWSERS: Final = (
    ("MicroMessenger/", "微信"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("HeadlessChrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
)
_SYSTEMS: Final = (
    (re.compile(r"Android"), "Android"),
    (re.compile(r"iPhone|iPad|iPod"), "iOS"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Mac OS X|Macintosh"), "macOS"),
    (re.compile(r"HarmonyOS"), "HarmonyOS"),
    (re.compile(r"Linux|X11"), "Linux"),
)


def describe(user_agent: str | None) -> str:
    """ "Chrome · Linux", "微信 · Android"; "未知设备" when the header says nothing recognisable."""
    agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in agent), None)
    system = next((name for pattern, name in _SYSTEMS if pattern.search(agent)), None)
    if browser == "微信":
        browser = _("微信")
    found = [part for part in (browser, system) if part]
    return " · ".join(found) if found else _("未知设备")
