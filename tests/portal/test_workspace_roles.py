"""The Secretariat's and the National Representatives' workspaces (issue 16 item 1): what needs
attention, with bounded counts and a link to every tool; signing in lands on the workspace
with a "signed in" message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from ascn.accounts.models import Role
from ascn.accounts.services import invitation_create
from ascn.meetings.services import meeting_create
from ascn.network.models import City, MemberState
from ascn.opendata.models import ImportJob
from ascn.plans.models import Project
from ascn.plans.services import plan_transition
from ascn.portal import workspace
from tests import factories

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.roles"]


def upcoming(title: str, days: int = 20):
    start = timezone.localdate() + dt.timedelta(days=days)
    return meeting_create(
        actor=None,
        values={"title": title, "kind": "workshop", "start_date": start, "capacity": 10},
    )


@pytest.fixture
def busy_network(roles):
    """A plan submitted by Phuket, an organisation not verified, a call closing, a meeting
    coming, a post, a failed import."""
    secretariat = roles.user("secretariat")
    plan = factories.plan(roles.user("cso_phuket"))
    plan_transition(
        actor=roles.user("cso_phuket"), plan=plan, action="submit", version=plan.version
    )
    org = factories.organisation(secretariat, slug="mekong-green-fund", name="Mekong Green Fund")
    programme = factories.programme(secretariat, slug="green-cities", sponsor=org)
    factories.call(
        secretariat,
        programme=programme,
        title="Round 3",
        closes_on=timezone.localdate() + dt.timedelta(days=6),
    )
    upcoming("ASCN Workshop on Flood Resilience")
    ImportJob.objects.create(
        created_by=roles.user("cso_phuket"),
        original_name="projects-phuket.csv",
        file_format="csv",
        size=10,
        status="failed",
    )
    return plan


def test_the_secretariat_workspace_says_what_needs_attention_with_links_to_every_tool(
    roles, busy_network, django_assert_max_num_queries
):
    client = roles.session("secretariat")
    # when the Secretariat opens the workspace (a fixed number of queries, whatever the size)
    with django_assert_max_num_queries(40):
        response = client.get("/workspace/")
    page = response.content.decode()
    # then each kind of work waiting is there, with what to act on first
    assert "Needs your attention" in page
    assert busy_network.title in page  # the plan waiting
    assert "Mekong Green Fund" in page  # to verify
    assert "Round 3" in page  # the call closing within 30 days
    assert "ASCN Workshop on Flood Resilience" in page  # the meeting coming
    assert "projects-phuket.csv" in page  # the failed import
    # and every tool is one link away
    for path in (
        "/meetings/new/",
        "/accounts/invitations/",
        "/audit/",
        "/organisations/?verified=no",
        "/plans/queue/",
        "/programmes/",
        "/agreements/",
        "/cooperation/",
        "/projects/import/",
    ):
        assert f'href="{path}"' in page, path


def test_attention_counts_stop_at_the_cap_and_say_more_than(roles, monkeypatch):
    # given three meetings coming and a cap of two
    monkeypatch.setattr(workspace, "ATTENTION_CAP", 2)
    for n in range(3):
        upcoming(f"Meeting {n}", days=10 + n)
    attention = workspace.secretariat_attention(roles.user("secretariat"))
    assert attention["meetings"]["count"] == 2 and attention["meetings"]["more"] is True
    page = roles.session("secretariat").get("/workspace/").content.decode()
    assert "more than 2" in page


def test_a_representative_sees_the_queue_their_cities_and_the_invitations(roles, busy_network):
    nr = roles.user("nr_th")
    invitation_create(
        actor=nr,
        email="new.csco@chonburi.example.th",
        role=Role.CSO,
        scope=City.objects.filter(member_state__code="TH").exclude(slug="phuket").first(),
    )
    page = roles.session("nr_th").get("/workspace/").content.decode()
    assert "Endorsement queue" in page and busy_network.title in page
    assert "Cities of Thailand" in page
    thai_cities = City.objects.filter(member_state=MemberState.objects.get(code="TH"))
    for city in thai_cities:
        assert city.name in page
    assert "1 invitation you sent is waiting to be accepted." in page
    # and nothing of the Secretariat's
    assert "Needs your attention" not in page


def test_each_citys_plans_by_status_link_to_those_plans(roles, busy_network, text):
    # given Phuket's plan submitted for endorsement (and no plan in the other Thai cities)
    page = roles.session("nr_th").get("/workspace/").content.decode()
    # then the National Representative's count links to Phuket's plans waiting, as the
    # other cities' cells link to theirs
    link = "/plans/?city=phuket&amp;status=submitted"
    assert f'<a href="{link}">Submitted for endorsement: 1</a>' in page
    assert '<a href="/plans/?city=bangkok">' in page
    # and the list it opens shows that plan
    listed = text(roles.session("nr_th").get("/plans/?city=phuket&status=submitted"))
    assert busy_network.title in listed and "1 plan" in listed


@pytest.mark.parametrize("who", ["cso_phuket", "nr_th", "partner_adb"])
def test_others_do_not_see_the_secretariat_part(roles, who, adb):
    page = roles.session(who).get("/workspace/").content.decode()
    assert "Needs your attention" not in page


def test_signing_in_lands_on_the_workspace_with_a_signed_in_message(roles):
    password = "monsoon-river-lanterns-2026"
    roles.set_password("cso_phuket", password)
    email = roles.user("cso_phuket").email
    response = Client().post(
        "/accounts/sign-in/", {"username": email, "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/workspace/"
    assert f"Signed in as {email}." in response.content.decode()


def test_a_csco_sees_no_funding_gap_where_no_budget_is_published(roles, text):
    csco = roles.user("cso_phuket")
    factories.project(csco, title="Budgeted drainage", budget="1000000")
    # as the seed holds a real project whose budget no source gives
    unbudgeted = factories.project(csco, title="Unbudgeted sensors")
    Project.objects.filter(pk=unbudgeted.pk).update(budget_amount=None)
    shown = text(roles.session("cso_phuket").get("/workspace/"))
    # a project without a budget is not "0 THB" short, which reads as fully funded
    assert "Unbudgeted sensors" in shown
    row = shown.split("Unbudgeted sensors")[1].split("Next")[0][:200]
    assert "no budget published" in row
    assert "1,000,000" in shown.split("Budgeted drainage")[1][:200]


def test_a_plans_next_step_names_its_member_state_in_the_readers_language(roles, text):
    # given Hanoi's plan submitted while Viet Nam has no National Representative on the platform
    csco = roles.user("cso_hanoi")
    plan = factories.plan(csco, city="hanoi")
    plan_transition(actor=csco, plan=plan, action="submit", version=plan.version)
    # when its officer reads the workspace in Vietnamese
    page = text(roles.session("cso_hanoi").get("/vi/workspace/"))
    # then the plan's next step names Viet Nam in Vietnamese
    assert "Đang chờ chấp thuận: Việt Nam chưa có Đại diện Quốc gia" in page
    assert "Viet Nam" not in page
