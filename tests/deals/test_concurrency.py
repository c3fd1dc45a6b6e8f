"""Commitments under concurrency: each counts exactly once in the project's funding secured.

A commitment counts when the city confirms it. Two deals on one project confirmed at the same
instant both add up (the project row is locked while its secured amount changes); two people
committing the same deal at once save one commitment, the other gets a stale version; two of
the city's people confirming the same commitment at once count it once. Races run on
PostgreSQL, each attempt in its own thread and connection (SQLite serialises write
transactions).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ascn.accounts.models import User
from ascn.core.errors import StaleEdit
from ascn.deals.models import Engagement
from ascn.deals.services import engagement_advance, engagement_confirm
from ascn.plans.models import Project
from tests import factories
from tests.races import ON_POSTGRESQL, race

pytest_plugins = ["tests.roles"]


def deal_at_term_sheet(roles, project, organisation) -> Engagement:
    """Phuket's CSCO courts ``organisation``; the Secretariat moves the deal to the term sheet."""
    return factories.engagement(
        roles.user("cso_phuket"),
        project=project,
        organisation=organisation,
        stage="term_sheet",
        advanced_by=roles.user("secretariat"),
    )


def commit(engagement_pk: int, user_pk: int, amount: str, version: int):
    def attempt():
        engagement_advance(
            actor=User.objects.get(pk=user_pk),
            engagement=Engagement.objects.get(pk=engagement_pk),
            stage="committed",
            version=version,
            commitment_amount=amount,
            commitment_currency="THB",
            commitment_instrument="grant",
        )

    return attempt


def confirm(engagement_pk: int, user_pk: int, version: int):
    def attempt():
        engagement_confirm(
            actor=User.objects.get(pk=user_pk),
            engagement=Engagement.objects.get(pk=engagement_pk),
            version=version,
            confirm=True,
        )

    return attempt


def committed(engagement: Engagement, by: User, amount: str) -> Engagement:
    return engagement_advance(
        actor=by,
        engagement=engagement,
        stage="committed",
        version=engagement.version,
        commitment_amount=amount,
        commitment_currency="THB",
        commitment_instrument="grant",
    )


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_commitments_confirmed_at_once_both_count(roles, adb):
    # given one project (100,000 THB secured) and two deals on it at the term sheet
    secretariat = roles.user("secretariat")
    project = factories.project(secretariat, title="Phuket", secured="100000", visibility="public")
    other = factories.organisation(secretariat, slug="other-bank", name="Other Bank")
    first = committed(deal_at_term_sheet(roles, project, adb), secretariat, "200000")
    second = committed(deal_at_term_sheet(roles, project, other), secretariat, "300000")
    version = Project.objects.get(pk=project.pk).version
    # when the city's officer and its representative confirm them at the same instant
    outcomes = race(
        Project,
        project.pk,
        [
            confirm(first.pk, roles.user("cso_phuket").pk, first.version),
            confirm(second.pk, roles.user("nr_th").pk, second.version),
        ],
    )
    # then both are saved and the project counts both, once each
    assert outcomes == ["saved", "saved"], outcomes
    project.refresh_from_db()
    assert project.funding_secured == Decimal("600000")
    assert project.version == version + 2


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_one_deal_committed_twice_at_once_counts_once(roles, adb):
    # given one project (100,000 THB secured) and a deal on it at the term sheet
    project = factories.project(
        roles.user("secretariat"), title="Phuket", secured="100000", visibility="public"
    )
    deal = deal_at_term_sheet(roles, project, adb)
    people = [roles.user("secretariat").pk, roles.user("partner_adb").pk]
    # when the partner and the Secretariat (for it) commit it at the same instant
    outcomes = race(
        Engagement,
        deal.pk,
        [
            commit(deal.pk, people[0], "200000", deal.version),
            commit(deal.pk, people[1], "250000", deal.version),
        ],
    )
    # then one commitment is saved, the other is stale
    assert outcomes.count("saved") == 1, outcomes
    assert sum(isinstance(o, StaleEdit) for o in outcomes) == 1, outcomes
    deal.refresh_from_db()
    # when the officer and the representative both confirm it at the same instant
    outcomes = race(
        Engagement,
        deal.pk,
        [
            confirm(deal.pk, roles.user("cso_phuket").pk, deal.version),
            confirm(deal.pk, roles.user("nr_th").pk, deal.version),
        ],
    )
    # then one answer is saved, the other is stale, and the project counts it once
    assert outcomes.count("saved") == 1, outcomes
    assert sum(isinstance(o, StaleEdit) for o in outcomes) == 1, outcomes
    deal.refresh_from_db()
    project.refresh_from_db()
    assert deal.commitment_confirmation == "confirmed"
    assert project.funding_secured == Decimal("100000") + deal.commitment_amount
