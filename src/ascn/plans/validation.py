"""The rules of a project and of an action plan, and of what is kept with a project (progress,
milestones, documents), each written once.

Who asks:

* the services (``plans.services``) check what they are given before they write: they are
  the rule, whoever calls them (a page, the API, the import, a command);
* the forms call the same rules in ``clean``, so that a page shows every problem at once, on
  its field, before anything is sent (and the live check of a form shows them as one types);
* the import (``opendata.imports``) reads each spreadsheet row into values and checks them
  here, each problem shown in its row and column;
* the API's schemas check the shape of a body (types, the codes of the codelists, sizes);
  what they let through meets these rules in the service, whose ``InvalidInput`` the API
  answers with a 422 naming the field.

Every rule raises ``Refused``: an ``InvalidInput`` naming the field, and the rule that refused
(``rule``, with what it saw in ``params``), so that a channel can place a problem where its
person looks (the import names the spreadsheet's ``lat`` or ``lon`` column).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _

from ascn.core import dates
from ascn.core.errors import InvalidInput, every, refuse_all
from ascn.core.text import visible
from ascn.core.translations import require_language
from ascn.core.visibility import Visibility
from ascn.network.models import FrameworkItem
from ascn.plans import codelists
from ascn.plans.models import FinancingInstrument

NOT_A_BUDGET_CURRENCY = {"XXX", "XTS"}  # ISO 4217: "no currency", "for testing"
AMOUNT_LIMIT = Decimal("1e16")  # budgets are NUMERIC(18, 2)
CENT = Decimal("0.01")
TITLE_LENGTH = 200
PLACE_LENGTH = 300
CONTACT_LENGTH = 200
CONTACT_KEYS = ("name", "role", "email")
COORDINATE_BOUNDS = {"lat": 90, "lon": 180}
FIRST_YEAR, LAST_YEAR = 2000, 2100
T = TypeVar("T")
F = TypeVar("F", bound=FrameworkItem)  # FocusArea, Outcome

# What ``project_create`` cannot do without (the import's required columns are these).
PROJECT_REQUIRED = (
    "title",
    "description",
    "focus_areas",
    "status",
    "budget_amount",
    "budget_currency",
)


class Refused(InvalidInput):
    """A value a rule refuses: the message, the field, and the rule (``rule``, ``params``)."""

    def __init__(self, rule: str, message: str, *, field: str, **params: Any):
        super().__init__(message, field=field)
        self.rule = rule
        self.params = params


def refuse(rule: str, message: str, field: str, **params: Any) -> Refused:
    """``Refused`` with its message filled in from ``params`` (``%(name)s``)."""
    return Refused(rule, message % params if params else message, field=field, **params)


def each_problem(exc: Refused) -> list[Refused]:
    """Every problem ``exc`` carries (``core.errors.refuse_all``), itself first."""
    return [problem for problem in exc.problems if isinstance(problem, Refused)]


# --- the rules of one value ---------------------------------------------------------------


def text(value: Any, field: str, *, max_length: int | None = None, required: bool = True) -> str:
    """Text without surrounding white space: required unless told, at most ``max_length``."""
    value = "" if value is None else visible(str(value))
    if required and not value:
        raise refuse("required", _("This field is required."), field)
    if max_length is not None and len(value) > max_length:
        raise refuse(
            "too-long",
            _("At most %(limit)s characters (this has %(length)s)."),
            field,
            limit=max_length,
            length=len(value),
        )
    return value


def code_in(value: Any, codelist: str, field: str, *, blank: bool = False) -> str:
    """A code of one of the OC4IDS codelists (``plans.codelists``); case counts."""
    if value in (None, ""):
        if blank:
            return ""
        raise refuse("required", _("This field is required."), field)
    if not isinstance(value, str) or value not in codelists.codelist(codelist):
        raise refuse(
            "codelist",
            _("“%(value)s” is not an OC4IDS %(codelist)s code."),
            field,
            value=value,
            codelist=codelist,
        )
    return value


def codes_in(values: Iterable[Any] | None, codelist: str, field: str) -> list[str]:
    """Codes of one codelist, each once, in the order given."""
    return every(partial(code_in, item, codelist, field) for item in dict.fromkeys(values or []))


def amount(value: Any, field: str) -> Decimal:
    """An amount of money: at least zero, below 10^16, kept to the cent."""
    if value is None or value == "":
        raise refuse("required", _("This field is required."), field)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise refuse("not-a-number", _("Not a number."), field) from exc
    if not number.is_finite() or number < 0 or number >= AMOUNT_LIMIT:
        raise refuse("out-of-range", _("Must be a positive amount below 10^16."), field)
    number = number.quantize(CENT)
    # SQLite keeps 15 significant digits of a NUMERIC: refuse what it would round.
    if len(number.normalize().as_tuple().digits) > 15:
        raise refuse("too-precise", _("At most 15 significant digits."), field)
    return number


def percent(value: Any, field: str) -> Decimal:
    number = amount(value, field)
    if number > 100:
        raise refuse("out-of-range", _("A percentage is between 0 and 100."), field)
    return number


def budget_currency(value: Any, field: str = "budget_currency") -> str:
    """An ISO 4217 code (upper case) that money can be in: not "no currency" nor "testing"."""
    currency = code_in(str(value or "").upper(), codelists.CURRENCY, field)
    if currency in NOT_A_BUDGET_CURRENCY:
        raise refuse("not-money", _("Choose the currency the budget is in."), field)
    return currency


def choice(value: Any, choices: type[models.TextChoices], field: str, message: str) -> str:
    """One of a set of choices (``message`` says it is not, naming ``%(value)s``)."""
    if value not in choices.values:
        raise refuse("unknown-choice", message, field, value=value)
    return value


def instruments(values: Iterable[Any] | None, field: str = "financing_sought") -> list[str]:
    """Financing instruments (``FinancingInstrument``), each once, in the order given."""
    unknown = _("Unknown financing instrument: %(value)s")
    chosen = dict.fromkeys(values or [])
    return every(partial(choice, item, FinancingInstrument, field, unknown) for item in chosen)


def visibility(value: Any, field: str = "visibility") -> str:
    return choice(value, Visibility, field, _("Unknown visibility."))


def language(value: Any, field: str = "language") -> str:
    """The language a record is written in: one of the platform's, as a translation's is."""
    return require_language(str(value or "").strip(), field)


def sdg_targets(values: Iterable[Any] | None, field: str = "sdg_targets") -> list[str]:
    """SDG 11 targets (``codelists.SDG11_TARGETS``), each once, in the targets' order."""
    return sorted(every(partial(sdg_target, item, field) for item in dict.fromkeys(values or [])))


