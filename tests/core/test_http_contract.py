"""What a client of the API relies on beyond each record's rules (SPEC §3, §5): whoever is not
signed in is told so (401), every answer under /api/ is JSON, a wrong type is a 422 and not
a guess, an edit of nothing keeps the version, and HEAD is answered as GET."""

from __future__ import annotations

import json

import pytest

from ascn.accounts.services import user_create
from ascn.core.api import located, sent_as
from ascn.core.errors import InvalidInput
from ascn.network.models import City
from ascn.network.services import city_update
from ascn.plans.models import Project
from tests import factories
from tests.roles import CSO_PHUKET, SECRETARIAT, AuditMark

pytest_plugins = ["tests.roles"]


@pytest.fixture
def project(roles) -> Project:
    return factories.project(roles.user(CSO_PHUKET), title="Patong drainage")


def patch(client, project: Project, body: dict):
    return client.patch(
        f"/api/v1/projects/{project.pk}", json.dumps(body), content_type="application/json"
    )


# --- who is asking ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/projects"),
        ("post", "/api/v1/organisations"),
        ("delete", "/api/v1/auth/token"),
    ],
)
def test_a_write_from_nobody_signed_in_is_a_401_not_a_csrf_refusal(client, db, method, path):
    # given a client with no session and no token, which has no CSRF token either
    response = getattr(client, method)(path, "{}", content_type="application/json")
    # then it is told to sign in, in the API's shape
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required."}


def test_a_signed_in_browser_still_needs_its_csrf_token(roles, project):
    # given a CSCO's browser session without the CSRF token
    client = roles.session(CSO_PHUKET, enforce_csrf_checks=True)
    # when it edits its own project through the API
    response = patch(client, project, {"version": project.version, "title": "Forged"})
    # then the CSRF check refuses it and nothing changes
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.title == "Patong drainage"


# --- every answer under /api/ is JSON ------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/projects/", "/api/v1/cities/phuket/"])
def test_an_address_the_api_does_not_have_is_a_json_404(client, network, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/api/v1/projects/1", "GET, HEAD, PATCH"),
        ("delete", "/api/v1/cities/phuket", "GET, HEAD, PATCH"),
        ("post", "/api/v1/health", "GET, HEAD"),
    ],
)
def test_a_method_the_address_does_not_take_is_a_json_405_with_allow(
    client, network, method, path, allowed
):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == set(allowed.split(", "))
    takes = response["Allow"]
    assert response.json() == {"detail": f"Method not allowed: this address takes {takes}."}


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/api/v1/cities", "GET, HEAD, POST, OPTIONS"),
        ("/api/v1/projects/1", "GET, HEAD, PATCH, OPTIONS"),
        ("/projects/", "GET, HEAD, OPTIONS"),
    ],
)
def test_options_says_which_methods_the_address_takes(client, network, path, allowed):
    """OPTIONS was a 405, and a 405's Allow left out HEAD, which every GET address takes
    (RFC 9110 §9.3.7, §10.2.1)."""
    response = client.options(path)
    assert response.status_code == 204 and response.content == b""
    assert set(response["Allow"].split(", ")) == set(allowed.split(", "))
    assert "Content-Security-Policy" in response  # the answer's policies kept


# --- HEAD --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/projects/", "/cities/phuket/", "/api/v1/health", "/api/v1/cities", "/data/"]
)
def test_head_is_answered_as_get_without_the_body(client, network, path):
    got = client.get(path)
    head = client.head(path)
    assert got.status_code == head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"] == got["Content-Type"]
    assert int(head["Content-Length"]) == len(got.content)


def test_head_writes_nothing_where_post_would(roles, project):
    # given a form that takes GET and POST
    mark = AuditMark()
    response = roles.session(CSO_PHUKET).head(f"/projects/{project.pk}/edit/")
    # then HEAD reads it as GET does, and no entry is written
    assert response.status_code == 200 and response.content == b""
    assert mark.entries() == []


