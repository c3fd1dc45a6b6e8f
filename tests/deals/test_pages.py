"""The deal pipeline's pages: the board, a deal with the form that moves it, the express-
interest control and step, and the links from the project and city pages. Without JS."""

from __future__ import annotations

import re
from decimal import Decimal

from django.template import RequestContext, Template
from django.test import RequestFactory

from ascn.accounts.models import Membership, Notification, Role
from ascn.accounts.services import membership_grant
from ascn.deals.models import Engagement
from ascn.deals.queries import pairs_in_pipeline
from ascn.plans.models import Project
from tests import factories
from tests.conftest import page_text
from tests.roles import Redirect, assert_matrix, everyone, sign_in_redirect

pytest_plugins = ["tests.roles", "tests.pipeline_fixtures"]


def test_the_board_shows_each_stage_with_the_deals_one_may_see(
    deals, django_assert_max_num_queries
):
    # given ADB's interest in the Phuket project
    engagement = deals.interest()
    # when each principal opens the board, then members get it, the anonymous sign in first
    responses = assert_matrix(
        deals.roles.session,
        "GET",
        "/engagements/",
        everyone(200, anonymous=sign_in_redirect("/engagements/")),
    )
    # and the deal shows to its parties, the NR and the Secretariat, not to Hanoi's officer
    for name in ("partner_adb", "cso_phuket", "nr_th", "secretariat"):
        assert "Phuket flood sensors" in page_text(responses[name]), name
    text = page_text(responses["cso_hanoi"])
    assert "Phuket flood sensors" not in text
    assert "0 deals you may see" in text
    text = page_text(responses["partner_adb"])
    for stage in ("Interest", "Discussion", "Due diligence", "Term sheet", "Committed", "Closed"):
        assert stage in text
    assert f'href="/engagements/{engagement.pk}/"' in responses["partner_adb"].content.decode()
    # the board costs the same few queries however many deals it shows
    client = deals.roles.session("secretariat")
    with django_assert_max_num_queries(12):
        assert client.get("/engagements/?city=phuket").status_code == 200


def test_the_board_filters_by_organisation_and_city(deals):
    # given ADB's interest in the Phuket project
    deals.interest()
    client = deals.roles.session("secretariat")
    # when the Secretariat filters by ADB, then by Hanoi, the board narrows accordingly
    text = page_text(client.get("/engagements/?organisation=asian-development-bank"))
    assert "Deal pipeline: Asian Development Bank" in text and "Phuket flood sensors" in text
    text = page_text(client.get("/engagements/?city=hanoi"))
    assert "Deal pipeline: Hanoi" in text and "Phuket flood sensors" not in text


def test_a_deal_page_is_for_its_parties_only(deals):
    # given a deal
    engagement = deals.interest()
    url = f"/engagements/{engagement.pk}/"
    # when each principal opens it, then only its parties, the NR and the Secretariat may
    responses = assert_matrix(
        deals.roles.session,
        "GET",
        url,
        everyone(
            404,
            anonymous=sign_in_redirect(url),
            secretariat=200,
            nr_th=200,
            cso_phuket=200,
            partner_adb=200,
        ),
    )
    # the sides and the Secretariat get the form that moves it; the NR reads only
    assert "Move the deal" in page_text(responses["cso_phuket"])
    assert "Move the deal" not in page_text(responses["nr_th"])
    text = page_text(responses["partner_adb"])
    assert "We would like to talk." in text and "Interest" in text
    # opening the deal read the notice that pointed the city's officer to it
    notice = Notification.objects.get(user=deals.roles.user("cso_phuket"))
    assert notice.url == url and notice.read_at is not None


