"""How figures and moments are written for people — the one place, used by the templates
(``{% load formats %}``: ``money``, ``number``, ``percent``, ``moment``) and by the Python
that writes messages, notifications and validation errors.

- Money: ``70,000,000 THB``; cents only when there are some (``1,234.50 THB``); a
  no-break space keeps the code with its amount. ``whole=True`` rounds to units (US dollar
  equivalents, totals).
- Numbers: ``1,776,949``; a limit in a message as it would be typed (``0.01``, ``10,000``).
- Percentages: ``12.5%`` (``12%`` when whole).
- A day: ``4 Dec 2026`` (``DATE_FORMAT``, config/formats/en/formats.py); a span of days
  ``22–25 Oct 2024`` (``days``); a month ``Oct 2024`` (``month``).
- Words in a sentence: a list ``Hanoi, Da Nang`` with the language's own separator
  (``listed``: Burmese writes ``၊``), a title ``“Smart parking”`` with its own marks
  (``quoted``).
- A moment: ``4 Dec 2026, 14:57 UTC+7`` — in the site's time zone, naming its offset from
  UTC, which a reader in Manila or Yangon can place (``WIB`` or ``ICT`` they may not).

Machine formats are not for these: ISO 8601 in CSV, JSON, the API and ``<time datetime>``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

NBSP = "\u00a0"
NOTHING = "—"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def number(value: Any, places: int | None = None) -> str:
    """``value`` with thousands separators; ``places`` decimals (``None``: as many as it
    has, none when whole). "—" for nothing."""
    if places == 0 and type(value) is int:  # counts: the tables hold thousands of them
        return _whole(value)
    amount = _decimal(value)
    if amount is None:
        return NOTHING if value in (None, "") else str(value)
    if places == 0:
        return _whole(int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    if places is None:
        amount = amount.normalize()
        places = max(0, -amount.as_tuple().exponent)  # type: ignore[operator]
    else:
        amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(amount, places, use_l10n=True, force_grouping=True)


_SPACES = re.compile(r"[\s\u00a0\u202f]")
_DECIMAL_COMMA = re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+")  # 1.234,5 or 18,4
_GROUPED_POINTS = re.compile(r"[+-]?\d{1,3}(\.\d{3}){2,}")  # 1.234.567
_ONE_POINT_GROUP = re.compile(r"[+-]?\d{1,3}\.\d{3}")  # 1.500: a thousand and a half, or 1.5?


def typed_number(text: str) -> str:
    """A number as a person typed it in the page's language, written as the validators read
    it (a point before the decimals). Where the language writes ``18,4`` and
    ``1.234.567,8`` (Indonesian, Portuguese…), those become ``18.4`` and ``1234567.8``; where
    it writes ``1,234.5``, the text stays as it is. Spaces between thousands go. A figure
    that reads two ways there (``1.500``) raises ``ValueError`` with the message to show:
    it is refused, never guessed."""
    text = _SPACES.sub("", text or "")
    if formats.get_format("DECIMAL_SEPARATOR") != ",":
        return text
    if _DECIMAL_COMMA.fullmatch(text):
        return text.replace(".", "").replace(",", ".")
    if _GROUPED_POINTS.fullmatch(text):
        return text.replace(".", "")
    if _ONE_POINT_GROUP.fullmatch(text):
        whole, decimals = text.split(".")
        raise ValueError(
            _("“%(typed)s” reads two ways: write %(whole)s for the whole number, or %(decimal)s.")
            % {
                "typed": text,
                "whole": whole + decimals,
                "decimal": f"{whole},{decimals.rstrip('0') or '0'}",
            }
        )
    return text


def as_typed(value: Any) -> Any:
    """A saved figure as a form shows it to be sent back: a point before its decimals, no
    thousands (``1500000.50``), which ``typed_number`` reads as the same figure on a page of
    any language — a form opened on a Khmer page and sent from an English one too. Three
    decimals get a fourth (``21.0280``), since ``21.028`` reads two ways where points group
    thousands. Text (what was typed) and nothing stay as they are."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float)):
        return value
    amount = _decimal(value)
    if amount is None:
        return value
    text = f"{amount:f}"
    return text + "0" if _ONE_POINT_GROUP.fullmatch(text) else text


_COMMA_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")  # 1,234 or -1,234,567.5


def ungrouped(text: str) -> str:
    """``text`` without the commas between its thousands, as an English page and a
    spreadsheet write them (``1,234.5`` → ``1234.5``). A comma anywhere else stays, for the
    number's reader to refuse: ``42,5`` is neither 42.5 nor 425 on an English page."""
    return text.replace(",", "") if _COMMA_THOUSANDS.fullmatch(text) else text


