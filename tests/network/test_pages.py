"""The public pages of the network registry: what a visitor reads and relies on."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ascn.network.models import Appointment, City, KeyFact, MemberState, Person, SizeClass
from ascn.network.services import appointment_create, appointment_end, registry_upsert
from tests import factories


def table_row(response, containing: str) -> str:
    """The HTML of the one table row that contains ``containing``."""
    rows = re.findall(r"<tr\b.*?</tr>", response.content.decode(), flags=re.S)
    matching = [row for row in rows if containing in row]
    assert len(matching) == 1, f"{len(matching)} rows contain {containing!r}"
    return matching[0]


def city_links(response) -> set[str]:
    """The city pages a response links to."""
    return set(re.findall(r'href="/cities/([-\w]+)/"', response.content.decode()))


# --- home -----------------------------------------------------------------------------------


def test_home_says_what_the_network_is_in_numbers(client, network, text):
    # when
    page = text(client.get("/"))

    # then
    assert "Member states 11" in page
    assert "ASCN cities 31" in page
    assert "Pilot cities (2018) 26" in page
    assert "Chief Smart City Officers on record 28" in page


def test_home_states_the_three_aims(client, network, text):
    page = text(client.get("/"))

    assert "Cooperate on smart city development among ASEAN cities." in page
    assert "Catalyse bankable projects with the private sector." in page
    assert "Secure funding and support from ASEAN's external partners." in page


def test_home_shows_the_urbanisation_facts_with_their_source(client, network, text):
    page = text(client.get("/"))

    assert "90 million more people in ASEAN are expected to live in cities by 2030." in page
    assert (
        '40% of the region\'s growth is forecast to come from "middleweight" cities '
        "of 200,000 to 2 million residents." in page
    )
    source = "Source: ASCN founding document; ASCN Concept Note (27 April 2018)"
    assert page.count(source) == 2


def test_the_home_pages_facts_read_in_the_readers_language(client, network, text):
    page = text(client.get("/th/"))

    assert "90 ล้านคน" in page
    assert "more people in ASEAN" not in page and "middleweight" not in page
    # a fact the Secretariat rewrites reads as written, in every language
    KeyFact.objects.filter(key="urbanisation-2030").update(statement="A rewritten statement.")
    assert "A rewritten statement." in text(client.get("/th/"))


def test_home_links_every_city_and_names_the_framework(client, network, text):
    # when
    response = client.get("/")

    # then
    assert city_links(response) == set(City.objects.values_list("slug", flat=True))
    page = text(response)
    for name in ["Competitive Economy", "Sustainable Environment", "High Quality of Life"]:
        assert name in page
    assert "Industry & Innovation" in page


# --- member states --------------------------------------------------------------------------


def test_member_states_page_lists_all_eleven(client, network, text):
    # when
    response = client.get("/member-states/")

    # then
    assert response.status_code == 200
    page = text(response)
    states = MemberState.objects.all()
    assert len(states) == 11
    for state in states:
        assert state.name in page
        assert f'href="/member-states/{state.code.lower()}/"' in response.content.decode()


def test_timor_leste_has_no_city_yet(client, network):
    # when
    response = client.get("/member-states/")

    # then
    assert "None yet" in table_row(response, "Timor-Leste")
    assert "None yet" not in table_row(response, "Thailand")
    assert response.content.decode().count("None yet") == 1


def test_member_state_page_lists_its_cities(client, network, text):
    # when
    response = client.get("/member-states/th/")

    # then
    assert response.status_code == 200
    assert city_links(response) == {
        "bangkok",
        "chonburi",
        "phuket",
        "chiang-mai",
        "khon-kaen",
        "rayong",
    }
    assert "Kingdom of Thailand" in text(response)


def test_timor_leste_page_says_no_city_is_on_record(client, network, text):
    page = text(client.get("/member-states/tl/"))

    assert "No ASCN city of this member state is on record yet." in page
    assert "26 Oct 2025" in page


def test_unknown_member_state_is_404(client, network):
    assert client.get("/member-states/zz/").status_code == 404


# --- cities ---------------------------------------------------------------------------------


def test_cities_page_lists_all_31(client, network, text):
    # when
    response = client.get("/cities/")

    # then
    assert response.status_code == 200
    assert len(city_links(response)) == 31
    assert "31 cities" in text(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=TH", {"bangkok", "chonburi", "phuket", "chiang-mai", "khon-kaen", "rayong"}),
        ("cohort=2024", {"sumedang", "sihanoukville"}),
        ("size_class=megacity", {"jakarta"}),
        ("country=PH&size_class=middleweight", {"cebu-city", "davao-city", "manila"}),
        ("country=VN&size_class=unknown", set()),
        ("country=KH&size_class=unknown", {"battambang", "siem-reap", "sihanoukville"}),
        ("q=naypyidaw", {"nay-pyi-taw"}),
        ("country=&cohort=&size_class=&q=", None),  # an empty form: every city
    ],
)
def test_cities_filters(client, network, query, expected):
    # when
    response = client.get(f"/cities/?{query}")

    # then
    assert response.status_code == 200
    if expected is None:
        assert len(city_links(response)) == 31
    else:
        assert city_links(response) == expected


def test_no_city_matches_says_so(client, network, text):
    page = text(client.get("/cities/?q=atlantis"))

    assert "0 cities" in page
    assert "No city matches these filters." in page


def test_htmx_request_gets_only_the_results(client, network, text):
    # when
    response = client.get("/cities/?cohort=2023", headers={"HX-Request": "true"})

    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert "<form" not in content
    assert content.lstrip().startswith('<div id="results"')
    assert city_links(response) == {"chiang-mai", "khon-kaen", "rayong"}
    assert "3 cities" in text(response)


def test_a_full_page_request_gets_the_whole_page(client, network):
    content = client.get("/cities/?cohort=2023").content.decode()

    assert "<html" in content
    assert 'id="results"' in content


@pytest.mark.parametrize("query", ["cohort=abc", "size_class=huge", "country=ZZ"])
def test_a_choice_not_offered_is_dropped_and_the_other_filters_apply(client, network, text, query):
    # when
    response = client.get(f"/cities/?{query}&q=chiang")

    # then
    assert response.status_code == 200
    assert "so it was cleared" in text(response)
    assert city_links(response) == {"chiang-mai"}


def test_a_filter_that_is_not_valid_in_an_htmx_request_is_a_400_fragment(client, network, text):
    response = client.get("/cities/", {"q": "x" * 201}, headers={"HX-Request": "true"})

    assert response.status_code == 400
    assert "<html" not in response.content.decode()
    assert "Some filters are not valid" in text(response)


# --- city page ------------------------------------------------------------------------------


def test_city_page_shows_its_officers_and_facts(client, network, text):
    # when
    page = text(client.get("/cities/davao-city/"))

    # then
    assert "Davao City" in page
    assert "One of the 26 pilot cities." in page
    assert (
        "Mgen Benito Antonio T De Leon Afp Head Public Safety and Security Command Center" in page
    )
    assert "Rowena Henedine Dominguez-Narajos Information Technology Officer II" in page
    assert "1,776,949 (2020)" in page
    assert "2020 Census of Population and Housing (Philippine Statistics Authority)" in page


def test_every_page_spells_a_stage_as_a_label(secretariat, client, text):
    # given a public project in implementation (the OC4IDS 0.9.5 codelist spells that stage's
    # title in lower case)
    factories.project(secretariat, status="implementation", visibility="public")
    # then the city page, the project list and the dashboards show it capitalised
    for path in ("/cities/phuket/", "/projects/", "/dashboards/"):
        page = text(client.get(path))
        assert "Implementation" in page, path
    assert "implementation ·" not in text(client.get("/cities/phuket/"))


def test_city_page_shows_both_designation_lines(client, network, text):
    page = text(client.get("/cities/yangon/"))

    assert (
        "Tin Tin Kyi Director of Urban Planning Division "
        "Representative, Yangon City Development Committee" in page
    )


def test_city_without_population_says_not_published(client, network, text):
    # when
    page = text(client.get("/cities/phuket/"))

    # then
    assert "Not published" in page
    assert not [label for label in map(str, SizeClass.labels) if label in page]  # none invented
    assert "Passakon Prathombutr" in page


def test_city_that_joined_later_says_so(client, network, text):
    page = text(client.get("/cities/chiang-mai/"))

    assert "An ASCN city of Thailand since 2023." in page
    assert "No Chief Smart City Officer is on record for this city." in page


def test_a_former_officer_is_listed_as_such(client, network, text):
    # given
    appointment = Appointment.objects.get(person__full_name="Soukan Bounnyong")
    appointment_end(actor=None, appointment=appointment, end_date=dt.date.today())

    # when
    page = text(client.get("/cities/luang-prabang/"))

    # then
    assert "No Chief Smart City Officer is on record for this city." in page
    assert "Former officers Soukan Bounnyong — Chief Smart City Officer" in page


def test_an_officer_appointed_from_a_future_date_is_not_a_former_officer(client, network):
    # given
    chiang_mai = City.objects.get(slug="chiang-mai")
    person, _ = registry_upsert(
        actor=None, model=Person, lookup={"full_name": "Incoming Officer"}, values={}
    )
    appointment_create(
        actor=None,
        person=person,
        role=Appointment.Role.CSO,
        member_state=chiang_mai.member_state,
        city=chiang_mai,
        designation="Deputy Mayor",
        start_date=dt.date.today() + dt.timedelta(days=30),
    )

    # when
    page = client.get("/cities/chiang-mai/").content.decode()

    # then
    assert "Former officers" not in page


def test_unknown_city_is_404(client, network):
    assert client.get("/cities/atlantis/").status_code == 404


# --- people ---------------------------------------------------------------------------------


def test_people_page_lists_every_officer(client, network, text):
    # when
    response = client.get("/people/")

    # then
    assert response.status_code == 200
    page = text(response)
    officers = Person.objects.filter(appointments__isnull=False).distinct()
    assert len(officers) == 28
    for person in officers:
        assert person.full_name in page
    assert "Datuk Najib bin Mohamad" in table_row(response, "Kuala Lumpur")


def test_people_page_filters_by_member_state(client, network, text):
    # when
    response = client.get("/people/?country=KH")

    # then
    page = text(response)
    assert "Seng Vannak" in page
    assert "Soeum Bunrith" in page
    assert "Tan Chee Hau" not in page


def test_people_htmx_request_gets_only_the_results(client, network):
    response = client.get("/people/?q=Davao", headers={"HX-Request": "true"})

    content = response.content.decode()
    assert "<html" not in content
    assert "Rowena Henedine Dominguez-Narajos" in content
    assert "Tin Tin Kyi" not in content


def test_people_page_no_longer_lists_an_officer_whose_appointment_ended(client, network):
    # given
    appointment = Appointment.objects.get(person__full_name="Ly Samreth")
    appointment_end(actor=None, appointment=appointment, end_date=dt.date.today())

    # then
    assert "Ly Samreth" not in client.get("/people/").content.decode()


# --- contact details ------------------------------------------------------------------------


@pytest.fixture
def phuket_officer_contact(network):
    person, _ = registry_upsert(
        actor=None,
        model=Person,
        lookup={"full_name": "Passakon Prathombutr"},
        values={"email": "passakon@depa.example", "phone": "+66 2 000 0000"},
    )
    return person


@pytest.mark.parametrize("path", ["/cities/phuket/", "/people/", "/people/?q=Phuket"])
def test_contact_details_are_hidden_from_the_public(client, phuket_officer_contact, text, path):
    # when
    response = client.get(path)

    # then
    page = text(response)
    assert "Passakon Prathombutr" in page
    assert "passakon@depa.example" not in page
    assert "+66 2 000 0000" not in page
    assert "Contact details are shown to signed-in members of the network." in page


@pytest.mark.parametrize("path", ["/cities/phuket/", "/people/", "/people/?q=Phuket"])
def test_contact_details_are_shown_to_members(client, member, phuket_officer_contact, text, path):
    # when (``member`` signed the client in)
    page = text(client.get(path))

    # then
    assert "passakon@depa.example" in page
    assert "+66 2 000 0000" in page
    assert "Contact details are shown to signed-in members" not in page


def test_signing_in_with_email_and_password_reveals_contact_details(
    client, phuket_officer_contact, text
):
    # given
    factories.user("cso@example.org", password="smart-drainage-2026")

    # when
    response = client.post(
        "/accounts/sign-in/",
        {"username": "cso@example.org", "password": "smart-drainage-2026"},
    )

    # then
    assert response.status_code == 302
    assert "passakon@depa.example" in text(client.get("/cities/phuket/"))


# --- bounded query counts -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/member-states/",
        "/member-states/th/",
        "/cities/",
        "/cities/?country=TH&size_class=unknown",
        "/cities/kota-kinabalu/",
        "/people/",
    ],
)
def test_pages_take_a_bounded_number_of_queries(get_bounded, network, path):
    get_bounded(path, max_queries=10)


# A signed-in request also reads its session, user, two-factor device and roles.
SIGNED_IN_OVERHEAD = 4


@pytest.mark.parametrize("path", ["/", "/cities/", "/cities/phuket/", "/people/"])
def test_pages_for_members_take_a_bounded_number_of_queries(get_bounded, member, network, path):
    get_bounded(path, max_queries=10 + SIGNED_IN_OVERHEAD)


def test_htmx_fragment_takes_a_bounded_number_of_queries(get_bounded, network):
    get_bounded("/cities/?q=a", max_queries=10, headers={"HX-Request": "true"})
