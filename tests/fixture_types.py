"""Types of the shared fixtures, for annotating the test parameters that receive them.

A fixture arrives by name; annotating it (`make: Factory`, `login_as: LoginAs`, `app: Flask`,
`client: FlaskClient`) instead of `Any` lets the editor and mypy check what a test does with it.
The fixtures themselves are in tests/conftest.py and the conftest.py files of the folders; `make` is a
`tests_support.Factory`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from flask.testing import FlaskClient

from portal.models import Assessment, User

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = [
    "Draft",
    "LoginAs",
    "OpenPage",
    "WriteDef",
]

# `login_as(user)`: a fresh client (one browser per user) signed in as the user.
LoginAs: TypeAlias = Callable[[User], FlaskClient]

# `write_def(...)` (tests/questionnaires): writes an instrument definition and returns its path.
WriteDef: TypeAlias = Callable[..., Path]

# `new_page(width, height)` (tests/browser): a fresh browser context's page, offline but for the app.
OpenPage: TypeAlias = Callable[..., "Page"]

# A draft assessment, the company user who started it, and that user's signed-in client.
Draft: TypeAlias = tuple[Assessment, User, FlaskClient]
