"""The rules of an indicator value, shared by the service, the form, the import and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ascn.core import formats
from ascn.core.errors import InvalidInput
from ascn.indicators.models import Indicator

FIRST_YEAR = 1990
# Largest magnitude the column holds (20 digits, 4 after the point).
MAX_ABS = Decimal("9999999999999999")


def _year_between(year: Any, last: int, field: str, not_a_number: str) -> int:
    """``year`` as a whole number from ``FIRST_YEAR`` to ``last``; else ``InvalidInput`` on
    ``field``, saying ``not_a_number`` when it is not a number at all."""
    try:
        year = int(year)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(not_a_number, field=field) from exc
    if not FIRST_YEAR <= year <= last:
        raise InvalidInput(
            _("The year must be between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": last},
            field=field,
        )
    return year


def clean_year(year: Any, field: str = "year") -> int:
    """A value's year: from 1990 to this year (values describe the past)."""
    return _year_between(year, dt.date.today().year, field, _("The year is a number such as 2024."))


def _not_a_number() -> InvalidInput:
    return InvalidInput(
        _("The value is a number, such as %(example)s.")
        % {"example": formats.number(Decimal("1234.5"), 1)},
        field="value",
    )


def clean_value(indicator: Indicator, value: Any) -> Decimal:
    """A value as a number: a point before the decimals, and commas only between groups of
    three digits (``1,234.5``). Any other comma is refused, not dropped: ``18,4`` is not
    184."""
    text = formats.ungrouped(str(value).strip())
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError) as exc:
        raise _not_a_number() from exc
    if not number.is_finite() or abs(number) > MAX_ABS:
        raise _not_a_number()
    if number < 0:
        raise InvalidInput(_("The value cannot be negative."), field="value")
    if indicator.is_percentage and number > 100:
        raise InvalidInput(_("A percentage is at most 100."), field="value")
    return number.quantize(Decimal("0.0001"))


def clean_text(field: str, text: Any, *, required: bool, max_length: int | None = None) -> str:
    text = (text or "").strip() if isinstance(text, str) or text is None else str(text).strip()
    if required and not text:
        messages = {
            "source": _("Name the source of the value (publication, agency, year)."),
        }
        raise InvalidInput(messages.get(field, _("This field is required.")), field=field)
    if max_length is not None and len(text) > max_length:
        raise InvalidInput(_("At most %(n)s characters.") % {"n": max_length}, field=field)
    return text


LAST_TARGET_YEAR = 2100


def clean_target_year(year: Any, field: str = "target_year") -> int:
    """A target's year: from 1990 to 2100 (targets lie ahead)."""
    return _year_between(year, LAST_TARGET_YEAR, field, _("The year is a number such as 2030."))


def clean_figure(indicator: Indicator, value: Any, field: str) -> Decimal:
    """``clean_value`` naming ``field`` (a baseline, a target)."""
    try:
        return clean_value(indicator, value)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=field) from exc