def _whole(value: int) -> str:
    """A whole number grouped as ``formats.number_format`` groups it in the active language
    (``1,234,567``, ``1.234.567``, ``1 234 567``), at a tenth of its cost."""
    separator = _thousands(get_language())
    if separator is None:
        return formats.number_format(value, 0, use_l10n=True, force_grouping=True)
    text = f"{value:,}"
    return text if separator == "," else text.replace(",", separator)


@functools.lru_cache(maxsize=64)
def _thousands(language: str | None) -> str | None:
    """The language's thousands separator when it groups by threes, else None."""
    if formats.get_format("NUMBER_GROUPING", language) != 3:
        return None
    return formats.get_format("THOUSAND_SEPARATOR", language)


@receiver(setting_changed)
def _forget_separators(*, setting: str, **_kwargs: Any) -> None:
    """A test that changes the formats' settings gets them read again (as Django's own
    format cache is)."""
    if setting in {"FORMAT_MODULE_PATH", "LANGUAGES", "NUMBER_GROUPING", "THOUSAND_SEPARATOR"}:
        _thousands.cache_clear()


def money(amount: Any, currency: str = "", *, whole: bool = False) -> str:
    """``70,000,000 THB``: cents when there are some, none with ``whole``."""
    value = _decimal(amount)
    if value is None:
        return NOTHING
    if whole:
        text = number(value, 0)
    else:
        cents = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        text = number(cents, 0 if cents == cents.to_integral_value() else 2)
    return f"{text}{NBSP}{currency}" if currency else text


def percent(value: Any, places: int = 1) -> str:
    """``12.5%``; ``12%`` when whole."""
    amount = _decimal(value)
    if amount is None:
        return NOTHING
    rounded = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return f"{number(rounded, 0)}%"
    return f"{number(rounded.normalize())}%"


def listed(items: Iterable[Any]) -> str:
    """Items within a sentence, joined by the page's language's separator (the msgid is
    Django's own ``", "``)."""
    return _(", ").join(str(item) for item in items)


def quoted(text: Any) -> str:
    """A title within a sentence, between the page's language's quotation marks."""
    return _("“%(text)s”") % {"text": text}


def day(value: dt.date | None) -> str:
    """``4 Dec 2026`` (a date-time: its day in the site's time zone)."""
    if not value:
        return NOTHING
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


def days(start: dt.date | None, end: dt.date | None = None) -> str:
    """A span of days in the site's style: ``4 Dec 2026``, ``22–25 Oct 2024``,
    ``30 Sep – 2 Oct 2024``, ``30 Dec 2024 – 2 Jan 2025``."""
    if not start:
        return NOTHING
    if not end or end == start:
        return day(start)
    if (start.year, start.month) == (end.year, end.month):
        # the first day written as the language writes a date's: "06–07/02/2027", not "6–07"
        padded = re.search(r"(?<!\\)d", formats.get_format("DATE_FORMAT"))
        return f"{formats.date_format(start, 'd' if padded else 'j')}–{day(end)}"
    if start.year == end.year:
        return f"{formats.date_format(start, 'MONTH_DAY_FORMAT')} – {day(end)}"
    return f"{day(start)} – {day(end)}"


def month(value: dt.date | None) -> str:
    """``Oct 2024``: a month, when the day is not known."""
    return formats.date_format(value, "YEAR_MONTH_FORMAT") if value else NOTHING


def known_date(text: str) -> str:
    """A date kept as far as it is known (a source's ``YYYY``, ``YYYY-MM`` or
    ``YYYY-MM-DD``) in the site's style: ``2018``, ``Mar 2018``, ``18 Mar 2018``. Anything
    else stays as it is."""
    parts = str(text or "").split("-")
    try:
        numbers = [int(part) for part in parts]
        if len(numbers) == 3:
            return day(dt.date(*numbers))
        if len(numbers) == 2:
            return month(dt.date(numbers[0], numbers[1], 1))
    except ValueError:
        pass
    return str(text or "")


def utc_offset(value: dt.datetime) -> str:
    """``UTC+7``, ``UTC+5:30``, ``UTC``."""
    offset = value.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def moment(value: dt.datetime | None, *, seconds: bool = False) -> str:
    """``4 Dec 2026, 14:57 UTC+7``: a date-time in the site's time zone, with its offset."""
    if not value:
        return NOTHING
    if not isinstance(value, dt.datetime):
        return day(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    local = timezone.localtime(value)
    shown = formats.date_format(local, "DATETIME_FORMAT")
    if seconds:
        shown += local.strftime(":%S")
    return f"{shown}{NBSP}{utc_offset(local)}"
