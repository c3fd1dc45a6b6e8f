"""The dates the platform takes, from 1900 to 2200, whoever enters them (a form's date field,
the API's ``IsoDate``): wide enough for any appointment, membership or agreement of the
network, narrow enough that a slip of the keyboard (year 1, year 9999) is refused where it is
made rather than breaking a calendar feed or a report later. A record may narrow it further
(a project's dates: ``plans.validation``)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2200, 12, 31)


def out_of_range(value: dt.date, earliest: dt.date = EARLIEST, latest: dt.date = LATEST) -> bool:
    return not earliest <= value <= latest


def out_of_range_message(earliest: dt.date = EARLIEST, latest: dt.date = LATEST) -> str:
    return _("A date between %(earliest)s and %(latest)s.") % {
        "earliest": earliest.isoformat(),
        "latest": latest.isoformat(),
    }
