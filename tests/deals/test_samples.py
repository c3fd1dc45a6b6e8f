"""``load_sample_deals``: illustrative deals, in demo mode only, through the services, and
only between sample organisations and sample projects (a real record never gets a sample
deal, interest or commitment)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from ascn.accounts.models import Membership, Role
from ascn.core.errors import InvalidInput
from ascn.deals.models import Engagement, EngagementSide
from ascn.deals.services import engagement_create
from ascn.funding.management.commands.load_partners import load_programmes
from ascn.funding.models import Application
from ascn.partners.models import Organisation
from ascn.plans.management.commands.load_projects import load_projects
from ascn.plans.models import Project
from tests.demo_fixtures import run

pytest_plugins = ["tests.demo_fixtures"]


def test_sample_deals_are_refused_outside_demo_mode(settings, network):
    settings.ASCN_DEMO = False
    with pytest.raises(CommandError, match="ASCN_DEMO=1"):
        call_command("load_sample_deals")


def test_sample_deals_load_once_through_the_services_at_every_stage(demo):
    # given the demo accounts, the sample projects and the sample partners
    run("load_samples")
    run("load_sample_partners")
    flood = Project.objects.get(title="Flood early-warning sensor network (sample)")
    secured = flood.funding_secured
    # when the sample deals are loaded
    assert "12 created" in run("load_sample_deals")
    # then they are flagged, and together show every stage of the pipeline
    deals = list(Engagement.objects.select_related("project", "organisation"))
    assert all(e.sample for e in deals)
    assert {e.stage for e in deals} == {
        "interest",
        "discussion",
        "due_diligence",
        "term_sheet",
        "committed",
        "closed",
        "declined",
    }
    # every commitment is confirmed for the city by the seed, through the service, and only
    # sample organisations deal with sample projects
    with_commitment = [e for e in deals if e.commitment_amount is not None]
    assert len(with_commitment) == 3  # the committed one and the two closed ones
    assert all(e.commitment_confirmation == "confirmed" for e in with_commitment)
    assert all(e.events.filter(kind="confirmed").exists() for e in with_commitment)
    assert all(e.project.sample and e.organisation.sample for e in deals)
    # the committed one counts as funding secured
    flood.refresh_from_db()
    assert flood.funding_secured == secured + Decimal("600000")
    # and the API says so on each (SPEC §4: a sample deal carries "sample": true)
    client = Client()
    member = Membership.objects.filter(role=Role.PARTNER_MEMBER, organisation__sample=True)
    client.force_login(member.first().user)
    answer = client.get("/api/v1/engagements?page_size=100")
    assert answer.status_code == 200, answer.content
    listed = answer.json()["items"]
    assert listed and all(item["sample"] is True for item in listed)
    assert client.get(f"/api/v1/engagements/{listed[0]['id']}").json()["sample"] is True
    # and a second run changes nothing
    assert "0 created" in run("load_sample_deals")
    assert Engagement.objects.count() == len(deals)


def test_no_sample_record_links_to_a_real_one(demo):
    # given the whole demo set over the real data (partners, programmes, rates, projects)
    load_programmes()
    assert load_projects() > 0
    run("load_samples")
    run("load_sample_partners")
    run("load_sample_deals")
    run("load_sample_programmes")
    # then every deal joins a sample project and a sample organisation (and is a sample)
    deals = Engagement.objects.select_related("project", "organisation")
    assert deals.exists()
    for deal in deals:
        assert deal.sample and deal.project.sample and deal.organisation.sample, deal
    # no real organisation has a deal, and no real project either
    assert not Engagement.objects.filter(organisation__sample=False).exists()
    assert not Engagement.objects.filter(project__sample=False).exists()
    assert not Application.objects.filter(project__sample=False).exists()
    # applications join projects and programmes of the same kind
    applications = Application.objects.select_related("project", "call__programme")
    assert applications.exists()
    for application in applications:
        assert application.sample and application.project.sample
        assert application.call.programme.sample and application.call.programme.sponsor.sample
    # the demo partner account acts for a sample organisation with a full profile only
    held = Membership.objects.active().filter(
        user__email="partner@example.org", role=Role.PARTNER_MEMBER
    )
    assert [m.organisation.slug for m in held] == ["sample-mekong-resilience-investors"]
    organisation = held[0].organisation
    assert organisation.sample
    assert organisation.countries and organisation.focus_areas and organisation.instruments
    assert organisation.stages and organisation.ticket_min_usd and organisation.ticket_max_usd
    # the one demo account of a real organisation is SPEC §4's ADB member (no deal, above)
    real = Membership.objects.filter(
        user__email__endswith="@example.org", organisation__sample=False
    )
    assert [(m.user.email, m.organisation.slug) for m in real] == [
        ("partner-adb@example.org", "asian-development-bank")
    ]


def test_a_real_organisation_and_a_sample_project_never_make_a_deal(demo):
    # given a sample project and the real Asian Development Bank
    run("load_samples")
    project = Project.objects.get(title="Flood early-warning sensor network (sample)")
    adb = Organisation.objects.get(slug="asian-development-bank", sample=False)
    # when the system tries to record interest between them
    with pytest.raises(InvalidInput, match="never mix"):
        engagement_create(
            actor=None, project=project, organisation=adb, side=EngagementSide.PARTNER
        )
    # then nothing is written
    assert not Engagement.objects.exists()
