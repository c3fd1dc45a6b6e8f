"""Dated releases of the open data (issue 20, item 3): a nightly snapshot of every public
dataset, what changed since the release before (rows added, changed, removed; the projects'
owners' notes), any dataset downloadable as of a date, and nothing but public data in them."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json

import pytest
from django.core.management import call_command

from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.core.models import AuditEntry
from ascn.opendata import catalogue
from ascn.opendata.models import Release, ReleaseContent
from ascn.opendata.releases import Changes, Snapshot, compare
from ascn.opendata.services import release_make
from ascn.opendata.tasks import snapshot_open_data
from ascn.plans.services import progress_add, project_update
from tests import factories

DAY1 = dt.date(2026, 5, 1)
DAY2 = dt.date(2026, 5, 2)
DAY5 = dt.date(2026, 5, 5)


def rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def titles(client, date: dt.date) -> set[str]:
    response = client.get(f"/data/releases/{date.isoformat()}/projects.csv")
    assert response.status_code == 200
    return {row["title"] for row in rows(response.content)}


@pytest.fixture
def projects(secretariat):
    """Three public projects of Phuket, one shared with members only, one draft."""
    made = {
        name: factories.project(secretariat, title=name, visibility="public")
        for name in ("Flood sensors", "Bus lanes", "Street lights")
    }
    made["Members only"] = factories.project(
        secretariat, title="Members only", visibility="network"
    )
    made["Draft idea"] = factories.project(secretariat, title="Draft idea")
    return made


def file_of(release: Release, dataset: str):
    return release.files.select_related("content").get(dataset=dataset)


def test_a_release_holds_every_dataset_as_its_download_and_is_audited_as_the_system(
    client, projects
):
    # when the nightly run takes the first release
    outcome = release_make(actor=None, date=DAY1)

    # then every dataset of the catalogue is in it, byte for byte its download of that moment
    release = outcome.release
    assert outcome.action == "made" and release.date == DAY1 and release.previous is None
    for dataset in catalogue.datasets():
        stored = client.get(f"/data/releases/{DAY1}/{dataset.key}.csv")
        assert stored.status_code == 200
        assert stored.content == client.get(f"/data/{dataset.key}.csv").content, dataset.key
    # and, the first, counts every row as added
    projects_file = file_of(release, "projects")
    assert (projects_file.content.rows, projects_file.added, projects_file.removed) == (3, 3, 0)
    # and the audit trail says the system made it
    entry = AuditEntry.objects.get(action="opendata.release.made")
    assert entry.actor is None and entry.actor_label == "system"
    assert entry.object_id == str(release.pk)
    assert entry.changes["date"]["after"] == "2026-05-01"
    assert entry.changes["datasets"]["after"] == len(catalogue.datasets())


def test_the_next_release_counts_rows_added_changed_removed_and_the_owners_notes(
    client, secretariat, projects
):
    # given a first release, then a project added, one changed (with a note), one withdrawn
    # from the public, a note on a project that did not change otherwise, and a note on a
    # project shared with members only
    release_make(actor=None, date=DAY1)
    factories.project(secretariat, title="Cycle paths", visibility="public")
    lights = projects["Street lights"]
    project_update(
        actor=secretariat, project=lights, version=lights.version, budget_amount="2500000"
    )
    progress_add(
        actor=secretariat,
        project=lights,
        physical_pct=20,
        financial_pct=10,
        note="Budget raised after the tender.",
    )
    buses = projects["Bus lanes"]
    project_update(actor=secretariat, project=buses, version=buses.version, visibility="network")
    progress_add(
        actor=secretariat,
        project=projects["Flood sensors"],
        physical_pct=50,
        financial_pct=40,
        note="Half the sensors installed.",
    )
    progress_add(
        actor=secretariat,
        project=projects["Members only"],
        physical_pct=5,
        financial_pct=5,
        note="Not for the public.",
    )
    contents_before = ReleaseContent.objects.count()

    # when the next night's release is taken
    release = release_make(actor=None, date=DAY2).release

    # then projects: one added, one changed, one removed, and the changed one's note
    projects_file = file_of(release, "projects")
    assert release.previous.date == DAY1
    assert (projects_file.added, projects_file.changed, projects_file.removed) == (1, 1, 1)
    assert projects_file.content.rows == 3
    # and the notes their owners wrote since, on public projects only, changed or not
    assert [(n["title"], n["note"]) for n in projects_file.notes] == [
        ("Flood sensors", "Half the sensors installed."),
        ("Street lights", "Budget raised after the tender."),
    ]
    # and the datasets that did not change count nothing and are not stored twice
    cities = file_of(release, "cities")
    assert (cities.added, cities.changed, cities.removed) == (0, 0, 0)
    assert cities.content_id == file_of(release.previous, "cities").content_id
    touched = [f for f in release.files.all() if f.added or f.changed or f.removed]
    assert "projects" in {f.dataset for f in touched}
    assert ReleaseContent.objects.count() == contents_before + len(touched)

    # and both pages say so
    listing = client.get("/data/releases/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert page.index("2 May 2026") < page.index("1 May 2026")  # newest first
    assert "Projects: 1 added, 1 changed, 1 removed" in page
    detail = client.get(f"/data/releases/{DAY2}/")
    assert detail.status_code == 200
    assert "Budget raised after the tender." in detail.content.decode()
    assert f'href="/data/releases/{DAY2}/projects.csv"' in detail.content.decode()


def test_any_dataset_downloads_as_it_was_on_a_date(client, secretariat, projects):
    # given a release, a renamed project, and a second release
    release_make(actor=None, date=DAY1)
    sensors = projects["Flood sensors"]
    project_update(
        actor=secretariat, project=sensors, version=sensors.version, title="Flood sensors II"
    )
    release_make(actor=None, date=DAY2)

    # then each date's file has the title of its day, and today's download the new one
    assert titles(client, DAY1) == {"Flood sensors", "Bus lanes", "Street lights"}
    assert titles(client, DAY2) == {"Flood sensors II", "Bus lanes", "Street lights"}
    response = client.get(f"/data/releases/{DAY1}/projects.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "ascn-projects-2026-05-01.csv" in response["Content-Disposition"]
    # and the rename counts as a change, not as a row removed and another added
    changed = file_of(Release.objects.get(date=DAY2), "projects")
    assert (changed.added, changed.changed, changed.removed) == (0, 1, 0)


def test_only_public_data_goes_into_a_release(client, secretariat, projects):
    # given draft and members-only records of several kinds, each with a note
    factories.organisation(secretariat, slug="hidden-fund", name="Hidden Fund", visibility="draft")
    factories.organisation(secretariat, slug="open-fund", name="Open Fund")
    release_make(actor=None, date=DAY1)
    for name in ("Members only", "Draft idea"):
        progress_add(
            actor=secretariat,
            project=projects[name],
            physical_pct=1,
            financial_pct=1,
            note=f"Secret note of {name}",
        )
        project_update(
            actor=secretariat,
            project=projects[name],
            version=projects[name].version,
            description="Changed in private.",
        )

    # when the next release is taken
    release = release_make(actor=None, date=DAY2).release

    # then no file of either release holds them, nor do the pages or the JSON
    everything = b""
    for date in (DAY1, DAY2):
        for dataset in catalogue.datasets():
            everything += client.get(f"/data/releases/{date}/{dataset.key}.csv").content
        everything += client.get(f"/data/releases/{date}/").content
        everything += client.get(f"/data/releases/{date}.json").content
    everything += client.get("/data/releases.json").content
    text = everything.decode("utf-8", "replace")
    for secret in ("Members only", "Draft idea", "Hidden Fund", "hidden-fund", "Secret note"):
        assert secret not in text
    assert "Open Fund" in text and "Flood sensors" in text
    # and nothing public changed, so nothing counts as changed
    projects_file = file_of(release, "projects")
    assert (projects_file.added, projects_file.changed, projects_file.removed) == (0, 0, 0)
    assert projects_file.notes == []


def test_the_same_day_twice_keeps_the_release_and_says_so_unless_asked_to_replace(
    secretariat, projects
):
    # given today's release
    out = io.StringIO()
    call_command("snapshot_open_data", stdout=out)
    first = Release.objects.get()
    assert out.getvalue().startswith(f"Made the release of {first.date}")
    assert "projects: 3 rows, +3 added" in out.getvalue()

    # when it runs again the same day, after a change
    factories.project(secretariat, title="Late addition", visibility="public")
    again = io.StringIO()
    call_command("snapshot_open_data", stdout=again)

    # then nothing was replaced, and the command says so
    assert "exists already" in again.getvalue() and "nothing changed" in again.getvalue()
    kept = Release.objects.get()
    assert kept.made_at == first.made_at
    assert file_of(kept, "projects").content.rows == 3
    assert AuditEntry.objects.filter(action__startswith="opendata.release").count() == 1

    # when asked to replace it
    replaced = io.StringIO()
    call_command("snapshot_open_data", "--replace", stdout=replaced)

    # then the same date's release is taken again, audited as a replacement
    assert replaced.getvalue().startswith(f"Replaced the release of {first.date}")
    assert file_of(Release.objects.get(), "projects").content.rows == 4
    assert AuditEntry.objects.filter(action="opendata.release.replaced").count() == 1
    # and the content no release points at any more is gone
    assert not ReleaseContent.objects.filter(files__isnull=True).exists()


def test_the_worker_can_take_the_release(projects):
    # when the task is queued (run inline by the tests' backend)
    result = snapshot_open_data.enqueue()

    # then today's release exists
    assert result.return_value["action"] == "made"
    assert Release.objects.filter(date=dt.date.fromisoformat(result.return_value["date"])).exists()


def test_only_the_system_or_the_secretariat_makes_a_release_and_never_in_the_past(
    secretariat, projects, member
):
    with pytest.raises(PermissionDenied):
        release_make(actor=member, date=DAY1)
    assert release_make(actor=secretariat, date=DAY2).action == "made"
    with pytest.raises(InvalidInput, match="after the latest one"):
        release_make(actor=None, date=DAY1)
    assert Release.objects.count() == 1


def test_a_date_without_a_release_is_a_404_naming_the_nearest(client, projects):
    release_make(actor=None, date=DAY1)
    release_make(actor=None, date=DAY5)

    page = client.get("/data/releases/2026-05-03/")
    assert page.status_code == 404
    body = page.content.decode()
    assert "There is no release of the open data on 2026-05-03" in body
    assert (
        'href="/data/releases/2026-05-01/"' in body and 'href="/data/releases/2026-05-05/"' in body
    )

    download = client.get("/data/releases/2026-05-03/projects.csv")
    assert download.status_code == 404
    assert "The nearest: 2026-05-01, 2026-05-05." in download.content.decode()

    machine = client.get("/data/releases/2026-05-03.json")
    assert machine.status_code == 404
    assert json.loads(machine.content)["nearest"] == ["2026-05-01", "2026-05-05"]

    assert client.get("/data/releases/yesterday/").status_code == 404
    assert "is not a date" in client.get("/data/releases/yesterday/").content.decode()
    missing = client.get(f"/data/releases/{DAY1}/no-such-thing.csv")
    assert missing.status_code == 404 and "It has: member-states" in missing.content.decode()


def test_releases_json_lists_every_release_with_counts_and_links(client, secretariat, projects):
    release_make(actor=None, date=DAY1)
    factories.project(secretariat, title="Cycle paths", visibility="public")
    release_make(actor=None, date=DAY2)

    doc = json.loads(client.get("/data/releases.json").content)

    assert doc["count"] == 2
    assert [item["date"] for item in doc["items"]] == ["2026-05-02", "2026-05-01"]
    newest = doc["items"][0]
    assert newest["previous"] == "2026-05-01"
    projects_entry = next(d for d in newest["datasets"] if d["dataset"] == "projects")
    assert projects_entry["added"] == 1 and projects_entry["rows"] == 4
    assert projects_entry["url"].endswith("/data/releases/2026-05-02/projects.csv")
    # the file behind the link is the one the checksum describes
    path = projects_entry["url"].split("testserver", 1)[-1]
    assert hashlib.sha256(client.get(path).content).hexdigest() == projects_entry["sha256"]


def test_the_list_page_reads_a_bounded_number_of_queries(get_bounded, projects):
    for day in range(1, 11):
        release_make(actor=None, date=dt.date(2026, 5, day))
    response = get_bounded("/data/releases/", max_queries=12)
    assert "10 May 2026" in response.content.decode()


@pytest.mark.db_independent
def test_a_column_the_dataset_gained_is_not_a_change_of_every_row():
    # given a release of projects before they carried their id, and today's with it
    before = ReleaseContent(
        digest="before",
        csv_gz=gzip.compress(b"city,title\r\nphuket,Drainage\r\nhanoi,Lighting\r\n"),
        keys_gz=gzip.compress(b'["7", "9"]'),
    )
    now = Snapshot(
        "projects", b"id,city,title\r\n7,phuket,Drainage\r\n9,hanoi,Lamps\r\n", ["7", "9"]
    )
    # then only the row whose cells changed is counted as changed
    assert compare(now, before) == Changes(added=0, changed=1, removed=0)


def test_the_list_page_says_none_where_no_owner_wrote_a_note(client, secretariat, projects, text):
    release_make(actor=secretariat, date=DAY1)
    shown = text(client.get("/data/releases/"))
    # the first release: no note, said in words rather than a bare 0 under "Notes"
    assert "First release: every row is new. none" in shown
    assert "Owners' notes" in shown