def sdg_target(value: Any, field: str = "sdg_targets") -> str:
    if value not in codelists.SDG11_TARGETS:
        raise refuse(
            "sdg-target",
            _("“%(value)s” is not an SDG 11 target (11.1 … 11.7, 11.a … 11.c)."),
            field,
            value=value,
        )
    return value


def date(value: Any, field: str) -> dt.date | None:
    """A date, or None; text in ISO 8601 (YYYY-MM-DD)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return in_project_years(value.date(), field)
    if isinstance(value, dt.date):
        return in_project_years(value, field)
    try:
        value = dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise refuse("not-a-date", _("Not a date: write it as YYYY-MM-DD."), field) from exc
    return in_project_years(value, field)


# A project's dates (its period, progress, milestones) fall in the years of ``year``
PROJECT_YEARS = {"earliest": dt.date(FIRST_YEAR, 1, 1), "latest": dt.date(LAST_YEAR, 12, 31)}


def in_project_years(value: dt.date, field: str) -> dt.date:
    if dates.out_of_range(value, **PROJECT_YEARS):
        raise refuse("out-of-range", dates.out_of_range_message(**PROJECT_YEARS), field)
    return value


def not_in_the_future(value: dt.date | None, field: str, message: str) -> None:
    if value is not None and value > dt.date.today():
        raise refuse("in-the-future", message, field)


def year(value: Any, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise refuse("required", _("A year is required."), field) from exc
    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise refuse("out-of-range", _("A year between 2000 and 2100."), field)
    return number


def location(value: Any, number: int = 1, field: str = "locations") -> dict[str, Any]:
    """A place: a description and a point (latitude and longitude, both or neither).

    A coordinate's problem names it in ``params["coordinate"]`` (``lat`` or ``lon``); for a
    point given in half, the coordinate missing.
    """
    if not isinstance(value, Mapping):
        raise refuse(
            "not-a-location", _("A location is an object with description, lat and lon."), field
        )
    given = [key for key in COORDINATE_BOUNDS if value.get(key) is not None]
    # Checks of different results (the description, each degree, None), unpacked below.
    checks: list[Callable[[], Any]] = [
        partial(text, value.get("description"), field, max_length=PLACE_LENGTH, required=False),
        *(partial(coordinate, value[key], key, field) for key in given),
        partial(both_coordinates, given, number, field),
    ]
    description, *degrees, _both = every(checks)
    return {"description": description, **dict(zip(given, degrees, strict=True))}


def coordinate(value: Any, key: str, field: str = "locations") -> float:
    """A latitude (``key`` "lat") or a longitude ("lon") in decimal degrees."""
    try:
        degrees = float(value)
    except (TypeError, ValueError) as exc:
        raise refuse("not-a-number", _("Not a number."), field, coordinate=key) from exc
    bound = COORDINATE_BOUNDS[key]
    if not -bound <= degrees <= bound:  # NaN is refused too: it compares false
        raise refuse(
            "out-of-range",
            _("Must be between −%(bound)s and %(bound)s."),
            field,
            coordinate=key,
            bound=bound,
        )
    return degrees


def both_coordinates(given: list[str], number: int, field: str = "locations") -> None:
    """A point has both its coordinates, or neither."""
    if len(given) == 1:
        raise refuse(
            "half-a-point",
            _("Location %(number)s: give both latitude and longitude, or neither."),
            field,
            number=number,
            coordinate=({"lat", "lon"} - set(given)).pop(),
        )


def locations(values: Iterable[Any] | None, field: str = "locations") -> list[dict[str, Any]]:
    items = enumerate(values or [], start=1)
    return every(partial(location, item, number, field) for number, item in items)


def is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def contacts(values: Iterable[Any] | None, field: str = "contacts") -> list[dict[str, str]]:
    """People to ask about a project: a name, a role and an e-mail address, each optional but
    not all (a contact of nothing is left out); an address given is an e-mail address."""
    out = []
    for number, item in enumerate(values or [], start=1):
        if not isinstance(item, Mapping):
            raise refuse(
                "not-a-contact", _("A contact is an object with name, role and email."), field
            )
        contact = {
            key: text(item.get(key), field, max_length=CONTACT_LENGTH, required=False)
            for key in CONTACT_KEYS
        }
        if contact["email"] and not is_email(contact["email"]):
            raise refuse(
                "contact-email",
                _("Contact %(number)s: “%(email)s” is not an e-mail address."),
                field,
                number=number,
                email=contact["email"],
            )
        if any(contact.values()):
            out.append(contact)
    return out


def sections(values: Iterable[Any] | None, field: str = "sections") -> list[dict[str, str]]:
    """An action plan's narrative: headed sections. ``params["number"]`` counts from 1."""
    out = []
    for number, section in enumerate(values or [], start=1):
        heading = section.get("heading") if isinstance(section, Mapping) else None
        if not str(heading or "").strip():
            raise refuse(
                "section-heading",
                _("Give section %(number)s a heading, or leave it out."),
                field,
                number=number,
            )
        out.append(
            {
                "heading": text(heading, field, max_length=TITLE_LENGTH),
                "body": text(section.get("body"), field, required=False),
            }
        )
    return out


