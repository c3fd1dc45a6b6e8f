"""The projects API (SPEC C4, §3; issue 4): create, read, list with filters, edit with a version.

A project is created with at least ``{"city", "title", "description", "focus_areas",
"status", "budget"}`` and comes back as a draft with ``id``, ``version``, its money in the
API's shape, a computed funding gap and a USD equivalent at a dated rate. Bad input is a
422 naming the field and writes nothing; a stale version is a 409 and overwrites nothing.
"""

from __future__ import annotations

import pytest

from ascn.plans.management.commands.load_exchange_rates import load_exchange_rates
from ascn.plans.models import Project
from ascn.plans.readiness import item_codes
from ascn.plans.services import project_update, readiness_assess
from tests import factories
from tests.roles import AuditMark

pytest_plugins = ["tests.roles"]

PROJECTS = "/api/v1/projects"

# SPEC §3: the least a project is created with.
MINIMUM = {
    "city": "phuket",
    "title": "Patong smart drainage",
    "description": "Sensors and automated gates in the Patong drainage canals.",
    "focus_areas": ["quality-environment"],
    "status": "preparation",
    "budget": {"amount": "1250000.50", "currency": "THB"},
}

# A 422 raised by a service (``InvalidInput``) names its field in ``loc`` like the schema's
# own 422s (SPEC §3: "validation errors are 422 and name the field").


def post(client, path: str, body):
    return client.post(path, body, content_type="application/json")


def patch(client, path: str, body):
    return client.patch(path, body, content_type="application/json")


def named_fields(response) -> set[str]:
    """Every name in the ``loc`` of a 422's ``detail`` (empty when detail is a bare message)."""
    detail = response.json()["detail"]
    if not isinstance(detail, list):
        return set()
    return {str(part) for error in detail for part in error.get("loc", [])}


@pytest.fixture
def rates(network) -> None:
    """The dated exchange rates of the seed (World Bank, 2023 averages)."""
    load_exchange_rates()


# --- create --------------------------------------------------------------------------------


def test_the_minimum_body_creates_a_draft_project_with_money_in_shape(roles, rates):
    # given the CSCO of Phuket with an API token, and the seed's exchange rates
    client = roles.bearer("cso_phuket")
    mark = AuditMark()
    # when she posts the minimum body of SPEC §3
    response = post(client, PROJECTS, MINIMUM)
    # then the project is created as a draft at version 1, with everything it has
    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get()
    assert body["id"] == project.pk
    assert body["version"] == 1
    assert body["visibility"] == "draft"
    assert body["sample"] is False
    assert (body["city"], body["country"]) == ("phuket", "TH")
    assert [area["code"] for area in body["focus_areas"]] == ["quality-environment"]
    assert body["status"] == "preparation"
    # and money comes back as {"amount": "<decimal string>", "currency": "<ISO 4217>"}
    assert body["budget"] == {"amount": "1250000.50", "currency": "THB"}
    assert body["funding_secured"] == {"amount": "0.00", "currency": "THB"}
    assert body["funding_gap"] == {"amount": "1250000.50", "currency": "THB"}
    # and the USD equivalent is at the seed's dated rate: 1 / 34.80 = 0.0287356322 USD per
    # baht (10 places); 1,250,000.50 × 0.0287356322 = 35,919.5546… → 35,919.55
    assert body["budget_usd"] == {
        "amount": "35919.55",
        "currency": "USD",
        "rate": "0.0287356322",
        "rate_date": "2023-12-31",
        "rate_source": "World Bank WDI PA.NUS.FCRF, 2023 annual average (rounded)",
    }
    assert body["readiness"] == {"score": None, "level": None}
    assert body["url"] == f"/projects/{project.pk}/"
    # and the creation is audited with its actor and the fields written
    entry = mark.only("plans.project.created")
    assert entry.actor == roles.user("cso_phuket")
    assert entry.object_type == "plans.project"
    assert entry.object_id == str(project.pk)
    assert entry.changes["title"] == {"before": None, "after": "Patong smart drainage"}
    assert entry.changes["budget_amount"] == {"before": None, "after": "1250000.50"}
    assert entry.changes["focus_areas"] == {"before": None, "after": ["quality-environment"]}


