"""What the crawler checks on every page a signed-in person can reach, and how findings are named.

A finding is one line of text, ``role|lang|check|page|detail``, so the findings not yet fixed can be kept in
``crawler_known.txt`` and every new one fails the crawl. ``page`` is the path with numbers replaced by
``{n}``, so one finding on every assessment page is one line, not one per assessment.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

HERE = Path(__file__).resolve().parent
KNOWN = HERE / "crawler_known.txt"
CACHE = HERE.parent.parent / ".cache"

# The Nu HTML checker (the W3C validator's engine) reads the HTML each page is served as; it needs Java.
NU_VERSION = "26.9.27"
NU_INTEGRITY = (
    "sha512-TkQd5DFfOaWC9ebtvozTsrH2Vaod3jYg+vrOeREzIXxBexLz9+rS2DNtjn7+RPUiZhgli0SghgBX6RJRNea0KA=="
)
# Quoted values in a message (attribute values, ids) differ from page to page: one finding per kind.
_NU_QUOTED = re.compile(r"“[^”]*[0-9][^”]*”")

# axe-core, the WCAG checker, comes from the npm registry as one file the test injects into each page.
AXE_VERSION = "4.14.1"
# The registry's published checksum of that tarball (`npm view axe-core@4.14.1 dist.integrity`).
AXE_INTEGRITY = (
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)

# Words a company, provider or bureau must never read: engine identifiers, field keys, file names and line
# references. Each pattern names what it catches; the match itself goes into the finding.
INTERNAL_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("instrument-id", re.compile(r"\b(?:gd-mfg-dt|miit-(?:dl-)?2024)\b")),
    ("engine-version", re.compile(r"\bdx-score-\d")),
    ("line-reference", re.compile(r"(?<![A-Za-z0-9])L\d{2,4}(?:[-–]\d{2,4})?\b")),
    ("source-file", re.compile(r"\b[\w-]+\.(?:md|ya?ml|py|json)\b|\bseeds/")),
    ("field-key", re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")),
    ("item-key", re.compile(r"\b[a-z][a-z0-9_]+(?:\.[a-z][a-z0-9_]+){1,3}\b(?!\.\w)")),
    ("cluster-code", re.compile(r"\bc\d{2}\b")),
    ("utc-time", re.compile(r"\bUTC\b")),
    ("fingerprint", re.compile(r"\b[0-9a-f]{12,64}\b")),
)
# Things that look like keys but are what people write: domain names and e-mail addresses.
_NOT_KEYS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b(?:www\.)?[\w-]+\.(?:gov\.cn|com|cn|dx|org)\b"
    r"|\bopenapi\.json\b"  # the API description's published name, shown to API users on purpose
)
_FILE_SUFFIX = re.compile(r"\.(?:md|ya?ml|py|json)$")
# Kinds whose every match differs (line numbers, hashes): one finding per page, not one per match.
_BY_KIND = frozenset({"line-reference", "fingerprint", "utc-time"})

PAGE_FACTS_JS = """() => {
  const cjk = /[\\u3400-\\u9fff]/;
  const unmarked = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.trim();
    const el = node.parentElement;
    if (!text || !cjk.test(text) || !el || el.closest('script,style,noscript,[hidden]')) continue;
    const marked = el.closest('[lang]');
    const lang = marked ? marked.getAttribute('lang').toLowerCase() : '';
    if (!lang.startsWith('zh')) unmarked.push(text.slice(0, 40));
  }
  const root = document.documentElement;
  return {
    text: document.body.innerText,
    unmarked: unmarked,
    overflow: root.scrollWidth - root.clientWidth,
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  };
}"""

AXE_RUN_JS = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
    resultTypes: ['violations'],
  });
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, nodes: v.nodes.length}));
}"""

# Links the crawler does not follow: leaving the session, switching language, and files (checked elsewhere).
_SKIP = re.compile(
    r"/logout|/lang/|\.(?:pdf|xlsx|csv|json|png|js|css)(?:$|\?)|/export|/download|/pdf\b|/static/"
)