def framework_codes(values: Iterable[Any] | None) -> list[str] | None:
    """Codes of the ASEAN Smart Cities Framework, each once (None stays None: not given).
    Whether each exists is asked of the database (``framework_items``) when they are linked."""
    return None if values is None else list(dict.fromkeys(values))


def focus_area_codes(values: Iterable[Any] | None, field: str = "focus_areas") -> list[str]:
    chosen = framework_codes(values or [])
    if not chosen:
        raise refuse("required", _("Choose at least one ASCF focus area."), field)
    return chosen


def framework_items(model: type[F], values: Iterable[str] | None, field: str) -> list[F]:
    """The framework's records (``FocusArea``, ``Outcome``) with these codes; one unknown is
    refused. The records, not a file, are the rule here: the Secretariat may add one."""
    wanted = list(dict.fromkeys(values or []))
    found = list(model._default_manager.filter(code__in=wanted))
    unknown = sorted(set(wanted) - {item.code for item in found})
    if unknown:
        raise refuse("unknown-code", _("Unknown code: %(code)s"), field, code=unknown[0])
    return found


def as_given(value: Any) -> Any:
    return value


# --- the rules between two values ---------------------------------------------------------


def funding_within_budget(budget: Decimal | None, secured: Decimal | None) -> None:
    if budget is not None and secured is not None and secured > budget:
        raise refuse(
            "above-budget", _("Funding secured cannot exceed the budget."), "funding_secured"
        )