# --- a body is JSON ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "text/plain; charset=utf-8", ""],
)
def test_a_body_not_sent_as_json_is_a_415_and_changes_nothing(roles, project, content_type):
    # given a valid JSON edit sent with another Content-Type (or none)
    client = roles.bearer(CSO_PHUKET)
    mark = AuditMark()
    body = json.dumps({"version": project.version, "title": "Renamed"})
    response = client.patch(f"/api/v1/projects/{project.pk}", body, content_type=content_type)
    # then the client is told which type to send, and the project keeps its title
    assert response.status_code == 415, response.content
    assert "application/json" in response.json()["detail"]
    project.refresh_from_db()
    assert project.title == "Patong drainage"
    assert mark.entries() == []


def test_a_415_is_in_the_language_asked_for(roles, project):
    response = roles.bearer(CSO_PHUKET).post(
        "/api/v1/projects", "{}", content_type="text/plain", headers={"accept-language": "id"}
    )
    english = roles.bearer(CSO_PHUKET).post("/api/v1/projects", "{}", content_type="text/plain")
    assert response.status_code == english.status_code == 415
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Language"] == "id"
    assert "application/json" in response.json()["detail"]
    assert response.json()["detail"] != english.json()["detail"]


def test_a_body_that_is_not_json_is_a_400_saying_so(roles, project):
    client = roles.bearer(CSO_PHUKET)
    mark = AuditMark()
    response = client.patch(
        f"/api/v1/projects/{project.pk}", "{'title': 'x'", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}
    assert mark.entries() == []


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/json"])
def test_json_with_or_without_a_charset_is_read(roles, project, content_type):
    body = json.dumps({"version": project.version, "title": "Renamed"})
    response = roles.bearer(CSO_PHUKET).patch(
        f"/api/v1/projects/{project.pk}", body, content_type=content_type
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Renamed"


# --- types are not guessed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("progress", {"physical_pct": True, "financial_pct": 0}, "physical_pct"),
        ("progress", {"physical_pct": 10, "financial_pct": False}, "financial_pct"),
        ("readiness", {"answers": {"problem_definition": "yes"}}, "answers"),
        ("readiness", {"answers": {"problem_definition": 1}}, "answers"),
    ],
)
def test_a_boolean_for_a_number_or_text_for_a_boolean_is_a_422(roles, project, path, body, field):
    client = roles.bearer(CSO_PHUKET)
    mark = AuditMark()
    response = client.post(
        f"/api/v1/projects/{project.pk}/{path}", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json()["detail"])
    assert mark.entries() == []


