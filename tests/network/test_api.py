"""The read API of the network registry (SPEC §3): `/api/v1/…` over the real network data."""

from __future__ import annotations

import pytest

from ascn.network.models import Person
from ascn.network.services import registry_upsert

API = "/api/v1"

# The fields SPEC §3 promises for every city in a list.
CITY_FIELDS = {
    "slug",
    "name",
    "country",
    "cohort",
    "population",
    "population_year",
    "size_class",
    "lat",
    "lon",
}


def get_json(client, path: str, status: int = 200):
    response = client.get(f"{API}{path}")
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def slugs(page: dict) -> set[str]:
    return {item["slug"] for item in page["items"]}


def invalid_parameters(body: dict) -> set[str]:
    """The query parameters a 422 answer names in ``detail[].loc``."""
    return {error["loc"][-1] for error in body["detail"]}


# --- platform -------------------------------------------------------------------------------


def test_health_answers_ok_when_the_database_answers(client, db):
    assert get_json(client, "/health") == {"status": "ok"}


def test_framework_has_three_outcomes_and_six_focus_areas(client, network):
    # when
    body = get_json(client, "/framework")

    # then
    assert [(o["code"], o["name"]) for o in body["outcomes"]] == [
        ("competitive-economy", "Competitive Economy"),
        ("sustainable-environment", "Sustainable Environment"),
        ("high-quality-of-life", "High Quality of Life"),
    ]
    assert [(a["code"], a["name"]) for a in body["focus_areas"]] == [
        ("civic-social", "Civic & Social"),
        ("health-wellbeing", "Health & Well-being"),
        ("safety-security", "Safety & Security"),
        ("quality-environment", "Quality Environment"),
        ("built-infrastructure", "Built Infrastructure"),
        ("industry-innovation", "Industry & Innovation"),
    ]
    assert all(area["description"] for area in body["focus_areas"])


# --- member states --------------------------------------------------------------------------


def test_member_states_list_with_city_counts(client, network):
    # when
    body = get_json(client, "/member-states")

    # then
    assert body["count"] == 11
    states = {item["code"]: item for item in body["items"]}
    assert set(states) == {"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN", "TL"}
    assert {code: s["cities_count"] for code, s in states.items()} == {
        "BN": 1,
        "KH": 4,
        "ID": 4,
        "LA": 2,
        "MY": 4,
        "MM": 3,
        "PH": 3,
        "SG": 1,
        "TH": 6,
        "VN": 3,
        "TL": 0,
    }
    assert states["TH"]["name"] == "Thailand"
    assert states["TL"]["national_representatives"] == []
    assert all(isinstance(s["national_representatives"], list) for s in states.values())


def test_member_states_are_paginated(client, network):
    body = get_json(client, "/member-states?page=2&page_size=5")

    assert len(body["items"]) == 5
    assert body["count"] == 11


# --- cities: filters ------------------------------------------------------------------------


def test_cities_list_has_every_city_with_the_documented_fields(client, network):
    # when
    body = get_json(client, "/cities?page_size=200")

    # then
    assert body["count"] == 31
    assert len(body["items"]) == 31
    assert all(CITY_FIELDS <= set(item) for item in body["items"])
    yangon = next(item for item in body["items"] if item["slug"] == "yangon")
    assert (yangon["country"], yangon["cohort"], yangon["size_class"]) == ("MM", 2018, "large")
    assert (yangon["population"], yangon["population_year"]) == (5_160_512, 2014)
    assert (yangon["lat"], yangon["lon"]) == pytest.approx((16.8409, 96.1735))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "country=TH",
            {"bangkok", "chonburi", "phuket", "chiang-mai", "khon-kaen", "rayong"},
        ),
        ("country=th", {"bangkok", "chonburi", "phuket", "chiang-mai", "khon-kaen", "rayong"}),
        ("cohort=2023", {"chiang-mai", "khon-kaen", "rayong"}),
        ("cohort=2024", {"sumedang", "sihanoukville"}),
        ("size_class=megacity", {"jakarta"}),
        ("size_class=large", {"phnom-penh", "yangon", "bangkok", "hanoi", "ho-chi-minh-city"}),
        ("size_class=small", set()),
        (
            "country=TH&size_class=unknown",
            {"chonburi", "phuket", "chiang-mai", "khon-kaen", "rayong"},
        ),
        ("q=kinabalu", {"kota-kinabalu"}),
        ("q=Saigon", {"ho-chi-minh-city"}),  # another name of the city
        ("q=viet%20nam", {"da-nang", "hanoi", "ho-chi-minh-city"}),  # the member state's name
        ("country=KH&cohort=2018", {"battambang", "phnom-penh", "siem-reap"}),
        ("country=TL", set()),
    ],
)
def test_cities_filters(client, network, query, expected):
    body = get_json(client, f"/cities?{query}")

    assert slugs(body) == expected
    assert body["count"] == len(expected)


def test_size_class_unknown_lists_the_cities_without_population(client, network):
    # when
    body = get_json(client, "/cities?size_class=unknown&page_size=200")

    # then
    assert body["count"] == 16
    assert all(item["population"] is None for item in body["items"])
    assert all(item["size_class"] is None for item in body["items"])
    assert {"phuket", "sumedang", "singapore"} <= slugs(body)


