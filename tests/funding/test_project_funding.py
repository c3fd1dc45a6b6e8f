"""A project's page shows what funding programmes have made of it: the applications and awards
the reader may see (funding's section on the plans app's page), with the programme linked, the
call, the status and the amounts awarded and paid — and says that an award is not counted in
the project's "Funding secured" unless the city records it there."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from ascn.funding.models import Application, Programme
from ascn.funding.services import application_create, application_transition, disbursement_create
from ascn.plans.services import project_update
from tests import factories

pytest_plugins = ["tests.roles"]

AASCTF = "asean-australia-smart-cities-trust-fund"

NOTE = "Awards are shown apart: they are not counted in “Funding secured” unless the city records them there."


def _public(project, actor):
    return project_update(
        actor=actor, project=project, version=project.version, visibility="public"
    )


def _awarded(world, amount: str = "200000"):
    """The Phuket project, public, awarded ``amount`` AUD by the AASCTF (its implementer, the
    ADB, decides) and paid 50,000 AUD of it."""
    roles = world["roles"]
    project = _public(world["project"], roles.user("cso_phuket"))
    application = factories.award(
        roles.user("partner_adb"),
        programme=world["fund"],
        project=project,
        amount=amount,
        applicant=roles.user("cso_phuket"),
    )
    disbursement_create(actor=roles.user("partner_adb"), award=application.award, amount="50000")
    return project


def test_anyone_who_sees_the_project_sees_its_award_with_the_programme(world, client, text):
    # given the public Phuket project awarded 200,000 AUD by the AASCTF, 50,000 paid
    project = _awarded(world)
    # when anyone opens the project's page
    response = client.get(project.get_absolute_url())
    page = response.content.decode()
    shown = text(response)
    # then the programme (linked), the call, the status and the amounts are there
    assert f'href="/programmes/{AASCTF}/"' in page
    assert (
        "ASEAN-Australia Smart Cities Trust Fund (AASCTF) Open call Awarded "
        "200,000 AUD 200,000 AUD 50,000 AUD"
    ) in shown
    # and the reader is told the award is not part of the funding secured (still 0 here)
    assert NOTE in shown
    assert "Funding secured 0" in shown


def test_an_application_not_awarded_is_shown_only_to_those_who_may_read_it(world, text):
    # given the public Phuket project's application to the AASCTF, still a draft
    roles = world["roles"]
    project = _public(world["project"], roles.user("cso_phuket"))
    application = application_create(
        actor=roles.user("cso_phuket"),
        call=world["call"],
        project=project,
        amount_requested="150000",
    )
    url = project.get_absolute_url()

    def sees_it(who: str) -> bool:
        return "Digital solutions 2026" in text(roles.session(who).get(url))

    # then its city, its National Representative and the Secretariat see the draft, no one else
    seen = {who: sees_it(who) for who in ("cso_phuket", "nr_th", "secretariat")}
    assert seen == {"cso_phuket": True, "nr_th": True, "secretariat": True}
    unseen = {who: sees_it(who) for who in ("anonymous", "cso_hanoi", "partner_adb")}
    assert unseen == {"anonymous": False, "cso_hanoi": False, "partner_adb": False}
    # once submitted, the programme's managers see it too, with what it asks; the public not
    application_transition(
        actor=roles.user("cso_phuket"),
        application=application,
        action="submit",
        version=application.version,
    )
    adb = text(roles.session("partner_adb").get(url))
    assert "Digital solutions 2026 Submitted 150,000 AUD — —" in adb
    assert NOTE not in adb  # nothing awarded: nothing to tell apart
    assert not sees_it("anonymous") and not sees_it("cso_hanoi")


def test_an_award_of_a_programme_the_reader_may_not_see_is_not_shown(world, text):
    # given an award of the AASCTF, whose programme is then made a draft
    roles = world["roles"]
    project = _awarded(world)
    Programme.objects.filter(pk=world["fund"].pk).update(visibility="draft")
    url = project.get_absolute_url()
    # then the public and another city see nothing of it; its managers and the Secretariat do
    for who in ("anonymous", "cso_hanoi"):
        page = text(roles.session(who).get(url))
        assert "Trust Fund" not in page and NOTE not in page, who
    for who in ("partner_adb", "secretariat"):
        assert NOTE in text(roles.session(who).get(url)), who


def test_a_sample_programme_never_shows_on_a_real_project(world, text):
    # given an award to the real Phuket project, whose programme is then marked sample data
    roles = world["roles"]
    project = _awarded(world)
    url = project.get_absolute_url()
    assert "Trust Fund" in text(roles.session("secretariat").get(url))
    Programme.objects.filter(pk=world["fund"].pk).update(sample=True)
    # then the real project's page shows none of it, to anyone
    for who in ("anonymous", "cso_phuket", "secretariat"):
        assert "Trust Fund" not in text(roles.session(who).get(url)), who


def test_the_section_costs_the_same_queries_for_one_application_or_three(world):
    roles = world["roles"]
    project = _awarded(world)
    client = roles.session("cso_phuket")
    url = project.get_absolute_url()
    client.get(url)  # the first request warms what is read once per process

    def queries(rows: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert (
            response.content.decode().count("<td>Open call</td>")
            + response.content.decode().count("<td>Digital solutions 2026</td>")
            == rows
        )
        return len(captured)

    one = queries(1)
    # given two more: another award and an application still a draft
    factories.award(
        roles.user("partner_adb"),
        programme=world["fund"],
        project=project,
        amount="10000",
        applicant=roles.user("cso_phuket"),
    )
    application_create(
        actor=roles.user("cso_phuket"),
        call=world["call"],
        project=project,
        amount_requested="5000",
    )
    assert Application.objects.filter(project=project).count() == 3
    # then the page reads them in the same number of queries
    assert queries(3) == one


def test_the_programme_page_accounts_for_every_award_in_its_totals(world, client, text):
    # given an award to Phuket's project while it is a draft, with two payments
    roles = world["roles"]
    adb = roles.user("partner_adb")
    application = factories.award(
        adb,
        programme=world["fund"],
        project=world["project"],
        amount="200000",
        applicant=roles.user("cso_phuket"),
    )
    disbursement_create(actor=adb, award=application.award, amount="1000", reference="BANK-1")
    disbursement_create(actor=adb, award=application.award, amount="500")
    url = f"/programmes/{AASCTF}/"

    # then the public, who may not see the project, is told why the totals hold an award
    public = text(client.get(url))
    assert "No award is on record" not in public
    assert "1 award to a project you may not see is counted in the totals" in public
    # and the implementer sees the award with its payments, the references its own
    managing = text(roles.session("partner_adb").get(url))
    assert "2 payments" in managing and "BANK-1" in managing
    assert "not listed" not in managing