@pytest.mark.parametrize(
    "extra",
    [
        {"visibility": "public"},  # not set on creation: the project starts a draft
        {"sector": ["transport.road"]},  # a misspelt "sectors"
        {"version": 3},
    ],
)
def test_a_field_the_api_does_not_take_is_a_422_naming_it_not_dropped(roles, network, extra):
    # given a body with a field POST /projects does not take
    client = roles.bearer("cso_phuket")
    mark = AuditMark()
    response = post(client, PROJECTS, {**MINIMUM, **extra})
    # then it is refused naming that field, and nothing is written (it was a 201 without it)
    assert response.status_code == 422, response.content
    assert set(extra) <= named_fields(response)
    assert response.json()["detail"][0]["type"] == "extra_forbidden"
    assert not Project.objects.exists() and mark.actions() == []
    # and a patch says the same of a field it does not take (the city)
    project = post(client, PROJECTS, MINIMUM).json()
    moved = patch(
        client,
        f"{PROJECTS}/{project['id']}",
        {"version": project["version"], "city": "hanoi"},
    )
    assert moved.status_code == 422 and "city" in named_fields(moved)


def test_a_project_says_which_language_it_is_written_in(roles, network):
    # given a CSCO who writes her project in Thai
    client = roles.bearer("cso_phuket")
    thai = {**MINIMUM, "title": "ระบบระบายน้ำอัจฉริยะป่าตอง", "language": "th"}
    # when she creates it through the API, and another one without saying
    created = post(client, PROJECTS, thai)
    unsaid = post(client, PROJECTS, {**MINIMUM, "title": "Patong drainage, phase 2"})
    # then each says the language of its words, with no translations yet
    assert created.status_code == unsaid.status_code == 201, created.content
    assert (created.json()["language"], created.json()["translations"]) == ("th", {})
    assert unsaid.json()["language"] == "en"
    assert Project.objects.get(pk=created.json()["id"]).language == "th"
    # and reading it back, a list or one, says the same
    listed = {p["id"]: p["language"] for p in client.get(PROJECTS).json()["items"]}
    assert listed[created.json()["id"]] == "th"
    assert client.get(f"{PROJECTS}/{created.json()['id']}").json()["language"] == "th"


def test_the_funding_gap_is_the_budget_not_yet_secured(roles, rates):
    # given a budget of 1,250,000.50 baht of which 250,000.50 is secured
    body = {**MINIMUM, "funding_secured": {"amount": "250000.50", "currency": "THB"}}
    # when the project is created
    response = post(roles.bearer("cso_phuket"), PROJECTS, body)
    # then the gap is computed: 1,000,000.00 baht
    assert response.status_code == 201, response.content
    assert response.json()["funding_gap"] == {"amount": "1000000.00", "currency": "THB"}


def test_a_budget_in_a_currency_without_a_rate_has_no_usd_equivalent(roles, rates):
    # given no rate for the yuan on record (the seed has none)
    body = {**MINIMUM, "budget": {"amount": "800000", "currency": "CNY"}}
    # when a project is budgeted in yuan
    response = post(roles.bearer("cso_phuket"), PROJECTS, body)
    # then it is created, with no USD equivalent rather than an invented one
    assert response.status_code == 201, response.content
    assert response.json()["budget"] == {"amount": "800000.00", "currency": "CNY"}
    assert response.json()["budget_usd"] is None


def test_a_budget_in_dollars_is_its_own_usd_equivalent(roles, network):
    body = {**MINIMUM, "budget": {"amount": "2400000", "currency": "USD"}}
    response = post(roles.bearer("cso_phuket"), PROJECTS, body)
    assert response.status_code == 201, response.content
    assert response.json()["budget_usd"]["amount"] == "2400000.00"
    assert response.json()["budget_usd"]["rate"] == "1"


def test_the_secretariat_creates_a_project_for_any_city(roles, network):
    # given the Secretariat's token (tokens carry no two-factor step)
    response = post(roles.bearer("secretariat"), PROJECTS, {**MINIMUM, "city": "hanoi"})
    assert response.status_code == 201, response.content
    assert Project.objects.get().city.slug == "hanoi"