def test_a_party_moves_a_deal_from_its_page_and_the_other_side_is_told(
    deals, django_capture_on_commit_callbacks, mailoutbox
):
    # given ADB's interest in the Phuket project
    engagement = deals.interest()
    client = deals.roles.session("cso_phuket")
    url = f"/engagements/{engagement.pk}/advance/"
    # the NR cannot; another city's officer does not see it
    assert deals.roles.session("nr_th").post(url, {"stage": "discussion"}).status_code == 403
    assert deals.roles.session("cso_hanoi").post(url, {"stage": "discussion"}).status_code == 404
    # when Phuket's officer moves it to discussion
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"stage": "discussion", "version": engagement.version, "note": "Let's meet."}
        )
    # then it is in discussion and ADB's member is e-mailed
    assert Redirect(f"/engagements/{engagement.pk}/").matches(response)
    assert Engagement.objects.get(pk=engagement.pk).stage == "discussion"
    assert [m.to for m in mailoutbox] == [["partner-adb@roles.test"]]
    # a second, stale submission of the same form is a 409 that says why
    stale = client.post(url, {"stage": "declined", "version": engagement.version})
    assert stale.status_code == 409
    assert "changed by someone else" in page_text(stale)
    # a move the table does not offer is an error on the form
    wrong = client.post(url, {"stage": "closed", "version": engagement.version + 1})
    assert wrong.status_code == 422
    assert Engagement.objects.get(pk=engagement.pk).stage == "discussion"


def test_committing_from_the_page_needs_amount_and_instrument(deals):
    # given a deal at the term sheet: its page asks for the amount, in the project's currency
    engagement = deals.at_term_sheet()
    client = deals.roles.session("partner_adb")
    page = page_text(client.get(f"/engagements/{engagement.pk}/"))
    assert "Amount committed" in page and "THB" in page
    url = f"/engagements/{engagement.pk}/advance/"
    # when ADB commits without an amount, then it is told what is missing
    missing = client.post(url, {"stage": "committed", "version": engagement.version})
    assert missing.status_code == 422
    assert "A commitment needs its amount." in page_text(missing)
    # a negative amount and zero are refused in the same words (the form said ">= 0" to -100,
    # then the service "more than zero" to 0)
    for amount in ("-100", "0"):
        refused = client.post(
            url,
            {
                "stage": "committed",
                "version": engagement.version,
                "commitment_amount": amount,
                "commitment_instrument": "equity",
            },
        )
        assert refused.status_code == 422, amount
        assert "The amount must be more than zero." in page_text(refused), amount
        assert "greater than or equal" not in page_text(refused), amount
    # when it commits 400,000 THB as equity
    done = client.post(
        url,
        {
            "stage": "committed",
            "version": engagement.version,
            "commitment_amount": "400000",
            "commitment_instrument": "equity",
        },
    )
    # then the commitment waits for the city: the project's funding secured is still 100,000
    assert done.status_code == 302
    project = Project.objects.get(pk=deals.phuket_project.pk)
    assert project.funding_secured == Decimal("100000")
    followed = page_text(client.get(f"/engagements/{engagement.pk}/"))
    assert "Waiting for the city's confirmation" in followed
    # once Phuket's officer confirms it, it grows from 100,000 to 500,000 THB
    engagement.refresh_from_db()
    confirmed = deals.roles.session("cso_phuket").post(
        f"/engagements/{engagement.pk}/confirm/",
        {"confirm-decision": "confirm", "confirm-version": engagement.version},
    )
    assert confirmed.status_code == 302
    project = Project.objects.get(pk=deals.phuket_project.pk)
    assert project.funding_secured == Decimal("500000")


def render_button(user, project, organisation, **extra) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template('{% include "deals/_interest_button.html" %}')
    return template.render(
        RequestContext(request, {"project": project, "organisation": organisation, **extra})
    )


def test_the_interest_button_offers_what_the_user_may_do(deals):
    phuket, adb = deals.phuket_project, deals.adb
    # the partner's member and the city's officer may express interest; others see nothing
    assert "Express interest" in render_button(deals.roles.user("partner_adb"), phuket, adb)
    assert "Express interest" in render_button(deals.roles.user("cso_phuket"), phuket, adb)
    for who in ("nr_th", "cso_hanoi", "secretariat"):
        assert "Express interest" not in render_button(deals.roles.user(who), phuket, adb), who
    assert 'name="csrfmiddlewaretoken"' in render_button(
        deals.roles.user("partner_adb"), phuket, adb
    )
    # once in the pipeline, the parties see the stage and a link to the deal
    engagement = deals.interest()
    html = render_button(deals.roles.user("cso_phuket"), phuket, adb)
    assert "In pipeline: Interest" in html and f"/engagements/{engagement.pk}/" in html
    assert "Express interest" not in html


