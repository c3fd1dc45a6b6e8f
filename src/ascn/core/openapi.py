"""The last touches to the API's OpenAPI description, for what django-ninja does not write:
who may call an operation, what each error answer means, and no schema nobody refers to.

The description is checked in tests by three linters other people wrote — Redocly's
``recommended`` rules, Spectral's ``spectral:oas`` and ``openapi-spec-validator`` — with no
rule turned off (``tests/core/test_openapi_standards.py``; docs/architecture.md, "The API's
description").
"""

from __future__ import annotations

import copy
import json
from typing import Any

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}

# What the error answers mean on this API, replacing the bare HTTP phrase ninja writes.
ERROR_DESCRIPTIONS = {
    "400": "The request body could not be read: it is not valid JSON.",
    "401": (
        "Sign-in needed, or the `Authorization` header is not a valid bearer token: a wrong, "
        "expired or revoked token is refused on every operation, never taken as anonymous."
    ),
    "403": (
        "Signed in, but this account may not do this (its roles and where they apply), or "
        "it still owes its second factor."
    ),
    "404": "No such record, or none you may see.",
    "409": (
        "The record changed since you read it (send its current `version`), or the move is "
        "not allowed from its current state; `detail` says which."
    ),
    "415": "The request body was not sent as JSON: send it with `Content-Type: application/json`.",
    "422": (
        "Invalid input: `detail` lists each wrong field with its location (`loc`) and "
        "what is wrong (`msg`)."
    ),
}


# An answer of each error status as the API gives it (``core.errors``, ``config/api.py``,
# ``accounts.middleware``), shown as the example of that answer.
ERROR_EXAMPLES: dict[str, Any] = {
    "400": {"detail": "The request body is not valid JSON."},
    "401": {"detail": "Invalid, expired or revoked token."},
    "403": {"detail": "Two-factor verification required."},
    "404": {"detail": "Not found."},
    "409": {
        "detail": "Project was changed by someone else (you edited version 3, it is now at "
        "version 4)."
    },
    "415": {"detail": "The request body must be JSON, sent with Content-Type: application/json."},
    "422": {"detail": [{"type": "missing", "loc": ["body", "title"], "msg": "Field required"}]},
}


# The challenge of every 401 under /api/ (RFC 9110 §11.6.1; the bearer scheme: RFC 6750 §3),
# given by ``accounts.middleware.ApiTokenMiddleware`` and documented on every 401.
CHALLENGE = 'Bearer realm="ASCN Platform API"'
CHALLENGE_HEADER = {
    "WWW-Authenticate": {
        "description": (
            f"How to authenticate: `{CHALLENGE}`, with "
            '`error="invalid_token"` when the token sent was wrong, expired or revoked.'
        ),
        "schema": {"type": "string"},
    }
}


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every operation of the description as ``(path, method, operation)``."""
    return [
        (path, method, operation)
        for path, item in schema.get("paths", {}).items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def finish(
    schema: dict[str, Any], *, optional_security: list[dict[str, Any]], error_schema: str
) -> dict[str, Any]:
    """Complete ``schema`` in place (and return it):

    - an operation that declares no security takes ``optional_security`` (anyone may call it;
      a signed-in caller may get more). An operation whose answer is the same for everyone
      declares ``security: []`` itself; one for members declares its schemes (``auth=``).
    - every operation documents the 401 of a bad bearer token, which the token middleware
      answers on every path under ``/api/``, and one that takes a body the 400 of a body that
      is not JSON and the 415 of one not sent as JSON (``core.api.JsonBodyParser``);
    - error answers say what they mean here, with an example of each;
    - schemas that nothing refers to are left out (ninja lists the models of query
      parameters, which the description spells out as parameters instead).
    """
    error_content = {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{error_schema}"}}
    }
    for _, _, operation in operations(schema):
        if "security" not in operation:
            operation["security"] = optional_security
        responses = operation.setdefault("responses", {})
        answered = {401} | ({400, 415} if "requestBody" in operation else set())
        for status in sorted(answered):
            if not {status, str(status)} & set(responses):  # ninja's keys are numbers
                responses[status] = {
                    "description": ERROR_DESCRIPTIONS[str(status)],
                    "content": copy.deepcopy(error_content),
                }
        for status, response in responses.items():
            if str(status) == "401" and "$ref" not in response:
                response["headers"] = copy.deepcopy(CHALLENGE_HEADER)
            if str(status) in ERROR_DESCRIPTIONS and "$ref" not in response:
                response["description"] = ERROR_DESCRIPTIONS[str(status)]
                for media in response.get("content", {}).values():
                    media.setdefault("example", ERROR_EXAMPLES[str(status)])
    drop_unused_schemas(schema)
    return schema


def _references(node: Any) -> set[str]:
    text = json.dumps(node)
    prefix = '"#/components/schemas/'
    found = set()
    start = text.find(prefix)
    while start != -1:
        end = text.index('"', start + len(prefix))
        found.add(text[start + len(prefix) : end])
        start = text.find(prefix, end)
    return found


def drop_unused_schemas(schema: dict[str, Any]) -> None:
    """Remove the component schemas that neither an operation nor another component in use
    refers to (directly or through other schemas)."""
    components = schema.get("components", {})
    schemas = components.get("schemas", {})
    outside = {key: value for key, value in schema.items() if key != "components"}
    outside["components"] = {key: value for key, value in components.items() if key != "schemas"}
    used: set[str] = set()
    todo = _references(outside)
    while todo:
        name = todo.pop()
        if name in used or name not in schemas:
            continue
        used.add(name)
        todo |= _references(schemas[name]) - used
    for name in set(schemas) - used:
        del schemas[name]
