"""The OC4IDS data review (libcoveoc4ids) run on the schema and codelists committed here.

libcoveoc4ids downloads the OC4IDS schema and codelists from standard.open-contracting.org.
Its configuration takes a directory for the schema (``schema_host``; the project package
schema's ``$ref`` to the project schema is resolved in the same directory) but it reads
the project schema and the codelists only over HTTP, so ``LocalSchema`` reads those two from
the committed copy too:

* schemas — ``src/ascn/plans/data/project-package-schema.json`` and ``project-schema.json``;
* codelists — ``src/ascn/plans/codelists/*.csv`` (all 36 codelists of OC4IDS 0.9.5).

The result is libcoveoc4ids' own context (``validation_errors``, ``additional_checks``,
``conformance_checks``, ``additional_closed_codelist_values``,
``additional_open_codelist_values``…), as the OC4IDS Data Review Tool shows it.

By hand, on a saved export::

    curl -s https://…/api/v1/exports/oc4ids > package.json
    .venv/bin/python -m tests.opendata.oc4ids_review package.json
"""

from __future__ import annotations

import csv
import json
import sys
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import jsonref
from libcove.lib.common import get_schema_codelist_paths
from libcoveoc4ids.common_checks import common_checks_oc4ids
from libcoveoc4ids.config import LibCoveOC4IDSConfig
from libcoveoc4ids.schema import SchemaOC4IDS

SRC = Path(__file__).resolve().parents[2] / "src" / "ascn" / "plans"
SCHEMA_DIR = SRC / "data"
CODELIST_DIR = SRC / "codelists"
VERSION = "0.9.5"


def config() -> LibCoveOC4IDSConfig:
    """libcoveoc4ids' configuration, pointed at the committed copy of OC4IDS 0.9.5."""
    local = f"{SCHEMA_DIR}/"
    return LibCoveOC4IDSConfig(
        {
            "schema_version": VERSION,
            "schema_version_choices": {VERSION: (VERSION, local)},
            "schema_host": local,
            "schema_codelists": {"0.9": f"{CODELIST_DIR}/"},
            "cache_all_requests": False,
        }
    )


def read_codelist(path: Path) -> dict[str, str]:
    """``{code: title}``, as libcove's ``load_codelist`` reads a codelist CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["Code"]: row["Title"] for row in csv.DictReader(handle)}


class LocalSchema(SchemaOC4IDS):
    """libcoveoc4ids' schema object, reading every file from disk instead of the web."""

    @cached_property
    def schema_str(self) -> str:
        return Path(self.schema_url).read_text(encoding="utf-8")

    def deref_schema(self, schema_str: str) -> Any:
        # libcove's loader fetches every absolute ``$ref`` over HTTP; here each one is read
        # from the schema directory (the package schema names the project schema by URL).
        def load(uri: str, **kwargs: Any) -> Any:
            name = urlparse(uri).path.rsplit("/", 1)[-1]
            return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"), **kwargs)

        schema = jsonref.loads(schema_str, loader=load)
        repr(schema)  # resolve every reference now: a missing file fails here, loudly
        return schema

    def process_codelists(self) -> None:
        self.core_codelist_schema_paths = get_schema_codelist_paths(self, use_extensions=False)
        self.extended_codelist_schema_paths = get_schema_codelist_paths(self, use_extensions=True)
        files = sorted({value[0] for value in self.core_codelist_schema_paths.values()})
        self.core_codelists = {name: read_codelist(Path(self.codelists) / name) for name in files}
        self.extended_codelists = dict(self.core_codelists)


def review(package: dict[str, Any]) -> dict[str, Any]:
    """libcoveoc4ids' full review of a project package: schema, codelists, checks."""
    schema = LocalSchema(config())
    # what libcoveoc4ids.api.oc4ids_json_output does, with the local schema object
    context = common_checks_oc4ids({"file_type": "json"}, "", package, schema, cache=False)
    context["codelists_loaded"] = sorted(schema.core_codelists)
    return context


def summary(context: dict[str, Any]) -> dict[str, Any]:
    """What a publisher acts on, in short."""
    return {
        "validation_errors": context["validation_errors"],
        "additional_checks": context["additional_checks"],
        "conformance_checks": context["conformance_checks"],
        "additional_fields": context["data_only"],
        "closed_codelist_additions": {
            path: sorted(found["values"])
            for path, found in context["additional_closed_codelist_values"].items()
        },
        "open_codelist_additions": {
            path: sorted(found["values"])
            for path, found in context["additional_open_codelist_values"].items()
        },
        "deprecated_fields": context["deprecated_fields"],
        "structure_warnings": context.get("structure_warnings", {}),
    }


if __name__ == "__main__":  # pragma: no cover - a tool for people
    data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    print(json.dumps(summary(review(data)), indent=2, default=str))
