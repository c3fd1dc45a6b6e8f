"""The plans and projects pages through Django's test client (SPEC C3, C4; issue 4 items 6, 7,
11, 13): who reaches which page, forms that lose nothing when two people edit at once, the
plan's workflow through its buttons, documents, the readiness form, bounded queries and the
htmx fragments.

Forms are sent the way a browser sends them: the fields are read from the page the person was
shown (``page_forms``), a few are changed, and the whole form is posted back.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from ascn.core import formats
from ascn.plans import readiness
from ascn.plans.models import ActionPlan, PlanStatus, Project, ProjectDocument
from ascn.plans.services import (
    document_upload,
    milestone_save,
    plan_transition,
    progress_add,
    readiness_assess,
)
from tests import factories
from tests.roles import Redirect, assert_matrix, everyone, members, sign_in_redirect

pytest_plugins = ["tests.roles"]

# A real PDF (one blank page): uploads must parse as PDF.
PDF = factories.pdf_bytes()
ZIP = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml"
HTMX = {"HX-Request": "true"}
CHECKLIST = {item.code: item for item in readiness.items()}
NOT_YET_DONE = ("land_permits", "procurement_route", "institutional_capacity")


# --- reading forms off a page, as a browser would send them ---------------------------------


class _FormReader(HTMLParser):
    """Every ``<form>`` of a page with the values a browser would submit (no buttons, no files)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def _add(self, name: str | None, value: str) -> None:
        if self._form is not None and name:
            self._form["fields"].append((name, value))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"attrs": attrs, "fields": []}
            self.forms.append(self._form)
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "reset", "image", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(attrs.get("name"), attrs.get("value") or "on")
            else:
                self._add(attrs.get("name"), attrs.get("value") or "")
        elif tag == "select":
            self._select = {"name": attrs.get("name"), "multiple": "multiple" in attrs, "opts": []}
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "text": "",
                "selected": "selected" in attrs,
            }
        elif tag == "textarea":
            self._textarea = {"name": attrs.get("name"), "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select is not None:
            option = self._option
            self._select["opts"].append(
                (option["text"] if option["value"] is None else option["value"], option["selected"])
            )
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._select["opts"] if selected]
            if not chosen and not self._select["multiple"] and self._select["opts"]:
                chosen = [self._select["opts"][0][0]]
            for value in chosen:
                self._add(self._select["name"], value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            text = self._textarea["text"]
            self._add(self._textarea["name"], text[1:] if text.startswith("\n") else text)
            self._textarea = None
        elif tag == "form":
            self._form = None


class Form:
    def __init__(self, attrs: dict, fields: list[tuple[str, str]]):
        self.attrs = attrs
        self.fields = fields

    def data(self, **changes) -> dict[str, str | list[str]]:
        """The form's values (lists for repeated names), with ``changes`` applied."""
        data: dict[str, list[str]] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        out: dict[str, str | list[str]] = {k: v if len(v) > 1 else v[0] for k, v in data.items()}
        out.update(changes)
        return out

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)


def page_forms(response) -> list[Form]:
    reader = _FormReader()
    reader.feed(response.content.decode())
    return [Form(f["attrs"], f["fields"]) for f in reader.forms]


def the_form(response, *, having: str, value: str | None = None) -> Form:
    """The one form of a page with the field ``having`` (set to ``value`` if given)."""
    found = [
        f
        for f in page_forms(response)
        if any(n == having and (value is None or v == value) for n, v in f.fields)
    ]
    assert len(found) == 1, f"{len(found)} forms with {having}={value!r} on the page"
    return found[0]


# --- the records ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def projects(roles) -> dict[str, Project]:
    phuket, hanoi = roles.user("cso_phuket"), roles.user("cso_hanoi")
    return {
        "phuket_draft": factories.project(phuket, title="Patong smart drainage"),
        "hanoi_draft": factories.project(
            hanoi, city="hanoi", title="Hanoi congestion pricing", currency="VND"
        ),
        "hanoi_public": factories.project(
            hanoi, city="hanoi", title="Hanoi smart lighting", currency="VND", visibility="public"
        ),
    }


@pytest.fixture
def plans(roles) -> dict[str, ActionPlan]:
    return {
        "phuket": factories.plan(roles.user("cso_phuket"), title="Phuket Smart City Action Plan"),
        "hanoi": factories.plan(
            roles.user("cso_hanoi"), city="hanoi", title="Hanoi Smart City Action Plan"
        ),
    }


# --- the role matrix of the pages ---------------------------------------------------------------

ONLY_HANOI = everyone(404, cso_hanoi=200, secretariat=200)
ONLY_PHUKET = everyone(404, cso_phuket=200, nr_th=200, secretariat=200)


def _writers(path: str) -> dict:
    """A page for those who add plans and projects: CSCOs and the Secretariat; a National
    Representative or a partner is told why not (403); the anonymous are asked to sign in."""
    return members(200, anonymous=sign_in_redirect(path), nr_th=403, partner_adb=403)


