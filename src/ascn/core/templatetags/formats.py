"""``{% load formats %}``: figures and moments for people (``core.formats``).

``{{ amount|money:currency }}`` (``money_whole`` rounds to units), ``{{ n|number }}``,
``{{ share|percent }}``, ``{{ at|moment }}`` (``moment:"seconds"``), ``{{ user|person }}``
(a name, else the e-mail; "former member" for an account that is gone), ``{{ items|listed }}``
(within a sentence: "Phuket, Hanoi"). A day is Django's own
``{{ date|date }}`` (``DATE_FORMAT``: "4 Dec 2026")."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from ascn.core import formats

register = template.Library()


@register.filter
def listed(items: Any) -> str:
    """Items within a sentence, in the page's language (``core.formats.listed``)."""
    return formats.listed(items)


@register.filter
def money(amount: Any, currency: str = "") -> str:
    return formats.money(amount, currency or "")


@register.filter
def money_whole(amount: Any, currency: str = "") -> str:
    return formats.money(amount, currency or "", whole=True)


@register.filter
def number(value: Any, places: Any = None) -> str:
    return formats.number(value, None if places in (None, "") else int(places))


@register.filter
def percent(value: Any, places: Any = 1) -> str:
    return formats.percent(value, int(places))


@register.filter
def moment(value: Any, precision: str = "") -> str:
    return formats.moment(value, seconds=precision == "seconds")


@register.filter
def known_date(text: Any) -> str:
    return formats.known_date(text)


@register.filter
def person(user: Any) -> str:
    """Who wrote or did something: their name, else their e-mail; a deleted account (None)
    is a "former member" rather than an error."""
    return user.get_full_name() if user is not None else _("former member")