def test_every_city_is_in_exactly_one_size_class_or_unknown(client, network):
    counts = {
        size: get_json(client, f"/cities?size_class={size}")["count"]
        for size in ["small", "middleweight", "large", "megacity", "unknown"]
    }

    assert sum(counts.values()) == 31


# --- cities: pagination ---------------------------------------------------------------------


def test_cities_page_size_five(client, network):
    # when
    first = get_json(client, "/cities?page_size=5")
    second = get_json(client, "/cities?page_size=5&page=2")

    # then
    assert (len(first["items"]), first["count"]) == (5, 31)
    assert len(second["items"]) == 5
    assert not slugs(first) & slugs(second)


def test_the_last_page_is_partial_and_a_page_beyond_the_end_is_empty(client, network):
    assert len(get_json(client, "/cities?page_size=5&page=7")["items"]) == 1
    assert get_json(client, "/cities?page_size=5&page=8") == {"items": [], "count": 31}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page_size=201", "page_size"),
        ("page_size=0", "page_size"),
        ("page=0", "page"),
        ("page=abc", "page"),
    ],
)
def test_bad_pagination_is_422_naming_the_parameter(client, network, query, parameter):
    body = get_json(client, f"/cities?{query}", status=422)

    assert invalid_parameters(body) == {parameter}


# --- cities: bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("size_class=huge", "size_class"),
        ("cohort=abc", "cohort"),
        ("cohort=1999", "cohort"),
        ("country=Thailand", "country"),
        ("q=" + "x" * 10_000, "q"),
        ("q=a%00b", "q"),  # a NUL byte would be a 500 on PostgreSQL
    ],
    ids=["size_class=huge", "cohort=abc", "cohort=1999", "country=Thailand", "huge q", "NUL in q"],
)
def test_bad_filter_values_are_422_naming_the_parameter(client, network, query, parameter):
    # when
    body = get_json(client, f"/cities?{query}", status=422)

    # then
    assert invalid_parameters(body) == {parameter}
    assert all(error["loc"] == ["query", parameter] for error in body["detail"])


def test_unknown_city_is_404_json(client, network):
    assert get_json(client, "/cities/atlantis", status=404) == {"detail": "Not found."}


def test_a_slug_with_a_nul_byte_is_not_found(client, network):
    response = client.get(f"{API}/cities/a%00b")

    assert response.status_code in {404, 422}
    assert "detail" in response.json()


# --- city detail and officers ---------------------------------------------------------------


def test_city_detail_has_its_officers(client, network):
    # when
    body = get_json(client, "/cities/kota-kinabalu")

    # then
    assert CITY_FIELDS <= set(body)
    assert (body["name"], body["country"], body["cohort"]) == ("Kota Kinabalu", "MY", 2018)
    assert [(o["name"], o["role"], o["designation"]) for o in body["officers"]] == [
        (
            "Stanley Chong Hon Chung",
            "cso",
            "Director of City Planning Department, Dewan Bandaraya Kota Kinabalu",
        ),
        (
            "Tantinny Fung Chew Li",
            "cso",
            "Town Planner, City Planning Department, Dewan Bandaraya Kota Kinabalu",
        ),
    ]


def test_a_designation_of_two_lines_keeps_both(client, network):
    (officer,) = get_json(client, "/cities/yangon")["officers"]

    assert officer["designation"] == (
        "Director of Urban Planning Division\nRepresentative, Yangon City Development Committee"
    )


def test_a_city_that_joined_later_has_no_officer_yet(client, network):
    body = get_json(client, "/cities/sumedang")

    assert body["cohort"] == 2024
    assert body["officers"] == []
    assert body["population"] is None
    assert body["size_class"] is None


@pytest.fixture
def phuket_officer_contact(network):
    """Phuket's officer with contact details on record."""
    person, _ = registry_upsert(
        actor=None,
        model=Person,
        lookup={"full_name": "Passakon Prathombutr"},
        values={"email": "passakon@depa.example", "phone": "+66 2 000 0000"},
    )
    return person


def test_contact_details_are_hidden_from_the_public(client, phuket_officer_contact):
    # when
    (officer,) = get_json(client, "/cities/phuket")["officers"]

    # then
    assert officer["name"] == "Passakon Prathombutr"
    assert officer["email"] is None
    assert officer["phone"] is None
    assert b"passakon@depa.example" not in client.get(f"{API}/cities?q=phuket").content


def test_contact_details_are_shown_to_signed_in_members(client, member, phuket_officer_contact):
    # when (``member`` signed the client in)
    (officer,) = get_json(client, "/cities/phuket")["officers"]

    # then
    assert officer["email"] == "passakon@depa.example"
    assert officer["phone"] == "+66 2 000 0000"


def test_a_signed_in_member_sees_null_when_no_contact_is_on_record(client, member, network):
    (officer,) = get_json(client, "/cities/hanoi")["officers"]

    assert officer["email"] is None
    assert officer["phone"] is None


# --- bounded work ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/member-states", "/cities?page_size=200", "/cities/davao-city", "/framework"],
)
def test_api_reads_take_a_bounded_number_of_queries(get_bounded, network, path):
    get_bounded(f"{API}{path}", max_queries=5)