def test_a_version_given_as_true_is_a_422_not_version_1(roles, project):
    response = patch(roles.bearer(CSO_PHUKET), project, {"version": True, "title": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "version"


def test_true_and_false_still_answer_a_yes_or_no(roles, project):
    response = roles.bearer(CSO_PHUKET).post(
        f"/api/v1/projects/{project.pk}/readiness",
        json.dumps({"answers": {"problem_definition": True}}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


# --- text of which nothing shows, contacts, countries -------------------------------------


@pytest.mark.parametrize("title", ["\u200b", " \u202e ", "\u2060\u00a0"])
def test_a_title_of_which_nothing_shows_is_no_title(roles, project, title):
    response = patch(
        roles.bearer(CSO_PHUKET), project, {"version": project.version, "title": title}
    )
    assert response.status_code == 422
    project.refresh_from_db()
    assert project.title == "Patong drainage"


def test_a_contact_needs_a_real_address_and_an_empty_one_is_left_out(roles, project):
    client = roles.bearer(CSO_PHUKET)
    bad = patch(
        client, project, {"version": project.version, "contacts": [{"name": "A", "email": "nope"}]}
    )
    assert bad.status_code == 422
    assert "is not an e-mail address" in json.dumps(bad.json())
    contacts = [{"name": "Somchai", "email": "somchai@phuket.go.th"}, {"name": " ", "email": ""}]
    good = patch(client, project, {"version": project.version, "contacts": contacts})
    assert good.status_code == 200, good.content
    assert good.json()["contacts"] == [
        {"name": "Somchai", "role": "", "email": "somchai@phuket.go.th"}
    ]


def test_a_headquarters_country_is_a_real_country_code(roles, adb):
    client = roles.bearer("partner_adb")
    url = f"/api/v1/organisations/{adb.slug}"

    def send(code):
        body = {"version": adb.version, "headquarters_country": code}
        return client.patch(url, json.dumps(body), content_type="application/json")

    assert send("ZZ").status_code == 422
    adb.refresh_from_db()
    assert adb.headquarters_country != "ZZ"
    assert send("jp").status_code == 200
    adb.refresh_from_db()
    assert adb.headquarters_country == "JP"


# --- an edit of nothing --------------------------------------------------------------------


def test_a_patch_that_changes_nothing_keeps_the_version_and_writes_no_entry(roles, project):
    client = roles.bearer(CSO_PHUKET)
    mark = AuditMark()
    for body in ({}, {"title": "Patong drainage"}, {"focus_areas": ["safety-security"]}):
        response = patch(client, project, {"version": project.version, **body})
        assert response.status_code == 200, response.content
        assert response.json()["version"] == project.version
    assert mark.entries() == []
    # and a real change still counts
    response = patch(client, project, {"version": project.version, "title": "Patong canals"})
    assert response.json()["version"] == project.version + 1
    assert mark.actions() == ["plans.project.updated"]


def test_a_plan_patch_that_changes_nothing_keeps_the_version(roles):
    client = roles.bearer(CSO_PHUKET)
    created = client.post(
        "/api/v1/action-plans",
        json.dumps(
            {"city": "phuket", "title": "Phuket plan", "period_start": 2025, "period_end": 2030}
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    plan = created.json()
    url = f"/api/v1/action-plans/{plan['id']}"
    same = {"version": plan["version"], "title": "Phuket plan"}
    response = client.patch(url, json.dumps(same), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == plan["version"]


# --- asking again whether anything changed ---------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/cities", "/api/v1/projects", "/data/cities.csv"])
def test_a_client_that_sends_the_etag_back_is_told_nothing_changed(client, network, path):
    # given a public answer, with its ETag
    first = client.get(path)
    assert first.status_code == 200 and first["ETag"]

    # when the client asks again with that ETag
    again = client.get(path, headers={"If-None-Match": first["ETag"]})

    # then it is a 304 without a body; another ETag (something changed) gets the answer
    assert again.status_code == 304 and again.content == b""
    assert client.get(path, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_a_file_asked_by_date_is_sent_whole(client, network):
    # a file's Last-Modified is its records' latest update, which a deletion does not move:
    # asked "modified since?" it is sent, never a 304 that would keep a removed row
    first = client.get("/data/cities.csv")
    assert first["Last-Modified"]
    again = client.get("/data/cities.csv", headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 200 and again.content == first.content
    assert again["Last-Modified"] == first["Last-Modified"]


def test_a_304_keeps_what_every_answer_says_and_a_head_304_has_no_length(client, network):
    first = client.get("/api/v1/cities")
    again = client.get("/api/v1/cities", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    for name in ("X-Request-ID", "RateLimit", "Content-Security-Policy", "Vary", "ETag"):
        assert again.has_header(name), name
    head = client.head("/api/v1/cities", headers={"If-None-Match": first["ETag"]})
    assert head.status_code == 304 and not head.has_header("Content-Length")


def test_a_download_resumed_if_unchanged_since_its_date_is_sent(client, network, roles):
    # If-Unmodified-Since still reads the file's Last-Modified: no 412 for an unchanged file
    first = client.get("/data/cities.csv")
    resumed = client.get(
        "/data/cities.csv", headers={"If-Unmodified-Since": first["Last-Modified"]}
    )
    assert resumed.status_code == 200
    # and a signed-in download, kept nowhere, carries no ETag
    signed_in = roles.session(SECRETARIAT).get("/data/cities.csv")
    assert "no-store" in signed_in["Cache-Control"] and not signed_in.has_header("ETag")


def test_after_an_edit_the_old_etag_gets_the_new_answer(client, roles):
    # given the cities as a client keeps them
    kept = client.get("/api/v1/cities")

    # when the Secretariat renames a city
    phuket = City.objects.get(slug="phuket")
    city_update(
        actor=roles.user(SECRETARIAT), city=phuket, version=phuket.version, name="Phuket City"
    )

    # then the client asking with its old ETag gets the new list, not a 304
    again = client.get("/api/v1/cities", headers={"If-None-Match": kept["ETag"]})
    assert again.status_code == 200 and again["ETag"] != kept["ETag"]
    assert "Phuket City" in {city["name"] for city in again.json()["items"]}


def test_an_answer_to_a_signed_in_client_has_no_etag_to_keep(roles, project):
    # a signed-in answer may hold what is not public: it is not kept, so it has no ETag
    response = roles.bearer(SECRETARIAT).get("/api/v1/projects")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and not response.has_header("ETag")


# --- where a refused filter is -------------------------------------------------------------


def test_a_refused_query_filter_is_located_in_the_query(client, network):
    response = client.get("/api/v1/search", {"q": "flood", "country": "zz-unknown"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "country"]


def test_a_field_of_the_body_is_located_as_the_client_sent_it(roles):
    # a schema's refusal and a rule's refusal name the field in one shape: where it is in
    # the body the client sent, without the name of the view's parameter ("payload")
    client = roles.bearer(CSO_PHUKET)
    body = {
        "city": "phuket",
        "title": "Patong drainage",
        "description": "Pumps.",
        "focus_areas": ["built-infrastructure"],
        "status": "preparation",
        "budget": {"amount": "1000", "currency": "THB"},
    }
    cases = [
        ({"budget": {"amount": "-5", "currency": "THB"}}, ["body", "budget", "amount"]),
        ({"title": None}, ["body", "title"]),
        ({"period_start": "2027-01-01", "period_end": "2026-01-01"}, ["body", "period_end"]),
        # a rule of the service on a field the API sends inside an object
        ({"budget": {"amount": "1000", "currency": "ZZZ"}}, ["body", "budget", "currency"]),
        (
            {"funding_secured": {"amount": "5000", "currency": "THB"}},
            ["body", "funding_secured", "amount"],
        ),
    ]
    for change, loc in cases:
        response = client.post(
            "/api/v1/projects", json.dumps({**body, **change}), content_type="application/json"
        )
        assert response.status_code == 422, response.content
        assert [problem["loc"] for problem in response.json()["detail"]] == [loc], change
    assert not Project.objects.exists()


LISTS_BY_PLACE = [
    ("/api/v1/cities", ["country"]),
    ("/api/v1/projects", ["country", "city"]),
    ("/api/v1/action-plans", ["country", "city"]),
    ("/api/v1/organisations", ["country"]),
    ("/api/v1/partnerships", ["city"]),
    ("/api/v1/case-studies", ["city"]),
    ("/api/v1/indicator-values", ["city"]),
    ("/api/v1/engagements", ["city"]),
]


@pytest.mark.parametrize(("path", "fields"), LISTS_BY_PLACE)
def test_a_list_filtered_by_a_place_the_registry_lacks_says_so(roles, path, fields):
    # given the Secretariat, who may see every list
    client = roles.bearer(SECRETARIAT)
    unknown = {"country": "XX", "city": "atlantis"}

    # when it filters by a member state or a city that is not in the network
    response = client.get(path, {field: unknown[field] for field in fields})

    # then it is told which filter is wrong (not answered with an empty list), in one answer
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert [problem["loc"] for problem in detail] == [["query", f] for f in fields]
    assert [problem["msg"] for problem in detail] == [
        {"country": "Unknown code: XX", "city": "Unknown city: atlantis"}[f] for f in fields
    ]
    # while a place that is in the network, written in any case, is a filter
    known = {"country": "th", "city": "phuket"}
    assert client.get(path, {field: known[field] for field in fields}).status_code == 200


def test_an_unknown_member_state_is_refused_in_the_language_asked_for(client, network):
    response = client.get("/api/v1/cities", {"country": "XX"}, headers={"Accept-Language": "vi"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Mã không xác định: XX"


# --- a form's action opened as a page -------------------------------------------------------


def test_a_form_s_action_opened_in_the_browser_is_a_page_with_the_way_back(roles):
    # given the address that marks the notifications read, which takes POST only
    client = roles.session(CSO_PHUKET)
    response = client.get("/accounts/notifications/read/")
    # then the page says what the address is for, and links back to its page
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    text = response.content.decode()
    assert "This address receives a form sent from its page." in text
    assert 'href="/accounts/notifications/"' in text


def test_a_list_of_numbers_refuses_true_and_false(roles):
    # given the Secretariat recording an agreement whose projects are given by number
    client = roles.bearer(SECRETARIAT)
    body = {
        "title": "Water twinning",
        "parties": [{"name": "City of Alpha"}, {"name": "Beta Utilities"}],
        "projects": [True],
    }
    # then [true] is not project number 1
    response = client.post("/api/v1/agreements", json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content
    assert "projects" in json.dumps(response.json()["detail"])


def test_a_password_of_spaces_is_kept_as_typed(client, db):
    # given an account whose password is eight spaces (Django's rules allow it)
    user_create(actor=None, email="spaces@example.org", password=" " * 8, full_name="Spaces")
    # when it asks for a token with that password
    response = client.post(
        "/api/v1/auth/token",
        json.dumps({"email": "spaces@example.org", "password": " " * 8}),
        content_type="application/json",
    )
    # then the password is checked as typed, not emptied as blank text
    assert response.status_code == 201, response.content
    assert response.json()["token"]


def test_a_json_based_media_type_is_read_as_json(roles, project):
    body = json.dumps({"version": project.version, "title": "Renamed"})
    response = roles.bearer(CSO_PHUKET).patch(
        f"/api/v1/projects/{project.pk}", body, content_type="application/merge-patch+json"
    )
    assert response.status_code == 200, response.content


def test_the_token_exchange_takes_json_only(client, db):
    # a form post to the token exchange (as an old script might send) is told to send JSON
    response = client.post("/api/v1/auth/token", {"email": "x@example.org", "password": "y"})
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_every_broken_rule_of_a_project_is_named_at_once(roles):
    # given a new project with a wrong SDG target and a wrong sector
    client = roles.bearer(CSO_PHUKET)
    mark = AuditMark()
    body = {
        "city": "phuket",
        "title": "Kata sensors",
        "description": "Sensors on Kata hill.",
        "focus_areas": ["safety-security"],
        "status": "preparation",
        "budget": {"amount": "100", "currency": "THB"},
        "sectors": ["nope.nope"],
        "sdg_targets": ["99.9"],
    }
    response = client.post("/api/v1/projects", json.dumps(body), content_type="application/json")
    # then both are named, each at its field, and nothing is written
    assert response.status_code == 422
    assert {tuple(problem["loc"]) for problem in response.json()["detail"]} == {
        ("body", "sdg_targets"),
        ("body", "sectors"),
    }
    assert mark.entries() == []


def test_the_icon_browsers_ask_for_beside_a_document_is_the_sites(client, settings):
    # a browser reading the API's JSON or a PDF asks for /favicon.ico, in any language
    for language in ("en", "th"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get("/favicon.ico")
        assert response.status_code == 301, language
        assert response["Location"].endswith("favicon.svg"), response["Location"]
        assert "/th/" not in response["Location"]


def test_a_refusal_is_located_by_its_path_its_list_item_or_its_name():
    refused = [InvalidInput("x", field=name) for name in ("commitment_amount", "budget_amount")]
    refused[0].problems = refused
    with (
        pytest.raises(InvalidInput),
        sent_as({"commitment_amount": (), "budget_amount": ("b", "a")}),
    ):
        raise refused[0]
    # a path given: the body itself, or the object the client sent
    assert [located("body", problem) for problem in refused] == [["body"], ["body", "b", "a"]]
    # a list's item by its position; a dotted name that is no list path stays one name
    assert located("body", InvalidInput("x", field="parties.1.name")) == [
        "body",
        "parties",
        1,
        "name",
    ]
    assert located("body", InvalidInput("x", field="plan.endorsed")) == ["body", "plan.endorsed"]
    assert located("query", InvalidInput("x")) == ["query"]