def test_the_interest_button_costs_no_query_given_the_pairs(deals, django_assert_num_queries):
    engagement = deals.interest()
    user = deals.roles.user("partner_adb")
    pairs = pairs_in_pipeline(user, projects=[deals.phuket_project])
    assert pairs == {(deals.phuket_project.pk, deals.adb.pk): engagement}
    with django_assert_num_queries(0):
        html = render_button(user, deals.phuket_project, deals.adb, engagements_by_pair=pairs)
    assert "In pipeline: Interest" in html


def test_expressing_interest_from_the_button_confirms_then_tells_the_city(
    deals, django_capture_on_commit_callbacks, mailoutbox
):
    client = deals.roles.session("partner_adb")
    form = {"project": deals.phuket_project.pk, "organisation": "asian-development-bank"}
    # the confirmation page (a GET) writes nothing
    confirm = client.get("/engagements/new/", form)
    assert confirm.status_code == 200 and not Engagement.objects.exists()
    # when ADB's member confirms with a message
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/engagements/new/", {**form, "message": "Interested."})
    # then the deal exists, with the message, and Phuket's officer is e-mailed
    engagement = Engagement.objects.get()
    assert Redirect(f"/engagements/{engagement.pk}/").matches(response)
    assert engagement.message == "Interested."
    assert [m.to for m in mailoutbox] == [["cso-phuket@roles.test"]]
    # again: sent to the existing deal, nothing new
    again = deals.roles.session("cso_phuket").post("/engagements/new/", form)
    assert Redirect(f"/engagements/{engagement.pk}/").matches(again)
    assert Engagement.objects.count() == 1


def test_expressing_interest_is_refused_to_who_may_not(deals):
    form = {"project": deals.phuket_project.pk, "organisation": "asian-development-bank"}
    assert deals.roles.session("nr_th").post("/engagements/new/", form).status_code == 403
    hidden = {"project": deals.hanoi_draft.pk, "organisation": "asian-development-bank"}
    assert deals.roles.session("partner_adb").post("/engagements/new/", hidden).status_code == 404
    anonymous = deals.roles.session("anonymous").post("/engagements/new/", form)
    assert anonymous.status_code == 302 and "/accounts/sign-in/" in anonymous["Location"]
    assert not Engagement.objects.exists()


def test_a_partner_member_expresses_interest_from_the_projects_page(deals):
    """The project page offers "Express interest" to whoever acts for an organisation (it was
    only on the organisation's matches page); the organisation is asked for when several."""
    project_url = f"/projects/{deals.phuket_project.pk}/"
    start = f"/engagements/new/?project={deals.phuket_project.pk}"
    pages = assert_matrix(deals.roles.session, "GET", project_url, everyone(200))
    for name, response in pages.items():
        shown = f'href="{start.replace("&", "&amp;")}"' in response.content.decode()
        assert shown is (name == "partner_adb"), name
    # one organisation: straight to the confirmation of that pair
    partner = deals.roles.session("partner_adb")
    response = partner.get(start)
    pair = f"{start}&organisation=asian-development-bank"
    assert Redirect(pair).matches(response)
    assert partner.get(pair).status_code == 200 and not Engagement.objects.exists()
    # two organisations: a choice between them, a deal already made linked instead
    secretariat = deals.roles.user("secretariat")
    other = factories.organisation(secretariat, slug="mekong-capital", name="Mekong Capital")
    membership_grant(
        actor=secretariat,
        user=deals.roles.user("partner_adb"),
        role=Role.PARTNER_MEMBER,
        scope=other,
    )
    engagement = deals.interest()
    chooser = partner.get(start)
    assert chooser.status_code == 200
    page = page_text(chooser)
    assert "Express interest as Mekong Capital" in page
    assert "Express interest as Asian Development Bank" not in page
    assert f"/engagements/{engagement.pk}/" in chooser.content.decode()
    assert f"{start}&amp;organisation=mekong-capital" in chooser.content.decode()


def test_the_projects_page_says_where_the_partners_deal_stands_once_there_is_one(deals):
    # given the ADB's member, whose one organisation already has a deal on the project
    project_url = f"/projects/{deals.phuket_project.pk}/"
    engagement = deals.interest()

    # when she opens the project's page
    page = deals.roles.session("partner_adb").get(project_url).content.decode()

    # then it links to the deal by its stage, not to an interest she cannot express again
    assert "/engagements/new/?project=" not in page
    assert f'href="/engagements/{engagement.pk}/"' in page
    assert "In pipeline: Interest" in page_text_of(page)