def period_in_order(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise refuse("end-before-start", _("The end cannot come before the start."), "period_end")


def years_in_order(start: int | None, end: int | None) -> None:
    if start and end and end < start:
        raise refuse(
            "end-before-start", _("The last year cannot come before the first."), "period_end"
        )


# --- the rules of a record ----------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The rules of one kind of record: one per field it may be given, and the rules between
    two fields (checked when both are given, and on the whole record before it is saved)."""

    fields: Mapping[str, Callable[[Any], Any]]
    pairs: tuple[tuple[Callable[[Any, Any], None], str, str], ...] = ()

    def problems(self, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[Refused]]:
        """Every problem at once (for a form, an import row), and the values that passed,
        normalised."""
        clean: dict[str, Any] = {}
        problems: list[Refused] = []
        for key, value in values.items():
            try:
                rule = self.fields.get(key)
                if rule is None:
                    raise refuse("unknown-field", _("Unknown field: %(name)s"), key, name=key)
                clean[key] = rule(value)
            except Refused as exc:
                problems += each_problem(exc)
        for pair_rule, first, second in self.pairs:
            if first in clean and second in clean:
                try:
                    pair_rule(clean[first], clean[second])
                except Refused as exc:
                    problems.append(exc)
        return clean, problems

    def clean(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values normalised, or every problem raised at once (for a service: the first
        carries them all, ``core.errors.refuse_all``)."""
        clean, problems = self.problems(values)
        refuse_all(problems)
        return clean

    def check_whole(self, record: Any, changed: Container[str] = ()) -> None:
        """The rules between fields, on a record as it is about to be saved. ``changed``: the
        fields this write sends; a rule broken by the first of its pair alone is said on that
        one (a budget lowered below the funding secured is refused on the budget, the field
        the person typed)."""
        for rule, first, second in self.pairs:
            try:
                rule(getattr(record, first), getattr(record, second))
            except Refused as exc:
                if first in changed and second not in changed:
                    exc.field = first
                raise


PROJECT = Rules(
    fields={
        "title": partial(text, field="title", max_length=TITLE_LENGTH),
        "description": partial(text, field="description"),
        "focus_areas": focus_area_codes,
        "outcomes": framework_codes,
        "plan": as_given,  # an ActionPlan of the project's city: the service knows the city
        "status": partial(code_in, codelist=codelists.PROJECT_STATUS, field="status"),
        "project_type": partial(
            code_in, codelist=codelists.PROJECT_TYPE, field="project_type", blank=True
        ),
        "sectors": partial(codes_in, codelist=codelists.PROJECT_SECTOR, field="sectors"),
        "budget_amount": partial(amount, field="budget_amount"),
        "budget_currency": budget_currency,
        "funding_secured": partial(amount, field="funding_secured"),
        "financing_sought": instruments,
        "sdg_targets": sdg_targets,
        "locations": locations,
        "contacts": contacts,
        "period_start": partial(date, field="period_start"),
        "period_end": partial(date, field="period_end"),
        "visibility": visibility,
        # on creation only: ``project_update`` refuses it (the translations page sets it)
        "language": language,
    },
    pairs=(
        (funding_within_budget, "budget_amount", "funding_secured"),
        (period_in_order, "period_start", "period_end"),
    ),
)

PLAN = Rules(
    fields={
        "title": partial(text, field="title", max_length=TITLE_LENGTH),
        "period_start": partial(year, field="period_start"),
        "period_end": partial(year, field="period_end"),
        "vision": partial(text, field="vision", required=False),
        "sections": sections,
        "outcomes": framework_codes,
        "focus_areas": framework_codes,
    },
    pairs=((years_in_order, "period_start", "period_end"),),
)


def plan_of_city(plan: Any, city_id: int, sample: bool = False) -> None:
    """A project's action plan is its own city's, and of its kind: real with real, sample
    with sample (a real project was put in the demo's sample plan by the form's default)."""
    if plan is None:
        return
    if plan.city_id != city_id:
        raise refuse("another-city", _("The action plan belongs to another city."), "plan")
    if plan.sample != sample:
        raise refuse(
            "sample-mix",
            _(
                "Sample data and real records never mix: a real project goes only in a real "
                "action plan, a sample project only in a sample one."
            ),
            "plan",
        )


# --- what is kept with a project ----------------------------------------------------------


def progress_date(value: dt.date) -> dt.date:
    not_in_the_future(value, "date", _("Progress cannot be reported for a future date."))
    return in_project_years(value, "date")


def milestone(*, status: str, milestone_type: str, code: str, date_met: dt.date | None) -> None:
    """A milestone's codes (OC4IDS) and when it was met: a met one says when, not later than
    today, and only a met (or partly met) one has that date (OC4IDS ``dateMet``)."""
    code_in(status, codelists.MILESTONE_STATUS, "status")
    code_in(milestone_type, codelists.MILESTONE_TYPE, "milestone_type", blank=True)
    code_in(code, codelists.MILESTONE_CODE, "code", blank=True)
    if status == "met" and date_met is None:
        raise refuse(
            "met-without-date", _("A met milestone needs the date it was met."), "date_met"
        )
    not_in_the_future(date_met, "date_met", _("A milestone cannot be met on a future date."))
    if date_met is not None:
        in_project_years(date_met, "date_met")
    # "scheduled", yet met on 1 May: which? (a partly met one may say when it was, in part)
    if status not in ("met", "partiallyMet") and date_met is not None:
        raise refuse(
            "date-without-met",
            _("Only a met milestone has the date it was met: choose “Met”, or clear the date."),
            "date_met",
        )


def return_comment(action: str, comment: str | None) -> str:
    """A plan sent back to its city says what needs to change."""
    comment = (comment or "").strip()
    if action == "return" and not comment:
        raise refuse("required", _("Say what needs to change when returning a plan."), "comment")
    return comment


def exchange_rate(value: Any, field: str = "usd_per_unit") -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise refuse("not-a-number", _("Not a number."), field) from exc
    if not rate.is_finite() or rate <= 0 or rate >= Decimal("1e9"):
        raise refuse("out-of-range", _("A rate must be above zero."), field)
    return rate.quantize(Decimal("0.0000000001"))