PAGES = {
    "a Hanoi draft project": ("/projects/{hanoi_draft}/", ONLY_HANOI),
    "a public project": ("/projects/{hanoi_public}/", everyone(200)),
    "a Phuket draft project": ("/projects/{phuket_draft}/", ONLY_PHUKET),
    # the NR of Thailand sees the Phuket draft, so she is told she may not edit it (403)
    "editing a Phuket draft": (
        "/projects/{phuket_draft}/edit/",
        {
            "anonymous": sign_in_redirect("/projects/{phuket_draft}/edit/"),
            "cso_phuket": 200,
            "nr_th": 403,
            "cso_hanoi": 404,
            "partner_adb": 404,
            "secretariat": 200,
        },
    ),
    "a Hanoi draft's readiness": ("/projects/{hanoi_draft}/readiness/", ONLY_HANOI),
    "a Hanoi draft's documents": ("/projects/{hanoi_draft}/documents/", ONLY_HANOI),
    "a Hanoi draft plan": ("/plans/{hanoi_plan}/", ONLY_HANOI),
    "a Phuket draft plan": ("/plans/{phuket_plan}/", ONLY_PHUKET),
    "the endorsement queue": (
        "/plans/queue/",
        everyone(404, anonymous=sign_in_redirect("/plans/queue/"), nr_th=200, secretariat=200),
    ),
    "the workspace": ("/workspace/", members(200, anonymous=sign_in_redirect("/workspace/"))),
    "adding a project": ("/projects/new/", _writers("/projects/new/")),
    "starting a plan": ("/plans/new/", _writers("/plans/new/")),
}


@pytest.mark.parametrize("page", PAGES)
def test_who_reaches_each_page(roles, projects, plans, page):
    # given a draft project and a draft plan of Hanoi and of Phuket, and a public project
    ids = {name: p.pk for name, p in projects.items()}
    ids |= {f"{name}_plan": p.pk for name, p in plans.items()}
    path, expected = PAGES[page]
    expected = {
        who: replace(want, to=want.to.format(**ids)) if isinstance(want, Redirect) else want
        for who, want in expected.items()
    }
    # when each principal opens it, then each gets what its role allows (out of scope: 404)
    assert_matrix(roles.session, "GET", path.format(**ids), expected)


@pytest.mark.parametrize("record", ["readiness", "progress", "documents", "milestones"])
def test_who_may_send_a_form_on_a_project_s_record_page(roles, projects, record):
    # given a Phuket draft project and one of its record pages
    project = projects["phuket_draft"]
    path = f"/projects/{project.pk}/{record}/"
    # when each principal sends the page's form empty, then the NR (who sees the draft) is
    # refused, those who do not see it get 404, and the city's CSCO and the Secretariat get
    # the form back (or, for the readiness, an assessment with nothing met)
    writers = 302 if record == "readiness" else 422
    expected = everyone(404, cso_phuket=writers, secretariat=writers, nr_th=403)
    assert_matrix(roles.session, "POST", path, expected, data={})
    # and nothing else was written
    assert not project.progress_updates.exists()
    assert not project.documents.exists()
    assert not project.milestones.exists()
    # and a visitor who sends the form of a public project is sent to sign in first
    public = f"/projects/{projects['hanoi_public'].pk}/{record}/"
    assert_matrix(roles.session, "POST", public, {"anonymous": sign_in_redirect(public)}, data={})


def test_the_404_of_a_hanoi_draft_is_the_404_of_nothing(roles, projects, text):
    # given the CSCO of Phuket
    client = roles.session("cso_phuket")
    # when she opens a Hanoi draft, and a project that does not exist
    draft = client.get(f"/projects/{projects['hanoi_draft'].pk}/")
    missing = client.get("/projects/999999/")
    # then both say the same, and nothing of the draft
    assert draft.status_code == missing.status_code == 404
    assert text(draft) == text(missing)
    assert "Hanoi congestion pricing" not in draft.content.decode()


def test_a_csco_s_workspace_shows_her_city_and_not_another(roles, projects, plans, text):
    shown = text(roles.session("cso_phuket").get("/workspace/"))
    assert "Phuket" in shown and "Patong smart drainage" in shown
    assert "Phuket Smart City Action Plan" in shown
    assert "Hanoi" not in shown
    assert "Endorsement queue" not in shown


def test_a_national_representative_s_workspace_is_her_queue(roles, plans, text):
    # given Phuket's plan submitted, and Hanoi's (another member state) too
    for who, plan in (("cso_phuket", plans["phuket"]), ("cso_hanoi", plans["hanoi"])):
        plan_transition(actor=roles.user(who), plan=plan, action="submit", version=plan.version)
    # when the NR of Thailand opens her workspace and her queue
    workspace = text(roles.session("nr_th").get("/workspace/"))
    queue = text(roles.session("nr_th").get("/plans/queue/"))
    # then she sees Thailand's plan waiting, and not Viet Nam's
    assert "1 action plan is waiting for your endorsement." in workspace
    assert "1 plan waiting for endorsement" in queue
    assert "Phuket Smart City Action Plan" in queue
    assert "Hanoi Smart City Action Plan" not in queue
    # and the Secretariat sees both
    everything = text(roles.session("secretariat").get("/plans/queue/"))
    assert "2 plans waiting for endorsement" in everything


# --- no lost updates through the web form ----------------------------------------------------


