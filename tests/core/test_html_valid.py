"""Valid HTML (issue 20, item 5): the Nu HTML Checker finds no error on the key pages.

The pages are rendered by Django's test client over the demo database (the network, the
partners, the meetings, the agreements, the sample plans, projects and deals, a case study
and a discussion), anonymously and signed in as each role, and checked in one run of
``vnu.jar`` (npm's ``vnu-jar``, installed by ``make checkers``, run with Debian's Java).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ascn.accounts.models import User
from ascn.agreements.management.commands.load_agreements import load_agreements
from ascn.agreements.models import Agreement
from ascn.cooperation.models import CaseStudy, CityPartnership, Thread
from ascn.cooperation.services import case_study_create, partnership_create, thread_create
from ascn.deals.models import Engagement
from ascn.funding.management.commands.load_partners import load_programmes
from ascn.funding.models import Programme
from ascn.indicators.management.commands.load_indicators import load_indicators
from ascn.indicators.models import IndicatorValue
from ascn.meetings.management.commands.load_meetings import load_meetings
from ascn.meetings.models import Meeting
from ascn.network.models import City, FocusArea
from ascn.opendata.models import ImportJob, Release
from ascn.opendata.services import import_job_create, release_make
from ascn.plans.models import ActionPlan, Project
from tests.demo_fixtures import run
from tests.roles import sign_in

pytest_plugins = ["tests.demo_fixtures"]

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")
# One short run: the quick (C1) compiler only and the serial collector halve the checker's
# CPU time; C1's larger frames need a bigger stack for the HTML schema (a StackOverflowError
# otherwise).
JVM_OPTIONS = ["-Xss16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]

needs_vnu = pytest.mark.skipif(
    JAVA is None or not VNU_JAR.exists(),
    reason="the Nu HTML Checker needs Debian's Java and node_modules/vnu-jar (`make checkers`)",
)

SECRETARIAT = "secretariat@example.org"
CSO_PHUKET = "cso-phuket@example.org"
CSO_HANOI = "cso-hanoi@example.org"
NR_TH = "nr-th@example.org"
PARTNER = "partner@example.org"


def vnu(pages: dict[str, str], folder: Path) -> list[dict]:
    """The checker's messages on ``pages`` (name → HTML), in one run of the checker (the JVM
    takes a second to start); each message's ``url`` is replaced by its page's name."""
    names = {}
    for number, (name, html) in enumerate(pages.items()):
        path = folder / f"page-{number:02d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    result = subprocess.run(  # noqa: S603 - Java and the checker from node_modules, on our files
        [
            JAVA or "java",
            *JVM_OPTIONS,
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--exit-zero-always",
            *names,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=folder,
    )
    messages = json.loads(result.stderr)["messages"]
    for message in messages:
        message["url"] = names.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url"))
    return messages


def client_for(email: str | None) -> Client:
    client = Client()
    if email is not None:
        user = User.objects.get(email=email)
        sign_in(client, user, TOTPDevice.objects.filter(user=user).first())
    return client


@pytest.fixture
def content(demo):
    """The demo database with every kind of record a key page shows."""
    load_programmes()
    load_meetings()
    load_agreements()
    run("load_samples")
    run("load_sample_partners")
    run("load_sample_deals")
    load_indicators()
    run("load_sample_indicators")
    secretariat = User.objects.get(email=SECRETARIAT)
    area = FocusArea.objects.order_by("pk").first()
    case_study_create(
        actor=secretariat,
        title="Smart traffic lights in Phuket",
        problem="Congestion at the old town's junctions.",
        solution="Adaptive signals tuned from loop detectors.",
        focus_area=area,
        visibility="public",
    )
    partnership_create(
        actor=secretariat,
        city=City.objects.get(slug="phuket"),
        partner_name="Partner city",
        purpose="Exchange of know-how on smart ports.",
        visibility="public",
    )
    template = client_for(CSO_PHUKET).get("/projects/import/template.csv").content
    import_job_create(
        actor=secretariat,
        file=SimpleUploadedFile("projects.csv", template, content_type="text/csv"),
    )
    thread_create(
        actor=User.objects.get(email=CSO_PHUKET),
        focus_area=area,
        title="Sensors that survive the monsoon",
        body="Which enclosures have worked for you?",
    )
    release_make(actor=None)  # the system's nightly release of the open data


def key_pages() -> list[tuple[str | None, str]]:
    """(who, path) of the key pages: public ones anonymously, then each role's own."""
    project = Project.objects.filter(visibility="public").order_by("pk").first()
    phuket_project = Project.objects.filter(city__slug="phuket").order_by("pk").first()
    plan = ActionPlan.objects.filter(city__slug="phuket").order_by("pk").first()
    draft_plan = (
        ActionPlan.objects.filter(city__slug="hanoi", status="draft").order_by("pk").first()
    )
    published_plan = ActionPlan.objects.filter(status="published").order_by("pk").first()
    programme = Programme.objects.filter(calls__isnull=False).order_by("pk").first()
    programme = programme or Programme.objects.order_by("pk").first()
    call = programme.calls.order_by("pk").first()
    meeting = Meeting.objects.order_by("-start_date").first()
    agreement = Agreement.objects.order_by("pk").first()
    study = CaseStudy.objects.get()
    thread = Thread.objects.get()
    partnership = CityPartnership.objects.get()
    engagement = Engagement.objects.order_by("pk").first()
    job = ImportJob.objects.get()
    phuket_value = (
        IndicatorValue.objects.filter(city__slug="phuket", verification="pending")
        .order_by("pk")
        .first()
    )
    assert phuket_value
    assert project and phuket_project and plan and draft_plan and published_plan and programme
    assert meeting and agreement and engagement
    public = [
        "/",
        "/projects/",
        project.get_absolute_url(),
        "/cities/",
        "/cities/phuket/",
        "/cities/phuket/indicators/",
        "/cities/compare/?cities=bangkok,phuket,hanoi",
        "/indicators/",
        "/indicators/sdg-11-6-2/",
        "/member-states/",
        "/member-states/TH/",
        "/people/",
        "/organisations/",
        "/organisations/asian-development-bank/",
        "/programmes/",
        f"/programmes/{programme.slug}/",
        "/plans/",
        f"/plans/{published_plan.pk}/",
        "/meetings/",
        f"/meetings/{meeting.slug}/",
        "/agreements/",
        f"/agreements/{agreement.slug}/",
        "/cooperation/",
        f"/cooperation/case-studies/{study.slug}/",
        "/timeline/",
        "/dashboards/",
        "/data/",
        "/data/releases/",
        f"/data/releases/{Release.objects.get().date.isoformat()}/",
        "/reports/me/",
        "/search/?q=flood",
        "/accounts/sign-in/",
    ]
    return [
        *((None, path) for path in public),
        (CSO_PHUKET, "/workspace/"),
        (CSO_PHUKET, phuket_project.get_absolute_url()),
        (CSO_PHUKET, f"/projects/{phuket_project.pk}/edit/"),
        (CSO_PHUKET, "/projects/new/"),
        (CSO_PHUKET, f"/plans/{plan.pk}/"),
        (CSO_PHUKET, f"/projects/{phuket_project.pk}/readiness/"),
        (CSO_PHUKET, f"/projects/{phuket_project.pk}/progress/"),
        (CSO_PHUKET, "/engagements/"),
        (CSO_PHUKET, f"/cooperation/forum/{thread.focus_area.code}/"),
        (CSO_PHUKET, "/meetings/mine/"),
        (CSO_PHUKET, f"/cooperation/threads/{thread.pk}/"),
        (CSO_PHUKET, "/cooperation/partnerships/new/"),
        (CSO_PHUKET, f"/cooperation/partnerships/{partnership.pk}/edit/"),
        (CSO_PHUKET, "/accounts/"),
        (CSO_PHUKET, "/accounts/notifications/"),
        (CSO_PHUKET, "/accounts/notifications/settings/"),
        (CSO_PHUKET, "/accounts/tokens/"),
        (CSO_PHUKET, "/accounts/password/change/"),
        (CSO_PHUKET, "/accounts/two-factor/setup/"),
        (CSO_HANOI, f"/plans/{draft_plan.pk}/edit/"),
        (NR_TH, "/workspace/"),
        (NR_TH, "/plans/queue/"),
        (PARTNER, "/workspace/"),
        (PARTNER, "/organisations/sample-mekong-resilience-investors/edit/"),
        (PARTNER, f"/projects/{project.pk}/matches/"),
        (PARTNER, "/organisations/sample-mekong-resilience-investors/matches/"),
        (PARTNER, "/engagements/"),
        (PARTNER, f"/engagements/{engagement.pk}/"),
        (NR_TH, "/cities/phuket/indicators/"),
        (NR_TH, f"/indicator-values/{phuket_value.pk}/verify/"),
        (CSO_PHUKET, "/cities/phuket/indicators/new/"),
        (CSO_PHUKET, f"/indicator-values/{phuket_value.pk}/edit/"),
        (SECRETARIAT, "/workspace/"),
        (SECRETARIAT, "/audit/"),
        (SECRETARIAT, "/projects/import/"),
        (SECRETARIAT, f"/projects/import/{job.pk}/"),
        (SECRETARIAT, "/accounts/invitations/"),
        (SECRETARIAT, f"/programmes/{programme.slug}/"),
        (SECRETARIAT, "/programmes/new/"),
        (SECRETARIAT, f"/programmes/{programme.slug}/edit/"),
        *([(SECRETARIAT, f"/programmes/{programme.slug}/calls/{call.pk}/edit/")] if call else []),
        (SECRETARIAT, f"/meetings/{meeting.slug}/"),
        (SECRETARIAT, "/agreements/new/"),
        (SECRETARIAT, "/cooperation/case-studies/new/"),
        (SECRETARIAT, f"/cooperation/case-studies/{study.slug}/edit/"),
        (SECRETARIAT, f"/agreements/{agreement.slug}/"),
        (SECRETARIAT, f"/agreements/{agreement.slug}/edit/"),
        (SECRETARIAT, "/cities/phuket/officers/"),
        (SECRETARIAT, "/member-states/th/representatives/"),
        (SECRETARIAT, "/member-states/th/edit/"),
        (SECRETARIAT, "/cities/phuket/edit/"),
        (SECRETARIAT, "/cities/new/"),
        (SECRETARIAT, "/meetings/new/"),
        (SECRETARIAT, f"/meetings/{meeting.slug}/manage/"),
        (SECRETARIAT, f"/meetings/{meeting.slug}/edit/"),
        (SECRETARIAT, f"/meetings/{meeting.slug}/registrations/"),
        (SECRETARIAT, f"/meetings/{meeting.slug}/check-in/"),
        (SECRETARIAT, f"/meetings/{meeting.slug}/minutes/"),
    ]


