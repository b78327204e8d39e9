"""The API's blueprint, on its own so that the route modules and the package import it without a cycle."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__)
