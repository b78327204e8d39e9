"""The sessions page names each sign-in's device as a person does (browser · system), not by its raw
User-Agent header."""

from __future__ import annotations

import pytest
from fixture_types import LoginAs
from flask import Flask
from tests_support import Factory

from portal.auth.devices import describe
from portal.models import Role

CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("agent", "shown"),
    [
        (CHROME_LINUX, "Chrome · Linux"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36 Edg/131.0",
            "Edge · Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari/604.1",
            "Safari · iOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile Safari/537.36 MicroMessenger/8.0",
            "微信 · Android",
        ),
        ("", "未知设备"),
        (None, "未知设备"),
    ],
)
def test_a_device_is_named_by_browser_and_system(app: Flask, agent: str | None, shown: str) -> None:
    with app.test_request_context("/"):
        assert describe(agent) == shown


def test_the_sessions_page_shows_the_device_not_the_header(make: Factory, login_as: LoginAs) -> None:
    client = login_as(make.user(Role.ENTERPRISE))
    page = client.get("/account/sessions", headers={"User-Agent": CHROME_LINUX}).get_data(as_text=True)
    assert "x86_64" not in page and "Mozilla" not in page
