"""Write static/vendor/plotly-dx.css: the style rules plotly.js would otherwise add to the page itself.

plotly.js inserts its base rules (modebar, cursors, hover labels) into a <style> element it creates, which
a Content-Security-Policy without 'unsafe-inline' in style-src blocks. It skips that when the page already
has an element with id "plotly.js-style-global" and class "no-inline-styles" (templates/base.html links
this file so). The rules are read from the vendored bundle, so they always match its version:
    python scripts/plotly/plotly_css.py           rewrite the file
    python scripts/plotly/plotly_css.py --check   fail if the file does not match the bundle
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "static" / "vendor" / "plotly-dx.min.js"
CSS = ROOT / "static" / "vendor" / "plotly-dx.css"

# {"X,X div":'direction:ltr;…', …, Y:'…', …};for(k in RULES)…replace(/X/g,".js-plotly-plot .plotly")…
_RULES = re.compile(r'=(\{"X,X div":.*?\});for\((\w+) in \w+\)', re.S)
_ENTRY = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|(\w+))\s*:\s*(?:"([^"]*)"|'([^']*)')\s*,?""")
_PREFIXES = {"X": ".js-plotly-plot .plotly", "Y": ".plotly-notifier"}


def rules(bundle: str) -> list[tuple[str, str]]:
    """(selector, declarations) pairs of the bundle's global style rules, in its order."""
    match = _RULES.search(bundle)
    if match is None:
        raise ValueError("plotly.js style rules not found in the bundle")
    body = match.group(1)[1:-1]
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(body):
        entry = _ENTRY.match(body, position)
        if entry is None:
            raise ValueError(f"cannot read plotly.js style rules at: {body[position : position + 60]!r}")
        key = next(k for k in entry.group(1, 2, 3) if k is not None)
        value = next(v for v in entry.group(4, 5) if v is not None)
        selector = re.sub("[XY]", lambda m: _PREFIXES[m.group(0)], key.replace(",", ", "))
        found.append((selector, value))
        position = entry.end()
    return found


def stylesheet(bundle: str) -> str:
    header = "/* plotly.js base styles, generated from plotly-dx.min.js by scripts/plotly/plotly_css.py */\n"
    return header + "".join(f"{selector} {{ {declarations} }}\n" for selector, declarations in rules(bundle))


def main(argv: list[str]) -> int:
    expected = stylesheet(BUNDLE.read_text(encoding="utf-8"))
    if "--check" in argv:
        if CSS.read_text(encoding="utf-8") != expected:
            print(f"{CSS.name} is out of date: run scripts/plotly/plotly_css.py", file=sys.stderr)
            return 1
        return 0
    CSS.write_text(expected, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