def page_text_of(content: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", content).split())


def test_interest_from_a_projects_page_is_explained_to_who_acts_for_no_organisation(deals):
    start = f"/engagements/new/?project={deals.phuket_project.pk}"
    refused = deals.roles.session("cso_phuket").get(start)
    assert refused.status_code == 403
    assert "a city's officers express interest in an organisation from the project's matches" in (
        page_text(refused)
    )
    # a project the user may not see, or no project at all: not found
    hidden = deals.roles.session("partner_adb").get(
        f"/engagements/new/?project={deals.hanoi_draft.pk}"
    )
    assert hidden.status_code == 404
    assert deals.roles.session("partner_adb").get("/engagements/new/?project=x").status_code == 404
    anonymous = deals.roles.session("anonymous").get(start)
    assert anonymous.status_code == 302 and "/accounts/sign-in/" in anonymous["Location"]
    # a member of a sample organisation only, on a real project: why not, said
    secretariat = deals.roles.user("secretariat")
    sample = factories.organisation(secretariat, slug="sample-fund", sample=True)
    membership_grant(
        actor=secretariat, user=deals.roles.user("nr_th"), role=Role.PARTNER_MEMBER, scope=sample
    )
    refused = deals.roles.session("nr_th").get(start)
    assert refused.status_code == 403
    assert "Sample organisations deal only on sample projects" in page_text(refused)
    # and the project page does not offer what would be refused
    project_page = deals.roles.session("nr_th").get(f"/projects/{deals.phuket_project.pk}/")
    assert "/engagements/new/?project=" not in project_page.content.decode()
    # a number written in other digits is no project, not an error
    assert deals.roles.session("partner_adb").get("/engagements/new/?project=²").status_code == 404
    assert not Engagement.objects.exists()


def test_the_project_page_lists_its_deals_to_their_parties(deals):
    engagement = deals.interest()
    url = f"/projects/{deals.phuket_project.pk}/"
    link = f'href="/engagements/{engagement.pk}/"'
    responses = assert_matrix(deals.roles.session, "GET", url, everyone(200))
    for name, response in responses.items():
        shown = link in response.content.decode()
        assert shown is (name in {"partner_adb", "cso_phuket", "nr_th", "secretariat"}), name


def test_the_city_page_links_its_pipeline_for_members(deals):
    signed_in = deals.roles.session("cso_phuket").get("/cities/phuket/").content.decode()
    assert 'href="/engagements/?city=phuket"' in signed_in
    anonymous = deals.roles.session("anonymous").get("/cities/phuket/").content.decode()
    assert "/engagements/" not in anonymous


def test_interest_says_who_was_notified_and_never_claims_a_nobody(deals, text):
    from_adb = {"project": deals.phuket_project.pk, "organisation": "asian-development-bank"}
    client = deals.roles.session("partner_adb")
    # Phuket has an officer: she is notified, and the page says so
    response = client.post("/engagements/new/", {**from_adb, "message": "Interested."})
    assert "Interest sent; the Chief Smart City Officers of Phuket have been notified." in text(
        client.get(response["Location"])
    )
    # a step by ADB's only member: Phuket's officer is told, and nobody else at ADB is
    engagement = Engagement.objects.get()
    moved = client.post(
        f"/engagements/{engagement.pk}/advance/",
        {"stage": "discussion", "version": engagement.version},
    )
    shown = text(client.get(moved["Location"]))
    assert "the city's officers are notified (nobody else acts for Asian Development Bank)" in (
        shown
    )
    assert "both sides" not in shown
    # with nobody acting for Phuket, the next step says nobody there was told
    Membership.objects.filter(role=Role.CSO, city__slug="phuket").delete()
    engagement.refresh_from_db()
    moved = client.post(
        f"/engagements/{engagement.pk}/advance/",
        {"stage": "due_diligence", "version": engagement.version},
    )
    shown = text(client.get(moved["Location"]))
    assert "both sides" not in shown
    assert "Nobody else acts for either side on the platform: nobody was notified." in shown
