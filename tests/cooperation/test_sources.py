"""Sources people can read and edit (issue 16 item 3): a case study's and a partnership's
published sources — title, publisher, date, link — entered as rows on their forms (the same
rows as a programme's), checked, shown on their pages, and written through the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import translation

from ascn.cooperation.models import CaseStudy, CityPartnership
from ascn.core import formats
from ascn.core.models import AuditEntry
from tests.conftest import page_text
from tests.cooperation.test_record_writes import CASE_FORM, PARTNERSHIP_FORM, _partnership, _study
from tests.roles import SECRETARIAT

pytest_plugins = ["tests.roles"]


def formats_in(language: str, first_of_month: dt.date) -> str:
    with translation.override(language):
        return formats.month(first_of_month)


pytestmark = pytest.mark.django_db

REPORT = {
    "title": "ASCN case study: smart street lighting",
    "publisher": "ASEAN Secretariat",
    "date": "2023-05",
    "url": "https://asean.org/ascn-lighting",
}


def rows(*sources: dict, blank: int = 1) -> dict:
    """The form's source rows as a browser sends them: the sources, then empty rows."""
    data = {"sources-rows": str(len(sources) + blank)}
    for i, source in enumerate([*sources, *[{}] * blank]):
        for key in ("title", "publisher", "date", "url", "fields"):
            data[f"sources-{i}-{key}"] = source.get(key, "")
    return data


def test_the_secretariat_enters_a_case_studys_sources_as_rows_and_readers_see_them(roles, adb):
    study = _study()
    client = roles.session(SECRETARIAT)
    path = f"/cooperation/case-studies/{study.slug}/edit/"
    # the form offers rows of title, publisher, date and link
    form = client.get(path).content.decode()
    for name in ("sources-0-title", "sources-0-publisher", "sources-0-date", "sources-0-url"):
        assert f'name="{name}"' in form
    data = {**CASE_FORM, "provider": "", "version": str(study.version), **rows(REPORT)}
    # when she saves one source (and leaves the empty row empty)
    response = client.post(path, data)
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.sources == [REPORT]
    entry = AuditEntry.objects.filter(action="cooperation.casestudy.updated").latest("id")
    assert entry.changes["sources"]["after"] == [REPORT]
    # then the page shows it readably: title linked, publisher, date
    page = client.get(study.get_absolute_url())
    assert f'href="{REPORT["url"]}"' in page.content.decode()
    # its date as far as it is known, in the page's style (it read "2023-05" everywhere)
    assert "ASCN case study: smart street lighting — ASEAN Secretariat, May 2023" in page_text(page)
    assert '<time datetime="2023-05">' in page.content.decode()
    vietnamese = page_text(roles.session(SECRETARIAT).get("/vi" + study.get_absolute_url()))
    assert "ASEAN Secretariat, " + formats_in("vi", dt.date(2023, 5, 1)) in vietnamese
    # and the edit form shows it again in its row; emptying the row removes it
    again = client.get(path).content.decode()
    assert 'value="ASCN case study: smart street lighting"' in again
    study.refresh_from_db()
    client.post(path, {**data, "version": str(study.version), **rows(blank=2)})
    study.refresh_from_db()
    assert study.sources == []


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            {**REPORT, "date": "May 2023"},
            "Source 1: A source&#x27;s date reads YYYY, YYYY-MM or YYYY-MM-DD.",
        ),
        ({**REPORT, "url": "asean.org"}, "Source 1: Each source needs its web address"),
        ({**REPORT, "publisher": ""}, "Source 1: Each source needs its publisher."),
    ],
)
def test_a_wrong_source_row_is_refused_and_nothing_saved(roles, adb, source, message):
    study = _study()
    data = {**CASE_FORM, "provider": "", "version": str(study.version), **rows(source)}
    response = roles.session(SECRETARIAT).post(
        f"/cooperation/case-studies/{study.slug}/edit/", data
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert CaseStudy.objects.get(pk=study.pk).sources == []


def test_a_form_sent_without_rows_keeps_the_sources(roles, adb):
    study = _study(sources=[REPORT])
    data = {**CASE_FORM, "provider": "", "version": str(study.version)}
    roles.session(SECRETARIAT).post(f"/cooperation/case-studies/{study.slug}/edit/", data)
    assert CaseStudy.objects.get(pk=study.pk).sources == [REPORT]


def test_a_partnerships_sources_are_edited_as_rows_and_listed(roles):
    partnership = _partnership()
    client = roles.session(SECRETARIAT)
    data = {**PARTNERSHIP_FORM, "version": str(partnership.version), **rows(REPORT)}
    data.pop("city")
    response = client.post(f"/cooperation/partnerships/{partnership.pk}/edit/", data)
    assert response.status_code == 302
    assert CityPartnership.objects.get(pk=partnership.pk).sources == [REPORT]
    assert "ASCN case study: smart street lighting" in page_text(client.get("/cooperation/"))


def _json(client, method: str, path: str, body: dict):
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def test_the_write_apis_take_sources(roles, adb):
    client = roles.bearer(SECRETARIAT)
    created = _json(
        client,
        "post",
        "/api/v1/case-studies",
        {
            "title": "Flood early warning by text message",
            "focus_area": "built-infrastructure",
            "problem": "Floods came first.",
            "solution": "Gauges text residents.",
            "sources": [REPORT],
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["sources"] == [{**REPORT, "fields": []}]
    slug = created.json()["slug"]
    assert CaseStudy.objects.get(slug=slug).sources == [REPORT]
    # a wrong address is refused, and nothing changes
    wrong = _json(
        client,
        "patch",
        f"/api/v1/case-studies/{slug}",
        {"version": 1, "sources": [{**REPORT, "url": "ftp://asean.org"}]},
    )
    assert wrong.status_code == 422
    # a partnership's sources are replaced, then cleared with null
    partnership = _partnership()
    path = f"/api/v1/partnerships/{partnership.pk}"
    undated = {k: v for k, v in REPORT.items() if k != "date"}
    response = _json(client, "patch", path, {"version": 1, "sources": [undated]})
    assert response.status_code == 200, response.content
    assert CityPartnership.objects.get(pk=partnership.pk).sources == [undated]
    assert _json(client, "patch", path, {"version": 2, "sources": None}).json()["sources"] == []
