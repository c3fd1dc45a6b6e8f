"""Programme pages: the list and one programme, for the public, a CSCO and the managers.

They work without JavaScript: every action is a plain POST form answered by a redirect,
or by the page again with the error and a 4xx status.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from django.utils import timezone, translation

from ascn.core.models import AuditEntry
from ascn.funding.models import Application, Programme
from ascn.funding.services import application_create
from ascn.plans import codelists
from ascn.plans.models import Project
from tests import factories
from tests.conftest import page_text
from tests.roles import assert_matrix, everyone, sign_in_redirect

pytest_plugins = ["tests.roles"]

AASCTF = "asean-australia-smart-cities-trust-fund"
URL = f"/programmes/{AASCTF}/"


def test_the_list_shows_sponsor_amounts_balance_and_source(
    world, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = client.get("/programmes/")
    assert response.status_code == 200
    text = page_text(response)
    assert "ASEAN-Australia Smart Cities Initiative" in text
    assert "Department of Foreign Affairs and Trade (Australia)" in text
    assert "30,000,000 AUD" in text
    assert "1,000,000 USD" in text
    assert "implemented by Asian Development Bank" in text
    # sources read as people cite them: title, publisher, date
    assert (
        "ASEAN-Australia Smart Cities Trust Fund: Mid-term Review Report and Management "
        "Response — Department of Foreign Affairs and Trade (Australia), 2022"
    ) in text


def test_the_programme_page_shows_eligibility_calls_and_balance(
    world, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    text = page_text(response)
    assert "Balance 20,000,000 AUD" in text
    assert "Member states not published" in text
    assert "Digital solutions 2026" in text and "open" in text
    assert "Apply with a project" not in text


def test_the_eligibility_reads_in_the_readers_language(world, client, text):
    # given a programme for Thai and Vietnamese projects in preparation, on the environment
    Programme.objects.filter(pk=world["fund"].pk).update(
        eligible_countries=["TH", "VN"],
        eligible_stages=["preparation"],
        eligible_focus_areas=["quality-environment"],
    )
    english = text(client.get(URL))
    assert "Member states Thailand, Viet Nam" in english
    assert "Project stages Preparation" in english
    assert "Focus areas Quality Environment" in english
    # then a Vietnamese reader reads the names in Vietnamese, not the codes or English
    vietnamese = text(client.get("/vi" + URL))
    for english_word in ("Thailand", "Preparation", "Quality Environment"):
        assert english_word not in vietnamese.split("Calls")[0], english_word


def test_the_programme_form_names_the_project_stages_in_the_readers_language(world):
    # given the Secretariat editing a programme on a Filipino page
    response = world["roles"].session("secretariat").get(f"/fil{URL}edit/")
    page = response.content.decode()

    # then the stages it may choose are named in Filipino, as the project form names them
    with translation.override("fil"):
        stages = [str(label) for label in codelists.labels(codelists.PROJECT_STATUS).values()]
    assert "Preparation" not in stages, "the Filipino catalogue does not name the stages"
    for stage in stages:
        assert html.escape(stage) in page or stage in page, stage
    assert "Identification" not in page_text(response)


def test_pages_answer_everyone(world):
    roles = world["roles"]
    assert_matrix(roles.session, "GET", "/programmes/", everyone(200))
    assert_matrix(roles.session, "GET", URL, everyone(200))
    assert_matrix(roles.session, "GET", "/programmes/nope/", everyone(404))


def test_a_csco_applies_submits_and_the_implementer_awards_without_javascript(world, text):
    roles = world["roles"]
    csco = roles.session("cso_phuket")
    # the CSCO sees the form listing her city's eligible projects
    page = csco.get(URL)
    assert "Apply with a project" in text(page)
    assert "Patong smart drainage — Phuket" in text(page)
    # she applies: a draft
    form = application_form(world)
    response = csco.post(f"/programmes/{AASCTF}/apply/", form)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == "draft"
    # applying twice answers the page again with the reason
    again = csco.post(f"/programmes/{AASCTF}/apply/", form)
    assert again.status_code == 422
    assert "already applied" in text(again)
    # she submits it
    submit = f"/programmes/{AASCTF}/applications/{application.pk}/submit/"
    assert csco.post(submit, {"version": 1}).status_code == 302
    # the ADB (implementer) sees it with its actions, shortlists it and awards it
    adb = roles.session("partner_adb")
    page = text(adb.get(URL))
    assert "Patong smart drainage" in page and "Shortlist" in page and "Decline" in page
    # with the city's statement beside the buttons, read before deciding
    assert "The city's statement: Flooding every monsoon." in page
    shortlist = f"/programmes/{AASCTF}/applications/{application.pk}/shortlist/"
    stale = adb.post(shortlist, {"version": 1})
    assert stale.status_code == 409
    assert "nothing was saved" in text(stale)
    assert adb.post(shortlist, {"version": 2}).status_code == 302
    page = text(adb.get(URL))  # the award form, and the statement again before awarding
    assert "Amount awarded" in page and "The city's statement: Flooding every monsoon." in page
    award = f"/programmes/{AASCTF}/applications/{application.pk}/award/"
    prefix = f"application-{application.pk}"
    too_much = adb.post(award, {f"{prefix}-version": 3, f"{prefix}-amount": "20000001"})
    assert too_much.status_code == 422
    assert (
        adb.post(award, {f"{prefix}-version": 3, f"{prefix}-amount": "200000"}).status_code == 302
    )
    world["fund"].refresh_from_db()
    assert world["fund"].balance == 19_800_000
    # and records a payment
    award_id = application.award.pk
    pay = f"/programmes/{AASCTF}/awards/{award_id}/disburse/"
    paid = {f"award-{award_id}-amount": "50000", f"award-{award_id}-reference": "T-1"}
    assert adb.post(pay, paid).status_code == 302
    page = text(adb.get(URL))
    assert "Balance 19,800,000 AUD" in page
    assert "150,000 AUD" in page  # remaining of the award


def test_the_city_deletes_its_draft_and_applies_again(world, text):
    """The walk of 8 Dec: a draft saved with a wrong amount could be neither changed nor
    deleted, and its project could no longer apply to the call."""
    roles = world["roles"]
    csco = roles.session("cso_phuket")
    assert csco.post(f"/programmes/{AASCTF}/apply/", application_form(world)).status_code == 302
    application = Application.objects.get()
    delete = f"/programmes/{AASCTF}/applications/{application.pk}/delete/"
    assert "Delete the draft" in text(csco.get(URL))
    # neither the programme's managers nor another city delete it
    for other in ("partner_adb", "cso_hanoi"):
        assert roles.session(other).post(delete, {"version": 1}).status_code in (403, 404)
    # a stale version: 409, nothing deleted
    assert csco.post(delete, {"version": 2}).status_code == 409
    assert Application.objects.filter(pk=application.pk).exists()
    response = csco.post(delete, {"version": 1}, follow=True)
    assert "The draft application is deleted" in text(response)
    assert not Application.objects.exists()
    assert AuditEntry.objects.filter(action="partners.application.deleted").count() == 1
    # the project applies again, with the right amount
    again = {**application_form(world), "amount_requested": "180000"}
    assert csco.post(f"/programmes/{AASCTF}/apply/", again).status_code == 302
    # a submitted application is not deleted: it stays with the programme
    application = Application.objects.get()
    submit = f"/programmes/{AASCTF}/applications/{application.pk}/submit/"
    assert csco.post(submit, {"version": 1}).status_code == 302
    assert "Delete the draft" not in text(csco.get(URL))
    delete = f"/programmes/{AASCTF}/applications/{application.pk}/delete/"
    assert csco.post(delete, {"version": 2}).status_code == 409
    assert Application.objects.filter(pk=application.pk, status="submitted").exists()
    # through the API likewise: a draft deleted (204), a submitted one kept (409)
    api = roles.bearer("cso_phuket")
    assert api.delete(f"/api/v1/applications/{application.pk}?version=2").status_code == 409
    assert api.delete(f"/api/v1/applications/{application.pk}").status_code == 422
    another = factories.project(
        roles.user("cso_phuket"), title="Patong sensors", focus_areas=["quality-environment"]
    )
    draft = application_create(
        actor=roles.user("cso_phuket"), call=world["call"], project=another, amount_requested=1000
    )
    assert api.delete(f"/api/v1/applications/{draft.pk}?version=1").status_code == 204
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_writes_need_a_session_and_the_right_role(world):
    roles = world["roles"]
    form = {"call": world["call"].pk, "project": world["project"].pk, "amount_requested": "1"}
    assert_matrix(
        roles.session,
        "POST",
        f"/programmes/{AASCTF}/apply/",
        {
            "anonymous": sign_in_redirect(f"/programmes/{AASCTF}/apply/"),
            "cso_hanoi": 422,
            "nr_th": 403,
            "partner_adb": 403,
        },
        data=form,
    )
    assert_matrix(
        roles.session,
        "POST",
        f"/programmes/{AASCTF}/calls/",
        {
            "anonymous": sign_in_redirect(f"/programmes/{AASCTF}/calls/"),
            "cso_phuket": 403,
            "partner_adb": 302,
        },
        data={"title": "Round 2", "opens_on": "2027-01-01", "closes_on": "2027-02-01"},
    )


def test_the_back_office_shows_money_rows_but_never_edits_them(world):
    # given the Secretariat in the back office
    client = world["roles"].session("secretariat")
    fund = world["fund"]
    # then programmes and calls open for editing, applications and awards only for reading
    assert client.get("/admin/funding/programme/").status_code == 200
    assert client.get(f"/admin/funding/programme/{fund.pk}/change/").status_code == 200
    assert client.get("/admin/funding/call/").status_code == 200
    for model in ("application", "award", "disbursement"):
        assert client.get(f"/admin/funding/{model}/").status_code == 200
        assert client.get(f"/admin/funding/{model}/add/").status_code == 403
    # and a CSCO does not get in
    assert world["roles"].session("cso_phuket").get("/admin/funding/programme/").status_code in (
        302,
        403,
    )


def application_form(world) -> dict:
    """Phuket's project applying to the open call, as the form sends it."""
    return {
        "call": world["call"].pk,
        "project": world["project"].pk,
        "amount_requested": "250000",
        "statement": "Flooding every monsoon.",
    }