# (a change to the minimum body, the fields the 422 may name)
BAD_BODIES = {
    "empty focus areas": ({"focus_areas": []}, {"focus_areas"}),
    "unknown focus area": ({"focus_areas": ["space-exploration"]}, {"focus_areas"}),
    "bad status": ({"status": "finished"}, {"status"}),
    "negative amount": ({"budget": {"amount": "-5", "currency": "THB"}}, {"amount"}),
    "garbage amount": ({"budget": {"amount": "lots", "currency": "THB"}}, {"amount"}),
    "float amount": ({"budget": {"amount": 1e20, "currency": "THB"}}, {"amount"}),
    "lowercase currency": ({"budget": {"amount": "5", "currency": "thb"}}, {"currency"}),
    "unknown currency": (
        {"budget": {"amount": "5", "currency": "ZZZ"}},
        {"currency", "budget_currency"},
    ),
    "funding secured above the budget": (
        {"funding_secured": {"amount": "1250000.51", "currency": "THB"}},
        {"funding_secured"},
    ),
    "funding secured in another currency": (
        {"funding_secured": {"amount": "10", "currency": "USD"}},
        {"funding_secured"},
    ),
    "bad SDG target": ({"sdg_targets": ["12.1"]}, {"sdg_targets"}),
    "unknown city": ({"city": "atlantis"}, {"city"}),
    "missing title": ({"title": ""}, {"title"}),
    "blank title": ({"title": "   "}, {"title"}),
    "end before start": (
        {"period_start": "2027-01-01", "period_end": "2026-12-31"},
        {"period_end"},
    ),
    "unknown project type": ({"project_type": "castle"}, {"project_type"}),
    "unknown sector": ({"sectors": ["space"]}, {"sectors"}),
    "latitude out of range": ({"locations": [{"lat": 91, "lon": 98.3}]}, {"lat"}),
    "unknown language": ({"language": "xx"}, {"language"}),
    "a start before 2000": ({"period_start": "1999-12-31"}, {"period_start"}),
    "an end in year 9999": ({"period_end": "9999-12-31"}, {"period_end"}),
}


@pytest.mark.parametrize("case", BAD_BODIES)
def test_bad_input_is_422_and_creates_nothing(roles, network, case):
    # given the CSCO of Phuket and a body with one thing wrong
    change, _fields = BAD_BODIES[case]
    client = roles.bearer("cso_phuket")
    mark = AuditMark()
    # when she posts it
    response = post(client, PROJECTS, {**MINIMUM, **change})
    # then it is a 422 in the API's error shape, and nothing is written
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert not Project.objects.exists()
    assert mark.actions() == []


@pytest.mark.parametrize(
    "case",
    [case for case in BAD_BODIES],
)
def test_bad_input_names_the_field(roles, network, case):
    change, fields = BAD_BODIES[case]
    response = post(roles.bearer("cso_phuket"), PROJECTS, {**MINIMUM, **change})
    assert response.status_code == 422
    assert fields & named_fields(response), response.json()


def test_the_dates_a_project_takes_are_the_ones_the_api_documents(roles, network, client):
    # the OpenAPI says what a project's dates may be; a date outside is refused with it
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    documented = {
        schema[name]["properties"][field]["anyOf"][0]["description"]
        for name, field in (("ProjectIn", "period_start"), ("ProjectPatch", "period_end"))
    }
    assert documented == {"From 2000-01-01 to 2100-12-31"}
    refused = post(roles.bearer("cso_phuket"), PROJECTS, {**MINIMUM, "period_start": "1950-01-01"})
    assert refused.status_code == 422
    assert "2000-01-01 and 2100-12-31" in refused.content.decode()