def test_a_stale_edit_comes_back_with_what_changed_and_overwrites_nothing(roles, projects, text):
    # given the Phuket draft opened for editing by its CSCO and by the Secretariat
    project = projects["phuket_draft"]
    url = f"/projects/{project.pk}/edit/"
    csco, secretariat = roles.session("cso_phuket"), roles.session("secretariat")
    csco_form = the_form(csco.get(url), having="version")
    secretariat_form = the_form(secretariat.get(url), having="version")
    assert csco_form.value("version") == secretariat_form.value("version") == "1"

    # when the CSCO saves a new title first
    first = csco.post(url, csco_form.data(title="Patong smart drainage, phase 1"))
    assert first.status_code == 302
    assert first["Location"] == f"/projects/{project.pk}/"

    # and the Secretariat then saves her edit of the same version (the stage)
    second = secretariat.post(url, secretariat_form.data(status="implementation"))

    # then she gets the form back (409) saying someone else saved, with what they changed
    assert second.status_code == 409
    shown = text(second)
    assert (
        "Someone else saved this while you were editing it. Nothing of yours is saved yet." in shown
    )
    assert "They changed these parts, which you had left alone." in shown
    assert re.search(r"Title Patong smart drainage, phase 1 Patong smart drainage\b", shown)
    # and nothing of hers is written; the CSCO's title survives
    project.refresh_from_db()
    assert (project.title, project.status, project.version) == (
        "Patong smart drainage, phase 1",
        "preparation",
        2,
    )

    # when she saves the form as it came back (their title in it, her stage kept)
    merged = the_form(second, having="version")
    assert merged.value("version") == "2"
    assert merged.value("title") == "Patong smart drainage, phase 1"
    assert merged.value("status") == "implementation"
    third = secretariat.post(url, merged.data())

    # then both changes are kept
    assert third.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.status, project.version) == (
        "Patong smart drainage, phase 1",
        "implementation",
        3,
    )


@pytest.mark.parametrize("language", ["en", "km"])
def test_two_edits_of_the_same_field_show_both_values_and_keep_the_first(
    roles, projects, text, language
):
    project = projects["phuket_draft"]
    prefix = "" if language == "en" else f"/{language}"
    url = f"{prefix}/projects/{project.pk}/edit/"
    csco, secretariat = roles.session("cso_phuket"), roles.session("secretariat")
    csco_form = the_form(csco.get(url), having="version")
    secretariat_form = the_form(secretariat.get(url), having="version")
    assert csco.post(url, csco_form.data(budget_amount="5000000")).status_code == 302

    second = secretariat.post(url, secretariat_form.data(budget_amount="6000000.00"))

    assert second.status_code == 409
    shown = text(second)
    # both figures, written as the page writes figures elsewhere (a Khmer page showed
    # "5,000,000.00" here and "14.000.000" on a deal)
    with translation.override(language):
        saved, hers = (formats.number(Decimal(n), 2) for n in ("5000000", "6000000"))
    if language == "en":
        assert "You both changed these parts." in shown
    assert f"{saved} {hers}" in shown
    assert (saved == "5,000,000.00") is (language == "en")
    # her own value stays in the form for her to decide
    assert Decimal(the_form(second, having="version").value("budget_amount")) == Decimal("6000000")
    project.refresh_from_db()
    assert (project.budget_amount, project.version) == (Decimal("5000000.00"), 2)


def test_a_form_opened_in_one_language_and_saved_in_another_merges_like_one(roles, projects, text):
    # given the Secretariat opens the Phuket draft's form on a Khmer page (numbers "5.200.000,00",
    # stages and currencies in Khmer words) and the CSCO opens it on an English one
    project = projects["phuket_draft"]
    url = f"/projects/{project.pk}/edit/"
    secretariat, csco = roles.session("secretariat"), roles.session("cso_phuket")
    secretariat_form = the_form(secretariat.get(f"/km{url}"), having="version")
    csco_form = the_form(csco.get(url), having="version")
    # when the CSCO saves a new title, and the Secretariat, back on English, then saves a new
    # budget from the form she opened in Khmer
    assert csco.post(url, csco_form.data(title="Patong drainage, phase 1")).status_code == 302
    second = secretariat.post(url, secretariat_form.data(budget_amount="6000000.00"))

    # then only the title is said to have changed meanwhile, taken into her form; nothing she
    # left alone (the stage, the currency, the focus areas) is called a change of hers
    assert second.status_code == 409
    shown = text(second)
    assert "They changed these parts, which you had left alone." in shown
    assert "You both changed these parts." not in shown
    merged = the_form(second, having="version")
    assert merged.value("title") == "Patong drainage, phase 1"
    assert Decimal(merged.value("budget_amount")) == Decimal("6000000")
    assert secretariat.post(url, merged.data()).status_code == 302
    project.refresh_from_db()
    assert (project.title, project.budget_amount) == (
        "Patong drainage, phase 1",
        Decimal("6000000"),
    )


# --- the plan's workflow through its buttons --------------------------------------------------


def press(client, plan: ActionPlan, action: str, **changes):
    """Read the plan page and send the form of ``action`` as its button would."""
    page = client.get(f"/plans/{plan.pk}/")
    assert page.status_code == 200
    form = the_form(page, having="action", value=action)
    return client.post(f"/plans/{plan.pk}/", form.data(**changes))


