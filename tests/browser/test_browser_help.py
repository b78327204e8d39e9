"""Help where people answer, in a real browser: the module's estimated time, a term's explanation opened from
the question, and figures the company already gave pre-filled and saved with one click (1366 and 390 px,
Chinese and English)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from browser_support import screenshot, sign_in, watch
from fixture_types import OpenPage
from tests_support import Factory

from portal.assessments import saving, services
from portal.extensions import db
from portal.models import Answer, Role

if TYPE_CHECKING:
    pass

REVENUE = "effect.market.revenue_per_employee"
ENERGY = "effect.green.energy_intensity"


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_time_estimate_glossary_and_prefill_on_a_module_page(
    new_page: OpenPage, live_server: str, make: Factory, width: int, lang: str
) -> None:
    admin = make.user(Role.ENTERPRISE, name="陈志强")
    admin.company.employees = 120
    admin.company.revenue_wan = Decimal("3456.70")
    db.session.commit()
    gd = services.start(admin.company, "gd-mfg-dt", admin)
    saving.save(gd.id, [saving.Change("green.energy_use", 250.5, None)], admin)
    miit = services.start(admin.company, "miit-sme-digital", admin)

    page = new_page(width=width)
    errors, _ = watch(page)
    sign_in(page, live_server, admin.email, lands="/company/")
    page.goto(f"{live_server}/company/assessments/{miit.id}/modules/effect?lang={lang}")
    time_text = page.locator(".module-time").inner_text()
    assert ("预计用时约" in time_text) if lang == "zh" else ("About" in time_text and "minutes" in time_text)

    energy = page.locator(f'fieldset[data-item="{ENERGY}"]')
    energy.locator("details.terms summary").click()
    link = energy.locator("details.terms a[href$='#energy-consumption']")
    assert link.is_visible()
    assert energy.locator(f'input[name="{ENERGY}::energy_consumption_last_year"]').input_value() == "250.5"

    revenue = page.locator(f'fieldset[data-item="{REVENUE}"]')
    assert revenue.locator(f'input[name="{REVENUE}::revenue_last_year"]').input_value() == "3456.7"
    assert revenue.locator(f'input[name="{REVENUE}::employees_last_year"]').input_value() == "120"
    note = revenue.locator("[data-prefill]").inner_text()
    assert ("来自企业资料" in note) if lang == "zh" else ("from the company profile" in note)
    revenue.scroll_into_view_if_needed()
    # no part of the page is wider than the viewport (phone)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"help_module_{lang}_{width}")

    revenue.locator("[data-accept]").click()
    revenue.locator(".q-status.saved").wait_for()
    assert revenue.locator("[data-prefill]").count() == 0
    db.session.expire_all()
    stored = db.session.scalar(
        sa.select(Answer.value).where(Answer.assessment_id == miit.id, Answer.item_id == REVENUE)
    )
    assert stored["evidence"] == {"employees_last_year": 120, "revenue_last_year": 3456.7}

    link.click()  # the glossary entry, at its anchor
    page.wait_for_url("**/glossary#energy-consumption")
    assert page.locator("#energy-consumption").is_visible()
    screenshot(page, f"help_glossary_{lang}_{width}")
    assert not errors