def test_a_budget_lowered_below_the_funding_secured_is_refused_on_the_budget(roles, network):
    # given a project with 400,000 of its 1,000,000 budget secured
    client = roles.bearer("cso_phuket")
    created = post(
        client,
        PROJECTS,
        {
            **MINIMUM,
            "budget": {"amount": "1000000", "currency": "THB"},
            "funding_secured": {"amount": "400000", "currency": "THB"},
        },
    )
    assert created.status_code == 201, created.content
    project = created.json()

    # when its budget alone is lowered below what is secured
    lowered = patch(
        client,
        f"{PROJECTS}/{project['id']}",
        {"version": project["version"], "budget": {"amount": "300000", "currency": "THB"}},
    )

    # then the refusal is on the budget, the field sent, not on the funding secured
    assert lowered.status_code == 422
    assert [p["loc"] for p in lowered.json()["detail"]] == [["body", "budget", "amount"]]
    # and a funding secured raised above the budget is refused on the funding secured
    raised = patch(
        client,
        f"{PROJECTS}/{project['id']}",
        {
            "version": project["version"],
            "funding_secured": {"amount": "2000000", "currency": "THB"},
        },
    )
    assert [p["loc"] for p in raised.json()["detail"]] == [["body", "funding_secured", "amount"]]


@pytest.mark.parametrize("currency", ["XXX", "XTS"])
def test_a_budget_needs_a_real_currency(roles, network, currency):
    body = {**MINIMUM, "budget": {"amount": "100", "currency": currency}}
    response = post(roles.bearer("cso_phuket"), PROJECTS, body)
    assert response.status_code == 422
    assert not Project.objects.exists()


def test_the_largest_budget_accepted_is_read_back_and_breaks_no_list(roles, network):
    # given the CSCO of Phuket posting the largest amount the API's pattern allows
    client = roles.bearer("cso_phuket")
    body = {**MINIMUM, "budget": {"amount": "9999999999999999.99", "currency": "VND"}}
    response = post(client, PROJECTS, body)
    # then it is either kept to the cent or refused as a 422, never a 500
    assert response.status_code in {201, 422}, response.status_code
    if response.status_code == 201:
        assert response.json()["budget"]["amount"] == "9999999999999999.99"
    # and the list of projects still answers
    assert client.get(PROJECTS).status_code == 200


def test_a_body_that_is_not_json_is_refused(roles, network):
    response = roles.bearer("cso_phuket").post(
        PROJECTS, "{not json", content_type="application/json"
    )
    assert response.status_code in {400, 422}
    assert not Project.objects.exists()


def test_a_csco_cannot_create_a_project_in_another_city(roles, network):
    # given the CSCO of Phuket
    client = roles.bearer("cso_phuket")
    mark = AuditMark()
    # when she posts a project for Hanoi
    response = post(client, PROJECTS, {**MINIMUM, "city": "hanoi"})
    # then she is refused (the city is public: a 403 leaks nothing) and nothing is created
    assert response.status_code == 403
    assert "detail" in response.json()
    assert not Project.objects.exists()
    assert mark.actions() == []


@pytest.mark.parametrize("principal", ["nr_th", "partner_adb"])
def test_only_cscos_and_the_secretariat_create_projects(roles, network, principal):
    response = post(roles.bearer(principal), PROJECTS, MINIMUM)
    assert response.status_code == 403
    assert not Project.objects.exists()


def test_creating_without_signing_in_is_401(client, network):
    response = post(client, PROJECTS, MINIMUM)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required."}
    assert not Project.objects.exists()


def test_a_session_post_needs_the_csrf_token(roles, network):
    # given the CSCO of Phuket in a browser that enforces CSRF
    client = roles.session("cso_phuket", enforce_csrf_checks=True)
    # when a page of another site makes her browser post a project
    response = post(client, PROJECTS, MINIMUM)
    # then it is refused and nothing is created
    assert response.status_code in {401, 403}
    assert not Project.objects.exists()


# --- read and list ---------------------------------------------------------------------------


