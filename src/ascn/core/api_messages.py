"""The API's validation messages (django-ninja's 422, written by pydantic) in the language the
request asks for (``Accept-Language``): pydantic writes them in English only. The English
answer is left exactly as pydantic wrote it; another language gets the message of each known
error type from the catalogues, its ``type``, ``loc`` and ``ctx`` unchanged."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy

DATE = gettext_lazy("Input should be a valid date")
EXPECTED = gettext_lazy("Input should be %(expected)s")
MESSAGES = {
    "missing": gettext_lazy("Field required"),
    "string_type": gettext_lazy("Input should be a valid string"),
    "string_too_long": gettext_lazy("String should have at most %(max_length)s characters"),
    "string_too_short": gettext_lazy("String should have at least %(min_length)s characters"),
    "int_type": gettext_lazy("Input should be a valid integer"),
    "int_parsing": gettext_lazy(
        "Input should be a valid integer, unable to parse string as an integer"
    ),
    "float_parsing": gettext_lazy(
        "Input should be a valid number, unable to parse string as a number"
    ),
    "decimal_parsing": gettext_lazy("Input should be a valid decimal"),
    "bool_parsing": gettext_lazy("Input should be a valid boolean, unable to interpret input"),
    "date_parsing": DATE,
    "date_from_datetime_parsing": DATE,
    "date_type": DATE,
    "literal_error": EXPECTED,
    "enum": EXPECTED,
    "less_than_equal": gettext_lazy("Input should be less than or equal to %(le)s"),
    "greater_than_equal": gettext_lazy("Input should be greater than or equal to %(ge)s"),
    "list_type": gettext_lazy("Input should be a valid list"),
    "json_invalid": gettext_lazy("Invalid JSON"),
    "extra_forbidden": gettext_lazy("Extra inputs are not permitted"),
}


def in_request_language(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``errors`` with each known message in the active language (English: as they are)."""
    if (translation.get_language() or settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE:
        return errors
    shown = []
    for error in errors:
        message = MESSAGES.get(str(error.get("type", "")))
        if message is not None:
            # a message whose values pydantic did not give stays in English
            with contextlib.suppress(KeyError, TypeError, ValueError):
                error = {**error, "msg": str(message) % dict(error.get("ctx") or {})}
        shown.append(error)
    return shown
