"""Funding programmes (SPEC C5; issue 5 part 2): calls, applications, awards, disbursements.

Cities apply with a project; the programme's managers (members of its sponsor or of the
organisation implementing it, and the Secretariat) shortlist, award or decline; the balance
(total − awarded) is always right and never negative.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ascn.core.errors import IllegalTransition, InvalidInput, NotFound, PermissionDenied, StaleEdit
from ascn.funding.management.commands.load_partners import load_partners, load_programmes
from ascn.funding.models import Application, Programme
from ascn.funding.services import (
    APPLICATION_TRANSITIONS,
    allowed_actions,
    application_award,
    application_create,
    application_transition,
    call_create,
    call_update,
    disbursement_create,
    programme_create,
    programme_update,
)
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_update
from ascn.plans.models import Project
from ascn.plans.services import exchange_rate_set
from tests import factories
from tests.roles import AuditMark

pytest_plugins = ["tests.roles"]

AASCTF = "asean-australia-smart-cities-trust-fund"
US_FUND = "us-smart-cities-business-innovation-fund"


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def seeded(roles):
    load_partners()
    load_programmes()
    return roles


@pytest.fixture
def fund(seeded) -> Programme:
    """The AASCTF (sponsor DFAT, implemented by the ADB) with a call open today."""
    programme = Programme.objects.get(slug=AASCTF)
    factories.call(
        seeded.user("secretariat"),
        programme=programme,
        title="Digital solutions 2026",
        opens_on=today() - dt.timedelta(days=10),
        closes_on=today() + dt.timedelta(days=20),
    )
    return programme


def apply(
    roles,
    programme,
    amount="100000",
    who="cso_phuket",
    city="phuket",
    status="preparation",
    areas=("quality-environment",),
):
    """``who`` (a CSCO of ``city``) applies to the open call of ``programme`` with a new
    drainage project of the city."""
    project = factories.project(
        roles.user(who),
        city=city,
        title=f"{city} smart drainage",
        status=status,
        focus_areas=areas,
    )
    return application_create(
        actor=roles.user(who),
        call=programme.calls.first(),
        project=project,
        amount_requested=amount,
        currency=programme.currency,
    )


def shortlisted(roles, programme, amount="100000", **kwargs) -> Application:
    application = apply(roles, programme, amount, **kwargs)
    application = application_transition(
        actor=roles.user(kwargs.get("who", "cso_phuket")),
        application=application,
        action="submit",
        version=1,
    )
    return application_transition(
        actor=roles.user("secretariat"), application=application, action="shortlist", version=2
    )


# --- the transition table --------------------------------------------------------------


def test_the_transition_table_is_the_documented_workflow():
    assert {(s, a): t for (s, a), (t, _who) in APPLICATION_TRANSITIONS.items()} == {
        ("draft", "submit"): "submitted",
        ("submitted", "shortlist"): "shortlisted",
        ("submitted", "decline"): "declined",
        ("shortlisted", "decline"): "declined",
        ("shortlisted", "award"): "awarded",
    }
    assert {who for _t, who in APPLICATION_TRANSITIONS.values()} == {"city", "manager"}
    assert APPLICATION_TRANSITIONS[("draft", "submit")][1] == "city"


def test_a_city_applies_submits_and_the_implementer_shortlists_and_awards(fund, seeded):
    roles = seeded
    mark = AuditMark()
    # given a draft application of Phuket's project
    application = apply(roles, fund, "250000")
    assert (application.status, application.version) == ("draft", 1)
    assert allowed_actions(roles.user("cso_phuket"), application) == ["submit"]
    # when Phuket submits, and a member of the ADB (the implementer) shortlists and awards
    application = application_transition(
        actor=roles.user("cso_phuket"), application=application, action="submit", version=1
    )
    assert application.submitted_at is not None
    assert allowed_actions(roles.user("partner_adb"), application) == ["shortlist", "decline"]
    application = application_transition(
        actor=roles.user("partner_adb"), application=application, action="shortlist", version=2
    )
    award = application_award(
        actor=roles.user("partner_adb"), application=application, amount="200000", version=3
    )
    # then the application is awarded and the balance is total − awarded
    application.refresh_from_db()
    fund.refresh_from_db()
    assert application.status == "awarded"
    assert award.amount == Decimal("200000.00")
    assert fund.awarded_amount == Decimal("200000.00")
    assert fund.balance == Decimal("19800000.00")
    assert mark.actions() == [
        "plans.project.created",
        "partners.application.created",
        "partners.application.submitted",
        "partners.application.shortlisted",
        "partners.application.awarded",
        "partners.programme.awarded",
    ]


@pytest.mark.parametrize(
    ("status_path", "action"),
    [
        ([], "shortlist"),
        ([], "decline"),
        (["submit"], "submit"),
        (["submit", "shortlist"], "shortlist"),
        (["submit", "decline"], "shortlist"),
        (["submit", "decline"], "submit"),
    ],
)
def test_a_step_outside_the_table_is_a_409(fund, seeded, status_path, action):
    roles = seeded
    application = apply(roles, fund)
    for step in status_path:
        who = "cso_phuket" if step == "submit" else "secretariat"
        application = application_transition(
            actor=roles.user(who), application=application, action=step, version=application.version
        )
    who = "cso_phuket" if action == "submit" else "secretariat"
    with pytest.raises(IllegalTransition) as raised:
        application_transition(
            actor=roles.user(who),
            application=application,
            action=action,
            version=application.version,
        )
    assert raised.value.status == 409


def test_only_a_shortlisted_application_is_awarded(fund, seeded):
    application = apply(seeded, fund)
    with pytest.raises(IllegalTransition):
        application_award(
            actor=seeded.user("secretariat"), application=application, amount="1", version=1
        )


# --- who may do what -------------------------------------------------------------------------


def test_only_the_city_submits_and_only_managers_decide(fund, seeded):
    roles = seeded
    application = apply(roles, fund)
    # the Secretariat and the NR see the draft, but the city alone submits it
    for who in ("secretariat", "nr_th"):
        with pytest.raises(PermissionDenied):
            application_transition(
                actor=roles.user(who), application=application, action="submit", version=1
            )
    # another city and the ADB do not even see a draft
    for who in ("cso_hanoi", "partner_adb"):
        with pytest.raises(NotFound):
            application_transition(
                actor=roles.user(who), application=application, action="submit", version=1
            )
    application = application_transition(
        actor=roles.user("cso_phuket"), application=application, action="submit", version=1
    )
    # the city and its NR may not shortlist their own application
    for who in ("cso_phuket", "nr_th"):
        with pytest.raises(PermissionDenied):
            application_transition(
                actor=roles.user(who), application=application, action="shortlist", version=2
            )
    # the Secretariat may
    application = application_transition(
        actor=roles.user("secretariat"), application=application, action="shortlist", version=2
    )
    assert application.status == "shortlisted"


def test_a_member_of_an_unrelated_organisation_cannot_decide(seeded):
    roles = seeded
    programme = Programme.objects.get(slug=US_FUND)
    factories.call(
        roles.user("secretariat"),
        programme=programme,
        title="Solutions",
        opens_on=today(),
        closes_on=today(),
    )
    application = apply(roles, programme, "1000")
    application = application_transition(
        actor=roles.user("cso_phuket"), application=application, action="submit", version=1
    )
    # the ADB neither sponsors nor implements the US fund: the application is out of its sight
    with pytest.raises(NotFound):
        application_transition(
            actor=roles.user("partner_adb"), application=application, action="decline", version=2
        )


def test_only_the_projects_city_applies_with_it(fund, seeded):
    roles = seeded
    project = factories.project(roles.user("cso_phuket"), focus_areas=["quality-environment"])
    with pytest.raises(NotFound):  # Hanoi does not see Phuket's draft project
        application_create(
            actor=roles.user("cso_hanoi"),
            call=fund.calls.first(),
            project=project,
            amount_requested="10",
        )
    for who in ("secretariat", "nr_th"):
        with pytest.raises(PermissionDenied):
            application_create(
                actor=roles.user(who),
                call=fund.calls.first(),
                project=project,
                amount_requested="10",
            )
    assert not Application.objects.exists()


def test_programmes_are_kept_by_sponsor_implementer_and_secretariat(fund, seeded):
    roles = seeded
    # the ADB implements the AASCTF: its members edit it
    fund = programme_update(
        actor=roles.user("partner_adb"), programme=fund, version=fund.version, period_label="5 yrs"
    )
    # a CSCO may read it but not edit it
    with pytest.raises(PermissionDenied):
        programme_update(
            actor=roles.user("cso_phuket"), programme=fund, version=fund.version, name="Mine"
        )
    # a stale version is refused and nothing is overwritten
    with pytest.raises(StaleEdit):
        programme_update(
            actor=roles.user("secretariat"), programme=fund, version=fund.version - 1, name="Old"
        )
    fund.refresh_from_db()
    assert (fund.period_label, fund.name) == (
        "5 yrs",
        "ASEAN-Australia Smart Cities Trust Fund (AASCTF)",
    )
    # only the sponsor's members and the Secretariat create a programme for a sponsor
    dfat = Organisation.objects.get(slug="australia-dfat")
    with pytest.raises(PermissionDenied):
        programme_create(
            actor=roles.user("partner_adb"),
            slug="new",
            sponsor=dfat,
            name="New",
            total_amount="10",
            currency="AUD",
        )
    adb = Organisation.objects.get(slug="asian-development-bank")
    own = programme_create(
        actor=roles.user("partner_adb"),
        slug="adb-own",
        sponsor=adb,
        name="ADB fund",
        total_amount="10",
        currency="USD",
    )
    assert own.visibility == "draft"


def test_the_total_cannot_drop_below_what_is_awarded(fund, seeded):
    application = shortlisted(seeded, fund)
    application_award(
        actor=seeded.user("secretariat"), application=application, amount="5000", version=3
    )
    fund.refresh_from_db()
    with pytest.raises(InvalidInput) as raised:
        programme_update(
            actor=seeded.user("secretariat"),
            programme=fund,
            version=fund.version,
            total_amount="4999",
        )
    assert raised.value.field == "total_amount"


def test_a_programme_is_seen_by_no_more_readers_than_its_partners(seeded):
    """The API walk of 8 Dec: a public programme named its draft sponsor (name and page) to
    anonymous readers, and a real programme took a sample sponsor."""
    secretariat = seeded.user("secretariat")

    def create(slug: str, sponsor: Organisation, **values) -> Programme:
        return programme_create(
            actor=secretariat,
            slug=slug,
            sponsor=sponsor,
            name=slug.title(),
            total_amount="1000",
            currency="USD",
            **values,
        )

    hidden = factories.organisation(secretariat, slug="quiet-fund", visibility="draft")
    programme = create("quiet", hidden)
    with pytest.raises(InvalidInput) as raised:
        programme_update(actor=secretariat, programme=programme, version=1, visibility="public")
    assert raised.value.field == "visibility"
    assert "publish the organisation first" in raised.value.message
    programme.refresh_from_db()
    assert programme.visibility == "draft"
    with pytest.raises(InvalidInput):  # nor created public
        create("loud", hidden, visibility="network")
    # a sample organisation's programme is sample data too (the review of 8 Dec: its page
    # and the API, which send no "sample", were refused)
    sample = factories.organisation(secretariat, slug="sample-fund", sample=True)
    sampled = create("sampled", sample)
    assert sampled.sample
    with pytest.raises(InvalidInput) as raised:  # with a real implementer: never mixed
        programme_update(actor=secretariat, programme=sampled, version=1, implementer=hidden)
    assert raised.value.field == "implementer" and "never mix" in raised.value.message
    assert not Programme.objects.filter(slug="loud").exists()
    # the other side: an organisation is not made draft under its public programme, and an
    # edit of the programme that leaves its partners alone is never refused for them
    shown = factories.organisation(secretariat, slug="shown-fund")
    public = create("public", shown, visibility="public")
    with pytest.raises(InvalidInput) as raised:
        organisation_update(
            actor=secretariat, organisation=shown, version=shown.version, visibility="draft"
        )
    assert raised.value.field == "visibility"
    Organisation.objects.filter(pk=shown.pk).update(visibility="draft")  # as before the rule
    programme_update(actor=secretariat, programme=public, version=1, name="Renamed")
    assert Programme.objects.get(pk=public.pk).name == "Renamed"


# --- calls -----------------------------------------------------------------------------------


def test_a_call_closes_on_or_after_it_opens_and_edits_carry_the_version(fund, seeded):
    secretariat = seeded.user("secretariat")
    with pytest.raises(InvalidInput) as raised:
        call_create(
            actor=secretariat,
            programme=fund,
            title="Backwards",
            opens_on=today(),
            closes_on=today() - dt.timedelta(days=1),
        )
    assert raised.value.field == "closes_on"
    call = fund.calls.first()
    call = call_update(actor=secretariat, call=call, version=1, title="Renamed")
    with pytest.raises(StaleEdit):
        call_update(actor=secretariat, call=call, version=1, title="Lost")
    with pytest.raises(PermissionDenied):
        call_update(actor=seeded.user("cso_phuket"), call=call, version=2, title="Mine")


# --- eligibility and amounts ------------------------------------------------------------------


@pytest.fixture
def thai_fund(seeded) -> Programme:
    programme = factories.programme(
        seeded.user("secretariat"),
        slug="thai-drainage",
        sponsor=Organisation.objects.get(slug="asian-development-bank"),
        name="Thai drainage window",
        total="1000000",
        currency="USD",
        max_award_amount="300000",
        eligible_countries=["TH"],
        eligible_focus_areas=["quality-environment"],
        eligible_stages=["preparation", "identification"],
        visibility="public",
    )
    factories.call(
        seeded.user("secretariat"),
        programme=programme,
        title="Round 1",
        opens_on=today(),
        closes_on=today() + dt.timedelta(days=1),
    )
    return programme


@pytest.mark.parametrize(
    ("city", "who", "status", "areas", "message"),
    [
        ("hanoi", "cso_hanoi", "preparation", ("quality-environment",), "Viet Nam"),
        ("phuket", "cso_phuket", "preparation", ("health-wellbeing",), "focus areas"),
        (
            "phuket",
            "cso_phuket",
            "implementation",
            ("quality-environment",),
            "“Implementation” stage",
        ),
    ],
)
def test_an_ineligible_project_is_refused_naming_why(
    thai_fund, seeded, city, who, status, areas, message
):
    with pytest.raises(InvalidInput) as raised:
        apply(seeded, thai_fund, "1000", who=who, city=city, status=status, areas=areas)
    assert raised.value.field == "project"
    assert message in raised.value.message


def test_amounts_are_in_the_programmes_currency_and_within_the_largest_award(thai_fund, seeded):
    project = factories.project(seeded.user("cso_phuket"), focus_areas=["quality-environment"])
    call = thai_fund.calls.first()
    with pytest.raises(InvalidInput) as raised:
        application_create(
            actor=seeded.user("cso_phuket"),
            call=call,
            project=project,
            amount_requested="1000",
            currency="THB",
        )
    assert raised.value.field == "currency"
    with pytest.raises(InvalidInput) as raised:
        application_create(
            actor=seeded.user("cso_phuket"),
            call=call,
            project=project,
            amount_requested="300000.01",
        )
    assert raised.value.field == "amount_requested"
    application_create(
        actor=seeded.user("cso_phuket"), call=call, project=project, amount_requested="300000"
    )
    with pytest.raises(InvalidInput) as raised:  # one application per call and project
        application_create(
            actor=seeded.user("cso_phuket"), call=call, project=project, amount_requested="1"
        )
    assert raised.value.field == "project"


def test_submitting_needs_the_call_open_today(fund, seeded):
    application = apply(seeded, fund)
    call = fund.calls.first()
    call_update(
        actor=seeded.user("secretariat"),
        call=call,
        version=1,
        opens_on=today() + dt.timedelta(days=1),
        closes_on=today() + dt.timedelta(days=9),
    )
    with pytest.raises(InvalidInput) as raised:
        application_transition(
            actor=seeded.user("cso_phuket"), application=application, action="submit", version=1
        )
    assert raised.value.field == "call"
    application.refresh_from_db()
    assert application.status == "draft"


# --- awards and disbursements -----------------------------------------------------------------


def test_an_award_never_exceeds_the_balance(seeded):
    roles = seeded
    programme = Programme.objects.get(slug=US_FUND)
    programme_update(
        actor=roles.user("secretariat"), programme=programme, version=1, total_amount="500000"
    )
    factories.call(
        roles.user("secretariat"),
        programme=programme,
        title="Round",
        opens_on=today(),
        closes_on=today(),
    )
    programme.refresh_from_db()
    first = shortlisted(roles, programme, "300000")
    second = shortlisted(roles, programme, "300000", who="cso_hanoi", city="hanoi")
    secretariat = roles.user("secretariat")
    application_award(actor=secretariat, application=first, amount="300000", version=3)
    mark = AuditMark()
    with pytest.raises(InvalidInput) as raised:
        application_award(actor=secretariat, application=second, amount="200000.01", version=3)
    assert raised.value.field == "amount"
    assert raised.value.message == "Only 200,000\u00a0USD remain in the programme."
    assert mark.actions() == []
    application_award(actor=secretariat, application=second, amount="200000", version=3)
    programme.refresh_from_db()
    assert (programme.awarded_amount, programme.balance) == (Decimal("500000"), Decimal("0"))


def test_an_award_never_exceeds_the_largest_award(seeded):
    roles = seeded
    programme = Programme.objects.get(slug=US_FUND)
    factories.call(
        roles.user("secretariat"),
        programme=programme,
        title="R",
        opens_on=today(),
        closes_on=today(),
    )
    application = shortlisted(roles, programme, "300000")
    with pytest.raises(InvalidInput) as raised:
        application_award(
            actor=roles.user("secretariat"), application=application, amount="300000.01", version=3
        )
    assert raised.value.field == "amount"
    with pytest.raises(StaleEdit):
        application_award(
            actor=roles.user("secretariat"), application=application, amount="300000", version=2
        )
    award = application_award(
        actor=roles.user("secretariat"), application=application, amount="300000", version=3
    )
    assert award.amount == Decimal("300000")


def test_disbursements_never_exceed_the_award(fund, seeded):
    roles = seeded
    application = shortlisted(roles, fund)
    award = application_award(
        actor=roles.user("partner_adb"), application=application, amount="1000", version=3
    )
    disbursement_create(actor=roles.user("partner_adb"), award=award, amount="600", reference="T1")
    with pytest.raises(InvalidInput) as raised:
        disbursement_create(actor=roles.user("partner_adb"), award=award, amount="400.01")
    assert raised.value.field == "amount"
    with pytest.raises(PermissionDenied):  # the city sees its award but pays nothing out
        disbursement_create(actor=roles.user("cso_phuket"), award=award, amount="1")
    with pytest.raises(InvalidInput) as raised:
        disbursement_create(
            actor=roles.user("secretariat"),
            award=award,
            amount="1",
            paid_on=today() + dt.timedelta(days=1),
        )
    assert raised.value.field == "paid_on"
    disbursement_create(actor=roles.user("secretariat"), award=award, amount="400")
    award.refresh_from_db()
    fund.refresh_from_db()
    assert (award.disbursed_amount, fund.disbursed_amount) == (Decimal("1000"), Decimal("1000"))
    assert fund.balance == fund.total_amount - Decimal("1000")


def test_an_award_is_never_more_than_the_city_asked_for(fund, seeded):
    application = shortlisted(seeded, fund, "1000000")
    mark = AuditMark()
    with pytest.raises(InvalidInput) as raised:
        application_award(
            actor=seeded.user("partner_adb"), application=application, amount="2000000", version=3
        )
    assert raised.value.field == "amount"
    assert "1,000,000" in raised.value.message
    assert mark.actions() == []
    fund.refresh_from_db()
    assert fund.awarded_amount == 0
    award = application_award(
        actor=seeded.user("partner_adb"), application=application, amount="1000000", version=3
    )
    assert award.amount == Decimal("1000000")


def test_a_payment_sent_twice_is_recorded_once(fund, seeded):
    # given an award of 1,000 with nothing paid yet
    adb = seeded.user("partner_adb")
    application = shortlisted(seeded, fund)
    award = application_award(actor=adb, application=application, amount="1000", version=3)
    disbursement_create(actor=adb, award=award, amount="100", reference="PAY-1", disbursed="0.00")

    # when the same payment comes again, by its reference or on the total it read
    mark = AuditMark()
    with pytest.raises(InvalidInput) as by_reference:
        disbursement_create(actor=adb, award=award, amount="100", reference="PAY-1")
    with pytest.raises(InvalidInput) as by_reading:
        disbursement_create(actor=adb, award=award, amount="100", disbursed="0.00")

    # then neither is paid: the first names the payment, the second says what is paid now
    assert by_reference.value.field == "reference" and by_reference.value.status == 422
    assert "PAY-1" in by_reference.value.message
    assert by_reading.value.status == 409 and "100" in by_reading.value.message
    assert mark.actions() == []
    award.refresh_from_db()
    assert award.disbursed_amount == Decimal("100")
    assert award.disbursements.count() == 1

    # and a payment on the total as it is now, or with another reference, is recorded
    disbursement_create(actor=adb, award=award, amount="100", disbursed="100")
    disbursement_create(actor=adb, award=award, amount="100", reference="PAY-2")
    award.refresh_from_db()
    assert award.disbursed_amount == Decimal("300")


def test_the_programme_totals_are_the_sums_of_awards_and_payments(fund, seeded):
    roles = seeded
    awards = []
    for who, city, amount in (("cso_phuket", "phuket", "700"), ("cso_hanoi", "hanoi", "300")):
        application = shortlisted(roles, fund, amount, who=who, city=city)
        awards.append(
            application_award(
                actor=roles.user("secretariat"), application=application, amount=amount, version=3
            )
        )
    disbursement_create(actor=roles.user("secretariat"), award=awards[0], amount="100")
    fund.refresh_from_db()
    assert fund.awarded_amount == sum(a.amount for a in fund.awards.all())
    assert fund.disbursed_amount == sum(a.disbursed_amount for a in fund.awards.all())
    assert fund.balance == Decimal("20000000") - Decimal("1000")
    assert Project.objects.count() == 2


def test_a_request_above_what_the_project_still_has_to_find_is_refused(thai_fund, seeded):
    # given a Phuket project 1,000,000 THB short of its budget, at US$0.03 a baht (US$30,000)
    cso = seeded.user("cso_phuket")
    exchange_rate_set(
        actor=seeded.user("secretariat"),
        currency="THB",
        date=dt.date(2024, 1, 1),
        usd_per_unit="0.03",
        source="Test rate",
    )
    project = factories.project(cso, focus_areas=["quality-environment"], status="preparation")
    call = thai_fund.calls.first()
    # when its city asks the US-dollar window for a cent more than that
    with pytest.raises(InvalidInput) as raised:
        application_create(actor=cso, call=call, project=project, amount_requested="30000.01")
    # then the request is refused naming the gap, as a deal's commitment is, and nothing saved
    assert raised.value.field == "amount_requested"
    assert "1,000,000\u00a0THB still to find" in raised.value.message
    assert not Application.objects.exists()
    # and asking for the whole gap is accepted
    application_create(actor=cso, call=call, project=project, amount_requested="30000")
    assert Application.objects.filter(project=project).exists()
