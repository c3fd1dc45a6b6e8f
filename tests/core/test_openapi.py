"""The API contract: the live OpenAPI description matches the committed snapshot and is complete.

A change to the API shows up as a reviewed diff of ``docs/api/openapi.json``
(``make openapi`` rewrites it), never as a silent change for the API's users.
"""

from __future__ import annotations

import difflib
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from ascn.core.management.commands.export_openapi import openapi_json

SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json"
CHANGED = "OpenAPI changed: run `make openapi` and review docs/api/openapi.json"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


SCHEMA = json.loads(openapi_json())
OPERATIONS = [
    (path, method, operation)
    for path, item in SCHEMA["paths"].items()
    for method, operation in item.items()
    if method in HTTP_METHODS
]


def operation_id(value) -> str:
    path, method, operation = value
    return operation.get("operationId") or f"{method} {path}"


def test_live_schema_matches_the_committed_snapshot():
    # given
    committed = SNAPSHOT.read_text(encoding="utf-8")

    # when
    live = openapi_json()

    # then
    if live != committed:
        diff = difflib.unified_diff(
            committed.splitlines(), live.splitlines(), "committed", "live", lineterm="", n=2
        )
        pytest.fail(f"{CHANGED}\n\n" + "\n".join(list(diff)[:80]), pytrace=False)


def test_export_openapi_prints_the_snapshot_format():
    # when
    out = io.StringIO()
    call_command("export_openapi", stdout=out)

    # then
    printed = out.getvalue()
    assert printed == openapi_json()
    assert printed.endswith("}\n")
    assert not printed.endswith("\n\n")
    assert printed == json.dumps(json.loads(printed), indent=2, sort_keys=True) + "\n"


@pytest.mark.django_db
def test_the_served_description_is_the_snapshot(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json() == json.loads(SNAPSHOT.read_text(encoding="utf-8")), CHANGED


def test_operation_ids_are_unique():
    ids = [operation.get("operationId") for _, _, operation in OPERATIONS]

    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("operation", OPERATIONS, ids=operation_id)
def test_every_operation_is_named_and_documents_its_errors(operation):
    # given
    path, method, spec = operation
    responses = set(spec["responses"])
    parameters = {parameter["name"] for parameter in spec.get("parameters", [])}

    # then: a stable name for client generators
    assert spec.get("operationId"), f"{method.upper()} {path} has no operationId"
    assert spec.get("summary"), f"{spec['operationId']} has no summary"
    # a list is paginated as {items, count} and may get bad input (422)
    if {"page", "page_size"} <= parameters:
        assert "422" in responses, f"{spec['operationId']} lists without documenting 422"
    # anything that takes input may reject it (422)
    if parameters or "requestBody" in spec:
        assert "422" in responses, f"{spec['operationId']} takes input without documenting 422"
    # a detail endpoint names one record that may not exist (404)
    if "{" in path:
        assert "404" in responses, f"{spec['operationId']} reads a record without documenting 404"


def test_the_network_lists_and_details_document_their_errors():
    # given
    by_id = {spec["operationId"]: spec for _, _, spec in OPERATIONS}

    # then
    for list_operation in ["member_states_list", "cities_list"]:
        assert "422" in by_id[list_operation]["responses"]
    assert {"404", "422"} <= set(by_id["cities_read"]["responses"])
    assert {"health", "framework"} <= set(by_id)


@pytest.mark.parametrize(
    "operation",
    [o for o in OPERATIONS if {"404", "422"} & set(o[2]["responses"])],
    ids=operation_id,
)
def test_documented_errors_have_the_detail_shape(operation):
    _, _, spec = operation
    for status in {"404", "422"} & set(spec["responses"]):
        content = spec["responses"][status]["content"]["application/json"]["schema"]
        reference = content["$ref"].rsplit("/", 1)[-1]
        assert "detail" in SCHEMA["components"]["schemas"][reference]["properties"]


def test_a_patch_schema_gives_no_value_to_a_field_left_out():
    """A PATCH keeps what it is not sent: a ``default`` of "" or false in its schema (the
    meetings' ``place``, ``registration_open``) tells a client, or an SDK made from this
    document, that leaving the field out sends that value."""
    given = [
        f"{name}.{field}: {prop['default']!r}"
        for name, schema in SCHEMA["components"]["schemas"].items()
        if name.endswith("Patch")
        for field, prop in schema.get("properties", {}).items()
        if prop.get("default") is not None
    ]
    assert given == []
