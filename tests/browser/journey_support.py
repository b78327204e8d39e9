"""What every journey test does as a person would: sign in, answer a questionnaire module through its form,
and keep a screenshot of each step in tests/artifacts/journeys/."""

from __future__ import annotations

from typing import TYPE_CHECKING

from browser_support import ARTIFACTS

if TYPE_CHECKING:
    from playwright.sync_api import Page

JOURNEYS = ARTIFACTS / "journeys"
DESKTOP, PHONE = (1366, 900), (390, 844)
TEXT_ANSWER = "按要求如实填写。"


class Steps:
    """Numbered screenshots of one journey: ``<journey>_<nn>_<step>.png``."""

    def __init__(self, journey: str) -> None:
        self.journey, self.count = journey, 0

    def shot(self, page: Page, step: str) -> None:
        self.count += 1
        JOURNEYS.mkdir(parents=True, exist_ok=True)
        path = JOURNEYS / f"{self.journey}_{self.count:02d}_{step}.png"
        page.screenshot(path=str(path), full_page=True)


# What a person would enter in each question shown and not answered yet, read from the form in one pass:
# the top of a maturity ladder, the first answer of any other choice (often the one that asks more), the
# first non-exclusive box of a list, a small number inside the field's range, a sentence for text.
PLAN_JS = """(text) => {
  const plan = [];
  const number = (el) => {
    let value = Math.max(parseFloat(el.min || '0'), 10);
    if (el.max !== '') value = Math.min(value, parseFloat(el.max));
    return String(value);
  };
  const id = (el) => '#' + CSS.escape(el.id);
  for (const q of document.querySelectorAll('#module-form fieldset.q')) {
    if (q.hidden || !q.offsetParent) continue;
    const radios = [...q.querySelectorAll('input[type=radio]')];
    if (radios.length && !radios.some(r => r.checked)) {
      const pick = q.querySelector('.options-ladder') ? radios[radios.length - 1] : radios[0];
      plan.push(['check', id(pick), '']);
    }
    const boxes = [...q.querySelectorAll('input[type=checkbox]')];
    const box = boxes.find(b => b.dataset.exclusive !== 'true');
    if (box && !boxes.some(b => b.checked)) plan.push(['check', id(box), '']);
    for (const el of q.querySelectorAll('select')) {
      if (!el.value && el.options.length > 1) plan.push(['select', id(el), el.options[1].value]);
    }
    for (const el of q.querySelectorAll('input.answer, textarea.answer, input[data-evidence]')) {
      if (!el.value.trim()) plan.push(['fill', id(el), el.type === 'number' ? number(el) : text]);
    }
  }
  return plan;
}"""


def _answer_shown(page: Page) -> int:
    """Answer, through the inputs, every question the page shows and has no answer yet."""
    plan: list[list[str]] = page.evaluate(PLAN_JS, TEXT_ANSWER)
    for action, selector, value in plan:
        if action == "check":
            page.check(selector)
        elif action == "select":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    return len(plan)


def answer_module(page: Page) -> int:
    """Answer every question the module page shows, save, and again for questions an answer revealed."""
    answered = 0
    for _ in range(4):
        changed = _answer_shown(page)
        if not changed:
            break
        answered += changed
        page.click("#module-form .fill-actions button[type=submit]:not([name])")
        page.wait_for_load_state()
    return answered


def answer_instrument(page: Page, steps: Steps, label: str) -> int:
    """From the assessment's overview, answer every module through its page; returns questions answered."""
    origin = page.url.split("/company/")[0]
    modules: list[str] = []
    for link in page.locator("a[href*='/modules/']").all():
        href = (link.get_attribute("href") or "").split("#")[0]
        if href not in modules:
            modules.append(href)
    assert modules, "the overview lists no modules"
    answered = 0
    for n, href in enumerate(modules):
        page.goto(origin + href)
        answered += answer_module(page)
        if n == 0:
            steps.shot(page, f"{label}_first_module")
    return answered
