"""The OpenAPI description as outsiders check it: clean under three linters other people
wrote, with no rule turned off — Redocly's ``recommended`` rules (``redocly.yaml``),
Spectral's ``spectral:oas`` (``.spectral.yaml``) and ``openapi-spec-validator`` — and
complete where a developer relies on it: who may call each operation, a description of
each, grouped under described tags, examples that fit their schemas.

The two npm linters run from ``node_modules/.bin`` (``make test`` installs them from the
lockfile, the ``checkers`` target); without them their tests are skipped, saying so.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from pydantic import BaseModel
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ascn.core.management.commands.export_openapi import openapi_json
from ascn.core.openapi import operations

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "docs" / "api" / "openapi.json"
BIN = ROOT / "node_modules" / ".bin"
TEXT = openapi_json()
DOCUMENT = json.loads(TEXT)
OPERATIONS = operations(DOCUMENT)
SCHEMAS = DOCUMENT["components"]["schemas"]
# The schemas a client developer meets first: each shows an example.
MAIN_SCHEMAS = [
    "CityOut",
    "CityDetailOut",
    "MemberStateOut",
    "ProjectOut",
    "ProjectDetailOut",
    "ProjectIn",
    "MoneyIn",
    "OrganisationOut",
    "OrganisationDetailOut",
    "TokenIn",
    "TokenOut",
]


def _op_id(value: tuple[str, str, dict[str, Any]]) -> str:
    return value[2]["operationId"]


@pytest.fixture(scope="module")
def document_file(tmp_path_factory) -> Path:
    """The generated description on disk, where the command-line linters read it."""
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(TEXT, encoding="utf-8")
    return path


def _linter(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{path} is missing: `make checkers` (run by `make test`) installs it")
    return path


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "NO_UPDATE_NOTIFIER": "1"}
    return subprocess.run(  # noqa: S603 - the linters installed from our lockfile
        [str(part) for part in command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_linted_document_is_the_committed_snapshot():
    # the linters below check what the code generates; it must be what is committed
    assert SNAPSHOT.read_text(encoding="utf-8") == TEXT, (
        "OpenAPI changed: run `make openapi` and review docs/api/openapi.json"
    )


def test_openapi_spec_validator_finds_nothing():
    # raises, naming the first problem, on an invalid OpenAPI 3.1 document
    validate(DOCUMENT)


# The linters read a document generated from the code, the same on both databases: CI's
# PostgreSQL pass leaves them to the SQLite pass (~20 s of Node.js each run).
once_per_ci = pytest.mark.db_independent


@once_per_ci
def test_redocly_recommended_rules_find_no_error_and_no_warning(document_file):
    # when Redocly lints the description with the recommended rules (redocly.yaml)
    result = _run(
        _linter("redocly"), "lint", "--config", "redocly.yaml", "--format=json", document_file
    )

    # then it reports nothing at all
    report = json.loads(result.stdout)
    problems = [
        f"{p['severity']} {p['ruleId']}: {p['message']} at {p['location'][0]['pointer']}"
        for p in report["problems"]
    ]
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, "\n".join(problems)
    assert result.returncode == 0, result.stderr


@once_per_ci
def test_spectral_oas_rules_find_nothing(document_file):
    # when Spectral lints the description with its OpenAPI ruleset (.spectral.yaml)
    result = _run(
        _linter("spectral"),
        "lint",
        "--ruleset",
        ".spectral.yaml",
        "--format=json",
        "--fail-severity=hint",
        "--quiet",
        document_file,
    )

    # then it finds no error, warning, information or hint
    report = json.loads(result.stdout or "[]")
    problems = [f"{p['code']}: {p['message']} at {'/'.join(map(str, p['path']))}" for p in report]
    assert report == [], "\n".join(problems)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("operation", OPERATIONS, ids=_op_id)
def test_every_operation_says_who_may_call_it_and_what_it_does(operation):
    path, method, spec = operation
    security = spec["security"]
    # declared: none used (same answer for everyone), optional ({} among the schemes), or
    # required (the member schemes only)
    assert all(set(requirement) <= {"BearerToken", "SessionAuth"} for requirement in security)
    if {} not in security and security:
        assert "403" in spec["responses"], f"{spec['operationId']}: members only, but no 403"
    # a bad bearer token is refused on every path (accounts.middleware.ApiTokenMiddleware)
    assert "401" in spec["responses"]
    # written for a developer, beyond the one-line summary
    assert len(spec["description"]) > len(spec["summary"]), spec["operationId"]
    assert spec["tags"], f"{method.upper()} {path} has no tag"


def test_every_tag_is_declared_with_a_description_and_used():
    declared = {tag["name"]: tag.get("description", "") for tag in DOCUMENT["tags"]}
    used = {tag for _, _, spec in OPERATIONS for tag in spec["tags"]}

    assert used == set(declared)
    assert all(len(description) > 20 for description in declared.values()), declared


def test_servers_licence_and_contact_are_stated():
    info = DOCUMENT["info"]

    assert DOCUMENT["servers"] == [
        {"url": "/", "description": "This platform (the host serving this description)"}
    ]
    assert info["license"]["identifier"] == "Apache-2.0"
    assert info["contact"]["url"].startswith("https://")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/framework", "/api/v1/cities"])
def test_the_documented_401_of_a_bad_token_is_what_the_api_answers(client, path):
    # given an operation the description says anyone may call
    spec = DOCUMENT["paths"][path]["get"]
    assert {} in spec["security"] or spec["security"] == []

    # when it is called with a token that is not one
    response = client.get(path, HTTP_AUTHORIZATION="Bearer not-a-token")

    # then the answer is the documented 401, in the documented shape
    assert response.status_code == 401
    assert "401" in spec["responses"]
    assert set(response.json()) == {"detail"}


def _validator(name: str) -> Draft202012Validator:
    resource = Resource.from_contents(DOCUMENT, default_specification=DRAFT202012)
    registry: Registry = Registry().with_resource("urn:openapi", resource)
    return Draft202012Validator(
        {"$ref": f"urn:openapi#/components/schemas/{name}"}, registry=registry
    )


@pytest.mark.parametrize("name", MAIN_SCHEMAS)
def test_the_main_schemas_show_an_example(name):
    assert SCHEMAS[name].get("examples"), f"{name} has no example"


@pytest.mark.parametrize("name", sorted(name for name in SCHEMAS if "examples" in SCHEMAS[name]))
def test_every_example_fits_its_schema_and_its_model(name):
    models = {cls.__name__: cls for cls in _schema_classes()}
    for example in SCHEMAS[name]["examples"]:
        # as the description states it (JSON Schema 2020-12, references resolved)
        errors = [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in _validator(name).iter_errors(example)
        ]
        assert not errors, f"{name}'s example: " + "; ".join(errors)
        # and as the API reads it
        models[name].model_validate(example)


def _schema_classes() -> list[type[BaseModel]]:
    """The platform's own schemas (apps and config: ninja's ``Schema`` and the plain pydantic
    models of ``core.api.PlainOut``), every generation of subclasses, each once (a class
    with two schema parents, such as ``core.api.WrittenIn``'s, is met through both)."""
    found: dict[type[BaseModel], None] = {}
    todo: list[type[BaseModel]] = [BaseModel]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.startswith(("ascn.", "config.")):
                found[cls] = None
    return list(found)


def test_no_two_schemas_share_a_component_name():
    # given the platform's schemas: the description names each component after its class,
    # so a second class of the same name silently replaces the first (a funding
    # `TransitionIn` once hid the plans' `comment` field)
    by_name: dict[str, list[str]] = {}
    for cls in _schema_classes():
        by_name.setdefault(cls.__name__, []).append(f"{cls.__module__}.{cls.__qualname__}")

    # then each name is one class
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}


@pytest.mark.parametrize("operation", OPERATIONS, ids=_op_id)
def test_every_error_answer_shows_an_example_in_the_error_shape(operation):
    _, _, spec = operation
    for status, response in spec["responses"].items():
        if not status.startswith("4") or "$ref" in response:
            continue
        media = response["content"]["application/json"]
        assert media["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
        assert not list(_validator("ErrorOut").iter_errors(media["example"])), status
