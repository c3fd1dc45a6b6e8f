"""Feedback that tells the truth (issue 19): every message says what really happened.

A plan submitted by mistake can be withdrawn while nobody has acted on it (service, page,
API, the National Representative's queue and e-mail); a plan's PDF chosen on its edit page
is saved with the text or said to be lost, never dropped in silence; comparing versions
compares what was submitted; a success message says who sees a project and who was told;
and a signed-out person meeting a network-only record is offered the sign-in (the same
page as for a record that does not exist).
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from ascn.accounts.models import Membership, Role
from ascn.core.errors import IllegalTransition, InvalidInput, PermissionDenied, StaleEdit
from ascn.core.models import AuditEntry
from ascn.plans import queries
from ascn.plans.models import ActionPlan, PlanStatus, Project
from ascn.plans.services import plan_transition, plan_update, project_update
from tests import factories
from tests.plans.test_pages import page_forms, press, the_form

pytest_plugins = ["tests.roles"]

PDF = factories.pdf_bytes()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def plan(roles) -> ActionPlan:
    return factories.plan(roles.user("cso_phuket"), title="Phuket Smart City Action Plan")


def submitted(roles, plan: ActionPlan) -> ActionPlan:
    return plan_transition(
        actor=roles.user("cso_phuket"), plan=plan, action="submit", version=plan.version
    )


def shown_message(client, response, text) -> str:
    """The page a redirect lands on, as text (where the success message is shown)."""
    assert response.status_code == 302, response.status_code
    return text(client.get(response.url))


# --- withdrawing a submitted plan ---------------------------------------------------------------


def test_a_csco_withdraws_a_submitted_plan_and_it_leaves_the_queue(
    roles, plan, mailoutbox, django_capture_on_commit_callbacks
):
    plan = submitted(roles, plan)
    nr = roles.user("nr_th")
    assert list(queries.endorsement_queue(nr)[0]) == [plan]

    with django_capture_on_commit_callbacks(execute=True):
        plan = plan_transition(
            actor=roles.user("cso_phuket"), plan=plan, action="withdraw", version=plan.version
        )

    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert list(queries.endorsement_queue(nr)[0]) == []
    # the history keeps it, said as a withdrawal
    versions = list(plan.versions.order_by("number"))
    assert [v.status for v in versions] == ["submitted", "draft"]
    assert versions[-1].happened == "Withdrawn by the city"
    # audited
    entry = AuditEntry.objects.filter(action="plans.plan.withdrawn").get()
    assert entry.changes["status"] == {"before": "submitted", "after": "draft"}
    # the National Representative, who was e-mailed the submission, hears it is withdrawn
    assert mailoutbox[-1].to == ["nr-th@roles.test"]
    assert mailoutbox[-1].subject == "Action plan withdrawn: Phuket Smart City Action Plan"
    assert "no longer waits for your endorsement" in mailoutbox[-1].body
    # and the city can edit it again
    plan = plan_update(
        actor=roles.user("cso_phuket"), plan=plan, version=plan.version, title="Fixed title"
    )
    assert plan.title == "Fixed title"


def test_withdrawing_is_refused_once_anyone_acted_or_by_anyone_else(roles, plan):
    csco, nr = roles.user("cso_phuket"), roles.user("nr_th")
    plan = submitted(roles, plan)
    # the National Representative may not withdraw the city's plan
    with pytest.raises(PermissionDenied):
        plan_transition(actor=nr, plan=plan, action="withdraw", version=plan.version)
    # a stale version: 409, nothing changes
    with pytest.raises(StaleEdit):
        plan_transition(actor=csco, plan=plan, action="withdraw", version=plan.version - 1)
    # once returned (or endorsed) it is no longer the city's to take back
    plan = plan_transition(
        actor=nr, plan=plan, action="return", version=plan.version, comment="Add projects."
    )
    with pytest.raises(IllegalTransition, match=r"A returned plan cannot be withdrawn\."):
        plan_transition(actor=csco, plan=plan, action="withdraw", version=plan.version)
    plan = submitted(roles, plan)
    plan = plan_transition(actor=nr, plan=plan, action="endorse", version=plan.version)
    with pytest.raises(IllegalTransition, match=r"An endorsed plan cannot be withdrawn\."):
        plan_transition(actor=csco, plan=plan, action="withdraw", version=plan.version)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDORSED


def test_withdrawing_through_the_api(roles, plan):
    plan = submitted(roles, plan)
    url = f"/api/v1/action-plans/{plan.pk}/withdraw"
    # the NR may not; a stale version is a 409; nothing changes
    assert (
        roles.bearer("nr_th").post(url, {"version": plan.version}, "application/json").status_code
        == 403
    )
    stale = roles.bearer("cso_phuket").post(url, {"version": 1}, "application/json")
    assert stale.status_code == 409
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    response = roles.bearer("cso_phuket").post(url, {"version": plan.version}, "application/json")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "draft"
    assert [v["status"] for v in body["versions"]] == ["submitted", "draft"]


def test_the_plan_page_offers_withdrawal_with_a_confirmation_and_says_what_happened(
    roles, plan, text
):
    plan = submitted(roles, plan)
    csco, nr = roles.session("cso_phuket"), roles.session("nr_th")
    page = csco.get(f"/plans/{plan.pk}/")
    assert "Withdraw the plan…" in text(page)  # the button that opens the confirmation
    assert "Yes, withdraw it to make changes" in text(page)
    # the National Representative is offered endorse and return, not withdraw
    offered = {f.value("action") for f in page_forms(nr.get(f"/plans/{plan.pk}/"))}
    assert "withdraw" not in offered
    assert {"endorse", "return"} <= offered

    response = press(csco, plan, "withdraw")

    shown = shown_message(csco, response, text)
    assert "Plan withdrawn: it is a draft again" in shown
    assert "The National Representative of Thailand is notified" in shown
    assert "Withdrawn by the city" in shown  # in the history
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert "Phuket Smart City Action Plan" not in text(nr.get("/plans/queue/"))


# --- messages that say who was told ----------------------------------------------------------


def test_submitting_says_nobody_was_e_mailed_when_the_state_has_no_representative(
    roles, plan, text, mailoutbox, django_capture_on_commit_callbacks
):
    csco = roles.session("cso_phuket")
    Membership.objects.filter(role=Role.NATIONAL_REPRESENTATIVE).delete()

    with django_capture_on_commit_callbacks(execute=True):
        response = press(csco, plan, "submit")

    shown = shown_message(csco, response, text)
    assert "Thailand has no National Representative on the platform yet" in shown
    assert "nobody was notified" in shown
    assert "is notified" not in shown
    assert mailoutbox == []


def test_the_small_print_under_submit_and_withdraw_says_who_will_be_told(roles, plan, text):
    csco = roles.session("cso_phuket")
    page = text(csco.get(f"/plans/{plan.pk}/"))
    assert "The National Representative is notified." in page

    Membership.objects.filter(role=Role.NATIONAL_REPRESENTATIVE).delete()
    page = text(csco.get(f"/plans/{plan.pk}/"))
    assert (
        "Thailand has no National Representative on the platform yet, so nobody is notified" in page
    )
    assert "National Representative is notified" not in page

    plan = submitted(roles, plan)
    page = text(csco.get(f"/plans/{plan.pk}/"))
    assert "Nobody was notified of it, so nobody else is told." in page
    assert "The National Representative is told" not in page
    assert "Thailand has no National Representative on the platform yet, so the Secretariat" in page
    assert "Waiting for the National Representative" not in page


def test_submitting_names_who_is_e_mailed(roles, plan, text):
    csco = roles.session("cso_phuket")
    shown = shown_message(csco, press(csco, plan, "submit"), text)
    assert "The National Representative of Thailand is notified" in shown
    assert "you can still withdraw it" in shown


@pytest.mark.parametrize(
    ("visibility", "says", "never"),
    [
        ("network", "Every signed-in member of the network sees it.", "draft"),
        ("public", "Everyone, signed in or not, sees it.", "draft"),
        ("draft", "saved as a draft. Only your city", "signed-in member"),
    ],
)
def test_a_new_project_s_message_says_who_really_sees_it(roles, text, visibility, says, never):
    csco = roles.session("cso_phuket")
    form = the_form(csco.get("/projects/new/"), having="title")
    data = form.data(
        title="Patong smart drainage",
        description="Drains that report their level.",
        focus_areas="safety-security",
        status="preparation",
        budget_amount="1000000",
        visibility=visibility,
    )

    response = csco.post("/projects/new/", data)

    shown = shown_message(csco, response, text)
    assert says in shown
    message = re.search(r"The project is saved[^.]*\.[^.]*\.", shown).group(0)
    assert never not in message


def test_changing_who_sees_a_project_is_said(roles, text):
    project = factories.project(roles.user("cso_phuket"))
    csco = roles.session("cso_phuket")
    url = f"/projects/{project.pk}/edit/"
    form = the_form(csco.get(url), having="version")

    shown = shown_message(csco, csco.post(url, form.data(visibility="network")), text)

    assert "Your changes to the project are saved. Every signed-in member" in shown


# --- one edit form: the PDF is saved with the text, or said to be lost ------------------------


def _edit_form(client, plan):
    return the_form(client.get(f"/plans/{plan.pk}/edit/"), having="version")


def test_a_pdf_chosen_before_save_changes_is_saved_with_the_text(roles, plan, text):
    csco = roles.session("cso_phuket")
    form = _edit_form(csco, plan)
    data = form.data(title="Phuket Smart City Action Plan 2025")
    data["document"] = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")

    response = csco.post(f"/plans/{plan.pk}/edit/", data)

    shown = shown_message(csco, response, text)
    assert "Your changes to the plan are saved, and the PDF you chose is attached." in shown
    plan.refresh_from_db()
    assert plan.title == "Phuket Smart City Action Plan 2025"
    assert plan.document.name
    assert plan.version == 2  # one save, one version
    entry = AuditEntry.objects.filter(action="plans.plan.updated").get()
    assert set(entry.changes) >= {"title", "document"}


def test_a_file_that_is_not_a_pdf_refuses_the_whole_edit_and_says_choose_it_again(
    roles, plan, text
):
    csco = roles.session("cso_phuket")
    data = _edit_form(csco, plan).data(title="Changed title")
    data["document"] = SimpleUploadedFile("notes.pdf", b"not a pdf", content_type="application/pdf")

    response = csco.post(f"/plans/{plan.pk}/edit/", data)

    assert response.status_code == 422
    shown = text(response)
    assert "Only PDF documents are accepted" in shown
    assert "The PDF you chose (notes.pdf) is not attached yet" in shown
    plan.refresh_from_db()
    assert (plan.title, plan.version, plan.document.name) == (
        "Phuket Smart City Action Plan",
        1,
        "",
    )


def test_adding_a_section_says_the_chosen_pdf_must_be_chosen_again(roles, plan, text):
    csco = roles.session("cso_phuket")
    data = _edit_form(csco, plan).data(add_section="1")
    data["document"] = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")

    response = csco.post(f"/plans/{plan.pk}/edit/", data)

    assert response.status_code == 200
    assert "The PDF you chose (plan.pdf) is not attached yet" in text(response)
    plan.refresh_from_db()
    assert plan.document.name == ""


def test_a_stale_edit_says_the_chosen_pdf_was_not_attached(roles, plan, text):
    csco = roles.session("cso_phuket")
    data = _edit_form(csco, plan).data(title="Mine")
    plan_update(actor=roles.user("secretariat"), plan=plan, version=1, vision="Theirs.")
    data["document"] = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")

    response = csco.post(f"/plans/{plan.pk}/edit/", data)

    assert response.status_code == 409
    assert "The PDF you chose (plan.pdf) is not attached yet" in text(response)
    plan.refresh_from_db()
    assert plan.document.name == ""


def test_a_new_plan_can_carry_its_pdf(roles, text):
    csco = roles.session("cso_phuket")
    form = the_form(csco.get("/plans/new/"), having="title")
    data = form.data(title="Phuket plan with its PDF")
    data["document"] = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")

    response = csco.post("/plans/new/", data)

    assert "saved as a draft, with its PDF" in shown_message(csco, response, text)
    assert ActionPlan.objects.get(title="Phuket plan with its PDF").document.name


# --- comparing submissions ---------------------------------------------------------------------


def test_comparing_compares_submissions_by_default_and_every_version_on_request(roles, plan, text):
    csco, nr = roles.user("cso_phuket"), roles.user("nr_th")
    plan = submitted(roles, plan)  # version 1
    plan = plan_transition(
        actor=nr, plan=plan, action="return", version=plan.version, comment="More."
    )  # version 2: the return, which repeats version 1
    plan = plan_update(actor=csco, plan=plan, version=plan.version, vision="A greener Phuket.")
    plan = submitted(roles, plan)  # version 3
    client = roles.session("nr_th")

    page = client.get(f"/plans/{plan.pk}/compare/")

    shown = text(page)
    assert page.status_code == 200
    # version 1 against version 3: the vision changed between the two submissions
    assert re.search(r"Part Version 1 .* Version 3 ", shown)
    assert "1 part changed: Vision." in shown
    # the choices are the submissions; every version on request
    chooser = shown.split("Compare two versions")[-1].split("Part")[0]
    assert "Version 1 — Submitted" in chooser and "Version 3 — Submitted" in chooser
    assert "Version 2" not in chooser
    assert "Offer every version (1 more" in shown
    every = text(client.get(f"/plans/{plan.pk}/compare/?all=1"))
    assert "Version 2 — Returned for changes" in every
    # the plan page and the queue link to what changed since the previous submission
    assert "See what changed since the previous submission" in text(
        client.get(f"/plans/{plan.pk}/")
    )
    assert "What changed since the previous submission" in text(client.get("/plans/queue/"))


def test_a_comparison_names_the_framework_in_the_readers_language(roles, plan, text):
    # given the plan's focus areas changed between its submission and the current text
    plan = submitted(roles, plan)
    plan = plan_transition(
        actor=roles.user("nr_th"), plan=plan, action="return", version=plan.version, comment="."
    )
    plan = plan_update(
        actor=roles.user("cso_phuket"),
        plan=plan,
        version=plan.version,
        focus_areas=["safety-security"],
    )
    # when the officer compares in Thai
    shown = text(roles.session("cso_phuket").get(f"/th/plans/{plan.pk}/compare/"))
    # then the focus area reads in Thai, as on every other page
    with translation.override("th"):
        assert translation.gettext("Safety & Security") in shown
    assert "Safety & Security" not in shown


# --- not found, maybe because signed out ---------------------------------------------------------


def test_a_signed_out_person_is_offered_the_sign_in_on_a_network_only_record(roles, text):
    project = factories.project(roles.user("cso_phuket"), visibility="network")
    anonymous = roles.session("anonymous")

    hidden = anonymous.get(f"/projects/{project.pk}/")
    missing = anonymous.get("/projects/999999/")

    assert hidden.status_code == missing.status_code == 404
    shown = text(hidden)
    assert "you may need to sign in" in shown
    assert (
        f'href="/accounts/sign-in/?next=%2Fprojects%2F{project.pk}%2F"' in hidden.content.decode()
    )
    assert "Patong" not in shown and "drainage" not in shown.lower()
    # a record that does not exist gets the very same page: nothing is revealed
    assert text(missing).replace("999999", str(project.pk)) == shown
    # signed in, the page does not ask to sign in
    signed_in = roles.session("partner_adb").get("/projects/999999/")
    assert signed_in.status_code == 404
    assert "Sign in to open this page" not in text(signed_in)


@pytest.mark.parametrize(("page", "chosen", "kept"), [("vi", None, "vi"), ("vi", "en", "en")])
def test_a_new_project_is_written_in_the_pages_language_unless_told(roles, page, chosen, kept):
    """A project written on a Vietnamese page was marked "written in English, not yet
    translated": the new-project form now asks, the page's language first."""
    csco = roles.session("cso_hanoi")
    form = the_form(csco.get(f"/{page}/projects/new/"), having="title")
    assert dict(form.fields)["language"] == page
    values = {
        "title": "Đèn đường thông minh",
        "description": "Đèn tự điều chỉnh độ sáng.",
        "focus_areas": "built-infrastructure",
        "status": "preparation",
        "budget_amount": "1000000",
    }
    if chosen:
        values["language"] = chosen
    response = csco.post(f"/{page}/projects/new/", form.data(**values))
    assert response.status_code == 302
    project = Project.objects.get(title="Đèn đường thông minh")
    assert project.language == kept
    shown = csco.get(f"/{page}/projects/{project.pk}/").content.decode()
    # a title in another language than the page's is marked as such (and its note shown)
    assert (f'<h1 lang="{kept}">' in shown) is (kept != page)
    # an edit does not ask again: the translations page says which language it is in
    edit = the_form(csco.get(f"/{page}/projects/{project.pk}/edit/"), having="version")
    assert "language" not in dict(edit.fields)