def test_the_apply_form_offers_only_projects_that_can_still_apply(world, text):
    roles = world["roles"]
    csco = roles.session("cso_phuket")
    form = application_form(world)
    # given the project has applied to the programme's only open call
    assert csco.post(f"/programmes/{AASCTF}/apply/", form).status_code == 302
    # then the form no longer offers it
    assert "Patong smart drainage — Phuket" not in text(csco.get(URL))
    # but when a second call opens, it may apply to that one, so it is offered again
    today = timezone.localdate()
    factories.call(
        roles.user("secretariat"),
        programme=world["fund"],
        title="Second round",
        opens_on=today,
        closes_on=today + dt.timedelta(days=10),
    )
    assert "Patong smart drainage — Phuket" in text(csco.get(URL))


def test_a_refused_application_is_shown_again_without_projects_that_cannot_apply(world, text):
    roles = world["roles"]
    csco = roles.session("cso_phuket")
    form = application_form(world)
    csco.post(f"/programmes/{AASCTF}/apply/", form)
    # given a second project, sent with an amount the form refuses
    factories.project(
        roles.user("cso_phuket"),
        title="Kata hill sensors",
        focus_areas=["quality-environment"],
        status="preparation",
    )
    second = Project.objects.get(title="Kata hill sensors")
    refused = csco.post(
        f"/programmes/{AASCTF}/apply/", {**form, "project": second.pk, "amount_requested": "x"}
    )
    # then the form comes back offering only the project that may still apply
    assert refused.status_code == 422
    assert "Kata hill sensors — Phuket" in text(refused)
    assert "Patong smart drainage — Phuket" not in text(refused)


