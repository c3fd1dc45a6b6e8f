"""The search index follows records changed or deleted around the services, and answers a
header search box (SPEC C9, issue 7).

Entries go with their records however those are deleted (a cascade, a fixture torn down);
renaming a city or a member state rewrites the entries that carry its name; the
autocomplete answers titles the caller may see; a common word is answered within a capped
candidate set, titles first, with the count marked as a floor.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from ascn.core import search
from ascn.core.models import SearchEntry
from ascn.core.search import engine
from ascn.core.services import back_office_delete
from ascn.network.models import Appointment, City, FocusArea, MemberState, Person
from ascn.network.services import appointment_create, registry_upsert
from ascn.plans.models import Project
from tests import factories

pytest_plugins = ["tests.roles"]


def entry_of(kind: str, obj) -> SearchEntry | None:
    return SearchEntry.objects.filter(kind=kind, object_id=str(obj.pk)).first()


# --- deletions -----------------------------------------------------------------------------------


def test_a_record_deleted_by_the_secretariat_leaves_the_index(roles):
    # given a project saved through the service (so indexed)
    secretariat = roles.user("secretariat")
    project = factories.project(secretariat, title="Kathu flood pumps")
    assert entry_of("project", project) is not None
    pk = project.pk

    # when the Secretariat deletes it in the back office
    back_office_delete(actor=secretariat, obj=project)

    # then its entry is gone and nobody finds it
    assert not SearchEntry.objects.filter(kind="project", object_id=str(pk)).exists()
    assert search.search(secretariat, "kathu").count == 0


def phuket_officer(full_name: str) -> tuple[Person, Appointment]:
    """``full_name``, appointed Chief Smart City Officer of Phuket through the services (so
    indexed, in whatever language is active)."""
    person, _ = registry_upsert(
        actor=None, model=Person, lookup={"full_name": full_name}, values={}
    )
    appointment = appointment_create(
        actor=None,
        person=person,
        role=Appointment.Role.CSO,
        member_state=MemberState.objects.get(code="TH"),
        city=City.objects.get(slug="phuket"),
        start_date=dt.date(2025, 1, 1),
    )
    return person, appointment


def test_a_person_deleted_takes_her_entry_and_her_name_from_her_city(roles):
    # given an officer of Phuket, found by name both as a person and in her city's entry
    secretariat = roles.user("secretariat")
    person, appointment = phuket_officer("Malee Qxvorta")
    assert {h.type for h in search.search(None, "qxvorta").items} == {"person", "city"}
    pk = person.pk

    # when the Secretariat deletes her appointment, then her, in the back office
    back_office_delete(actor=secretariat, obj=appointment)
    assert "Qxvorta" not in entry_of("city", City.objects.get(slug="phuket")).body
    back_office_delete(actor=secretariat, obj=person)

    # then neither she nor her city is found by her name any more
    assert search.search(None, "qxvorta").count == 0
    assert not SearchEntry.objects.filter(kind="person", object_id=str(pk)).exists()
    assert "Qxvorta" not in entry_of("city", City.objects.get(slug="phuket")).body


def test_a_rebuild_drops_the_entries_of_rows_deleted_behind_the_services(roles):
    # given a project indexed, then deleted with SQL alone (as a bulk clean-up would)
    secretariat = roles.user("secretariat")
    project = factories.project(secretariat, title="Kathu flood pumps")
    Project.objects.filter(pk=project.pk).delete()
    assert entry_of("project", project) is not None  # nobody announced it: stale

    # when the index is rebuilt, as the operations guide says after such a load
    call_command("rebuild_search_index", stdout=io.StringIO())

    # then the stale entry is gone
    assert entry_of("project", project) is None
    assert search.search(secretariat, "kathu").count == 0


# --- renames ---------------------------------------------------------------------------------


def test_renaming_a_city_rewrites_the_entries_of_its_projects(roles):
    # given a Phuket project, found by its city's name
    secretariat = roles.user("secretariat")
    project = factories.project(secretariat, title="Patong smart drainage")
    assert search.search(secretariat, "phuket drainage").count == 1

    # when the city is renamed through the registry service
    registry_upsert(
        actor=None, model=City, lookup={"slug": "phuket"}, values={"name": "Andamanburi"}
    )

    # then the project is found by the new name, and no longer by the old one
    assert [h.id for h in search.search(secretariat, "andamanburi drainage").items] == [
        str(project.pk)
    ]
    assert search.search(secretariat, "phuket drainage", types=["project"]).count == 0
    assert "Andamanburi" in entry_of("project", project).body


def test_renaming_a_member_state_rewrites_the_entries_of_its_cities_and_projects(roles):
    # given a Phuket project
    secretariat = roles.user("secretariat")
    project = factories.project(secretariat, title="Patong smart drainage")

    # when Thailand's name changes in the registry
    registry_upsert(
        actor=None, model=MemberState, lookup={"code": "TH"}, values={"name": "Thailandia"}
    )

    # then the project and its city are found by the new name
    found = {(h.type, h.title) for h in search.search(secretariat, "thailandia phuket").items}
    assert {("project", "Patong smart drainage"), ("city", "Phuket")} <= found
    assert "Thailandia" in entry_of("project", project).body


# --- autocomplete ----------------------------------------------------------------------------


def test_autocomplete_offers_titles_the_caller_may_see(client, roles):
    # given a draft project of Phuket
    factories.project(roles.user("cso_phuket"), title="Patong smart drainage")

    # when its CSCO types the start of its words in the header box
    client.force_login(roles.user("cso_phuket"))
    response = client.get("/api/v1/search/autocomplete", {"q": "pato dra"})

    # then the title comes back with its type and page
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["title"] == "Patong smart drainage"
    assert (item["type"], item["url"]) == ("project", f"/projects/{item['id']}/")

    # and the public does not see the draft
    client.logout()
    assert client.get("/api/v1/search/autocomplete", {"q": "pato"}).json() == {"items": []}


@pytest.mark.parametrize(
    ("q", "status"),
    [("", 200), ("p", 200), ('"*(NEAR', 200), ("x" * 201, 422), ("drain\x00", 422)],
)
def test_autocomplete_answers_any_text_with_a_list_or_a_clear_refusal(client, network, q, status):
    response = client.get("/api/v1/search/autocomplete", {"q": q})
    assert response.status_code == status
    if status == 200:
        assert response.json() == {"items": []} or isinstance(response.json()["items"], list)


def test_autocomplete_is_documented(client, network):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/search/autocomplete"]


def test_the_header_box_asks_for_suggestions(client, network):
    page = client.get("/").content.decode()
    assert 'list="site-search-suggestions"' in page


# --- a common word -----------------------------------------------------------------------------


def test_a_common_word_is_answered_from_a_capped_set_titles_first(roles, monkeypatch):
    # given more matches than a search considers: one with the word in its title (oldest)
    secretariat = roles.user("secretariat")
    factories.project(secretariat, title="Quorvane pumps", description="Pumps.")
    for n in range(4):
        factories.project(secretariat, title=f"Canal works {n}", description="Quorvane canals.")
    monkeypatch.setattr(engine, "CANDIDATES", 3)

    # when searching for the word
    results = search.search(secretariat, "quorvane")

    # then the count is a floor, the title match comes first, and the facets count the set
    assert (results.count, results.exact) == (3, False)
    assert results.items[0].title == "Quorvane pumps"
    assert sum(f.count for f in results.facets["type"]) == 3

    # and below the cap everything is exact
    monkeypatch.setattr(engine, "CANDIDATES", 1000)
    everything = search.search(secretariat, "quorvane")
    assert (everything.count, everything.exact) == (5, True)


def test_the_header_suggestions_are_options_the_user_may_see(client, roles):
    factories.project(roles.user("cso_phuket"), title="Patong smart drainage")
    client.force_login(roles.user("cso_phuket"))
    page = client.get("/search/suggestions/", {"q": "patong"}, headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert '<option value="Patong smart drainage">' in page.content.decode()
    client.logout()
    assert "Patong" not in client.get("/search/suggestions/", {"q": "patong"}).content.decode()
    assert client.get("/search/suggestions/", {"q": "x" * 500}).status_code == 200


def test_the_page_says_when_there_are_more_results_than_counted(client, roles, monkeypatch):
    secretariat = roles.user("secretariat")
    for n in range(3):
        factories.project(secretariat, title=f"Quorvane canal {n}", visibility="public")
    monkeypatch.setattr(engine, "CANDIDATES", 2)
    page = client.get("/search/", {"q": "quorvane"}).content.decode()
    assert "2+ results" in page


def test_the_api_says_when_the_count_is_a_floor(client, roles, monkeypatch):
    secretariat = roles.user("secretariat")
    for n in range(3):
        factories.project(secretariat, title=f"Quorvane canal {n}", visibility="public")
    body = client.get("/api/v1/search", {"q": "quorvane"}).json()
    assert (body["count"], body["count_exact"]) == (3, True)
    monkeypatch.setattr(engine, "CANDIDATES", 2)
    body = client.get("/api/v1/search", {"q": "quorvane"}).json()
    assert (body["count"], body["count_exact"], len(body["items"])) == (2, False, 2)


# --- the index's one language --------------------------------------------------------------------


def test_an_entry_written_during_a_thai_request_is_still_found_in_english(roles):
    # given an officer appointed while the page was in Thai (the writer's language)
    with translation.override("th"):
        person, _ = phuket_officer("Somchai Wuttiphan")

    # then the index holds her role as the catalogues' source language writes it
    assert "Chief Smart City Officer" in entry_of("person", person).body
    found = search.search(None, "wuttiphan chief smart city officer")
    assert {h.type for h in found.items} == {"person", "city"}


def test_a_result_is_described_in_the_readers_language(client, roles):
    # given an officer of Phuket, indexed in English
    phuket_officer("Somchai Wuttiphan")

    # when a reader searches her name on the English page, then on the Thai one
    english = client.get("/search/?q=wuttiphan")
    page = client.get("/th/search/?q=wuttiphan")

    # then her result and her city's say her role and her country in Thai
    with translation.override("th"):
        role = str(Appointment.Role.CSO.label)
        country = MemberState.objects.get(code="TH").label
    assert role != "Chief Smart City Officer" and country != "Thailand"
    text = page.content.decode()
    assert text.count(role) >= 2 and country in text
    assert "Chief Smart City Officer" not in text

    # and on the English page as the index keeps them
    assert "Chief Smart City Officer" in english.content.decode()


def test_a_focus_area_named_in_the_readers_language_finds_its_records(client, roles):
    # given a public project of Phuket in Safety & Security whose words say nothing of it
    factories.project(
        roles.user("cso_phuket"),
        title="Patong beach towers",
        description="Lifeguard towers along the beach.",
        focus_areas=["safety-security"],
        visibility="public",
    )
    area = FocusArea.objects.get(code="safety-security")

    # when a reader types the area's name as her page's language writes it
    for language in ("id", "th", "en"):
        with translation.override(language):
            name = area.label
        found = search.search(None, name)

        # then the project is found, as it is by the index's English name
        assert "Patong beach towers" in [h.title for h in found.items], (language, name)
