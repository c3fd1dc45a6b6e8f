"""A commitment counts when both sides agree (issue 17, item 4): the partner records it, the
city (a Chief Smart City Officer of the project's city or its member state's National
Representative) confirms it or declines to with a reason; only then does it change the
project's funding secured. Either side sees who answered and when; the audit trail keeps it."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from ascn.accounts.models import Notification
from ascn.accounts.services import notification_preferences_update
from ascn.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied
from ascn.deals.models import Engagement
from ascn.deals.services import engagement_advance, engagement_confirm
from ascn.plans.models import Project
from tests.conftest import page_text
from tests.pipeline_fixtures import COMMITMENT
from tests.roles import AuditMark

pytest_plugins = ["tests.roles", "tests.pipeline_fixtures"]


def secured(deals) -> Decimal:
    return Project.objects.get(pk=deals.phuket_project.pk).funding_secured


@pytest.mark.parametrize(
    ("who", "outcome"),
    [
        ("cso_phuket", None),
        ("nr_th", None),
        ("partner_adb", PermissionDenied),  # the commitment's own side
        ("secretariat", PermissionDenied),  # does not answer for the city
        ("cso_hanoi", NotFound),  # not a party
    ],
)
def test_who_answers_for_the_city(deals, who, outcome):
    engagement = deals.committed()
    actor = deals.roles[who].user
    if outcome is None:
        answered = engagement_confirm(
            actor=actor, engagement=engagement, version=engagement.version, confirm=True
        )
        assert answered.commitment_confirmation == "confirmed"
        assert answered.commitment_confirmed_by == actor
        assert secured(deals) == Decimal("350000")
    else:
        with pytest.raises(outcome):
            engagement_confirm(
                actor=actor, engagement=engagement, version=engagement.version, confirm=True
            )
        assert Engagement.objects.get(pk=engagement.pk).commitment_confirmation == "pending"
        assert secured(deals) == Decimal("100000")


def test_only_the_partner_side_records_a_commitment(deals):
    # a city's officer cannot state a partner's commitment: the partner makes it
    engagement = deals.at_term_sheet()
    with pytest.raises(PermissionDenied):
        engagement_advance(
            actor=deals.roles.user("cso_phuket"),
            engagement=engagement,
            stage="committed",
            version=engagement.version,
            **COMMITMENT,
        )
    # the Secretariat may record it for the partner: the city still confirms it
    engagement = deals.committed(Engagement.objects.get(pk=engagement.pk), by="secretariat")
    assert engagement.awaiting_confirmation
    assert secured(deals) == Decimal("100000")


def test_a_deal_closes_only_once_its_commitment_is_confirmed(deals):
    engagement = deals.committed()
    with pytest.raises(IllegalTransition) as refused:
        engagement_advance(
            actor=deals.roles.user("partner_adb"),
            engagement=engagement,
            stage="closed",
            version=engagement.version,
        )
    assert "not yet confirmed" in refused.value.message
    engagement = engagement_confirm(
        actor=deals.roles.user("cso_phuket"),
        engagement=engagement,
        version=engagement.version,
        confirm=True,
    )
    closed = engagement_advance(
        actor=deals.roles.user("partner_adb"),
        engagement=engagement,
        stage="closed",
        version=engagement.version,
    )
    assert closed.stage == "closed" and secured(deals) == Decimal("350000")


def test_declining_needs_a_reason_and_sends_the_deal_back_to_the_term_sheet(
    deals, mailoutbox, django_capture_on_commit_callbacks
):
    # given ADB's commitment waiting for Phuket
    engagement = deals.committed()
    officer = deals.roles.user("cso_phuket")
    # a decline without a reason is refused on the reason, and nothing changes
    with pytest.raises(InvalidInput) as refused:
        engagement_confirm(
            actor=officer, engagement=engagement, version=engagement.version, confirm=False
        )
    assert refused.value.field == "reason"
    Notification.objects.all().delete()
    mark = AuditMark()
    # when the officer declines with the reason
    with django_capture_on_commit_callbacks(execute=True):
        back = engagement_confirm(
            actor=officer,
            engagement=engagement,
            version=engagement.version,
            confirm=False,
            reason="The council approved 200,000 THB, not 250,000.",
        )
    # then the deal is back at the term sheet, its commitment cleared, nothing counted
    assert (back.stage, back.commitment_amount, back.commitment_confirmation) == (
        "term_sheet",
        None,
        "",
    )
    assert secured(deals) == Decimal("100000")
    # and the history keeps who declined what, and why
    event = back.events.last()
    assert (event.kind, event.actor, event.from_stage, event.to_stage) == (
        "not_confirmed",
        officer,
        "committed",
        "term_sheet",
    )
    assert (event.commitment_amount, event.commitment_currency) == (Decimal("250000"), "THB")
    assert event.note == "The council approved 200,000 THB, not 250,000."
    # and the audit trail records it with the reason
    entry = mark.only("partners.engagement.not_confirmed")
    assert entry.changes["stage"] == {"before": "committed", "after": "term_sheet"}
    assert entry.changes["reason"]["after"] == "The council approved 200,000 THB, not 250,000."
    # and the partner's member (and the representative) hear it, the officer does not
    notices = Notification.objects.order_by("user__email")
    assert [(n.user.email, n.kind) for n in notices] == [
        ("nr-th@roles.test", "engagement.not_confirmed"),
        ("partner-adb@roles.test", "engagement.not_confirmed"),
    ]
    assert notices[1].body == "The council approved 200,000 THB, not 250,000."
    # and the partner may commit again with the corrected amount
    again = deals.committed(back, commitment_amount="200000.00")
    assert again.awaiting_confirmation


def test_confirming_tells_the_partner_and_is_audited(deals, django_capture_on_commit_callbacks):
    engagement = deals.committed()
    Notification.objects.all().delete()
    mark = AuditMark()
    with django_capture_on_commit_callbacks(execute=True):
        engagement_confirm(
            actor=deals.roles.user("nr_th"),
            engagement=engagement,
            version=engagement.version,
            confirm=True,
        )
    entry = mark.entries()[-1]
    assert entry.action == "partners.engagement.confirmed"
    assert entry.changes["commitment_confirmation"] == {"before": "pending", "after": "confirmed"}
    notices = Notification.objects.order_by("user__email")
    assert [(n.user.email, n.kind) for n in notices] == [
        ("cso-phuket@roles.test", "engagement.confirmed"),
        ("partner-adb@roles.test", "engagement.confirmed"),
    ]
    assert "confirmed Asian Development Bank's commitment of 250,000" in notices[1].title


def test_the_answer_follows_each_persons_notification_preference(
    deals, mailoutbox, django_capture_on_commit_callbacks
):
    # given the NR who wants the confirmation requests in the app only
    notification_preferences_update(
        actor=deals.roles.user("nr_th"), changes={"engagement.confirmation_requested": "app"}
    )
    engagement = deals.at_term_sheet()
    mailoutbox.clear()
    Notification.objects.all().delete()
    # when ADB commits
    with django_capture_on_commit_callbacks(execute=True):
        deals.committed(engagement)
    # then only the officer is e-mailed; both have the notice in the app
    assert [m.to for m in mailoutbox] == [["cso-phuket@roles.test"]]
    kinds = Notification.objects.filter(kind="engagement.confirmation_requested")
    assert kinds.count() == 2


def test_a_stale_or_absent_commitment_is_a_409(deals):
    engagement = deals.at_term_sheet()
    with pytest.raises(IllegalTransition):
        engagement_confirm(
            actor=deals.roles.user("cso_phuket"),
            engagement=engagement,
            version=engagement.version,
            confirm=True,
        )


def test_the_deal_page_offers_the_city_its_answer_and_shows_who_gave_it(deals):
    engagement = deals.committed()
    url = f"/engagements/{engagement.pk}/"
    # the partner sees it waiting, with no form to confirm
    partner_page = page_text(deals.roles.session("partner_adb").get(url))
    assert "Waiting for the city's confirmation" in partner_page
    assert "Send the city's answer" not in partner_page
    # Phuket's officer has the form
    officer = deals.roles.session("cso_phuket")
    assert "Send the city's answer" in page_text(officer.get(url))
    # declining without a reason is an error on the form
    missing = officer.post(
        f"{url}confirm/", {"confirm-decision": "decline", "confirm-version": engagement.version}
    )
    assert missing.status_code == 422
    assert "Say why the city does not confirm" in page_text(missing)
    # the partner posting an answer is refused
    refused = deals.roles.session("partner_adb").post(
        f"{url}confirm/", {"confirm-decision": "confirm", "confirm-version": engagement.version}
    )
    assert refused.status_code == 403
    # confirmed, both sides read who confirmed it in the history
    done = officer.post(
        f"{url}confirm/", {"confirm-decision": "confirm", "confirm-version": engagement.version}
    )
    assert done.status_code == 302
    page = page_text(deals.roles.session("partner_adb").get(url))
    assert "Confirmed for the city by cso_phuket" in page
    assert "Commitment of 250,000 THB confirmed for the city · cso_phuket" in page


def test_the_workspace_lists_the_commitments_waiting(deals):
    engagement = deals.committed()
    officer = page_text(deals.roles.session("cso_phuket").get("/workspace/"))
    assert "Commitments waiting for the city's confirmation" in officer
    assert "Confirm or decline" in officer
    representative = page_text(deals.roles.session("nr_th").get("/workspace/"))
    assert "Confirm or decline" in representative
    partner = page_text(deals.roles.session("partner_adb").get("/workspace/"))
    assert "Waiting for the city" in partner and "Confirm or decline" not in partner
    assert "Commitments waiting" not in page_text(
        deals.roles.session("cso_hanoi").get("/workspace/")
    )
    # once answered, it leaves the list
    engagement_confirm(
        actor=deals.roles.user("cso_phuket"),
        engagement=engagement,
        version=engagement.version,
        confirm=True,
    )
    assert "Commitments waiting" not in page_text(
        deals.roles.session("cso_phuket").get("/workspace/")
    )


def test_the_migration_counts_earlier_commitments_as_confirmed(deals):
    # given deals committed and closed before confirmation existed (already counted), and one
    # still at the term sheet
    earlier = deals.at_term_sheet()
    Engagement.objects.filter(pk=earlier.pk).update(
        stage="committed", commitment_amount=Decimal("250000"), commitment_currency="THB"
    )
    migration = importlib.import_module("ascn.deals.migrations.0003_confirm_earlier_commitments")
    # when the migration runs
    migration.confirm_earlier_commitments(apps, None)
    # then they count as confirmed, by nobody and at no time; the project's figures unchanged
    stored = Engagement.objects.get(pk=earlier.pk)
    assert (
        stored.commitment_confirmation,
        stored.commitment_confirmed_by,
        stored.commitment_confirmed_at,
    ) == ("confirmed", None, None)
    assert secured(deals) == Decimal("100000")
    page = page_text(deals.roles.session("cso_phuket").get(f"/engagements/{earlier.pk}/"))
    assert "before the city's confirmation was asked" in page


def test_a_commitment_the_system_confirmed_shows_on_the_deal_page(deals):
    # given a commitment confirmed by the system (the demo's seed confirms with no person)
    engagement = deals.committed()
    engagement_confirm(actor=None, engagement=engagement, version=engagement.version, confirm=True)
    # then both sides' page says so, rather than failing on the missing person
    for side in ("partner_adb", "cso_phuket"):
        response = deals.roles.session(side).get(f"/engagements/{engagement.pk}/")
        assert response.status_code == 200
        assert "Confirmed for the city by the system" in page_text(response)
