"""A CSCO reports a project's progress on its page; progress that goes down is asked about
before it is recorded, since a reader cannot tell a correction from a setback."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ascn.plans.models import ProgressUpdate
from ascn.plans.services import progress_add
from tests import factories

pytestmark = pytest.mark.django_db

pytest_plugins = ["tests.roles"]


@pytest.fixture
def reported(roles):
    """A Phuket project whose last update, of 1 March 2026, says 20 % done and 15 % spent."""
    csco = roles.user("cso_phuket")
    project = factories.project(csco, title="Patong smart drainage")
    progress_add(
        actor=csco, project=project, physical_pct=20, financial_pct=15, date=dt.date(2026, 3, 1)
    )
    return project


def _report(roles, project, **values):
    form = {"date": "2026-04-01", "physical_pct": "10", "financial_pct": "15", "note": ""}
    return roles.session("cso_phuket").post(f"/projects/{project.pk}/progress/", {**form, **values})


def test_progress_that_goes_down_is_asked_about_and_not_recorded(roles, reported, text):
    # when the CSCO reports less physical progress than the last update, without a note
    response = _report(roles, reported)
    # then nothing is recorded, the page says what went down from what, and asks why
    assert response.status_code == 422
    assert ProgressUpdate.objects.filter(project=reported).count() == 1
    page = text(response)
    assert "Physical progress goes down from 20% (update of 1 Mar 2026) to 10%" in page
    assert "say why in the note" in page
    assert "Financial progress goes down" not in page
    # and what was typed is still in the form
    assert 'name="physical_pct" value="10"' in response.content.decode()


def test_progress_that_goes_down_with_a_note_is_recorded(roles, reported):
    # when the CSCO says why
    response = _report(roles, reported, note="The first survey counted unfinished drains.")
    # then it is recorded, with the note, as sent
    assert response.status_code == 302
    latest = ProgressUpdate.objects.filter(project=reported).latest("date")
    assert (int(latest.physical_pct), latest.note) == (
        10,
        "The first survey counted unfinished drains.",
    )


@pytest.mark.parametrize(
    ("date", "physical"),
    [
        ("2026-04-01", "25"),  # progress that goes up
        ("2026-02-01", "10"),  # an earlier update, before the one at 20 %
    ],
)
def test_progress_that_does_not_go_down_needs_no_note(roles, reported, date, physical):
    response = _report(roles, reported, date=date, physical_pct=physical)
    assert response.status_code == 302
    assert ProgressUpdate.objects.filter(project=reported).count() == 2


def test_the_api_records_a_drop_as_sent(roles, reported):
    # the API is the city's own system reporting its figures: it is not asked to explain
    response = roles.bearer("cso_phuket").post(
        f"/api/v1/projects/{reported.pk}/progress",
        {"date": "2026-04-01", "physical_pct": 10, "financial_pct": 15},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert ProgressUpdate.objects.filter(project=reported).count() == 2


@pytest.mark.parametrize("date", ["1999-12-31", "0001-01-01"])
def test_progress_dated_before_the_projects_years_is_refused(roles, reported, date, text):
    """An update of year 1, taken by the API, stretched the public M&E report's "progress over
    time" from 0001 to today: 8,198 lines of CSV, 5 MB of page. Nothing undoes an update."""
    page = _report(roles, reported, date=date, physical_pct="25", financial_pct="20")
    api = roles.bearer("cso_phuket").post(
        f"/api/v1/projects/{reported.pk}/progress",
        {"physical_pct": 25, "financial_pct": 20, "date": date},
        content_type="application/json",
    )
    assert page.status_code == 422
    assert "A date between 2000-01-01 and 2100-12-31." in text(page)
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"][-1] == "date"
    assert ProgressUpdate.objects.filter(project=reported).count() == 1


def test_progress_typed_as_a_vietnamese_page_writes_it_is_recorded_as_meant(roles, reported):
    """ "2,5" on a Vietnamese page is two and a half per cent: the number box dropped the
    comma and recorded 25 %."""
    session = roles.session("cso_phuket")
    form = {"date": "2026-04-01", "physical_pct": "22,5", "financial_pct": "15,25", "note": ""}
    response = session.post(f"/vi/projects/{reported.pk}/progress/", form)
    assert response.status_code == 302, response.content
    latest = ProgressUpdate.objects.filter(project=reported).latest("date")
    assert (latest.physical_pct, latest.financial_pct) == (Decimal("22.5"), Decimal("15.25"))
    # "1.500" reads two ways there: refused on its field, nothing recorded
    refused = session.post(
        f"/vi/projects/{reported.pk}/progress/",
        {**form, "date": "2026-05-01", "physical_pct": "1.500"},
    )
    assert refused.status_code == 422
    assert ProgressUpdate.objects.filter(project=reported).count() == 2
