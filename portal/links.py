"""Links that leave the request: absolute URLs for mail, and redirect targets taken from user input.

Absolute links are built from the configured `PUBLIC_URL`, never from the request's Host or
X-Forwarded-Host header: a link in a password-reset mail must point at our portal even when the request
that asked for it named another host. Redirect targets that come from a form or a query string go through
`safe_target`, so a sign-in or language switch can never send a person to another site.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app, url_for

# C0 controls, DEL and backslash: browsers drop tab/CR/LF inside URLs and read "\" as "/", so
# "/\t/evil.example" or "/\\evil.example" would leave the site although they start with a single "/".
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")
MAX_TARGET_LENGTH = 2000


def external_url(endpoint: str, **values: object) -> str:
    """The absolute URL of an endpoint on the public site (for mail, invitations, anything shown to
    be opened later or elsewhere)."""
    path = url_for(endpoint, **values)  # type: ignore[arg-type]
    return str(current_app.config["PUBLIC_URL"]).rstrip("/") + path


def safe_target(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`.

    Accepted: an absolute path ("/company/…", with query and fragment) of printable characters.
    Refused: anything with a scheme or host, protocol-relative "//host", control characters or
    backslashes, and overlong values."""
    if not target or len(target) > MAX_TARGET_LENGTH or _UNSAFE.search(target):
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
