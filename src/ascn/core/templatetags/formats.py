"""``{% load formats %}``: figures and moments for people (``core.formats``).

``{{ amount|money:currency }}`` (``money_whole`` rounds to units), ``{{ n|number }}``,
``{{ share|percent }}``, ``{{ at|moment }}`` (``moment:"seconds"``). A day is Django's own
``{{ date|date }}`` (``DATE_FORMAT``: "4 Dec 2026")."""

from __future__ import annotations

from typing import Any

from django import template

from ascn.core import formats

register = template.Library()


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