@pytest.fixture
def portfolio(roles):
    """Four projects in three cities of two states, made through the services."""
    secretariat = roles.user("secretariat")
    drainage = factories.project(
        roles.user("cso_phuket"),
        title="Patong drainage",
        description="Smart gates for the canals.",
        focus_areas=["quality-environment", "built-infrastructure"],
        status="preparation",
    )
    cctv = factories.project(
        roles.user("cso_phuket"),
        title="Beach safety cameras",
        description="CCTV on the beaches.",
        focus_areas=["safety-security"],
        status="implementation",
    )
    air = factories.project(
        secretariat,
        city="bangkok",
        title="Air quality sensors",
        description="PM2.5 sensors at schools; flood of data.",
        focus_areas=["health-wellbeing"],
        status="identification",
    )
    traffic = factories.project(
        roles.user("cso_hanoi"),
        city="hanoi",
        title="Adaptive traffic signals",
        description="Signals at 120 junctions.",
        focus_areas=["built-infrastructure"],
        status="preparation",
        budget="950000000000",
        currency="VND",
    )
    # the drainage project is shaping: 5 of 12 readiness items met
    readiness_assess(
        actor=roles.user("cso_phuket"),
        project=drainage,
        answers={code: True for code in sorted(item_codes())[:5]},
    )
    return {"drainage": drainage, "cctv": cctv, "air": air, "traffic": traffic}


def titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            {
                "Patong drainage",
                "Beach safety cameras",
                "Air quality sensors",
                "Adaptive traffic signals",
            },
        ),
        ("?country=TH", {"Patong drainage", "Beach safety cameras", "Air quality sensors"}),
        ("?country=vn", {"Adaptive traffic signals"}),
        ("?city=hanoi", {"Adaptive traffic signals"}),
        ("?city=phuket", {"Patong drainage", "Beach safety cameras"}),
        ("?focus_area=built-infrastructure", {"Patong drainage", "Adaptive traffic signals"}),
        ("?status=preparation", {"Patong drainage", "Adaptive traffic signals"}),
        ("?readiness=shaping", {"Patong drainage"}),
        ("?readiness=investor-ready", set()),
        ("?q=CCTV", {"Beach safety cameras"}),  # in the description
        ("?q=hanoi", {"Adaptive traffic signals"}),  # in the city's name
        ("?q=sensors", {"Air quality sensors"}),  # in the title
        ("?q=Sens", {"Air quality sensors"}),  # a word's beginning, any case
        ("?q=viet", {"Adaptive traffic signals"}),  # the member state's name (Viet Nam)
        ("?q=gates%20canals", {"Patong drainage"}),  # every word must match…
        ("?q=gates%20traffic", set()),  # …so two projects' words find neither
        ("?q=%21%21%21", set()),  # no word at all: nothing, not everything
        ("?country=TH&status=preparation&focus_area=quality-environment", {"Patong drainage"}),
        # country or city with a focus area: the tags are joined (one row per project)
        ("?country=th&focus_area=built-infrastructure", {"Patong drainage"}),
        ("?country=VN&focus_area=quality-environment", set()),
        ("?city=phuket&focus_area=quality-environment", {"Patong drainage"}),
    ],
)
def test_the_list_filters_by_country_city_area_status_and_words(roles, portfolio, query, expected):
    # given four projects and the Secretariat, who sees them all
    # when the list is filtered
    response = roles.bearer("secretariat").get(f"{PROJECTS}{query}")
    # then exactly the matching projects come back, and the count agrees
    assert titles(response) == expected
    assert response.json()["count"] == len(expected)


def test_the_text_filter_finds_an_edit_at_once_and_never_a_draft_out_of_sight(roles, portfolio):
    # given Phuket's draft drainage project, which Hanoi's CSCO may not see
    drainage = portfolio["drainage"]
    assert titles(roles.bearer("cso_phuket").get(f"{PROJECTS}?q=canals")) == {"Patong drainage"}
    assert titles(roles.bearer("cso_hanoi").get(f"{PROJECTS}?q=canals")) == set()
    # when its description is edited
    project_update(
        actor=roles.user("cso_phuket"),
        project=drainage,
        version=drainage.version,
        description="Tidal valves for the klongs.",
    )
    # then the next list finds the new words and no longer the old ones
    assert titles(roles.bearer("cso_phuket").get(f"{PROJECTS}?q=klong")) == {"Patong drainage"}
    assert titles(roles.bearer("cso_phuket").get(f"{PROJECTS}?q=canals")) == set()


