"""Parallel awards never overspend a programme (SPEC C5: "remaining balance always correct").

Each award locks the programme's row, checks the balance and adds to ``awarded_amount`` in
the same transaction. Here N managers award at the same instant, each in its own thread and
connection, amounts that together exceed the balance: exactly the awards that fit are made,
the others are refused, and the programme's awarded amount equals the sum of its awards.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from ascn.accounts.models import User
from ascn.core.errors import InvalidInput
from ascn.funding.management.commands.load_partners import load_partners, load_programmes
from ascn.funding.models import Application, Award, Programme
from ascn.funding.services import (
    application_award,
    application_create,
    application_transition,
    disbursement_create,
)
from tests import factories
from tests.races import ON_POSTGRESQL, race

pytest_plugins = ["tests.roles"]

US_FUND = "us-smart-cities-business-innovation-fund"  # US$1,000,000, at most US$300,000 each


def _shortlisted_applications(roles, programme: Programme, count: int) -> list[Application]:
    cso, secretariat = roles.user("cso_phuket"), roles.user("secretariat")
    today = timezone.localdate()
    call = factories.call(
        secretariat, programme=programme, title="Round", opens_on=today, closes_on=today
    )
    applications = []
    for number in range(count):
        project = factories.project(
            cso,
            title=f"Solution {number}",
            focus_areas=["industry-innovation"],
            budget="500000",
            currency="USD",
        )
        application = application_create(
            actor=cso, call=call, project=project, amount_requested="200000", currency="USD"
        )
        application = application_transition(
            actor=cso, application=application, action="submit", version=1
        )
        applications.append(
            application_transition(
                actor=secretariat, application=application, action="shortlist", version=2
            )
        )
    return applications


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_parallel_awards_beyond_the_balance_make_exactly_the_ones_that_fit(roles):
    # given the US fund (US$1,000,000) and six shortlisted applications of US$200,000 each
    load_partners()
    load_programmes()
    programme = Programme.objects.get(slug=US_FUND)
    applications = _shortlisted_applications(roles, programme, 6)
    secretariat_pk = roles.user("secretariat").pk

    def award(application_pk: int):
        def attempt():
            application_award(
                actor=User.objects.get(pk=secretariat_pk),
                application=Application.objects.get(pk=application_pk),
                amount="200000",
                version=3,
            )

        return attempt

    # when six managers award them at the same instant (US$1,200,000 in all)
    outcomes = race(Programme, programme.pk, [award(a.pk) for a in applications])
    # then exactly five fit and are made; the sixth is refused for the balance
    assert outcomes.count("saved") == 5, outcomes
    refused = [o for o in outcomes if o != "saved"]
    assert len(refused) == 1 and isinstance(refused[0], InvalidInput), refused
    assert refused[0].field == "amount"
    # and the programme holds exactly the sum of its awards: nothing overspent
    programme.refresh_from_db()
    total = Award.objects.filter(programme=programme).aggregate(s=Sum("amount"))["s"]
    assert programme.awarded_amount == total == Decimal("1000000")
    assert programme.balance == Decimal("0")
    assert Application.objects.filter(status="awarded").count() == 5


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_parallel_payments_never_exceed_the_award(roles):
    # given one award of US$200,000
    load_partners()
    load_programmes()
    programme = Programme.objects.get(slug=US_FUND)
    (application,) = _shortlisted_applications(roles, programme, 1)
    secretariat = roles.user("secretariat")
    award = application_award(
        actor=secretariat, application=application, amount="200000", version=3
    )

    def pay():
        disbursement_create(
            actor=User.objects.get(pk=secretariat.pk),
            award=Award.objects.get(pk=award.pk),
            amount="75000",
        )

    # when four payments of US$75,000 are recorded at once (US$300,000 in all)
    outcomes = race(Programme, programme.pk, [pay, pay, pay, pay])
    # then two are made and the others refused; the award is never overpaid
    assert outcomes.count("saved") == 2, outcomes
    award.refresh_from_db()
    programme.refresh_from_db()
    assert award.disbursed_amount == programme.disbursed_amount == Decimal("150000")