def test_a_plan_goes_through_its_workflow_by_its_buttons(
    roles, plans, text, mailoutbox, django_capture_on_commit_callbacks
):
    # the e-mails are sent once the transaction commits (the test's own never does)
    def press_button(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return press(*args, **kwargs)

    plan = plans["phuket"]
    csco, nr = roles.session("cso_phuket"), roles.session("nr_th")

    # the CSCO submits: the NR of Thailand is told
    response = press_button(csco, plan, "submit")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert [m.to for m in mailoutbox] == [["nr-th@roles.test"]]
    # she may not endorse her own plan, and no endorse button is offered to her
    assert not [
        f for f in page_forms(csco.get(f"/plans/{plan.pk}/")) if f.value("action") == "endorse"
    ]
    refused = csco.post(f"/plans/{plan.pk}/", {"action": "endorse", "version": plan.version})
    assert refused.status_code == 403
    assert "You cannot do this" in text(refused)

    # the NR returns it without a comment: refused, saying what is missing
    response = press_button(nr, plan, "return", comment="  ")
    assert response.status_code == 422
    assert "Say what needs to change when returning a plan." in text(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    # with a comment, it goes back to the city, whose officer reads it
    response = press_button(nr, plan, "return", comment="Add the flood-resilience projects.")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.return_comment) == (
        PlanStatus.RETURNED,
        "Add the flood-resilience projects.",
    )
    assert mailoutbox[-1].to == ["cso-phuket@roles.test"]
    assert "Add the flood-resilience projects." in mailoutbox[-1].body
    assert "Add the flood-resilience projects." in text(csco.get("/workspace/"))

    # submitted again, endorsed, published: then everyone reads it
    assert press_button(csco, plan, "submit").status_code == 302
    assert press_button(nr, plan, "endorse").status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDORSED
    assert mailoutbox[-1].subject == "Action plan endorsed: Phuket Smart City Action Plan"
    assert press_button(nr, plan, "publish").status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.visibility) == (PlanStatus.PUBLISHED, "public")
    assert roles.session("anonymous").get(f"/plans/{plan.pk}/").status_code == 200
    assert [v.status for v in plan.versions.order_by("number")] == [
        "submitted",
        "returned",
        "submitted",
        "endorsed",
        "published",
    ]


ILLEGAL = [
    ("draft", "endorse"),
    ("draft", "publish"),
    ("submitted", "publish"),
    ("submitted", "submit"),
]


def _post_illegal(roles, plans, status_before: str, action: str):
    """As the Secretariat (who may do every action), post ``action`` on the Phuket plan in
    ``status_before``, which does not allow it."""
    plan = plans["phuket"]
    if status_before == "submitted":
        plan = plan_transition(
            actor=roles.user("cso_phuket"), plan=plan, action="submit", version=plan.version
        )
    response = roles.session("secretariat").post(
        f"/plans/{plan.pk}/", {"action": action, "version": plan.version}
    )
    return plan, response


@pytest.mark.parametrize(("status_before", "action"), ILLEGAL)
def test_an_illegal_transition_is_a_409_that_changes_nothing(roles, plans, status_before, action):
    plan, response = _post_illegal(roles, plans, status_before, action)
    assert response.status_code == 409
    fresh = ActionPlan.objects.get(pk=plan.pk)
    assert (fresh.status, fresh.version, fresh.versions.count()) == (
        plan.status,
        plan.version,
        plan.versions.count(),
    )


def test_an_illegal_transition_says_why(roles, plans, text):
    _plan, response = _post_illegal(roles, plans, "draft", "endorse")
    assert response.status_code == 409
    assert "A draft plan cannot be endorsed." in text(response)


def test_a_transition_of_a_stale_page_is_a_409_that_changes_nothing(roles, plans, text):
    # given the NR's plan page read before the city changed the plan
    plan = plan_transition(
        actor=roles.user("cso_phuket"), plan=plans["phuket"], action="submit", version=1
    )
    nr = roles.session("nr_th")
    endorse = the_form(nr.get(f"/plans/{plan.pk}/"), having="action", value="endorse")
    plan_transition(
        actor=roles.user("secretariat"),
        plan=plan,
        action="return",
        version=plan.version,
        comment="Back to the city.",
    )
    # when she presses "Endorse" on her old page
    response = nr.post(f"/plans/{plan.pk}/", endorse.data())
    # then nothing is endorsed and she is told why
    assert response.status_code == 409
    assert "Someone else changed this plan while you were looking at it." in text(response)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED


@pytest.mark.parametrize(
    ("next_page", "lands_on"),
    [("/workspace/", "/workspace/"), ("https://evil.example/", None)],
)
def test_after_a_transition_only_a_local_next_page_is_followed(roles, plans, next_page, lands_on):
    plan = plans["phuket"]
    response = roles.session("cso_phuket").post(
        f"/plans/{plan.pk}/", {"action": "submit", "version": plan.version, "next": next_page}
    )
    assert response.status_code == 302
    assert response["Location"] == (lands_on or f"/plans/{plan.pk}/")


# --- documents ---------------------------------------------------------------------------------


def _upload(client, project: Project, content: bytes, name: str = "feasibility-study.pdf"):
    page = client.get(f"/projects/{project.pk}/documents/")
    form = the_form(page, having="document_type")
    return client.post(
        f"/projects/{project.pk}/documents/",
        form.data(
            title="Feasibility study, final report",
            document_type="feasibilityStudy",
            file=SimpleUploadedFile(name, content, content_type="application/pdf"),
        ),
    )


