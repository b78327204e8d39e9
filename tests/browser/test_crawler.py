"""Every page each demo role can reach, in Chinese and English, at desktop and phone width.

The crawler signs in as each demo account (the data of `make run`), follows every same-origin link it finds
(one page per page pattern), and on each page checks what a person would notice: an error status, the page
scrolling sideways at 390 px, engine identifiers, field keys, file names or line references in the visible
text, Chinese text not marked `lang="zh-…"` in English mode, axe-core's serious or critical WCAG 2.1
A/AA violations, and (where Java is installed) the Nu HTML checker's errors in the HTML as served.
Findings not fixed yet are listed in `crawler_known.txt`; anything else fails.
"""

from __future__ import annotations

import os
from collections import deque
from typing import Any

import pytest
from crawl_support import (
    AXE_RUN_JS,
    PAGE_FACTS_JS,
    Crawl,
    axe_script,
    followable,
    internal_words,
    known_findings,
    nu_errors,
    page_pattern,
    write_known,
)
from fixture_types import OpenPage
from flask import Flask

from portal.bureau import demo as bureau_demo
from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed
from portal.extensions import db
from portal.models import User

PAGES_PER_ROLE = 60
# The platform's own staff work with rule and instrument identifiers; the rule applies to everyone else.
STAFF = {"admin@demo.dx"}
DESKTOP, PHONE = (1366, 900), (390, 844)


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{email} could not sign in"


def _visit(
    page: Any, url: str, crawl: Crawl | None = None, key: str = ""
) -> tuple[int, dict[str, Any] | None]:
    response = page.goto(url)
    status = response.status if response is not None else 0
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return status, None
    if crawl is not None:
        crawl.served[key] = response.text()
    return status, page.evaluate(PAGE_FACTS_JS)


def _check_markup(crawl: Crawl) -> None:
    """The Nu HTML checker over the HTML every page was served as (desktop pass)."""
    errors = nu_errors(crawl.served)
    if errors is None:
        print("crawler: the HTML check needs Java (Debian: apt-get install default-jre-headless); skipped")
        return
    for key, message in errors:
        role, lang, url = key.split("|", 2)
        crawl.add(role, lang, "html", url, message)
    pages = len({key for key, _message in errors})
    print(f"crawler: HTML checker: {len(errors)} errors on {pages} of {len(crawl.served)} pages")


def _crawl_role(new_page: OpenPage, base: str, email: str, lang: str, axe: str, crawl: Crawl) -> list[str]:
    """Desktop pass: discover pages and check them; returns the URLs for the phone pass."""
    page = new_page(*DESKTOP)
    _sign_in(page, base, email)
    queue, seen, visited = deque([page.url]), {page_pattern(page.url)}, []
    while queue and len(visited) < PAGES_PER_ROLE:
        url = queue.popleft()
        status, facts = _visit(page, url, crawl, f"{email}|{lang}|{url}")
        visited.append(url)
        crawl.counted(email, lang)
        if status >= 400:
            crawl.add(email, lang, "status", url, str(status))
        if facts is None:
            continue
        for word in internal_words(facts["text"]) if email not in STAFF else ():
            crawl.add(email, lang, "internal-word", url, word)
        if lang == "en" and facts["unmarked"]:
            crawl.add(email, lang, "unmarked-chinese", url)
        page.evaluate(axe)  # evaluated through the debugging protocol, so the page's CSP stays as it is
        for violation in page.evaluate(AXE_RUN_JS):
            crawl.add(email, lang, "axe", url, violation["id"])
        for link in facts["links"]:
            link = link.split("#")[0]
            if followable(link, base) and (pattern := page_pattern(link)) not in seen:
                seen.add(pattern)
                queue.append(link)
    return visited


def _phone_pass(new_page: OpenPage, base: str, email: str, lang: str, urls: list[str], crawl: Crawl) -> None:
    page = new_page(*PHONE)
    _sign_in(page, base, email)
    for url in urls:
        _, facts = _visit(page, url)
        if facts is not None and facts["overflow"] > 1:
            crawl.add(email, lang, "phone-overflow", url)


@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="the crawl runs once, in the SQLite pass"
)
def test_every_reachable_page_in_both_languages_and_widths(
    new_page: OpenPage, live_server: str, app: Flask
) -> None:
    axe_file = axe_script()
    if axe_file is None:
        pytest.fail("npm is needed to fetch axe-core once (Debian: apt-get install npm)")
    axe = axe_file.read_text(encoding="utf-8")
    seed(n_companies=24)
    bureau_demo.seed()
    crawl = Crawl()
    for account in DEMO_ACCOUNTS:
        user = db.session.scalar(db.select(User).where(User.email == account.email))
        for lang in ("zh_CN", "en"):
            user.locale = lang
            db.session.commit()
            urls = _crawl_role(new_page, live_server, account.email, lang, axe, crawl)
            _phone_pass(new_page, live_server, account.email, lang, urls, crawl)

    counts = ", ".join(f"{role} {lang}: {n}" for (role, lang), n in sorted(crawl.pages.items()))
    print(f"\ncrawler: {sum(crawl.pages.values())} pages ({counts}); {len(crawl.findings)} findings")
    _check_markup(crawl)
    known = known_findings()
    if os.environ.get("CRAWLER_WRITE_KNOWN"):
        write_known(crawl.findings & known if known else crawl.findings)
    fixed = known - crawl.findings
    if fixed:
        print(f"crawler: {len(fixed)} known findings no longer seen; delete them from crawler_known.txt")
    new = sorted(crawl.findings - known)
    assert not new, f"{len(new)} new findings:\n" + "\n".join(new[:80])


def test_the_html_check_names_an_error_once_per_kind() -> None:
    good = '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><p>ok</p></body></html>'
    bad = good.replace("<p>ok</p>", '<span><div id="x1">a</div></span><span><div id="x2">b</div></span>')
    errors = nu_errors({"good": good, "bad": bad})
    if errors is None:
        pytest.skip("the HTML check needs Java")
    assert {key for key, _message in errors} == {"bad"}
    assert {message for _key, message in errors} == {
        "Element “div” not allowed as child of element “span” in this context."
    }
