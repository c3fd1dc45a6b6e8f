"""The rules of an organisation's profile, in one place: the services check them before every
write (each problem an ``InvalidInput`` naming its field, which the pages and the API show)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ascn.core.countries import country_codes
from ascn.core.errors import InvalidInput
from ascn.core.visibility import Visibility
from ascn.network.models import FocusArea, MemberState
from ascn.partners.models import Organisation
from ascn.plans import codelists
from ascn.plans.models import FinancingInstrument

EDITABLE_FIELDS = [
    "name",
    "alt_names",
    "kind",
    "headquarters_country",
    "website",
    "description",
    "visibility",
    "countries",
    "focus_areas",
    "instruments",
    "stages",
    "ticket_min_usd",
    "ticket_max_usd",
    "capability_statement",
    "source",
]


TEXT_FIELDS = {"name", "website", "description", "capability_statement", "source"}


CODE_LISTS = ("countries", "focus_areas", "instruments", "stages")


MAX_TICKET = Decimal("1e15")


def _allowed_codes(field: str) -> set[str]:
    """The codes a list field accepts: data (member states, ASCF) or the codelists."""
    if field == "countries":
        return set(MemberState.objects.values_list("code", flat=True))
    if field == "focus_areas":
        return set(FocusArea.objects.values_list("code", flat=True))
    if field == "instruments":
        return set(FinancingInstrument.values)
    return set(codelists.codelist(codelists.PROJECT_STATUS))


def _code_list(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise InvalidInput(_("A list of codes."), field=field)
    codes = [str(v).strip() for v in value]
    if field == "countries":
        codes = [c.upper() for c in codes]
    codes = list(dict.fromkeys(c for c in codes if c))
    unknown = [c for c in codes if c not in _allowed_codes(field)]
    if unknown:
        raise InvalidInput(_("Unknown code: %(code)s") % {"code": unknown[0]}, field=field)
    return codes


def _ticket(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("Not a number."), field=field) from exc
    if not amount.is_finite() or amount < 0 or amount >= MAX_TICKET:
        raise InvalidInput(_("A positive amount in US dollars below 10^15."), field=field)
    return amount.quantize(Decimal("0.01"))


def clean_organisation_values(values: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check an organisation's fields (each problem a 422 naming its field)."""
    clean: dict[str, Any] = {}
    for field, value in values.items():
        if field == "alt_names":
            names = (str(name).strip() for name in (value or "").split(","))
            clean[field] = ", ".join(dict.fromkeys(name for name in names if name))
        elif field in TEXT_FIELDS:
            clean[field] = (value or "").strip()
        elif field in CODE_LISTS:
            clean[field] = _code_list(value, field)
        elif field in ("ticket_min_usd", "ticket_max_usd"):
            clean[field] = _ticket(value, field)
        elif field == "headquarters_country":
            code = (value or "").strip().upper()
            if code and code not in country_codes():
                raise InvalidInput(_("An ISO 3166-1 alpha-2 code, e.g. JP."), field=field)
            clean[field] = code
        elif field == "kind":
            if value not in Organisation.Kind.values:
                raise InvalidInput(_("Unknown kind: %(code)s") % {"code": value}, field=field)
            clean[field] = value
        elif field == "visibility":
            if value not in Visibility.values:
                raise InvalidInput(_("Unknown visibility: %(code)s") % {"code": value}, field=field)
            clean[field] = value
        else:
            raise InvalidInput(_("Unknown field: %(field)s") % {"field": field}, field=field)
    if "name" in clean and not clean["name"]:
        raise InvalidInput(_("Name the organisation."), field="name")
    return clean


def check_ticket_range(org: Organisation) -> None:
    low, high = org.ticket_min_usd, org.ticket_max_usd
    if low is not None and high is not None and low > high:
        raise InvalidInput(
            _("The smallest ticket must not exceed the largest."), field="ticket_min_usd"
        )
