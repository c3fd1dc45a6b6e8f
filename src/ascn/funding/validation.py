"""The rules of a programme, a call and an application, in one place: the service checks them
before every write, the forms and the API get their messages (``InvalidInput`` naming the
field), and the apply page lists a project's eligibility problems before the city applies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from ascn.core import formats, sources
from ascn.core.errors import (
    InvalidInput,
)
from ascn.core.services import validate
from ascn.core.visibility import Visibility, shown_more_widely
from ascn.funding.models import Call, Programme
from ascn.network.models import FocusArea, MemberState
from ascn.partners.models import Organisation
from ascn.plans import codelists, money
from ascn.plans.models import FinancingInstrument, Project


def parse_amount(value: Any, field: str, *, positive: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("Not a number."), field=field) from exc
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e16"):
        raise InvalidInput(_("Must be a positive amount below 10^16."), field=field)
    amount = amount.quantize(Decimal("0.01"))
    if positive and amount <= 0:
        raise InvalidInput(_("Must be more than zero."), field=field)
    if len(amount.normalize().as_tuple().digits) > 15:
        raise InvalidInput(_("At most 15 significant digits."), field=field)
    return amount


def codes_in(values: object, allowed: Container[str], field: str) -> list[str]:
    if not isinstance(values, list | tuple):
        raise InvalidInput(_("A list of codes."), field=field)
    out = list(dict.fromkeys(str(v) for v in values))
    for code in out:
        if code not in allowed:
            raise InvalidInput(_("Unknown code: %(code)s") % {"code": code}, field=field)
    return out


def clean_programme_values(values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if key in {"name", "description", "period_label", "website", "source"}:
            clean[key] = (value or "").strip()
            if key == "name" and not clean[key]:
                raise InvalidInput(_("Name the programme."), field=key)
        elif key == "total_amount":
            clean[key] = parse_amount(value, key, positive=False)
        elif key == "max_award_amount":
            clean[key] = None if value in (None, "") else parse_amount(value, key)
        elif key == "currency":
            clean[key] = (value or "").upper()
            if clean[key] not in codelists.codelist(codelists.CURRENCY):
                raise InvalidInput(_("Unknown currency."), field=key)
        elif key in {"period_start", "period_end"}:
            clean[key] = value
        elif key == "eligible_countries":
            clean[key] = codes_in(
                [str(c).upper() for c in value or []],
                set(MemberState.objects.values_list("code", flat=True)),
                key,
            )
        elif key == "eligible_focus_areas":
            clean[key] = codes_in(
                value or [], set(FocusArea.objects.values_list("code", flat=True)), key
            )
        elif key == "eligible_stages":
            clean[key] = codes_in(
                value or [], set(codelists.codelist(codelists.PROJECT_STATUS)), key
            )
        elif key == "instruments":
            clean[key] = codes_in(value or [], set(FinancingInstrument.values), key)
        elif key == "visibility":
            if value not in Visibility.values:
                raise InvalidInput(_("Unknown visibility."), field=key)
            clean[key] = value
        elif key == "sources":
            clean[key] = sources.checked(value, key)
        elif key == "implementer":
            if value is not None and not isinstance(value, Organisation):
                raise InvalidInput(_("Unknown organisation."), field=key)
            clean[key] = value
        else:
            raise InvalidInput(_("Unknown field: %(f)s") % {"f": key}, field=key)
    return clean


def check_partners(programme: Programme) -> None:
    """The programme's sponsor and implementer are of its kind (sample with sample, real with
    real) and seen by at least everyone who sees it: a public programme names no draft
    organisation (its name and page would be shown to readers it is hidden from)."""
    for field, organisation in (
        ("sponsor", programme.sponsor),
        ("implementer", programme.implementer),
    ):
        if organisation is None:
            continue
        if organisation.sample != programme.sample:
            raise InvalidInput(
                _(
                    "Sample data and real records never mix: a sample programme has sample "
                    "partners, a real one real partners."
                ),
                field=field,
            )
        if shown_more_widely(programme.visibility, than=organisation.visibility):
            raise InvalidInput(
                _(
                    "%(name)s is not published as widely as this programme would be: publish "
                    "the organisation first, or show the programme to fewer readers."
                )
                % {"name": organisation.name},
                field="visibility",
            )


def check_programme(programme: Programme, *, partners: bool = True) -> None:
    if partners:
        check_partners(programme)
    if programme.awarded_amount > programme.total_amount:
        raise InvalidInput(
            _("The total cannot be less than what is already awarded (%(a)s).")
            % {"a": formats.money(programme.awarded_amount, programme.currency)},
            field="total_amount",
        )
    if (
        programme.period_start
        and programme.period_end
        and programme.period_end < programme.period_start
    ):
        raise InvalidInput(_("The end cannot come before the start."), field="period_end")
    if programme.max_award_amount is not None and programme.max_award_amount > (
        programme.total_amount
    ):
        raise InvalidInput(
            _("The largest award cannot exceed the programme's total."), field="max_award_amount"
        )
    validate(programme)


def check_call(call: Call) -> None:
    call.title = (call.title or "").strip()
    if not call.title:
        raise InvalidInput(_("Give the call a title."), field="title")
    if call.opens_on is None:
        raise InvalidInput(_("When does the call open?"), field="opens_on")
    if call.closes_on is None:
        raise InvalidInput(_("When does the call close?"), field="closes_on")
    if call.closes_on < call.opens_on:
        raise InvalidInput(_("A call cannot close before it opens."), field="closes_on")
    validate(call)


def call_is_open(call: Call, on: dt.date | None = None) -> bool:
    on = on or timezone.localdate()
    return call.opens_on <= on <= call.closes_on


def eligibility_problems(programme: Programme, project: Project) -> list[tuple[str, str]]:
    """Why ``project`` is not eligible for ``programme`` as (field, message); empty if it is.

    An empty eligibility list means the programme publishes no restriction there.
    """
    problems = []
    country = project.city.member_state.code
    if programme.eligible_countries and country not in programme.eligible_countries:
        problems.append(
            (
                "project",
                _("The programme does not fund projects in %(c)s.")
                % {"c": project.city.member_state.label},
            )
        )
    if programme.eligible_focus_areas:
        codes = {area.code for area in project.focus_areas.all()}
        if not codes & set(programme.eligible_focus_areas):
            problems.append(
                ("project", _("The project addresses none of the programme's focus areas."))
            )
    if programme.eligible_stages and project.status not in programme.eligible_stages:
        problems.append(
            (
                "project",
                _("The programme does not fund projects at the “%(s)s” stage.")
                % {
                    "s": codelists.labels(codelists.PROJECT_STATUS).get(
                        project.status, project.status
                    )
                },
            )
        )
    return problems


def require_eligible(programme: Programme, project: Project) -> None:
    problems = eligibility_problems(programme, project)
    if problems:
        field, message = problems[0]
        raise InvalidInput(message, field=field)


def check_max_award(
    programme: Programme, amount: Decimal, *, field: str = "amount_requested"
) -> None:
    """Refuse an amount (requested, or awarded: ``field``) above what the programme awards
    at most per application."""
    if programme.max_award_amount is not None and amount > programme.max_award_amount:
        raise InvalidInput(
            _("The programme awards at most %(amount)s per application.")
            % {"amount": formats.money(programme.max_award_amount, programme.currency)},
            field=field,
        )


def check_within_gap(programme: Programme, project: Project, amount: Decimal) -> None:
    """Refuse a request above what the project still has to find (its funding gap), as a
    deal's commitment is refused: compared in the same currency, else in US dollars at the
    latest rates. A project with no published budget, or a currency without a rate, cannot be
    compared, and is not refused for it."""
    gap = project.shown_funding_gap
    if gap is None:
        return
    if programme.currency == project.budget_currency:
        above = amount > gap
    else:
        to_usd = money.usd_amounts(money.latest_rates())
        asked, left = to_usd(amount, programme.currency), to_usd(gap, project.budget_currency)
        above = asked is not None and left is not None and asked > left
    if above:
        raise InvalidInput(
            _("The request exceeds the project's funding gap (%(gap)s still to find).")
            % {"gap": formats.money(gap, project.budget_currency)},
            field="amount_requested",
        )
