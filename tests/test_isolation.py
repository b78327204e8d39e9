"""Every test starts from empty tables whose ids start from 1 again, on SQLite and PostgreSQL alike, so
what a test sees does not depend on which tests ran before it: ids are not only names (the bureau
figures' disclosure control keys on them, so they decide whether a bureau's list is shown or withheld)."""

from __future__ import annotations

from flask import Flask
from tests_support import Factory, empty_all_tables


def test_a_test_starts_from_id_1_and_emptied_tables_start_from_1_again(app: Flask, make: Factory) -> None:
    company = make.company()
    user = make.user(company=company)
    assert (company.id, user.id) == (1, 1)  # whatever the tests before this one created
    empty_all_tables()
    again = make.company()
    assert again.id == 1