def test_a_document_uploaded_through_the_page_downloads_as_a_pdf_attachment(roles, projects, text):
    # given the CSCO of Phuket uploads a feasibility study through the documents page
    project = projects["phuket_draft"]
    csco = roles.session("cso_phuket")
    response = _upload(csco, project, PDF)
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/#documents"
    document = ProjectDocument.objects.get(project=project)
    assert "Feasibility study, final report" in text(csco.get(f"/projects/{project.pk}/"))

    # when she follows its link
    url = f"/projects/{project.pk}/documents/{document.pk}/"
    download = csco.get(url)

    # then the PDF itself, as an attachment named after its title as written
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        'attachment; filename="Feasibility study, final report.pdf"'
    )
    assert b"".join(download.streaming_content) == PDF
    # and those who may not see the project find nothing there
    assert_matrix(roles.session, "GET", url, ONLY_PHUKET)
    # nor under another project's address
    other = projects["hanoi_public"]
    assert csco.get(f"/projects/{other.pk}/documents/{document.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content"),
    [("feasibility-study.pdf", ZIP), ("feasibility-study.pdf", b""), ("photo.png", b"\x89PNG\r\n")],
)
def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_stored(
    roles, projects, media, name, content, text
):
    project = projects["phuket_draft"]
    response = _upload(roles.session("cso_phuket"), project, content, name)
    assert response.status_code == 422
    assert "There is a problem — nothing was saved" in text(response)
    assert not ProjectDocument.objects.filter(project=project).exists()
    assert not (media.exists() and any(p.is_file() for p in media.rglob("*")))


def test_a_non_pdf_names_the_reason(roles, projects, text):
    response = _upload(roles.session("cso_phuket"), projects["phuket_draft"], ZIP)
    assert "Only PDF documents are accepted (this file is not a PDF)." in text(response)