def test_a_project_in_two_matching_focus_areas_is_listed_once(roles, portfolio):
    response = roles.bearer("secretariat").get(f"{PROJECTS}?focus_area=quality-environment")
    assert [item["title"] for item in response.json()["items"]] == ["Patong drainage"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?country=Thailand", "country"),
        ("?status=finished", "status"),
        ("?focus_area=space", "focus_area"),
        ("?readiness=ready", "readiness"),
        ("?city=Not%20A%20Slug", "city"),
        ("?page=0", "page"),
        ("?page_size=201", "page_size"),
        ("?q=a%00b", "q"),
    ],
)
def test_bad_filters_are_422_naming_the_parameter(client, network, query, field):
    response = client.get(f"{PROJECTS}{query}")
    assert response.status_code == 422
    assert field in named_fields(response)


def test_the_list_is_paginated_with_items_and_count(roles, portfolio):
    # given four projects the Secretariat sees
    client = roles.bearer("secretariat")
    # when read two at a time
    first = client.get(f"{PROJECTS}?page_size=2").json()
    second = client.get(f"{PROJECTS}?page_size=2&page=2").json()
    third = client.get(f"{PROJECTS}?page_size=2&page=3").json()
    # then each page has its share, the count is the total (exact: no words to cap it), and
    # no project is on two pages
    assert set(first) == {"items", "count", "count_exact"}
    assert first["count_exact"] is True
    assert (first["count"], second["count"], third["count"]) == (4, 4, 4)
    assert len(first["items"]) == len(second["items"]) == 2
    assert third["items"] == []
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert sorted(ids) == sorted(p.pk for p in portfolio.values())


def test_the_list_shows_the_usd_equivalent_and_the_readiness(roles, portfolio, rates):
    items = {
        item["title"]: item for item in roles.bearer("secretariat").get(PROJECTS).json()["items"]
    }
    drainage = items["Patong drainage"]
    # 5 of 12 items met: round(41.67) = 42, shaping
    assert drainage["readiness"] == {"score": 42, "level": "shaping"}
    # 1,000,000 baht × 0.0287356322 = 28,735.6322 → 28,735.63
    assert drainage["budget_usd"]["amount"] == "28735.63"
    assert items["Beach safety cameras"]["readiness"] == {"score": None, "level": None}


def test_the_list_takes_a_bounded_number_of_queries(
    roles, portfolio, django_assert_max_num_queries
):
    # given many projects, the list must not query once per row (no N+1)
    client = roles.bearer("secretariat")
    client.get(PROJECTS)  # warm the token and the session machinery
    for n in range(12):
        factories.project(roles.user("secretariat"), city="bangkok", title=f"Extra {n}")
    with django_assert_max_num_queries(15):
        response = client.get(PROJECTS)
    assert response.json()["count"] == 16