def page_pattern(url: str) -> str:
    """The path with numbers and tokens as placeholders, and the names (not values) of query parameters."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/{n}", parts.path)
    path = re.sub(r"/[A-Za-z0-9_-]{20,}(?=/|$)", "/{token}", path)
    keys = sorted({k for k, _ in parse_qsl(parts.query)} - {"lang"})
    return path + (f"?{'&'.join(keys)}" if keys else "")


def followable(url: str, origin: str) -> bool:
    return url.startswith(origin) and not _SKIP.search(url)


def internal_words(text: str) -> set[str]:
    """The internal words on a page, each as ``kind:match``."""
    cleaned = _NOT_KEYS.sub(" ", text)
    found = set()
    for kind, pattern in INTERNAL_WORDS:
        for match in pattern.finditer(cleaned):
            if kind == "item-key" and _FILE_SUFFIX.search(match.group(0)):
                continue  # a file name: reported as source-file
            found.add(kind if kind in _BY_KIND else f"{kind}:{match.group(0)}")
    return found


@dataclass
class Crawl:
    """Findings and page counts of one crawl."""

    findings: set[str] = field(default_factory=set)
    pages: dict[tuple[str, str], int] = field(default_factory=dict)
    served: dict[str, str] = field(default_factory=dict)  # "role|lang|url" -> the HTML as served

    def add(self, role: str, lang: str, check: str, url: str, detail: str = "") -> None:
        self.findings.add("|".join((role, lang, check, page_pattern(url), detail)))

    def counted(self, role: str, lang: str) -> None:
        self.pages[(role, lang)] = self.pages.get((role, lang), 0) + 1


def known_findings() -> set[str]:
    if not KNOWN.exists():
        return set()
    lines = KNOWN.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def write_known(findings: Iterable[str]) -> None:
    header = (
        "# Findings of the page crawler (tests/browser/test_crawler.py) not fixed yet:\n"
        "# role|lang|check|page|detail.\n"
        "# A new finding fails the crawl; fix a line's cause and delete the line. Regenerate with\n"
        "# CRAWLER_WRITE_KNOWN=1 only to shrink this list.\n"
    )
    KNOWN.write_text(header + "".join(f"{line}\n" for line in sorted(findings)), encoding="utf-8")


def _npm_file(package: str, version: str, integrity: str, member: str) -> Path | None:
    """One file of an npm package of the pinned version, fetched from the registry once and checked
    against the registry's published checksum; None without npm."""
    target = CACHE / f"{package}-{version}" / Path(member).name
    if target.exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        return None
    CACHE.mkdir(exist_ok=True)
    out = subprocess.run(
        [npm, "pack", f"{package}@{version}", "--json", "--pack-destination", str(CACHE)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    packed: list[dict[str, Any]] = json.loads(out.stdout)
    tarball = CACHE / packed[0]["filename"]
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != integrity:
        tarball.unlink()
        raise RuntimeError(f"{package} {version}: checksum {digest} is not the published {integrity}")
    with tarfile.open(tarball) as tar:
        extracted = tar.extractfile(member)
        assert extracted is not None
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(extracted.read())
    tarball.unlink()
    return target


def axe_script() -> Path | None:
    """axe.min.js of the pinned version."""
    return _npm_file("axe-core", AXE_VERSION, AXE_INTEGRITY, "package/axe.min.js")


def nu_errors(pages: dict[str, str]) -> list[tuple[str, str]] | None:
    """The Nu HTML checker's errors in the served HTML of each page, as (page key, message); None when
    Java or npm is missing (the check is then skipped with a note)."""
    java = shutil.which("java")
    jar = _npm_file("vnu-jar", NU_VERSION, NU_INTEGRITY, "package/build/dist/vnu.jar") if java else None
    if java is None or jar is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        names = {}
        for i, (key, html) in enumerate(pages.items()):
            path = Path(tmp) / f"{i:04d}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = key
        command = [java, "-jar", str(jar), "--errors-only", "--format", "json", "--exit-zero-always", tmp]
        out = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
    report = json.loads(out.stderr)  # the checker writes its JSON report to stderr
    return [
        (names[m["url"].rsplit("/", 1)[-1]], _NU_QUOTED.sub("…", m["message"]).split(" (")[0])
        for m in report["messages"]
        if m.get("type") == "error"
    ]