def test_only_the_city_uploads_through_the_page(roles, projects):
    # the NR of Thailand sees the Phuket draft but may not add to it
    project = projects["phuket_draft"]
    response = roles.session("nr_th").post(
        f"/projects/{project.pk}/documents/",
        {"file": SimpleUploadedFile("study.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 403
    assert not ProjectDocument.objects.filter(project=project).exists()


# --- the readiness form ------------------------------------------------------------------------


def test_the_readiness_form_records_shaping_with_three_named_gaps(roles, projects, text):
    # given the Phuket draft, never assessed
    project = projects["phuket_draft"]
    csco = roles.session("cso_phuket")
    url = f"/projects/{project.pk}/readiness/"
    assert "Not assessed yet." in text(csco.get(url))

    # when its CSCO ticks every item but three (all the critical ones among the ticked)
    ticked = {code: "on" for code in CHECKLIST if code not in NOT_YET_DONE}
    response = csco.post(url, ticked)

    # then the assessment is kept: 75%, "shaping"
    assert response.status_code == 302
    assert response["Location"] == f"{url}#result"
    project.refresh_from_db()
    assert (project.readiness_score, project.readiness_level) == (75, "shaping")
    assessment = project.assessments.get()
    assert assessment.missing == list(NOT_YET_DONE)

    # and the page names the level, the score and the three gaps as next steps
    shown = text(csco.get(url))
    assert "Readiness recorded: Shaping, 75% of the checklist met." in shown
    assert "Shaping 75% of the checklist met" in shown
    assert "3 gaps to close" in shown
    for code in NOT_YET_DONE:
        assert CHECKLIST[code].next_step in shown
    # so does the project page
    project_page = text(csco.get(f"/projects/{project.pk}/"))
    assert "Next steps" in project_page
    for code in NOT_YET_DONE:
        assert CHECKLIST[code].next_step in project_page


def test_two_officers_saving_the_readiness_checklist_at_once(roles, projects, text):
    """The walk of 8 Dec: a checklist opened in two tabs, saved in both: the second undid the
    first's ticks without a word (an assessment is the whole checklist)."""
    project = projects["phuket_draft"]
    url = f"/projects/{project.pk}/readiness/"
    csco, secretariat = roles.session("cso_phuket"), roles.session("secretariat")
    # both open the page, never assessed: the form says it showed no assessment
    for opened in (csco.get(url), secretariat.get(url)):
        assert opened.context["form"]["read"].value() == 0
    # the Secretariat saves first
    ticked = {code: "on" for code in CHECKLIST if code not in NOT_YET_DONE}
    assert secretariat.post(url, {**ticked, "read": "0"}).status_code == 302
    theirs = project.assessments.get()
    # the CSCO's save of the page opened before: 409, nothing recorded, her ticks kept
    mine = {code: "on" for code in list(CHECKLIST)[:2]}
    response = csco.post(url, {**mine, "read": "0"})
    assert response.status_code == 409
    shown = text(response)
    assert "Someone recorded an assessment of this project since you opened the page" in shown
    assert "Shaping, 75% of the checklist met" in shown and "Not saved yet" in shown
    assert list(project.assessments.all()) == [theirs]
    form = response.context["form"]
    assert form.answers() == {code: code in mine for code in CHECKLIST}
    # saving again is deliberate: the form now carries the assessment it showed
    assert form["read"].value() == theirs.pk
    assert csco.post(url, {**mine, "read": str(theirs.pk)}).status_code == 302
    assert project.assessments.count() == 2
    # a "read" that is no number is stale, never no check (the review of 8 Dec)
    for read in ("abc", "-1"):
        assert csco.post(url, {**mine, "read": read}).status_code == 409
    assert project.assessments.count() == 2


def test_the_readiness_preview_is_only_the_result_and_keeps_nothing(roles, projects, text):
    project = projects["phuket_draft"]
    response = roles.session("cso_phuket").get(
        f"/projects/{project.pk}/readiness/",
        {"preview": "1", **{code: "on" for code in CHECKLIST}},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="result"')
    assert "<html" not in html and "<form" not in html
    assert "Result if you save now" in text(response)
    assert "Investor-ready 100%" in text(response)
    assert not project.assessments.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    # the NR of Thailand sees the Phuket draft (told she may not: 403); the others do not (404)
    [("nr_th", 403), ("cso_hanoi", 404), ("anonymous", 404)],
)
def test_only_the_city_records_an_assessment(roles, projects, who, expected):
    project = projects["phuket_draft"]
    response = roles.session(who).post(
        f"/projects/{project.pk}/readiness/", {code: "on" for code in CHECKLIST}
    )
    assert response.status_code == expected
    assert not project.assessments.exists()


# --- the project form's live checks (htmx) ---------------------------------------------------


def _new_project_form(client) -> Form:
    return the_form(client.get("/projects/new/"), having="budget_currency")


def test_the_live_check_reports_a_filled_in_field_that_is_wrong(roles, text):
    csco = roles.session("cso_phuket")
    data = _new_project_form(csco).data(
        title="Patong drainage", budget_amount="1000", funding_secured="5000"
    )
    response = csco.post("/projects/new/?validate=1", data, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Funding secured: Funding secured cannot exceed the budget." in text(response)
    assert not Project.objects.filter(title="Patong drainage").exists()


def test_the_live_check_does_not_report_fields_not_yet_filled_in(roles, text):
    # given the new-project form as the browser sends it after the title is typed
    csco = roles.session("cso_phuket")
    data = _new_project_form(csco).data(title="Patong drainage")
    # when htmx asks for the problems so far
    response = csco.post("/projects/new/?validate=1", data, headers=HTMX)
    # then the empty description and budget are not yet problems
    assert "This field is required" not in text(response)


def test_the_new_project_form_starts_with_the_city_its_plan_and_currency(roles, plans):
    form = _new_project_form(roles.session("cso_phuket"))
    assert form.value("city") == "phuket"
    assert form.value("plan") == str(plans["phuket"].pk)
    assert form.value("budget_currency") == "THB"
    assert form.value("visibility") == "draft"


# --- the list: bounded queries and the htmx fragment --------------------------------------------


def _many_projects(roles, count: int) -> None:
    officers = {"phuket": roles.user("cso_phuket"), "hanoi": roles.user("cso_hanoi")}
    for n in range(count):
        city = "phuket" if n % 2 else "hanoi"
        project = factories.project(
            officers[city],
            city=city,
            title=f"Project {n:03}",
            visibility="public" if n % 3 else "draft",
            outcomes=["competitive-economy"] if n % 2 else [],
        )
        if n % 4 == 0:
            readiness_assess(
                actor=officers[city], project=project, answers={"problem_definition": True}
            )


@pytest.mark.parametrize("count", [3, 40])
def test_the_project_list_costs_the_same_queries_for_3_or_40_projects(
    roles, count, django_assert_max_num_queries, text
):
    _many_projects(roles, count)
    client = roles.session("secretariat")
    # 13 today, for 3 projects as for 40
    with django_assert_max_num_queries(15):
        response = client.get("/projects/")
    assert response.status_code == 200
    assert f"{count} projects" in text(response)


def _busy_project(roles) -> Project:
    csco = roles.user("cso_phuket")
    project = factories.project(
        csco, title="Patong smart drainage", outcomes=["competitive-economy"]
    )
    for n in range(3):
        progress_add(
            actor=csco,
            project=project,
            physical_pct=10 * (n + 1),
            financial_pct=5 * (n + 1),
            date=dt.date(2025, n + 1, 1),
            note=f"Update {n}",
        )
        milestone_save(actor=csco, project=project, title=f"Milestone {n}", status="scheduled")
        document_upload(
            actor=csco,
            project=project,
            title=f"Study {n}",
            file=SimpleUploadedFile(f"s{n}.pdf", PDF, content_type="application/pdf"),
        )
        readiness_assess(actor=csco, project=project, answers={"problem_definition": True})
    return project


def test_a_busy_project_page_costs_a_bounded_number_of_queries(
    roles, django_assert_max_num_queries, text
):
    project = _busy_project(roles)
    client = roles.session("cso_phuket")
    # Bounded whatever the number of updates, milestones, documents and assessments; the
    # indicators the project aims to move (a section of the indicators app) add one query,
    # and so do the agreements that cover it (a section of the agreements app) and its
    # applications to funding programmes with their awards (a section of the funding app).
    with django_assert_max_num_queries(17):
        response = client.get(f"/projects/{project.pk}/")
    assert response.status_code == 200
    shown = text(response)
    assert "Milestone 2" in shown and "Study 2" in shown and "Update 2" in shown


def test_the_htmx_list_request_gets_only_the_results(roles, projects, text):
    # when htmx asks for the Thai projects
    response = roles.session("cso_phuket").get("/projects/?country=TH", headers=HTMX)
    # then only the results fragment comes back, with Phuket's draft and nothing of Viet Nam
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert html.count('id="results"') == 1
    assert "<html" not in html and "<nav" not in html and 'role="search"' not in html
    shown = text(response)
    assert "1 project" in shown
    assert "Patong smart drainage" in shown
    assert "Hanoi" not in shown


def test_the_same_list_without_htmx_is_the_whole_page(roles, projects):
    response = roles.session("cso_phuket").get("/projects/?country=TH")
    html = response.content.decode()
    assert "<html" in html and 'role="search"' in html and 'id="results"' in html


def test_a_bad_filter_in_an_htmx_request_is_a_400_fragment(roles, text):
    response = roles.session("cso_phuket").get("/projects/", {"q": "x" * 201}, headers=HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"') and "<html" not in html
    assert "Some filters are not valid" in text(response)


def test_a_city_page_links_the_action_plans_its_reader_may_see(roles, plans, text):
    plan = plans["phuket"]
    link = f'href="/plans/{plan.pk}/"'
    # a draft is for the city's officers: they find it on their city's page
    assert link in roles.session("cso_phuket").get("/cities/phuket/").content.decode()
    public = roles.session("anonymous")
    assert link not in public.get("/cities/phuket/").content.decode()
    assert "No action plan of this city is published yet." in text(public.get("/cities/phuket/"))
    # once endorsed and published, anyone reaches it from the city's page
    nr = roles.user("nr_th")
    plan = plan_transition(
        actor=roles.user("cso_phuket"), plan=plan, action="submit", version=plan.version
    )
    for action in ("endorse", "publish"):
        plan = plan_transition(actor=nr, plan=plan, action=action, version=plan.version)
    page = public.get("/cities/phuket/")
    assert link in page.content.decode()
    assert "Phuket Smart City Action Plan" in text(page).split("Smart City Action Plans", 1)[1]


@pytest.mark.parametrize("count", [3, 24])
def test_a_city_page_reads_only_the_projects_it_shows(roles, count, django_assert_max_num_queries):
    # given a city with few projects, or more than the page lists
    csco = roles.user("cso_phuket")
    for n in range(count):
        factories.project(csco, title=f"Phuket project {n:02}", visibility="public")
    # when anyone opens the city page
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/cities/phuket/")
    # then it lists twenty at most and links to the rest, at the same cost either way
    assert response.status_code == 200
    page = response.content.decode()
    assert len(set(re.findall(r'href="/projects/(\d+)/"', page))) == min(count, 20)
    if count > 20:
        assert f"All {count} projects" in page
    project_rows = [
        q["sql"] for q in queries.captured_queries if 'FROM "plans_project"' in q["sql"]
    ]
    assert all("LIMIT" in sql or "COUNT(" in sql for sql in project_rows), project_rows
    assert len(queries) <= 12


def test_a_word_list_past_the_count_cap_says_so_and_a_small_one_counts_exactly(
    roles, settings, text
):
    # given six projects, three of them in Phuket and three in Hanoi, and a cap of two
    _many_projects(roles, 6)
    settings.ASCN_COUNT_CAP = 2
    client = roles.session("secretariat")
    # when the list is filtered by a word three projects hold
    response = client.get("/projects/?q=hanoi", headers=HTMX)
    # then it says there are more than the cap, and lists the most recent of them
    shown = text(response)
    assert response.status_code == 200
    assert "More than 2 projects hold these words" in shown
    assert "Project 004" in shown and "Project 002" in shown and "Project 000" not in shown
    # and a word only one project holds is counted exactly
    shown = text(client.get("/projects/?q=005", headers=HTMX))
    assert "1 project" in shown and "More than" not in shown
    # and the list without words counts every project
    assert "6 projects" in text(client.get("/projects/", headers=HTMX))


def test_the_list_writes_each_rows_badges_in_the_pages_language(roles):
    # given a network project and a draft, neither assessed, in Phuket
    cso = roles.user("cso_phuket")
    factories.project(cso, title="Shared drainage", visibility="network")
    factories.project(cso, title="Draft drainage")
    session = roles.session("cso_phuket")

    # when the officer reads the list in English, then in Thai, and Hanoi's in English
    english = session.get("/projects/").content.decode()
    thai = session.get("/th/projects/").content.decode()
    again = roles.session("cso_hanoi").get("/projects/").content.decode()

    # then each row's badges and readiness are in the page's language, never the other's
    assert english.count("Network members only") == 1
    assert english.count("Not public") == 1
    assert english.count("not assessed") == 2
    assert thai.count("เฉพาะสมาชิกเครือข่าย") == 1
    assert thai.count("ยังไม่ได้ประเมิน") == 2
    assert "Network members only" not in thai
    assert again.count("Network members only") == 1
    assert "เฉพาะสมาชิกเครือข่าย" not in again


def test_the_list_names_each_rows_member_state_in_the_pages_language(client, projects):
    # given a public project of Hanoi, Viet Nam
    assert projects["hanoi_public"].city.member_state.name == "Viet Nam"
    for language, name in (("vi", "Việt Nam"), ("th", "เวียดนาม")):
        # when a reader lists the projects in Vietnamese, then in Thai
        page = client.get(f"/{language}/projects/").content.decode()
        # then its card and the member-state filter name Viet Nam in that language
        assert f'<div class="small muted">{name}</div>' in page, language
        assert f'<option value="VN">{name}</option>' in page, language
        assert "Viet Nam" not in page, language


def test_a_project_page_names_its_ascf_links_in_the_reader_s_language(client, projects):
    # given a public project in the ASCF's "Safety & Security" focus area
    project = projects["hanoi_public"]
    # when a reader opens it in Thai
    page = client.get(f"/th/projects/{project.pk}/").content.decode()
    # then the focus area is named as the home page names it in Thai, not in English
    with translation.override("th"):
        thai = gettext("Safety & Security")
    assert thai != "Safety & Security"
    assert f"<dd>{escape(thai)}</dd>" in page
    assert "Safety &amp; Security" not in page
    # and so is its member state (Viet Nam)
    with translation.override("th"):
        assert gettext("Viet Nam") == "เวียดนาม"
    assert "</a>, เวียดนาม</p>" in page and "Viet Nam" not in page


def test_an_uploaded_feasibility_study_is_ticked_in_the_checklist_to_confirm(roles, projects, text):
    # given the Phuket draft assessed without its feasibility study (a gap on its page)
    project = projects["phuket_draft"]
    csco = roles.session("cso_phuket")
    url = f"/projects/{project.pk}/readiness/"
    csco.post(url, {code: "on" for code in CHECKLIST if code != "feasibility_study"})
    assert "A document on file shows it done" not in text(csco.get(f"/projects/{project.pk}/"))

    # when its CSCO uploads the study
    assert _upload(csco, project, PDF).status_code == 302

    # then the project page says the gap may be closed, and links the checklist
    page = csco.get(f"/projects/{project.pk}/").content.decode()
    assert "A document on file shows it done:" in page
    assert f'href="{url}">confirm it in the readiness checklist' in page
    # and the checklist shows the study on file, ticked, and says to save
    form = the_form(csco.get(url), having="feasibility_study")
    assert form.data()["feasibility_study"] == "on"
    shown = text(csco.get(url))
    assert "On file: Feasibility study, final report (Feasibility study)" in shown
    assert "A document on file shows one more item done" in shown
    # nothing counts until it is saved
    project.refresh_from_db()
    assert project.readiness_score < 100
    assert csco.post(url, form.data()).status_code == 302
    project.refresh_from_db()
    assert project.readiness_score == 100
    assert "A document on file shows" not in text(csco.get(url))
    # and an officer who judges the study not good enough, saving the item unticked, is
    # not overruled by it on the next visit
    csco.post(url, {code: "on" for code in CHECKLIST if code != "feasibility_study"})
    assert "feasibility_study" not in the_form(csco.get(url), having="kpis").data()
    assert "A document on file shows" not in text(csco.get(url))
    assert "A document on file shows it done" not in text(csco.get(f"/projects/{project.pk}/"))


def test_a_return_without_a_comment_opens_at_the_comment_with_its_error(roles, plans):
    # given a submitted plan on its National Representative's page
    plan = plan_transition(
        actor=roles.user("cso_phuket"), plan=plans["phuket"], action="submit", version=1
    )
    nr = roles.session("nr_th")
    back = the_form(nr.get(f"/plans/{plan.pk}/"), having="action", value="return")
    # when she presses "Return" without saying what must change
    response = nr.post(f"/plans/{plan.pk}/", back.data(comment=""))
    # then nothing happens to the plan, and the page opens at the comment (the browser
    # scrolls to the autofocus), marked invalid — not at its top with the error out of sight
    assert response.status_code == 422
    page = response.content.decode()
    comment = re.search(r"<textarea[^>]*name=\"comment\"[^>]*>", page).group(0)
    assert "autofocus" in comment and 'aria-invalid="true"' in comment
    assert len(re.findall(r"\sautofocus[\s>=]", page)) == 1  # the one field, no other
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_a_project_whose_sources_publish_no_budget_is_edited_without_inventing_one(roles, text):
    """The walk of 8 Dec: Phuket's "Smart City & Safe City" (no budget published) could not
    be saved without a budget, offered in Brunei dollars, with "0.00" secured."""
    project = factories.project(roles.user("cso_phuket"), title="Unbudgeted sensors")
    Project.objects.filter(pk=project.pk).update(budget_amount=None, budget_currency="")
    csco = roles.session("cso_phuket")
    url = f"/projects/{project.pk}/edit/"
    form = the_form(csco.get(url), having="version")
    # the budget left empty, in the city's currency should one be given, nothing secured
    shown = dict(form.fields)
    assert shown["budget_amount"] == "" and shown["funding_secured"] == ""
    assert shown["budget_currency"] == "THB"
    assert "Its sources publish no budget" in text(csco.get(url))
    # another field changed: saved, the budget still unpublished
    assert csco.post(url, form.data(title="Sensors, unbudgeted")).status_code == 302
    project.refresh_from_db()
    assert project.title == "Sensors, unbudgeted" and project.budget_amount is None
    assert project.budget_currency == "" and project.version == 2
    # funding secured alone is refused: the budget it is part of is due
    form = the_form(csco.get(url), having="version")
    refused = csco.post(url, form.data(funding_secured="1000"))
    assert refused.status_code == 422 and "This field is required." in text(refused)
    # a budget given is the project's from now on, then required as for every project
    assert csco.post(url, form.data(budget_amount="2500000")).status_code == 302
    project.refresh_from_db()
    assert (project.budget_amount, project.budget_currency) == (2500000, "THB")
    assert project.funding_secured == 0
    form = the_form(csco.get(url), having="version")
    assert csco.post(url, form.data(budget_amount="")).status_code == 422


def test_the_project_list_shows_no_funding_gap_without_a_budget(roles, text):
    # given a public project whose budget no source gives (as the seed holds some)
    csco = roles.user("cso_phuket")
    project = factories.project(csco, title="Unbudgeted sensors", visibility="public")
    Project.objects.filter(pk=project.pk).update(budget_amount=None)
    shown = text(roles.session("anonymous").get("/projects/"))
    row = shown.split("Unbudgeted sensors")[1][:160]
    # then neither its budget nor its gap is a figure: "0 THB" would read as fully funded
    assert "0 THB" not in row and "— —" in row