def test_a_real_project_never_goes_in_a_sample_plan(roles):
    """The new-project form offered, and chose by default, the demo's sample action plan for
    a real project: the menu offers only plans of the project's kind, the service refuses
    the mix, and a language the site does not have is refused too."""
    csco = roles.user("cso_phuket")
    sample_plan = factories.plan(csco, title="Phuket plan (sample)", sample=True)
    real_plan = factories.plan(csco, title="Phuket plan")
    page = roles.session("cso_phuket").get("/projects/new/").content.decode()
    assert "Phuket plan (sample)" not in page and "Phuket plan (" in page
    with pytest.raises(InvalidInput) as refused:
        factories.project(csco, plan=sample_plan)
    assert refused.value.field == "plan"
    assert "never mix" in refused.value.message
    assert factories.project(csco, plan=real_plan, title="Kept").plan == real_plan
    with pytest.raises(InvalidInput) as refused:
        factories.project(csco, language="xx")
    assert refused.value.field == "language"


def test_an_edit_does_not_change_a_projects_language(roles):
    project = factories.project(roles.user("cso_phuket"), language="th")
    with pytest.raises(InvalidInput) as refused:
        project_update(
            actor=roles.user("cso_phuket"), project=project, version=project.version, language="en"
        )
    assert "translations page" in refused.value.message
    project.refresh_from_db()
    assert project.language == "th"