def test_a_real_project_is_not_offered_to_a_sample_programme(world, text):
    roles = world["roles"]
    fund = world["fund"]
    Programme.objects.filter(pk=fund.pk).update(sample=True)
    page = text(roles.session("cso_phuket").get(URL))
    # Phuket's only project is real: it cannot apply to sample data, and the page says why
    assert "Patong smart drainage — Phuket" not in page
    assert "This is a sample programme: only sample projects apply to it." in page
    # and says so too beside the form a sample project of the city fills in (a real project
    # the CSCO had just made vanished from the menu without a word)
    factories.project(
        roles.user("cso_phuket"),
        title="Sample kiosks",
        focus_areas=["quality-environment"],
        status="preparation",
        sample=True,
    )
    page = text(roles.session("cso_phuket").get(URL))
    assert "Sample kiosks — Phuket" in page
    assert "This is a sample programme: only sample projects apply to it." in page


def test_the_page_says_why_each_of_the_citys_projects_cannot_apply(world, text):
    """A CSCO whose projects cannot apply is told why for each one (the page gave three
    possible causes at once, or nothing), in the reader's words for stages and states."""
    roles = world["roles"]
    fund = world["fund"]
    Programme.objects.filter(pk=fund.pk).update(
        eligible_stages=["preparation"], eligible_focus_areas=["quality-environment"]
    )
    csco = roles.session("cso_phuket")
    factories.project(
        roles.user("cso_phuket"),
        title="Kata tram",
        focus_areas=["built-infrastructure"],
        status="implementation",
    )
    # Patong may apply (to a call whose dates read as the site writes them); Kata is listed
    # apart, with its two reasons
    page = text(csco.get(URL))
    assert "Patong smart drainage — Phuket" in page
    assert re.search(r"Digital solutions 2026 \(\d{1,2} [A-Z][a-z]{2}", page)
    assert not re.search(r"Digital solutions 2026 \(\d{4}-", page)
    assert "1 other project of your city cannot apply" in page
    assert "Kata tram : The project addresses none of the programme" in page
    assert (
        "focus areas. The programme does not fund projects at the “Implementation” stage." in page
    )
    # once Patong has applied to the only open call, neither may apply: each says why
    assert csco.post(f"/programmes/{AASCTF}/apply/", application_form(world)).status_code == 302
    page = text(csco.get(URL))
    assert "None of your city's projects can apply here now:" in page
    assert "Patong smart drainage : It has applied to every open call." in page
    assert "Kata tram : The project addresses none" in page
    # and with no call open, that is what is said
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    fund.calls.update(closes_on=yesterday)
    assert "No call is open now: a project applies while a call is open." in text(csco.get(URL))


def test_a_new_call_s_message_says_when_it_takes_applications(world, text):
    client = world["roles"].session("secretariat")
    today = timezone.localdate()
    later = client.post(
        f"/programmes/{AASCTF}/calls/",
        {
            "title": "Round 2",
            "opens_on": (today + dt.timedelta(days=40)).isoformat(),
            "closes_on": (today + dt.timedelta(days=80)).isoformat(),
        },
    )
    shown = text(client.get(later["Location"]))
    assert "The call is saved. It opens for applications on" in shown
    assert "open for applications now" not in shown
    now = client.post(
        f"/programmes/{AASCTF}/calls/",
        {
            "title": "Round 3",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=20)).isoformat(),
        },
    )
    assert "The call is saved and open for applications now, until" in text(
        client.get(now["Location"])
    )
