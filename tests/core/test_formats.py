"""Figures and moments are written one way for people everywhere — "70,000,000 THB",
"12.5%", "4 Dec 2026", "4 Dec 2026, 14:57 UTC+7" — in pages, messages and validation
errors; machine formats (ISO 8601 in CSV, JSON and ``<time datetime>``) stay as they are."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.template.defaultfilters import filesizeformat
from django.utils import formats as django_formats
from django.utils import timezone, translation

from ascn.core import formats
from ascn.core.forms import CoordinateField, WholeNumberField
from ascn.plans.forms.common import amount_field, percent_field

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "currency", "whole", "shown"),
    [
        (Decimal("70000000.00"), "THB", False, "70,000,000 THB"),
        (Decimal("1234.5"), "VND", False, "1,234.50 VND"),
        (Decimal("0.01"), "USD", False, "0.01 USD"),
        (Decimal("2500000.49"), "USD", True, "2,500,000 USD"),
        (None, "THB", False, "—"),
    ],
)
def test_money_is_grouped_with_cents_only_when_there_are_some(amount, currency, whole, shown):
    assert formats.money(amount, currency, whole=whole).replace(NBSP, " ") == shown


def test_the_amount_and_its_currency_stay_on_one_line():
    assert formats.money(Decimal("5"), "THB") == f"5{NBSP}THB"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("12.50"), "12.5%"), (Decimal("12.04"), "12%"), (100, "100%"), (None, "—")],
)
def test_percentages(value, shown):
    assert formats.percent(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(Decimal("0.01"), "0.01"), (10000, "10,000"), (Decimal("0E+1"), "0")]
)
def test_numbers_and_limits(value, shown):
    assert formats.number(value) == shown


WHOLE = [0, 7, -7, 999, 1000, -1000, 1234567, -98765432, 10**18]
ROUNDED = [Decimal("-0.4"), Decimal("0.5"), Decimal("-2.5"), Decimal("1E+3"), Decimal("1234567.49")]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_whole_numbers_are_grouped_as_each_language_groups_them(language):
    # given the thousands separator of each of the site's languages (1,234 / 1.234 / 1 234)
    with translation.override(language):
        for value in WHOLE + ROUNDED:
            # when a count or a rounded amount is written (the tables' fast path)
            # then it reads as Django's own number format writes it, rounded half up
            whole = (
                value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
                if isinstance(value, Decimal)
                else value
            )
            expected = django_formats.number_format(
                Decimal(whole), 0, use_l10n=True, force_grouping=True
            )
            assert formats.number(value, 0) == expected, (language, value)
    with translation.override("id"):
        assert formats.number(1234567, 0) == "1.234.567"
        assert formats.money(Decimal("2500000.49"), "IDR", whole=True) == f"2.500.000{NBSP}IDR"


def test_a_day_and_a_moment_in_the_site_style_with_the_zone(settings):
    # given: the site's time zone (Jakarta, UTC+7)
    at = dt.datetime(2026, 12, 4, 7, 57, tzinfo=dt.UTC)

    # then
    assert formats.day(dt.date(2026, 12, 1)) == "1 Dec 2026"
    assert formats.moment(at).replace(NBSP, " ") == "4 Dec 2026, 14:57 UTC+7"
    assert formats.moment(at, seconds=True).replace(NBSP, " ") == "4 Dec 2026, 14:57:00 UTC+7"


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (dt.date(2024, 10, 29), None, "29 Oct 2024"),
        (dt.date(2024, 10, 29), dt.date(2024, 10, 29), "29 Oct 2024"),
        (dt.date(2024, 10, 29), dt.date(2024, 10, 30), "29–30 Oct 2024"),
        (dt.date(2024, 9, 30), dt.date(2024, 10, 2), "30 Sep – 2 Oct 2024"),
        (dt.date(2024, 12, 30), dt.date(2025, 1, 2), "30 Dec 2024 – 2 Jan 2025"),
    ],
)
def test_a_span_of_days_in_the_site_style(start, end, shown):
    assert formats.days(start, end) == shown


def test_a_span_of_days_writes_its_first_day_as_the_language_writes_days():
    # the walk of 8 Dec: "6–07/02/2027" on the Vietnamese meetings list
    with translation.override("vi"):
        assert formats.days(dt.date(2027, 2, 6), dt.date(2027, 2, 7)) == "06–07/02/2027"
    with translation.override("th"):
        assert formats.days(dt.date(2027, 2, 6), dt.date(2027, 2, 7)).startswith("6–7 ")


def test_a_month_when_the_day_is_not_known():
    assert formats.month(dt.date(2018, 5, 1)) == "May 2018"


def test_a_moment_names_a_half_hour_zone(settings):
    with timezone.override("Asia/Yangon"):
        at = dt.datetime(2026, 12, 4, 7, 57, tzinfo=dt.UTC)
        assert formats.moment(at).replace(NBSP, " ") == "4 Dec 2026, 14:27 UTC+6:30"


def test_templates_use_the_same_style():
    # given
    template = Template(
        "{% load formats %}{{ d|date }} | {{ at|moment }} | {{ a|money:'THB' }} | "
        "{{ u|money_whole:'USD' }} | {{ n|number }} | {{ p|percent }}"
    )
    context = Context(
        {
            "d": dt.date(2026, 12, 4),
            "at": dt.datetime(2026, 12, 4, 7, 57, tzinfo=dt.UTC),
            "a": Decimal("70000000.00"),
            "u": Decimal("1999.6"),
            "n": 1776949,
            "p": Decimal("37.25"),
        }
    )

    # then
    shown = template.render(context).replace(NBSP, " ")
    assert shown == (
        "4 Dec 2026 | 4 Dec 2026, 14:57 UTC+7 | 70,000,000 THB | 2,000 USD | 1,776,949 | 37.3%"
    )


def test_validation_errors_write_their_limits_for_people():
    for field, value, message in [
        (percent_field("Physical", ""), "101", "At most 100."),
        (percent_field("Physical", ""), "-1", "At least 0."),
        (amount_field("Budget", ""), "-0.01", "At least 0."),
    ]:
        with pytest.raises(ValidationError) as raised:
            field.clean(value)
        assert raised.value.messages == [message]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("1,234.5", "1234.5"),
        ("-1,234,567", "-1234567"),
        ("42,5", "42,5"),  # not thousands: left for the reader to refuse, never 425
        ("1,2345", "1,2345"),
        ("12,34,567", "12,34,567"),
        ("1234", "1234"),
    ],
)
def test_commas_go_only_from_between_thousands(typed, read):
    assert formats.ungrouped(typed) == read


@pytest.mark.parametrize("language", ["km", "lo", "tet"])
def test_a_file_size_reads_in_the_page_language(language):
    # Django ships no Lao or Tetum and leaves "bytes" English in Khmer: the platform's
    # catalogues carry the words (core/django_strings.py)
    with translation.override(language):
        assert "bytes" not in filesizeformat(631)


# --- a number typed into a form, as the page's language writes it ---------------------------

_FIGURES = [
    # language, typed, read
    ("vi", "2,5", Decimal("2.5")),
    ("vi", "1.500.000.000", Decimal("1500000000")),
    ("vi", "1.500.000,50", Decimal("1500000.50")),
    ("id", "18,4", Decimal("18.4")),
    ("pt", "1 500 000,5", Decimal("1500000.5")),
    ("en", "1,500,000.50", Decimal("1500000.50")),
    ("en", "2.5", Decimal("2.5")),
    ("th", "2.5", Decimal("2.5")),
]


@pytest.mark.parametrize(("language", "typed", "read"), _FIGURES)
def test_a_figure_field_reads_what_a_person_types_in_the_pages_language(language, typed, read):
    """A share of progress typed "2,5" on a Vietnamese page was saved as 25 %: the number box
    dropped the comma. The form's figure fields read the page's way of writing numbers."""
    field = amount_field("Budget", "")
    with translation.override(language):
        assert field.clean(typed) == read
        # shown again as every page reads it back, as the same figure
        assert field.clean(field.prepare_value(read)) == read
        for other in ("en", "vi", "km", "pt"):
            with translation.override(other):
                assert field.clean(field.prepare_value(read)) == read, other
        html = field.widget.render("budget", field.prepare_value(read))
    assert 'type="text"' in html and 'inputmode="decimal"' in html


@pytest.mark.parametrize(("language", "typed"), [("vi", "1.500"), ("en", "2,5"), ("id", "1,5,0")])
def test_a_figure_that_reads_two_ways_or_not_at_all_is_refused(language, typed):
    field = percent_field("Physical progress", "")
    with translation.override(language), pytest.raises(ValidationError) as refused:
        field.clean(typed)
    if typed == "1.500":  # the message says both readings
        assert "1500" in str(refused.value) and "1,5" in str(refused.value)


def test_a_whole_number_with_thousands_and_a_coordinate_in_the_pages_style():
    population = WholeNumberField(min_value=0)
    latitude = CoordinateField(min_value=-90, max_value=90)
    with translation.override("vi"):
        assert population.clean("8.053.663") == 8053663
        assert latitude.clean("21,0285") == pytest.approx(21.0285)
        assert latitude.prepare_value(21.0285) == "21.0285"
        assert latitude.clean(latitude.prepare_value(21.028)) == pytest.approx(21.028)
        with pytest.raises(ValidationError):
            latitude.clean("210285")  # at most 90
    # a coordinate south of the equator wants the minus key, which the decimal keypad of
    # iOS does not have: the ordinary keyboard for it
    assert "inputmode" not in latitude.widget.render("lat", None)
    assert 'inputmode="numeric"' in population.widget.render("population", None)
    with translation.override("en"):
        assert population.clean("8,053,663") == 8053663
        assert latitude.prepare_value(21.0285) == "21.0285"
