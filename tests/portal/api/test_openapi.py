"""The OpenAPI document describes exactly the /api/v1 routes of the app (paths and methods)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory, sign_in_session

from portal.api.openapi import document
from portal.models import Role
from scoring.eligibility import INPUT_SCHEMA

DOCS = Path(__file__).resolve().parents[3] / "docs" / "eligibility.md"
METHODS = {"get", "post", "put", "patch", "delete"}


def _template(rule: str) -> str:
    """Flask '/api/v1/x/<int:assessment_id>/y' → OpenAPI '/api/v1/x/{assessment_id}/y'."""
    return re.sub(r"<(?:[a-z_]+:)?([a-z_][a-z0-9_]*)>", r"{\1}", rule)


def _app_routes(app: Flask) -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            methods = {m.lower() for m in (rule.methods or set())} & METHODS
            routes.setdefault(_template(rule.rule), set()).update(methods)
    return routes


def _doc_routes(doc: dict[str, Any]) -> dict[str, set[str]]:
    return {path: set(item) & METHODS for path, item in doc["paths"].items()}


def test_document_matches_the_api_routes(app: Flask) -> None:
    assert _doc_routes(document()) == _app_routes(app)


def test_path_parameters_are_declared(app: Flask) -> None:
    for path, item in document()["paths"].items():
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        for method in set(item) & METHODS:
            declared |= {p["name"] for p in item[method].get("parameters", []) if p["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), path


def test_served_publicly_and_embeds_the_contract(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1")
    schemas = doc["components"]["schemas"]
    assert schemas["EligibilityInput"]["properties"] == json.loads(json.dumps(INPUT_SCHEMA["properties"]))
    assert {"EligibilityReport", "EligibilityErrors"} <= schemas.keys()
    refs = re.findall(r'"#/components/schemas/(\w+)"', json.dumps(doc))
    assert set(refs) <= schemas.keys()


def _docs_example() -> dict[str, Any]:
    """The input example of docs/eligibility.md §2, without its '...' placeholders."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## 2. Input") :]
    block = section[
        section.index("```json") + len("```json") : section.index("```", section.index("```json") + 7)
    ]
    example = json.loads(block)

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "..."}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return strip(example)


def test_docs_example_is_valid_input(app: Flask, make: Factory) -> None:
    # jsonschema is not installed in this project: check the keys against the schema, then post it.
    example = _docs_example()
    props = INPUT_SCHEMA["properties"]
    assert set(example) <= set(props)
    assert set(example["company"]) <= set(props["company"]["properties"])
    for project in example["projects"]:
        assert set(project) <= set(props["projects"]["items"]["properties"])
    client = app.test_client()
    sign_in_session(client, make.user(Role.ENTERPRISE))
    response = client.post("/api/v1/eligibility", json=example)
    assert response.status_code == 200, response.get_data(as_text=True)
