"""One search over everything a user may see (SPEC C9, issue 7).

The index is written by ``audit.record`` in the service's own transaction, so a record is
found as soon as it is saved and as it is now (its focus areas included); a draft is found
only by those who may see it; titles rank above text; words match as prefixes; facets count
the whole result set; no query, however odd, is a server error.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ascn.accounts.models import Role
from ascn.agreements.services import agreement_create
from ascn.core import search
from ascn.core.errors import InvalidInput
from ascn.core.models import SearchEntry
from ascn.core.permissions import scopes_of
from ascn.core.search import sql
from ascn.core.search.words import unspaced
from ascn.core.services import back_office_delete
from ascn.network.models import Appointment, City, MemberState, Person
from ascn.network.services import (
    appointment_create,
    appointment_end,
    city_update,
    registry_upsert,
)
from ascn.partners.services import organisation_upsert_seed
from ascn.plans.services import plan_create, project_update
from tests import factories

pytest_plugins = ["tests.roles"]


def titles(results) -> list[str]:
    return [hit.title for hit in results.items]


@pytest.fixture
def cso(roles):
    return roles.user("cso_phuket")


@pytest.fixture
def nr_vn(roles):
    return roles.add(
        "nr_vn",
        email="nr-vn@roles.test",
        role=Role.NATIONAL_REPRESENTATIVE,
        scope=MemberState.objects.get(code="VN"),
    ).user


# --- the index follows the records ---------------------------------------------------------


def test_a_new_project_is_found_by_the_start_of_a_word_as_soon_as_it_is_saved(cso):
    # given a CSCO who adds a drainage project (through the service, nothing else)
    project = factories.project(
        cso,
        title="Patong smart drainage",
        focus_areas=["quality-environment"],
        status="implementation",
    )

    # when she searches for the start of a word
    results = search.search(cso, "drain")

    # then the project is found, highlighted, with its focus areas (set after the save)
    assert titles(results) == ["Patong smart drainage"]
    hit = results.items[0]
    assert (hit.type, hit.id, hit.url) == ("project", str(project.pk), f"/projects/{project.pk}/")
    assert "<mark>drainage</mark>" in hit.title_html
    entry = SearchEntry.objects.get(kind="project", object_id=str(project.pk))
    assert (entry.focus_areas, entry.member_state, entry.status) == (
        "|quality-environment|",
        "TH",
        "implementation",
    )


def test_an_update_replaces_what_is_found_including_focus_areas(cso):
    # given a project whose text does not repeat its title
    project = factories.project(
        cso, title="Patong smart drainage", description="Sensors and gates in the canals."
    )

    # when its title and focus areas change
    project_update(
        actor=cso,
        project=project,
        version=project.version,
        title="Kata beach flood gates",
        focus_areas=["safety-security", "built-infrastructure"],
    )

    # then the new words find it, the old title no longer does, and its facets moved
    assert titles(search.search(cso, "flood gates")) == ["Kata beach flood gates"]
    assert titles(search.search(cso, "patong")) == []
    facets = search.search(cso, "kata").facets["focus_area"]
    assert {f.value: f.count for f in facets} == {"safety-security": 1, "built-infrastructure": 1}


def test_a_deleted_record_leaves_the_index_in_the_same_transaction(roles, cso):
    # given a project, then deleted in the back office
    project = factories.project(cso, title="Patong smart drainage")
    back_office_delete(actor=roles.user("secretariat"), obj=project)

    # then nobody finds it and its entry is gone
    assert titles(search.search(roles.user("secretariat"), "drainage")) == []
    assert not SearchEntry.objects.filter(kind="project", object_id=str(project.pk)).exists()


def test_a_change_that_fails_leaves_the_index_as_it_was(cso):
    # given a project
    project = factories.project(cso, title="Patong smart drainage")

    # when an update is refused (a stale version) after nothing was written
    with pytest.raises(Exception):  # noqa: B017 - StaleEdit, whatever its message
        project_update(actor=cso, project=project, version=project.version + 5, title="Renamed")

    # then the index still holds the saved title
    assert titles(search.search(cso, "patong")) == ["Patong smart drainage"]


def test_the_index_rolls_back_with_the_records_transaction(cso):
    # given a project saved inside a transaction that then fails
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.project(cso, title="Patong smart drainage")
        assert search.search(cso, "drainage").count == 1  # seen inside the transaction
        raise RuntimeError("the caller fails after the save")

    # then neither the project nor its entry is left
    assert search.search(cso, "drainage").count == 0
    assert not SearchEntry.objects.filter(kind="project").exists()


def test_the_registry_is_indexed_by_its_loader_with_public_fields_only(network):
    # given the real seed (loaded through the services): cities and their officers
    # when anyone searches for a city
    results = search.search(None, "phuket")

    # then the city and its officer are found
    kinds = {hit.type for hit in results.items}
    assert {"city", "person"} <= kinds

    # and a person's e-mail never reaches the index
    person = Person.objects.filter(appointments__city__slug="phuket").first()
    registry_upsert(
        actor=None,
        model=Person,
        lookup={"pk": person.pk},
        values={"email": "zqxwv@inbox.test", "phone": "+66 99 777 1234"},
    )
    assert search.search(None, "inbox").count == 0
    assert search.search(None, "zqxwv").count == 0
    assert search.search(None, "777").count == 0
    assert "inbox" not in SearchEntry.objects.get(kind="person", object_id=str(person.pk)).body


def test_a_project_is_found_by_its_citys_other_names_as_they_change(roles, cso):
    # given a public Hanoi project, and Hanoi known also as "Hà Nội" and "Ha Noi" (the seed)
    hanoi_csco = roles.user("cso_hanoi")
    factories.project(hanoi_csco, city="hanoi", title="Flood sensors", visibility="public")
    # when someone searches with the city's name as Vietnamese write it
    for query in ("Hà Nội", "Ha Noi"):
        # then the city comes first, its other names beside its name, and the project follows
        found = titles(search.search(None, query))
        assert found[0] == "Hanoi (Hà Nội, Ha Noi)", found
        assert "Flood sensors" in found, query
    # and when the Secretariat gives the city another name, its projects follow
    city = City.objects.get(slug="hanoi")
    city_update(
        actor=roles.user("secretariat"),
        city=city,
        version=city.version,
        alt_names="Hà Nội, Ha Noi, Thăng Long",
    )
    assert "Flood sensors" in titles(search.search(None, "Thăng Long"))


# --- visibility ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "finds_it"),
    [
        ("anonymous", False),
        ("cso_hanoi", False),  # another city's CSCO
        ("nr_vn", False),  # another member state's NR
        ("partner_adb", False),
        ("cso_phuket", True),  # the owner
        ("nr_th", True),  # the owner's NR
        ("secretariat", True),
    ],
)
def test_a_draft_is_found_only_by_those_who_may_see_it(roles, nr_vn, who, finds_it):
    # given a draft project of Phuket
    factories.project(roles.user("cso_phuket"), title="Draft drainage of Phuket")
    user = roles[who].user

    # when each principal searches for it
    results = search.search(user, "drainage")

    # then only the owners, their NR and the Secretariat see it — in items and in facets
    assert (titles(results) == ["Draft drainage of Phuket"]) is finds_it
    assert (results.count == 1) is finds_it
    assert (sum(f.count for f in results.facets["type"]) == 1) is finds_it


def test_network_records_are_for_members_and_public_ones_for_everyone(roles, cso):
    # given one project shared with the network and one published
    factories.project(cso, title="Shared drainage", visibility="network")
    factories.project(cso, title="Public drainage", visibility="public")

    # then members see both, the public only the published one
    assert sorted(titles(search.search(roles.user("cso_hanoi"), "drainage"))) == [
        "Public drainage",
        "Shared drainage",
    ]
    assert titles(search.search(None, "drainage")) == ["Public drainage"]


# --- ranking, facets, filters ----------------------------------------------------------------


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_text(roles):
    # given two projects: "flood" in one's text (first), in the other's title
    secretariat = roles.user("secretariat")
    factories.project(
        secretariat,
        title="Canal sensors",
        description="Sensors that warn of a flood along the canals of the old town.",
    )
    factories.project(secretariat, title="Flood gates", description="Gates on the canals.")

    # when searching for the word
    results = search.search(secretariat, "flood")

    # then the title hit comes first, with a higher score
    assert titles(results) == ["Flood gates", "Canal sensors"]
    assert results.items[0].score > results.items[1].score
    assert "<mark>flood</mark>" in results.items[1].snippet


def test_facets_count_the_whole_result_set_and_filters_narrow_it(roles):
    # given flood projects in Thailand (2) and Viet Nam (1), and a flood plan in Viet Nam
    secretariat = roles.user("secretariat")
    for n in range(2):
        factories.project(
            secretariat,
            title=f"Flood barrier {n}",
            focus_areas=["safety-security"],
            status="implementation",
        )
    factories.project(
        secretariat,
        city="da-nang",
        title="Flood warning Da Nang",
        focus_areas=["quality-environment"],
        status="implementation",
    )
    factories.plan(secretariat, city="da-nang", title="Flood-ready Da Nang plan")

    # when searching with one result per page
    results = search.search(secretariat, "flood", page_size=1)

    # then the facets count all four results, not the page
    assert results.count == 4 and len(results.items) == 1
    counts = {name: {f.value: f.count for f in values} for name, values in results.facets.items()}
    assert counts["type"] == {"project": 3, "plan": 1}
    assert counts["country"] == {"TH": 2, "VN": 2}
    assert counts["focus_area"] == {"safety-security": 2, "quality-environment": 1}
    assert counts["status"] == {"implementation": 3, "draft": 1}

    # and filtering by member state narrows the results, while the country facet still
    # shows what choosing the other state would give
    narrowed = search.search(secretariat, "flood", filters={"country": ["VN"]})
    assert sorted(titles(narrowed)) == ["Flood warning Da Nang", "Flood-ready Da Nang plan"]
    by_country = {f.value: (f.count, f.selected) for f in narrowed.facets["country"]}
    assert by_country == {"TH": (2, False), "VN": (2, True)}
    assert {f.value: f.count for f in narrowed.facets["type"]} == {"project": 1, "plan": 1}

    # and type and focus-area filters combine with it
    only = search.search(
        secretariat, "flood", types=["project"], filters={"focus_area": ["safety-security"]}
    )
    assert sorted(titles(only)) == ["Flood barrier 0", "Flood barrier 1"]


@pytest.mark.parametrize("limit", [1, 2, 50])
def test_one_read_of_the_titles_gives_both_walks_of_a_filtered_search(roles, cso, limit):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL reads both title walks of a filtered search in one query")
    # given flood projects in two states: published, shared with the network, and a draft
    secretariat = roles.user("secretariat")
    for n, visibility in enumerate(["public", "public", "network"]):
        factories.project(
            secretariat,
            title=f"Flood barrier {n}",
            focus_areas=["safety-security"],
            status="implementation",
            visibility=visibility,
        )
    factories.project(
        secretariat,
        city="da-nang",
        title="Flood warning Da Nang",
        status="implementation",
        visibility="public",
    )
    # only Phuket's CSCO (and up) see it
    factories.project(cso, title="Flood pumps draft", status="implementation")
    for who in (None, roles.user("cso_hanoi"), cso):
        visible = sql.visible_q(scopes_of(who))
        for chosen in [
            sql.filters_q(["project"], {"country": ["TH"]}),
            sql.filters_q([], {"focus_area": ["safety-security"]}),
            sql.filters_q([], {"status": ["implementation"], "country": ["VN"]}),
        ]:
            # when both title walks are read at once
            both = sql.title_walks_postgresql(["flood"], visible, chosen, limit)
            # then each is what its own walk gives: the same entries, newest first, scores
            one = sql.walk_postgresql(["flood"], visible & chosen, limit, titles=True)
            base = sql.walk_postgresql(["flood"], visible, limit, titles=True)
            assert both == (one, base), (who, chosen, limit)
            assert len(base) == min(limit, 5 if who == cso else 4 if who else 3)


def test_every_word_must_match(roles):
    secretariat = roles.user("secretariat")
    factories.project(secretariat, title="Flood gates", description="Barriers on the canals.")
    factories.project(secretariat, title="Flood sensors", description="Water levels.")
    assert titles(search.search(secretariat, "flood gate")) == ["Flood gates"]


def test_a_possessive_or_an_elision_finds_what_the_word_alone_finds(roles):
    # given a project that names Bangkok and one that writes "Bangkok's"
    secretariat = roles.user("secretariat")
    factories.project(secretariat, title="Bangkok flood sensors")
    factories.project(secretariat, title="Bangkok's drainage tunnels")
    both = ["Bangkok flood sensors", "Bangkok's drainage tunnels"]

    # then "Bangkok's", with either apostrophe, finds both, as "Bangkok" does
    for q in ("Bangkok", "Bangkok's", "Bangkok’s", "bangkok's"):
        assert sorted(titles(search.search(secretariat, q, types=["project"]))) == both, q
    # and the other words still count
    assert titles(search.search(secretariat, "Bangkok's flood")) == ["Bangkok flood sensors"]
    # an elided letter is not a term; two letters beside an apostrophe are words
    assert search.terms_of("l'eau don't") == ["eau", "don"]
    assert search.terms_of("Xi'an") == ["xi", "an"]


def test_a_country_is_found_by_any_of_its_names_in_any_of_the_languages(roles):
    # given a Hanoi project (its entry says "Viet Nam", as the registry names the state) and
    # an organisation whose text says "Japan"
    secretariat = roles.user("secretariat")
    factories.project(secretariat, city="hanoi", title="Red River flood sensors")
    factories.project(secretariat, city="hanoi", title="Hanoi bus tickets")
    factories.organisation(
        secretariat, slug="jp-fund", name="Tokyo fund", description="A development bank of Japan."
    )

    def found(q: str) -> list[str]:
        return sorted(titles(search.search(secretariat, q, types=["project", "organisation"])))

    # then the state's other names find its records: as the world writes it, in Vietnamese,
    # in Thai, in Khmer
    hanoi = ["Hanoi bus tickets", "Red River flood sensors"]
    for q in ("Viet Nam", "Vietnam", "Việt Nam", "เวียดนาม", "វៀតណាម"):
        assert found(q) == hanoi, q
    # the other words still count
    assert found("Vietnam flood") == ["Red River flood sensors"]
    # a partner's country by its name in Thai or Vietnamese
    assert found("ญี่ปุ่น") == found("Nhật Bản") == found("Japan") == ["Tokyo fund"]
    # a word that names no country is a word as before
    assert found("Vietnamese") == []

    # and the terms say so: one term for the run of words that names the state
    [state, flood] = search.terms_of("Việt Nam flood")
    assert flood == "flood"
    assert {("viet", "nam"), ("vietnam",), ("เวียดนาม",)} <= set(state.ways)


def test_a_countrys_other_names_match_whole_not_as_syllables(roles):
    # given records whose words begin like the syllables of some countries' Vietnamese names
    secretariat = roles.user("secretariat")
    for title in ("Life in Bangkok", "Hanoi land use plan", "Based on land records"):
        factories.project(secretariat, title=title, description="A project.")
    factories.project(secretariat, title="A bicycle lane in Manila", description="Bikes.")
    factories.project(secretariat, title="Warsaw exchange", description="Hợp tác với Ba Lan.")

    def found(q: str) -> list[str]:
        return titles(search.search(secretariat, q, types=["project"]))

    # then Lebanon (Li Băng), the Netherlands (Hà Lan), Poland (Ba Lan) and Belgium (Bỉ) find
    # none of them by a word's beginning; Poland finds the text that names it in Vietnamese
    assert found("Lebanon") == found("Netherlands") == found("Belgium") == []
    assert found("Poland") == ["Warsaw exchange"]
    # "I'm" leaves no lone letter behind
    assert search.terms_of("I'm in Bangkok") == ["in", "bangkok"]


def test_a_query_names_a_country_by_the_registrys_name_as_by_the_cldrs(roles):
    # the registry calls Laos "Lao PDR": its names in Khmer and Vietnamese find the entries
    # that hold that name, as "Laos" does
    secretariat = roles.user("secretariat")
    for q in ("Laos", "ឡាវ", "Lào", "Lao PDR"):
        cities = [hit.title for hit in search.search(secretariat, q, types=["city"]).items]
        assert sorted(cities) == ["Luang Prabang", "Vientiane"], q


def test_autocomplete_offers_titles_starting_with_the_words(roles, cso):
    factories.project(cso, title="Patong smart drainage")
    hits = search.autocomplete(cso, "pato")
    assert [h.title for h in hits] == ["Patong smart drainage"]
    assert search.autocomplete(None, "pato") == []  # a draft


# --- the index can be rebuilt ---------------------------------------------------------------


def test_a_rebuild_gives_the_same_results_as_the_incremental_index(roles, cso):
    # given an index in step with the database (other modules' committed fixtures are
    # torn down without the services, which leaves their entries behind)
    search.rebuild()
    factories.project(cso, title="Patong smart drainage")
    secretariat = roles.user("secretariat")

    def everything():
        results = search.search(secretariat, "a", page_size=200)
        return results.count, sorted((h.type, h.id, h.title, h.snippet) for h in results.items)

    before, incremental = everything(), SearchEntry.objects.count()

    counts = search.rebuild()

    assert sum(counts.values()) == incremental
    assert everything() == before


# --- robustness -----------------------------------------------------------------------------


ODD_QUERIES = [
    "",
    "   ",
    '"',
    '"flood',
    "*",
    "flood*",
    "(",
    ")",
    "NEAR(flood drain)",
    "flood AND drain",
    "flood OR",
    "NOT",
    "-flood",
    "title:flood",
    "{title}: flood",
    "^flood",
    "'; DROP TABLE core_searchentry; --",
    "flood\x00drain",
    "\x00",
    "洪水 น้ำท่วม Đà Nẵng",
    "🌊🌊",
    "a" * 200,
    "& | ! <-> :* ()",
    "_ __ _flood_",
]


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_odd_queries_are_valid_searches(roles, cso, q):
    factories.project(cso, title="Patong smart drainage")
    results = search.search(roles.user("secretariat"), q)
    assert results.count >= 0


def test_a_query_longer_than_200_characters_is_refused():
    with pytest.raises(InvalidInput):
        search.terms_of("a" * 201)


def test_a_query_is_cut_into_quoted_word_terms(db):
    assert search.terms_of('NEAR("flood" AND drain*) -x') == ["near", "flood", "and", "drain", "x"]
    assert search.terms_of("a_b") == ["a", "b"]
    assert len(search.terms_of("w " * 50)) == 1
    assert len(search.terms_of(" ".join(f"w{i}" for i in range(50)))) == search.MAX_TERMS


@given(q=st.text(max_size=250))
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_text_is_a_valid_search_or_a_clear_refusal(network, q):
    try:
        results = search.search(None, q)
    except InvalidInput as exc:
        assert exc.field == "q" and len(q) > search.MAX_QUERY_LENGTH
    else:
        assert results.count >= 0


# --- records that are part of another record's entry ------------------------------------------


def test_a_new_officer_is_found_and_an_ended_appointment_leaves_the_directory(network):
    # given a new person appointed CSCO of Phuket by the Secretariat's registry services

    person, _ = registry_upsert(
        actor=None, model=Person, lookup={"full_name": "Kanya Zqwerty"}, values={}
    )
    assert search.search(None, "zqwerty").count == 0  # not in office: not in the directory
    appointment = appointment_create(
        actor=None,
        person=person,
        role=Appointment.Role.CSO,
        member_state=MemberState.objects.get(code="TH"),
        city=City.objects.get(slug="phuket"),
        designation="Director of Smart Harbour Works",
    )

    # then she is found by name and designation, and her city by her name
    assert {(h.type, h.title) for h in search.search(None, "zqwerty").items} == {
        ("person", "Kanya Zqwerty"),
        ("city", "Phuket"),
    }
    assert titles(search.search(None, "harbour works")) == ["Kanya Zqwerty"]

    # when her appointment ends
    appointment_end(actor=None, appointment=appointment, end_date=dt.date.today())

    # then neither she nor her city is found by her name any more
    assert search.search(None, "zqwerty").count == 0


def test_a_plans_focus_areas_set_after_its_save_reach_the_index(roles):
    # given a plan created with focus areas (the service sets them after saving the plan)
    plan = plan_create(
        actor=roles.user("cso_phuket"),
        city=City.objects.get(slug="phuket"),
        title="Phuket resilient harbour plan",
        period_start=2025,
        period_end=2030,
        focus_areas=["quality-environment", "civic-social"],
    )

    # then its entry carries them
    entry = SearchEntry.objects.get(kind="plan", object_id=str(plan.pk))
    assert entry.focus_areas == "|civic-social|quality-environment|"
    assert (entry.visibility, entry.owner_city_id) == ("draft", plan.city_id)


def test_a_single_letter_is_a_whole_word_not_a_prefix(cso):
    factories.project(cso, title="Patong smart drainage")
    assert titles(search.search(cso, "pa drainage")) == ["Patong smart drainage"]
    assert titles(search.search(cso, "p drainage")) == []


def test_an_organisation_counts_for_its_headquarters_member_state_only(roles, adb):
    # given the Asian Development Bank (headquartered in Manila) and a partner in Japan

    organisation_upsert_seed(
        slug="yokohama-zqpartner",
        values={
            "name": "Yokohama Zqpartner",
            "kind": "solution_provider",
            "headquarters_country": "JP",
            "visibility": "public",
        },
    )
    entry = SearchEntry.objects.get(kind="organisation", object_id=str(adb.pk))
    assert entry.member_state == "PH"
    assert SearchEntry.objects.get(kind="organisation", ref="yokohama-zqpartner").member_state == ""


def test_a_snippet_keeps_the_parts_of_an_entry_apart():
    # an entry's text is its parts on lines of their own: a kind, then a description
    body = "Development partner\nImplements flood defences along the river."
    snippet = search.make_snippet(body, ["flood"])
    # a page writes them apart, not run together ("Development partner Implements …")
    assert snippet.startswith("Development partner · Implements \x02flood\x03 defences")


def test_a_word_inside_a_thai_lao_khmer_or_burmese_run_is_found(roles, client):
    """Those scripts write no space between words: "ไฟถนน" (street lights) inside the title
    "ระบบไฟถนนอัจฉริยะ ภูเก็ต" found nothing, the whole run being one word of the index."""
    secretariat = roles.user("secretariat")
    titled = {
        "th": "ระบบไฟถนนอัจฉริยะ ภูเก็ต",  # smart street-light system, Phuket
        "km": "ប្រព័ន្ធភ្លើងផ្លូវឆ្លាតវៃ",  # smart street-light system
        "lo": "ລະບົບໄຟທາງອັດສະລິຍະ",  # smart street-light system
        "my": "ရေနုတ်မြောင်းစနစ်",  # drainage system
    }
    for title in titled.values():
        factories.project(secretariat, title=title, description="A project.", visibility="public")

    def found(q: str) -> list[str]:
        return titles(search.search(secretariat, q, types=["project"]))

    assert found("ไฟถนน") == found("ถนน") == [titled["th"]]
    # a word still being typed: its last piece as the beginning of a word
    assert found("ไฟถนนอัจ") == [titled["th"]]
    assert found("ភ្លើងផ្លូវ") == [titled["km"]]
    assert found("ໄຟທາງ") == [titled["lo"]]
    # a word ICU cuts otherwise alone than inside the title is found as typed too
    assert found("ရေနုတ်") == [titled["my"]]
    # the whole run still finds it, and a word it does not hold still does not
    assert found("ระบบไฟถนนอัจฉริยะ") == [titled["th"]]
    assert found("น้ำท่วม") == []  # flood
    # a result reads as the title was written, its words marked where they are
    [hit] = search.search(secretariat, "ไฟถนน", types=["project"]).items
    assert hit.title == titled["th"] and "\u200b" not in hit.title_html
    assert "<mark>ไฟถนน</mark>" in hit.title_html  # one mark, not two side by side
    body = client.get("/api/v1/search", {"q": "ไฟถนน"}).json()
    assert [item["title"] for item in body["items"]] == [titled["th"]]


def test_entries_written_before_get_their_words_apart(roles):
    """core/0009 writes again the entries of those scripts that the index kept as one run."""
    migration = importlib.import_module("ascn.core.migrations.0009_search_words_apart")
    secretariat = roles.user("secretariat")
    project = factories.project(secretariat, title="ระบบไฟถนนอัจฉริยะ", visibility="public")
    entry = SearchEntry.objects.get(kind="project", object_id=project.pk)
    # as written before: each run one word
    SearchEntry.objects.filter(pk=entry.pk).update(
        title=unspaced(entry.title), body=unspaced(entry.body)
    )
    assert titles(search.search(secretariat, "ไฟถนน", types=["project"])) == []
    migration.words_apart(django_apps, None)
    assert titles(search.search(secretariat, "ไฟถนน", types=["project"])) == ["ระบบไฟถนนอัจฉริยะ"]


@pytest.mark.parametrize("language", [code for code, _name in django_settings.LANGUAGES])
def test_the_search_pages_example_of_a_words_start_holds_in_each_language(roles, language):
    """The hint under the search box gives an example in the page's language ("“ระบาย”
    finds “ระบายน้ำ”" on a Thai page, where it said "drain" finds "drainage"): typed, its
    first word finds a record that holds the second."""
    with translation.override(language):
        hint = gettext(
            "Every word must match; the start of a word is enough (“drain” finds “drainage”)."
        )
    typed, held = re.findall(r"[“«]([^”»]+)[”»]", hint)
    if language not in ("en", "fil"):  # Filipino writes "drainage" as English does
        assert typed != "drain", "an example in the page's language"
    secretariat = roles.user("secretariat")
    factories.project(secretariat, title=f"{held} 2026", description="A project.")
    assert titles(search.search(secretariat, typed, types=["project"])) == [f"{held} 2026"]


def test_a_title_of_300_thai_letters_is_indexed_within_the_titles_length(roles):
    """The spaces the index puts between Thai words counted past the title's 300 characters:
    PostgreSQL refused the entry, and with it the save of a long agreement's title."""
    title = ("บันทึกความเข้าใจว่าด้วยความร่วมมือด้านเมืองอัจฉริยะ" * 7)[:300]
    agreement = agreement_create(
        actor=roles.user("secretariat"),
        title=title,
        parties=[{"name": "City of Phuket"}, {"name": "City of Da Nang"}],
        visibility="public",
    )
    entry = SearchEntry.objects.get(kind="agreement", ref=agreement.slug)
    assert len(entry.title) <= 300 and "\u200b" in entry.title
    assert titles(search.search(roles.user("secretariat"), "ความร่วมมือ", types=["agreement"]))