def test_reading_one_project(roles, portfolio):
    project = portfolio["drainage"]
    response = roles.bearer("cso_phuket").get(f"{PROJECTS}/{project.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == project.pk
    assert {"milestones", "progress", "documents", "contacts"} <= set(body)
    assert body["readiness"] == {"score": 42, "level": "shaping"}


def test_an_unknown_project_is_404(roles, network):
    response = roles.bearer("secretariat").get(f"{PROJECTS}/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


# --- edit with a version ---------------------------------------------------------------------


@pytest.fixture
def drainage(roles) -> Project:
    return factories.project(
        roles.user("cso_phuket"),
        title="Patong drainage",
        focus_areas=["safety-security"],
        status="identification",
        budget="1000000",
        currency="THB",
    )


def test_an_edit_with_the_current_version_is_saved_and_bumps_the_version(roles, drainage):
    # given the project at version 1 and the CSCO of Phuket
    client = roles.bearer("cso_phuket")
    mark = AuditMark()
    # when she edits it, saying she edited version 1
    response = patch(
        client,
        f"{PROJECTS}/{drainage.pk}",
        {
            "version": 1,
            "title": "Patong smart drainage",
            "budget": {"amount": "2000000", "currency": "THB"},
            "funding_secured": {"amount": "500000", "currency": "THB"},
            "focus_areas": ["quality-environment"],
        },
    )
    # then it is saved at version 2, with the gap recomputed
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    assert body["title"] == "Patong smart drainage"
    assert body["funding_gap"] == {"amount": "1500000.00", "currency": "THB"}
    assert [a["code"] for a in body["focus_areas"]] == ["quality-environment"]
    drainage.refresh_from_db()
    assert (drainage.version, drainage.title) == (2, "Patong smart drainage")
    # and the audit entry names the actor and exactly the fields that changed
    entry = mark.only("plans.project.updated")
    assert entry.actor == roles.user("cso_phuket")
    assert entry.changes == {
        "title": {"before": "Patong drainage", "after": "Patong smart drainage"},
        "budget_amount": {"before": "1000000.00", "after": "2000000.00"},
        "funding_secured": {"before": "0.00", "after": "500000.00"},
        "focus_areas": {"before": ["safety-security"], "after": ["quality-environment"]},
    }


def test_an_edit_with_a_stale_version_is_409_and_changes_nothing(roles, drainage):
    # given the project was edited once already (it is at version 2)
    client = roles.bearer("cso_phuket")
    first = patch(client, f"{PROJECTS}/{drainage.pk}", {"version": 1, "title": "First edit"})
    assert first.status_code == 200
    mark = AuditMark()
    # when someone saves an edit of version 1
    response = patch(
        client,
        f"{PROJECTS}/{drainage.pk}",
        {"version": 1, "title": "Second edit", "status": "cancelled"},
    )
    # then it is a 409 saying why, and the first edit stands
    assert response.status_code == 409
    assert "version 1" in response.json()["detail"]
    assert "version 2" in response.json()["detail"]
    read = client.get(f"{PROJECTS}/{drainage.pk}").json()
    assert (read["title"], read["status"], read["version"]) == ("First edit", "identification", 2)
    assert mark.actions() == []


def test_an_edit_needs_the_version(roles, drainage):
    response = patch(
        roles.bearer("cso_phuket"), f"{PROJECTS}/{drainage.pk}", {"title": "No version"}
    )
    assert response.status_code == 422
    assert "version" in named_fields(response)
    drainage.refresh_from_db()
    assert drainage.title == "Patong drainage"


@pytest.mark.parametrize(
    "change",
    [
        {"focus_areas": []},
        {"focus_areas": None},
        {"title": None},
        {"status": "finished"},
        {
            "budget": {"amount": "10", "currency": "THB"},
            "funding_secured": {"amount": "11", "currency": "THB"},
        },
        {"funding_secured": {"amount": "1000000.01", "currency": "THB"}},
        {"sdg_targets": ["11.9"]},
        {"visibility": "secret"},
    ],
)
def test_a_bad_edit_is_422_and_changes_nothing(roles, drainage, change):
    client = roles.bearer("cso_phuket")
    mark = AuditMark()
    response = patch(client, f"{PROJECTS}/{drainage.pk}", {"version": 1, **change})
    assert response.status_code == 422, response.content
    drainage.refresh_from_db()
    assert drainage.version == 1
    assert drainage.title == "Patong drainage"
    assert list(drainage.focus_areas.values_list("code", flat=True)) == ["safety-security"]
    assert mark.actions() == []


def test_the_national_representative_may_read_but_not_edit_a_city_project(roles, drainage):
    response = patch(
        roles.bearer("nr_th"), f"{PROJECTS}/{drainage.pk}", {"version": 1, "title": "NR edit"}
    )
    assert response.status_code == 403
    drainage.refresh_from_db()
    assert (drainage.version, drainage.title) == (1, "Patong drainage")


def test_editing_without_signing_in_is_401(client, drainage):
    response = patch(client, f"{PROJECTS}/{drainage.pk}", {"version": 1, "title": "Anonymous edit"})
    assert response.status_code == 401
    drainage.refresh_from_db()
    assert drainage.title == "Patong drainage"


def test_publishing_a_project_makes_it_public(roles, drainage, client):
    # given a draft project nobody outside Thailand's officers sees
    assert client.get(f"{PROJECTS}/{drainage.pk}").status_code == 404
    officer = roles.bearer("cso_phuket")
    mark = AuditMark()
    # when its CSCO makes it public
    response = patch(officer, f"{PROJECTS}/{drainage.pk}", {"version": 1, "visibility": "public"})
    # then the public reads it, and the change of visibility is audited
    assert response.status_code == 200
    assert response.json()["visibility"] == "public"
    assert client.get(f"{PROJECTS}/{drainage.pk}").status_code == 200
    entry = mark.only("plans.project.updated")
    assert entry.actor == roles.user("cso_phuket")
    assert entry.changes == {"visibility": {"before": "draft", "after": "public"}}


def test_contacts_are_shown_only_to_signed_in_members(roles, network, client):
    # given a public project with a contact person
    officer = roles.bearer("cso_phuket")
    body = {
        **MINIMUM,
        "contacts": [{"name": "Khun Somchai", "role": "Engineer", "email": "s@phuket.example"}],
    }
    created = post(officer, PROJECTS, body).json()
    patch(officer, f"{PROJECTS}/{created['id']}", {"version": 1, "visibility": "public"})
    # then a signed-in member reads the contact, the public does not
    member = roles.bearer("partner_adb").get(f"{PROJECTS}/{created['id']}").json()
    assert member["contacts"] == [
        {"name": "Khun Somchai", "role": "Engineer", "email": "s@phuket.example"}
    ]
    public = client.get(f"{PROJECTS}/{created['id']}").json()
    assert public["contacts"] is None
    assert "s@phuket.example" not in client.get(f"{PROJECTS}/{created['id']}").content.decode()


# --- counts of a list filtered by words (issue 21) -------------------------------------------


def test_a_word_list_counts_exactly_up_to_the_cap_and_says_when_it_stopped(
    roles, portfolio, settings
):
    # given three projects in Thailand (the member state's name is a word of each) and a cap
    # of two rows counted
    settings.ASCN_COUNT_CAP = 2
    secretariat = roles.bearer("secretariat")
    # when the list is filtered by a word three projects hold, one row a page
    body = secretariat.get(f"{PROJECTS}?q=thailand&page_size=1").json()
    # then the count stops at the cap and says it is a lower bound
    assert (body["count"], body["count_exact"]) == (2, False)
    assert len(body["items"]) == 1
    # and a page beyond the cap is still served, the count then exact
    body = secretariat.get(f"{PROJECTS}?q=thailand&page_size=1&page=3").json()
    assert (body["count"], body["count_exact"]) == (3, True)
    assert len(body["items"]) == 1
    # and a word two projects hold is counted exactly
    body = secretariat.get(f"{PROJECTS}?q=phuket").json()
    assert (body["count"], body["count_exact"]) == (2, True)
    assert len(body["items"]) == 2
    # and a list without words counts every row, whatever the cap
    body = secretariat.get(PROJECTS).json()
    assert (body["count"], body["count_exact"]) == (4, True)


def test_a_common_word_finds_the_same_projects_as_a_rare_one(roles, portfolio, settings):
    # given the words of the four projects, each held by a few of them
    secretariat, cso = roles.bearer("secretariat"), roles.bearer("cso_hanoi")
    queries = ["?q=thailand", "?q=Sens", "?q=gates%20canals", "?q=gates%20traffic", "?q=canals"]
    as_few = [
        (titles(secretariat.get(PROJECTS + q)), titles(cso.get(PROJECTS + q))) for q in queries
    ]
    # when every word counts as a common one (each row tested as the list is walked:
    # against the index's matches on SQLite, its own entry on PostgreSQL; search.narrowed_to)
    settings.ASCN_FEW_MATCHES = 0
    as_common = [
        (titles(secretariat.get(PROJECTS + q)), titles(cso.get(PROJECTS + q))) for q in queries
    ]
    # then the lists are the same, drafts out of sight included
    assert as_common == as_few
    assert as_few[4] == ({"Patong drainage"}, set())
