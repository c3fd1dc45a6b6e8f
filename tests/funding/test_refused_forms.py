"""A form of a programme's rows refused: an award, a payment, an application's action.

The page comes back in a 4xx with that form in its row, bound to what was typed and saying
why next to the field (or at the top of the form when it is about no field), every other
form new, the form's action bringing the browser back to its row, and nothing written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from lxml import html

from ascn.core.models import AuditEntry
from ascn.funding.models import Application, Award, Disbursement, Programme
from ascn.funding.services import application_create, application_transition
from tests import factories

pytest_plugins = ["tests.roles"]

AASCTF = "asean-australia-smart-cities-trust-fund"
URL = f"/programmes/{AASCTF}/"


def money_state() -> tuple:
    """Everything a refused award or payment must leave as it was."""
    programmes = list(
        Programme.objects.order_by("pk").values_list("pk", "awarded_amount", "disbursed_amount")
    )
    applications = list(Application.objects.order_by("pk").values_list("pk", "status", "version"))
    awards = list(Award.objects.order_by("pk").values_list("pk", "amount", "disbursed_amount"))
    disbursements = Disbursement.objects.count()
    return programmes, applications, awards, disbursements, AuditEntry.objects.count()


def two_awards(world) -> tuple[Award, Award]:
    """Patong's project awarded 200,000 AUD and Kata's 100,000 AUD by the trust fund."""
    roles = world["roles"]
    kata = factories.project(
        roles.user("cso_phuket"),
        title="Kata hill sensors",
        focus_areas=["quality-environment"],
        status="preparation",
    )
    awarded = [
        factories.award(
            roles.user("partner_adb"),
            programme=world["fund"],
            project=project,
            amount=amount,
            applicant=roles.user("cso_phuket"),
        ).award
        for project, amount in ((world["project"], "200000"), (kata, "100000"))
    ]
    return awarded[0], awarded[1]


def shortlisted(world, title: str, amount: str = "250000") -> Application:
    """An application of a new Phuket project, submitted and shortlisted by the ADB."""
    roles = world["roles"]
    project = factories.project(
        roles.user("cso_phuket"),
        title=title,
        focus_areas=["quality-environment"],
        status="preparation",
    )
    application = application_create(
        actor=roles.user("cso_phuket"),
        call=world["call"],
        project=project,
        amount_requested=amount,
    )
    for action, who in (("submit", "cso_phuket"), ("shortlist", "partner_adb")):
        application = application_transition(
            actor=roles.user(who),
            application=application,
            action=action,
            version=application.version,
        )
    return application


def form_of(page, action: str):
    """The form of ``page`` sent to ``action`` (its address, before the ``#``)."""
    forms = [f for f in page.iter("form") if f.get("action", "").split("#")[0] == action]
    assert len(forms) == 1, action
    return forms[0]


def values(form) -> dict[str, str]:
    return {i.get("name"): i.get("value") or "" for i in form.iter("input") if i.get("name")}


def error_next_to(page, field_id: str) -> str:
    """The error shown with the field ``field_id``, in the same ``.field`` block."""
    error = page.get_element_by_id(f"{field_id}_error")
    block = error.getparent()
    assert "field" in block.get("class", "").split()
    assert block.get_element_by_id(field_id) is not None
    return " ".join(error.text_content().split())  # a money's no-break space as a space


def refusals(page) -> list[str]:
    """The ids of the rows (``tr``) holding each error summary of the page ("" when none)."""
    return [
        next((a.get("id", "") for a in summary.iterancestors("tr")), "")
        for summary in page.find_class("error-summary")
    ]


# --- a payment --------------------------------------------------------------------------------


def test_a_payment_over_what_remains_comes_back_in_its_row_as_typed(world, text):
    # given two awards, and the ADB (the fund's implementer) about to record a payment
    patong, kata = two_awards(world)
    adb = world["roles"].session("partner_adb")
    before = money_state()
    today = timezone.localdate().isoformat()
    prefix = f"award-{patong.pk}"
    action = f"/programmes/{AASCTF}/awards/{patong.pk}/disburse/"

    # when it sends more than the 200,000 AUD the award holds
    response = adb.post(
        action,
        {
            f"{prefix}-amount": "250000",
            f"{prefix}-paid_on": today,
            f"{prefix}-reference": "T-77",
            f"{prefix}-disbursed": "0.00",  # as the page read it
        },
    )

    # then the page again, in a 422, with that form as typed and why next to the amount
    assert response.status_code == 422
    page = html.fromstring(response.content)
    form = form_of(page, action)
    assert values(form) == {
        "csrfmiddlewaretoken": values(form)["csrfmiddlewaretoken"],
        f"{prefix}-amount": "250000",
        f"{prefix}-paid_on": today,
        f"{prefix}-reference": "T-77",
        f"{prefix}-disbursed": "0.00",
    }
    assert error_next_to(form, f"id_{prefix}-amount") == (
        "Only 200,000 AUD of the award remain to be paid."
    )
    # the browser is brought to it: the action's anchor is its row, its amount takes the focus
    assert form.get("action") == f"{action}#{prefix}"
    assert page.get_element_by_id(prefix).tag == "tr"
    assert form.get_element_by_id(f"id_{prefix}-amount").get("autofocus") is not None
    # the only error on the page is in that row; the other award's form is new
    assert refusals(page) == [prefix]
    other = form_of(page, f"/programmes/{AASCTF}/awards/{kata.pk}/disburse/")
    assert {k: v for k, v in values(other).items() if k != "csrfmiddlewaretoken"} == {
        f"award-{kata.pk}-amount": "",
        f"award-{kata.pk}-paid_on": "",
        f"award-{kata.pk}-reference": "",
        f"award-{kata.pk}-disbursed": "0.00",  # what it has paid, as the page reads it
    }
    assert not other.find_class("field-error")
    assert "There is a problem — nothing was saved" in text(response)
    # and nothing is written
    assert money_state() == before


def test_a_payment_form_sent_twice_pays_once_and_says_what_is_paid_now(world, text):
    # given the ADB's page with the form of an award that has paid nothing yet
    patong, _kata = two_awards(world)
    adb = world["roles"].session("partner_adb")
    prefix = f"award-{patong.pk}"
    action = f"/programmes/{AASCTF}/awards/{patong.pk}/disburse/"
    page = html.fromstring(adb.get(f"/programmes/{AASCTF}/").content)
    sent = {**values(form_of(page, action)), f"{prefix}-amount": "50000"}

    # when the same form is sent twice (a double click, a reload that posts again)
    assert adb.post(action, sent).status_code == 302
    again = adb.post(action, sent)

    # then the second is refused with what the award has paid now, and nothing is added
    assert again.status_code == 409
    assert "A payment of this award was recorded since you read it: 50,000 AUD" in text(again)
    patong.refresh_from_db()
    assert patong.disbursed_amount == 50000 and patong.disbursements.count() == 1
    # and the form, sent once more as it stands, records a second payment deliberately
    form = form_of(html.fromstring(again.content), action)
    assert values(form)[f"{prefix}-disbursed"] == "50000.00"
    assert adb.post(action, values(form)).status_code == 302
    patong.refresh_from_db()
    assert patong.disbursed_amount == 100000


def test_a_payment_refused_for_its_date_says_so_next_to_the_date(world):
    patong, _kata = two_awards(world)
    adb = world["roles"].session("partner_adb")
    before = money_state()
    prefix = f"award-{patong.pk}"
    action = f"/programmes/{AASCTF}/awards/{patong.pk}/disburse/"
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    cases = [
        # the service refuses a payment dated in the future
        (tomorrow, "A payment cannot be dated in the future."),
        # the form refuses what is not a date
        ("31/02/2026", "Enter a valid date."),
    ]
    for paid_on, why in cases:
        response = adb.post(
            action,
            {f"{prefix}-amount": "5000", f"{prefix}-paid_on": paid_on, f"{prefix}-reference": ""},
        )
        assert response.status_code == 422, paid_on
        form = form_of(html.fromstring(response.content), action)
        assert values(form)[f"{prefix}-amount"] == "5000"
        assert values(form)[f"{prefix}-paid_on"] == paid_on
        assert error_next_to(form, f"id_{prefix}-paid_on") == why
        assert form.get_element_by_id(f"id_{prefix}-paid_on").get("autofocus") is not None
    assert money_state() == before


def test_a_payment_is_recorded_from_the_form_the_page_shows(world, text):
    # given the refused form, corrected
    patong, _kata = two_awards(world)
    adb = world["roles"].session("partner_adb")
    prefix = f"award-{patong.pk}"
    action = f"/programmes/{AASCTF}/awards/{patong.pk}/disburse/"
    refused = adb.post(action, {f"{prefix}-amount": "250000", f"{prefix}-reference": "T-77"})
    sent = values(form_of(html.fromstring(refused.content), action))
    # when it is sent again with an amount the award holds
    response = adb.post(action, {**sent, f"{prefix}-amount": "50000"})
    # then the payment is recorded, the reference typed the first time with it
    assert response.status_code == 302
    assert response["Location"] == f"{URL}#awards"
    assert Disbursement.objects.get().reference == "T-77"
    patong.refresh_from_db()
    assert patong.disbursed_amount == Decimal("50000")


def test_only_the_managers_record_payments_whatever_they_send(world):
    patong, _kata = two_awards(world)
    before = money_state()
    csco = world["roles"].session("cso_phuket")
    action = f"/programmes/{AASCTF}/awards/{patong.pk}/disburse/"
    # the city sees the award but has no payment form: a form it could not see is not
    # answered with errors, but refused for who sends it
    for amount in ("abc", "1000"):
        assert csco.post(action, {f"award-{patong.pk}-amount": amount}).status_code == 403
    assert money_state() == before


# --- an award ---------------------------------------------------------------------------------


def test_an_award_over_the_largest_comes_back_in_its_row_as_typed(world, text):
    # given two shortlisted applications, and a fund that awards at most 30,000 AUD
    Programme.objects.filter(pk=world["fund"].pk).update(max_award_amount=Decimal("30000"))
    first = shortlisted(world, "Kata hill sensors", amount="25000")
    second = shortlisted(world, "Karon beach lights", amount="20000")
    adb = world["roles"].session("partner_adb")
    before = money_state()
    prefix = f"application-{first.pk}"
    action = f"/programmes/{AASCTF}/applications/{first.pk}/award/"

    # when the ADB awards the first more than that
    response = adb.post(action, {f"{prefix}-version": first.version, f"{prefix}-amount": "45000"})

    # then the page again, in a 422, with that award form as typed and why next to the amount
    assert response.status_code == 422
    page = html.fromstring(response.content)
    form = form_of(page, action)
    assert values(form)[f"{prefix}-amount"] == "45000"
    assert values(form)[f"{prefix}-version"] == str(first.version)
    assert "30,000 AUD" in error_next_to(form, f"id_{prefix}-amount")
    assert form.get("action") == f"{action}#{prefix}"
    assert page.get_element_by_id(prefix).tag == "tr"
    assert form.get_element_by_id(f"id_{prefix}-amount").get("autofocus") is not None
    # the other application's award form offers what it asked for, with no error
    assert refusals(page) == [prefix]
    other = form_of(page, f"/programmes/{AASCTF}/applications/{second.pk}/award/")
    assert values(other)[f"application-{second.pk}-amount"] == "20000.00"
    assert not other.find_class("field-error")
    # and nothing is written
    assert money_state() == before


def test_an_award_not_a_number_is_refused_by_the_form(world):
    application = shortlisted(world, "Kata hill sensors")
    adb = world["roles"].session("partner_adb")
    before = money_state()
    prefix = f"application-{application.pk}"
    action = f"/programmes/{AASCTF}/applications/{application.pk}/award/"
    response = adb.post(
        action, {f"{prefix}-version": application.version, f"{prefix}-amount": "lots"}
    )
    assert response.status_code == 422
    form = form_of(html.fromstring(response.content), action)
    assert values(form)[f"{prefix}-amount"] == "lots"
    assert error_next_to(form, f"id_{prefix}-amount") == "Enter a number."
    assert money_state() == before


def test_a_stale_award_comes_back_with_the_saved_version_to_send_again(world, text):
    # given a shortlisted application, awarded from a page read before it was shortlisted
    application = shortlisted(world, "Kata hill sensors")
    adb = world["roles"].session("partner_adb")
    before = money_state()
    prefix = f"application-{application.pk}"
    action = f"/programmes/{AASCTF}/applications/{application.pk}/award/"
    old = application.version - 1

    response = adb.post(action, {f"{prefix}-version": old, f"{prefix}-amount": "120000"})

    # then a 409 with the form in its row as typed, saying why at its top
    assert response.status_code == 409
    page = html.fromstring(response.content)
    form = form_of(page, action)
    assert values(form)[f"{prefix}-amount"] == "120000"
    assert refusals(page) == [prefix]
    summary = form.find_class("error-summary")[0].text_content()
    assert "Someone changed this application meanwhile: nothing was saved." in summary
    assert f"you edited version {old}, it is now at version {application.version}" in summary
    assert money_state() == before
    # carrying the version saved now: sending it again is a deliberate choice, and it is saved
    assert values(form)[f"{prefix}-version"] == str(application.version)
    again = adb.post(action, values(form))
    assert again.status_code == 302
    assert again["Location"] == f"{URL}#awards"
    assert Award.objects.get(application=application).amount == Decimal("120000")


def test_an_award_of_an_application_decided_meanwhile_says_so_in_its_row(world):
    # given an application declined by someone else while the ADB typed the award
    application = shortlisted(world, "Kata hill sensors")
    version = application.version
    application_transition(
        actor=world["roles"].user("secretariat"),
        application=application,
        action="decline",
        version=version,
    )
    adb = world["roles"].session("partner_adb")
    before = money_state()
    prefix = f"application-{application.pk}"
    action = f"/programmes/{AASCTF}/applications/{application.pk}/award/"
    response = adb.post(action, {f"{prefix}-version": version, f"{prefix}-amount": "120000"})
    # then a 409; the row no longer offers the award, but says why the award was not made
    assert response.status_code == 409
    page = html.fromstring(response.content)
    assert not [f for f in page.iter("form") if f.get("action", "").startswith(action)]
    assert refusals(page) == [prefix]
    row = page.get_element_by_id(prefix).text_content()
    assert "Someone changed this application meanwhile: nothing was saved." in row
    assert money_state() == before


# --- an application's action ------------------------------------------------------------------


def test_a_stale_action_is_refused_in_the_application_s_row(world, text):
    # given two shortlisted applications, read by the ADB before the first was shortlisted
    first = shortlisted(world, "Kata hill sensors")
    second = shortlisted(world, "Karon beach lights")
    adb = world["roles"].session("partner_adb")
    before = money_state()
    action = f"/programmes/{AASCTF}/applications/{first.pk}/decline/"

    # when the ADB declines the first from the page it read before
    response = adb.post(action, {"version": first.version - 1})

    # then a 409, the reason in that application's row and not at the top of the page
    assert response.status_code == 409
    assert money_state() == before
    page = html.fromstring(response.content)
    anchor = f"application-{first.pk}"
    assert refusals(page) == [anchor]
    row = page.get_element_by_id(anchor).text_content()
    assert "Someone changed this application meanwhile: nothing was saved." in row
    # the other rows' forms are as they were: the other award form offers its request
    other = form_of(page, f"/programmes/{AASCTF}/applications/{second.pk}/award/")
    assert values(other)[f"application-{second.pk}-amount"] == "250000.00"
    # its buttons carry the version saved now and bring the browser back to the row
    decline = form_of(page, action)
    assert decline.get("action") == f"{action}#{anchor}"
    assert values(decline)["version"] == str(first.version)
    # and declining from there is a deliberate choice, which is saved
    declined = adb.post(action, values(decline))
    assert declined.status_code == 302
    assert declined["Location"] == f"{URL}#applications"


def test_an_action_the_workflow_refuses_is_said_in_the_row(world):
    # given a submitted application that its city tries to submit again
    application = shortlisted(world, "Kata hill sensors")
    csco = world["roles"].session("cso_phuket")
    before = money_state()
    action = f"/programmes/{AASCTF}/applications/{application.pk}/submit/"
    response = csco.post(action, {"version": application.version})
    assert response.status_code == 409
    page = html.fromstring(response.content)
    anchor = f"application-{application.pk}"
    assert refusals(page) == [anchor]
    assert "A shortlisted application cannot be submitted." in (
        page.get_element_by_id(anchor).text_content()
    )
    # and a form without its version (a page changed by hand) is a 422, said in the row
    incomplete = csco.post(action, {"version": "x"})
    assert incomplete.status_code == 422
    page = html.fromstring(incomplete.content)
    assert refusals(page) == [anchor]
    assert "The form was incomplete." in page.get_element_by_id(anchor).text_content()
    assert money_state() == before


def test_the_address_a_refused_form_leaves_leads_back_to_the_programme(world):
    # given the page of a refused payment, which stands at the form's address
    patong, _kata = two_awards(world)
    adb = world["roles"].session("partner_adb")
    action = f"/programmes/{AASCTF}/awards/{patong.pk}/disburse/"
    assert adb.post(action, {f"award-{patong.pk}-amount": "0"}).status_code == 422
    # when that address is asked for again (a reload, the language menu, in Thai)
    for path in (action, f"/th{action}"):
        response = adb.get(path)
        # then it leads to the programme's page, in the same language, and changes nothing
        assert response.status_code == 302, path
        assert response["Location"] == path.split("awards/")[0]
    assert not Disbursement.objects.filter(award=patong).exists()


def test_a_project_is_linked_only_where_the_reader_may_open_it(world):
    # given a shortlisted application of a draft Phuket project (a draft is its city's)
    application = shortlisted(world, "Karon drainage pilot")
    href = application.project.get_absolute_url()
    # when the programme's manager reads the programme's page
    manager = html.fromstring(world["roles"].session("partner_adb").get(URL).content)
    row = manager.get_element_by_id(f"application-{application.pk}")
    # then the project is named, not linked to a page they cannot open (a 404)
    assert "Karon drainage pilot" in row.text_content()
    assert not row.xpath(f'.//a[@href="{href}"]')
    assert world["roles"].session("partner_adb").get(href).status_code == 404
    # while the city's officer, who may open it, has the link
    city = html.fromstring(world["roles"].session("cso_phuket").get(URL).content)
    assert city.get_element_by_id(f"application-{application.pk}").xpath(f'.//a[@href="{href}"]')
