"""Print the OpenAPI description of /api/v1/, the source of the committed docs/api/openapi.json."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from config.api import api


def openapi_json() -> str:
    """The API's OpenAPI description as stable JSON: sorted keys, indented, newline-terminated."""

    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Print the OpenAPI description of the API (`make openapi` writes docs/api/openapi.json)."
    # Reads code only: no database and no system checks needed, so it runs anywhere.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(openapi_json(), ending="")