@needs_vnu
def test_the_key_pages_are_valid_html(content, tmp_path):
    # given the key pages, rendered as the anonymous visitor and as each role
    pages: dict[str, str] = {}
    clients: dict[str | None, Client] = {}
    for who, path in key_pages():
        client = clients.setdefault(who, client_for(who))
        response = client.get(path)
        assert response.status_code == 200, f"{who or 'anonymous'} {path}: {response.status_code}"
        pages[f"{who or 'anonymous'} {path}"] = response.content.decode()
    # when the Nu HTML Checker reads them all
    messages = vnu(pages, tmp_path)
    # then it finds no error (warnings and notes are allowed)
    errors = [m for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    assert errors == [], "\n".join(
        f"{m['url']} line {m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()}]"
        for m in errors
    )


def test_time_elements_carry_a_datetime_the_standard_accepts():
    # given a moment with microseconds, stored in UTC, and a day
    moment = dt.datetime(2026, 3, 1, 2, 30, 5, 123456, tzinfo=dt.UTC)
    template = Template("{% load dates %}{{ moment|datetime_attr }} {{ day|datetime_attr }}")
    # when a template writes them for <time datetime>
    with timezone.override("Asia/Jakarta"):
        written = template.render(Context({"moment": moment, "day": dt.date(2026, 3, 1)}))
    # then the moment is to the second in the local time with its offset, the day a date
    assert written == "2026-03-01T09:30:05+07:00 2026-03-01"
