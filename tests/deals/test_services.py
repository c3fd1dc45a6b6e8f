"""The deal pipeline's services (SPEC C5): interest from either side, the transition table,
who may move a deal, stale versions, and commitments feeding the project's funding secured
once the city confirms them (the confirmation itself: test_confirmation.py)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from ascn.accounts.models import Notification
from ascn.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied, StaleEdit
from ascn.core.permissions import scopes_of
from ascn.deals.models import Engagement, EngagementEvent, EngagementSide
from ascn.deals.permissions import engagement_policy
from ascn.deals.queries import engagements_for
from ascn.deals.services import (
    ENGAGEMENT_TRANSITIONS,
    DuplicateEngagement,
    engagement_advance,
    engagement_confirm,
    engagement_create,
)
from ascn.plans.models import Project
from tests import factories
from tests.pipeline_fixtures import COMMITMENT
from tests.roles import PRINCIPALS, AuditMark

pytest_plugins = ["tests.roles", "tests.pipeline_fixtures"]

STAGES = list(ENGAGEMENT_TRANSITIONS)
LEGAL = {(a, b) for a, moves in ENGAGEMENT_TRANSITIONS.items() for b in moves}


def at_stage(engagement: Engagement, stage: str) -> Engagement:
    """Given a deal at ``stage`` (a committed one carries its commitment, confirmed by the
    city and already counted).

    Set with the ORM, deliberately: the transition table is tried from every stage, and the
    services would walk each deal there through the stages before it (adding its commitment
    to the project's funding secured on the way); only the move under test goes through them.
    """
    values = {"stage": stage}
    if stage in ("committed", "closed"):
        values.update(
            commitment_amount=Decimal("250000"),
            commitment_currency="THB",
            commitment_instrument="loan",
            commitment_confirmation="confirmed",
        )
    Engagement.objects.filter(pk=engagement.pk).update(**values)
    engagement.refresh_from_db()
    return engagement


# --- interest ---------------------------------------------------------------------------


def test_a_partner_member_expresses_interest_and_the_citys_officers_are_told(
    deals, mailoutbox, django_capture_on_commit_callbacks
):
    # given the ADB's member, and Phuket's officer who acts for the project's city
    mark = AuditMark()
    # when the member expresses interest in Phuket's public project
    with django_capture_on_commit_callbacks(execute=True):
        engagement = deals.interest()
    # then a deal at "interest" exists, initiated by the partner, with its first event
    assert engagement.stage == "interest"
    assert engagement.initiated_by == EngagementSide.PARTNER
    assert engagement.created_by == deals.roles.user("partner_adb")
    event = engagement.events.get()
    assert (event.from_stage, event.to_stage, event.note) == (
        "",
        "interest",
        "We would like to talk.",
    )
    assert mark.actions() == ["partners.engagement.created"]
    # and Phuket's officer (only) is notified in the platform and by e-mail
    notices = Notification.objects.filter(kind="engagement.interest")
    assert [n.user.email for n in notices] == ["cso-phuket@roles.test"]
    assert notices[0].url == f"/engagements/{engagement.pk}/"
    assert "Asian Development Bank" in notices[0].title
    assert [m.to for m in mailoutbox] == [["cso-phuket@roles.test"]]
    assert f"/engagements/{engagement.pk}/" in mailoutbox[0].body


def test_a_csco_expresses_interest_in_an_organisation_and_its_members_are_told(
    deals, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        engagement = deals.interest(by="cso_phuket")
    assert engagement.initiated_by == EngagementSide.CITY
    assert [n.user.email for n in Notification.objects.all()] == ["partner-adb@roles.test"]
    assert [m.to for m in mailoutbox] == [["partner-adb@roles.test"]]


def test_no_mail_leaves_when_the_transaction_is_rolled_back(deals, mailoutbox):
    # the rows are written with the deal; the e-mail waits for the commit that never comes
    deals.interest()
    assert Notification.objects.count() == 1
    assert mailoutbox == []


def test_a_pair_already_in_the_pipeline_is_a_409_linking_the_existing_deal(deals):
    existing = deals.interest()
    mark = AuditMark()
    with pytest.raises(DuplicateEngagement) as refused:
        deals.interest(by="cso_phuket")
    assert refused.value.status == 409
    assert f"/engagements/{existing.pk}/" in refused.value.message
    assert Engagement.objects.count() == 1
    assert mark.actions() == []


@pytest.mark.parametrize(
    ("who", "project", "error"),
    [
        ("partner_adb", "hanoi_draft", NotFound),  # a draft the partner cannot see
        ("cso_hanoi", "phuket_project", PermissionDenied),  # another city's project
        ("nr_th", "phuket_project", PermissionDenied),  # the NR reads deals, makes none
        ("secretariat", "phuket_project", PermissionDenied),  # not a party
    ],
)
def test_only_the_two_sides_express_interest(deals, who, project, error):
    with pytest.raises(error):
        engagement_create(
            actor=deals.roles.user(who), project=getattr(deals, project), organisation=deals.adb
        )
    assert not Engagement.objects.exists()


def test_a_csco_cannot_court_an_organisation_it_cannot_see(deals):
    # given an organisation whose profile is still a draft
    hidden = factories.organisation(
        deals.roles.user("secretariat"), slug="quiet-fund", name="Quiet Fund", visibility="draft"
    )
    # when Phuket's CSCO expresses interest in it, then it is not found
    with pytest.raises(NotFound):
        engagement_create(
            actor=deals.roles.user("cso_phuket"), project=deals.phuket_project, organisation=hidden
        )


# --- the transition table ---------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), sorted(itertools.product(STAGES, STAGES)))
def test_every_move_of_the_transition_table(deals, source, target):
    # given a deal at ``source``
    engagement = at_stage(deals.interest(), source)
    project_before = Project.objects.get(pk=deals.phuket_project.pk)
    events_before = engagement.events.count()
    mark = AuditMark()
    extra = COMMITMENT if target == "committed" else {}
    if (source, target) in LEGAL:
        # when the partner moves it to a stage the table allows, it moves
        moved = engagement_advance(
            actor=deals.roles.user("partner_adb"),
            engagement=engagement,
            stage=target,
            version=engagement.version,
            **extra,
        )
        assert moved.stage == target
        assert moved.version == engagement.version + 1
        assert engagement.events.count() == events_before + 1
        assert "partners.engagement.advanced" in mark.actions()
    else:
        # when the move is not in the table, it is refused and nothing changes
        with pytest.raises(IllegalTransition) as refused:
            engagement_advance(
                actor=deals.roles.user("partner_adb"),
                engagement=engagement,
                stage=target,
                version=engagement.version,
                **extra,
            )
        assert refused.value.status == 409
        stored = Engagement.objects.get(pk=engagement.pk)
        assert (stored.stage, stored.version) == (source, engagement.version)
        assert stored.events.count() == events_before
        assert mark.actions() == []
        project = Project.objects.get(pk=deals.phuket_project.pk)
        assert (project.funding_secured, project.version) == (
            project_before.funding_secured,
            project_before.version,
        )


def test_the_table_is_the_pipeline_of_the_spec():
    assert STAGES == [
        "interest",
        "discussion",
        "due_diligence",
        "term_sheet",
        "committed",
        "closed",
        "declined",
    ]
    forward = ["interest", "discussion", "due_diligence", "term_sheet", "committed", "closed"]
    assert LEGAL == set(itertools.pairwise(forward)) | {
        (stage, "declined") for stage in forward[:-1]
    }


def test_an_illegal_move_says_where_the_deal_may_go(deals):
    engagement = deals.interest()
    with pytest.raises(IllegalTransition) as refused:
        engagement_advance(
            actor=deals.roles.user("partner_adb"),
            engagement=engagement,
            stage="closed",
            version=engagement.version,
        )
    assert refused.value.message == (
        "A deal at “Interest” cannot move to “Closed”; next: Discussion or Declined."
    )


def test_an_unknown_stage_is_a_422_on_the_stage(deals):
    engagement = deals.interest()
    with pytest.raises(InvalidInput) as refused:
        engagement_advance(
            actor=deals.roles.user("partner_adb"),
            engagement=engagement,
            stage="signed",
            version=engagement.version,
        )
    assert refused.value.field == "stage"


# --- who moves a deal ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "outcome"),
    [
        ("partner_adb", None),
        ("cso_phuket", None),
        ("secretariat", None),
        ("nr_th", PermissionDenied),  # sees the deal, read-only
        ("cso_hanoi", NotFound),  # not a party: the deal does not exist for them
        ("anonymous", NotFound),
    ],
)
def test_who_may_move_a_deal(deals, who, outcome):
    engagement = deals.interest()
    actor = deals.roles[who].user
    if outcome is None:
        moved = engagement_advance(
            actor=actor, engagement=engagement, stage="discussion", version=engagement.version
        )
        assert moved.stage == "discussion"
        assert moved.events.last().actor == actor
    else:
        with pytest.raises(outcome):
            engagement_advance(
                actor=actor, engagement=engagement, stage="discussion", version=engagement.version
            )
        assert Engagement.objects.get(pk=engagement.pk).stage == "interest"


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("anonymous", False),
        ("secretariat", True),
        ("nr_th", True),
        ("cso_phuket", True),
        ("cso_hanoi", False),
        ("partner_adb", True),
    ],
)
def test_who_sees_a_deal(deals, who, sees):
    engagement = deals.interest()
    assert engagements_for(deals.roles[who].user).filter(pk=engagement.pk).exists() is sees


def test_a_stale_version_is_a_409_and_nothing_moves(deals):
    engagement = deals.interest()
    engagement_advance(
        actor=deals.roles.user("cso_phuket"),
        engagement=engagement,
        stage="discussion",
        version=engagement.version,
    )
    mark = AuditMark()
    with pytest.raises(StaleEdit) as refused:
        engagement_advance(
            actor=deals.roles.user("partner_adb"),
            engagement=engagement,
            stage="declined",
            version=engagement.version,  # the version the partner read, before the move
        )
    assert refused.value.status == 409
    stored = Engagement.objects.get(pk=engagement.pk)
    assert (stored.stage, stored.version) == ("discussion", engagement.version + 1)
    assert mark.actions() == []


# --- commitments ------------------------------------------------------------------------


def test_a_commitment_counts_once_the_city_confirms_it_and_exactly_once(
    deals, mailoutbox, django_capture_on_commit_callbacks
):
    # given a deal at the term sheet, on a project with 100,000 THB secured
    engagement = deals.at_term_sheet()
    project = Project.objects.get(pk=deals.phuket_project.pk)
    assert project.funding_secured == Decimal("100000")
    Notification.objects.all().delete()  # the notices so far are not what is tested
    mark = AuditMark()
    # when the partner commits 250,000 THB as a loan
    with django_capture_on_commit_callbacks(execute=True):
        committed = engagement_advance(
            actor=deals.roles.user("partner_adb"),
            engagement=engagement,
            stage="committed",
            version=engagement.version,
            note="Board approval obtained.",
            **COMMITMENT,
        )
    # then the deal carries the commitment, waiting for the city's confirmation
    assert (
        committed.commitment_amount,
        committed.commitment_currency,
        committed.commitment_instrument,
        committed.commitment_confirmation,
    ) == (Decimal("250000"), "THB", "loan", "pending")
    # and the project's secured funding has not moved yet
    stored = Project.objects.get(pk=project.pk)
    assert (stored.funding_secured, stored.version) == (Decimal("100000"), project.version)
    assert mark.actions() == ["partners.engagement.advanced"]
    assert mark.entries()[0].changes["commitment_amount"] == {"before": None, "after": "250000.00"}
    # and the city's officer and its member state's representative are asked to confirm
    notices = Notification.objects.order_by("user__email")
    assert [(n.user.email, n.kind) for n in notices] == [
        ("cso-phuket@roles.test", "engagement.confirmation_requested"),
        ("nr-th@roles.test", "engagement.confirmation_requested"),
    ]
    assert "committed 250,000\u00a0THB to" in notices[0].title  # no ".00", no raw figure
    assert sorted(m.to[0] for m in mailoutbox) == ["cso-phuket@roles.test", "nr-th@roles.test"]
    # when the city's officer confirms it
    mark = AuditMark()
    confirmed = engagement_confirm(
        actor=deals.roles.user("cso_phuket"),
        engagement=committed,
        version=committed.version,
        confirm=True,
    )
    # then it counts, and both changes are audited, the project's with its before and after
    stored = Project.objects.get(pk=project.pk)
    assert stored.funding_secured == Decimal("350000")
    assert stored.version == project.version + 1
    assert mark.actions() == ["plans.project.funding_committed", "partners.engagement.confirmed"]
    funding = mark.entries()[0]
    assert funding.changes == {"funding_secured": {"before": "100000.00", "after": "350000.00"}}
    # when the deal closes, nothing is counted twice
    engagement_advance(
        actor=deals.roles.user("cso_phuket"),
        engagement=confirmed,
        stage="closed",
        version=confirmed.version,
    )
    assert Project.objects.get(pk=project.pk).funding_secured == Decimal("350000")


def test_declining_a_confirmed_commitment_gives_it_back(deals):
    engagement = deals.committed()
    engagement = engagement_confirm(
        actor=deals.roles.user("cso_phuket"),
        engagement=engagement,
        version=engagement.version,
        confirm=True,
    )
    version = Project.objects.get(pk=deals.phuket_project.pk).version
    mark = AuditMark()
    engagement_advance(
        actor=deals.roles.user("partner_adb"),
        engagement=engagement,
        stage="declined",
        version=engagement.version,
        note="Financing withdrawn.",
    )
    project = Project.objects.get(pk=deals.phuket_project.pk)
    assert (project.funding_secured, project.version) == (Decimal("100000"), version + 1)
    assert mark.actions() == ["plans.project.funding_withdrawn", "partners.engagement.advanced"]


def test_declining_an_unconfirmed_commitment_gives_nothing_back(deals):
    engagement = deals.committed()
    version = Project.objects.get(pk=deals.phuket_project.pk).version
    mark = AuditMark()
    engagement_advance(
        actor=deals.roles.user("partner_adb"),
        engagement=engagement,
        stage="declined",
        version=engagement.version,
    )
    project = Project.objects.get(pk=deals.phuket_project.pk)
    assert (project.funding_secured, project.version) == (Decimal("100000"), version)
    assert mark.actions() == ["partners.engagement.advanced"]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"commitment_amount": None}, "commitment_amount"),
        ({"commitment_amount": "0"}, "commitment_amount"),
        ({"commitment_amount": "-5"}, "commitment_amount"),
        ({"commitment_amount": "lots"}, "commitment_amount"),
        ({"commitment_amount": "10.001"}, "commitment_amount"),
        ({"commitment_currency": ""}, "commitment_currency"),
        ({"commitment_currency": "USD"}, "commitment_currency"),  # not the budget's currency
        ({"commitment_instrument": ""}, "commitment_instrument"),
        ({"commitment_instrument": "barter"}, "commitment_instrument"),
        ({"commitment_amount": "900000.01"}, "commitment_amount"),  # beyond the funding gap
    ],
)
def test_a_commitment_needs_amount_currency_and_instrument(deals, override, field):
    engagement = deals.at_term_sheet()
    project = Project.objects.get(pk=deals.phuket_project.pk)
    with pytest.raises(InvalidInput) as refused:
        engagement_advance(
            actor=deals.roles.user("partner_adb"),
            engagement=engagement,
            stage="committed",
            version=engagement.version,
            **{**COMMITMENT, **override},
        )
    assert refused.value.field == field
    stored = Engagement.objects.get(pk=engagement.pk)
    assert (stored.stage, stored.commitment_amount) == ("term_sheet", None)
    after = Project.objects.get(pk=project.pk)
    assert (after.funding_secured, after.version) == (project.funding_secured, project.version)


def test_a_commitment_beyond_the_gap_says_the_gap_as_a_person_writes_it(deals):
    engagement = deals.at_term_sheet()
    with pytest.raises(InvalidInput) as refused:
        engagement_advance(
            actor=deals.roles.user("partner_adb"),
            engagement=engagement,
            stage="committed",
            version=engagement.version,
            **{**COMMITMENT, "commitment_amount": "900000.01"},
        )
    assert refused.value.message == (
        "The commitment exceeds the project's funding gap (900,000\u00a0THB still to find)."
    )


def test_the_whole_funding_gap_may_be_committed(deals):
    engagement = deals.committed(commitment_amount="900000.00")
    engagement_confirm(
        actor=deals.roles.user("nr_th"),
        engagement=engagement,
        version=engagement.version,
        confirm=True,
    )
    project = Project.objects.get(pk=deals.phuket_project.pk)
    assert (project.funding_secured, project.funding_gap) == (Decimal("1000000"), Decimal("0"))


def test_a_commitment_is_refused_on_any_other_move(deals):
    engagement = deals.interest()
    with pytest.raises(InvalidInput) as refused:
        engagement_advance(
            actor=deals.roles.user("partner_adb"),
            engagement=engagement,
            stage="discussion",
            version=engagement.version,
            **COMMITMENT,
        )
    assert refused.value.field == "commitment_amount"


def test_every_stage_change_tells_both_sides_but_not_the_mover(
    deals, mailoutbox, django_capture_on_commit_callbacks
):
    # given a deal, and none of the notices of its interest
    engagement = deals.interest()
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        engagement_advance(
            actor=deals.roles.user("secretariat"),
            engagement=engagement,
            stage="discussion",
            version=engagement.version,
            note="Introduced at the annual meeting.",
        )
    notices = Notification.objects.order_by("user__email")
    assert [(n.user.email, n.kind) for n in notices] == [
        ("cso-phuket@roles.test", "engagement.stage_changed"),
        ("partner-adb@roles.test", "engagement.stage_changed"),
    ]
    assert (
        notices[0].title == "“Phuket flood sensors” × Asian Development Bank: Interest → Discussion"
    )
    assert notices[0].body == "Introduced at the annual meeting."
    assert sorted(m.to[0] for m in mailoutbox) == [
        "cso-phuket@roles.test",
        "partner-adb@roles.test",
    ]


def test_the_system_creates_sample_deals_only_naming_a_side(deals):
    with pytest.raises(InvalidInput):
        engagement_create(actor=None, project=deals.phuket_project, organisation=deals.adb)
    engagement = engagement_create(
        actor=None,
        project=deals.phuket_project,
        organisation=deals.adb,
        side="partner",
        sample=True,
    )
    assert engagement.sample and engagement.created_by is None
    assert EngagementEvent.objects.filter(engagement=engagement, actor=None).exists()


@pytest.mark.parametrize("who", PRINCIPALS)
def test_a_deals_events_are_seen_by_those_who_see_the_deal(roles, deals, who):
    # the parties-only rule, asked of the engagement through its events, is the rule itself:
    # a visitor sees no deal, a party its own, the Secretariat all
    deals.interest()
    user = roles[who].user or AnonymousUser()
    seen = set(
        engagement_policy.visible(user, Engagement.objects.all()).values_list("pk", flat=True)
    )

    rule = engagement_policy.visible_q(scopes_of(user), "engagement__")
    events = EngagementEvent.objects.all() if rule is None else EngagementEvent.objects.filter(rule)

    assert set(events.values_list("engagement_id", flat=True)) == seen
    assert bool(seen) == (who in ("secretariat", "nr_th", "cso_phuket", "partner_adb"))
