"""GET /api/v1/search and the /search/ page (SPEC §3, C9).

Both answer from the same facade: what the caller may see, ranked, with facets; any input
is a valid search or a clear 4xx, never a 5xx; snippets are escaped HTML with the matches
in ``<mark>``.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories

pytest_plugins = ["tests.roles"]


@pytest.fixture
def published(roles):
    """A published flood project of Da Nang whose text tries to inject markup."""
    return factories.project(
        roles.user("secretariat"),
        city="da-nang",
        title="Flood sensors <b>now</b>",
        description='Early warning before a flood. <script>alert("x")</script> & more',
        focus_areas=["safety-security"],
        status="implementation",
        visibility="public",
    )


@pytest.fixture
def draft(roles):
    return factories.project(
        roles.user("cso_phuket"),
        title="Flood draft of Phuket",
        description="Not yet shared.",
        focus_areas=["quality-environment"],
        status="identification",
    )


def test_the_api_answers_items_count_and_facets(client, published, draft):
    # when the public searches for "flood"
    response = client.get("/api/v1/search", {"q": "flood"})

    # then it gets the published project only, in the documented shape
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert set(item) == {"type", "id", "title", "snippet", "url", "score"}
    assert (item["type"], item["id"], item["url"]) == (
        "project",
        str(published.pk),
        f"/projects/{published.pk}/",
    )
    assert item["title"] == "Flood sensors <b>now</b>"  # plain text in JSON
    # the snippet is HTML: the text escaped, the match marked
    assert "<mark>flood</mark>" in item["snippet"]
    # (SQLite escapes the tags, PostgreSQL's ts_headline drops them: never raw markup)
    assert "<script" not in item["snippet"] and "alert(&quot;x&quot;)" in item["snippet"]
    assert set(body["facets"]) == {"type", "country", "focus_area", "status"}
    assert body["facets"]["country"] == [
        {"value": "VN", "label": "Viet Nam", "count": 1, "selected": False}
    ]


def test_the_owner_finds_her_draft_through_the_api(roles, published, draft):
    response = roles.bearer("cso_phuket").get("/api/v1/search", {"q": "flood"})
    assert {item["title"] for item in response.json()["items"]} == {
        "Flood sensors <b>now</b>",
        "Flood draft of Phuket",
    }
    response = roles.bearer("cso_hanoi").get("/api/v1/search", {"q": "flood"})
    assert [item["title"] for item in response.json()["items"]] == ["Flood sensors <b>now</b>"]


def test_filters_by_type_country_focus_area_and_status(client, published):
    def count(**params):
        return client.get("/api/v1/search", {"q": "flood", **params}).json()["count"]

    assert count(country="VN") == 1
    assert count(country="th") == 0
    assert count(type="project") == 1
    assert count(type="city") == 0
    assert count(focus_area="safety-security") == 1
    assert count(focus_area="civic-social") == 0
    assert count(status="implementation") == 1


KNOWN = {"country": "VN", "focus_area": "safety-security", "status": "implementation"}


@pytest.mark.parametrize(
    ("name", "value"),
    # a status no type has: the API walk of 8 Dec (200 and nothing, where a place was a 422)
    [("country", "XX"), ("focus_area", "space"), ("status", "bogus")],
)
def test_a_member_state_focus_area_or_status_there_is_not_is_refused_not_an_empty_result(
    client, published, name, value
):
    # as a list refuses an unknown place, the search says the filter is wrong
    response = client.get("/api/v1/search", {"q": "flood", name: [KNOWN[name], value]})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"type": "value_error", "loc": ["query", name], "msg": f"Unknown code: {value}"}
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a" * 201},
        {"q": "flood", "country": "Viet Nam"},
        {"q": "flood", "type": "users"},
        {"q": "flood", "focus_area": "Civic%"},
        {"q": "flood", "status": "x\x00y"},
        {"q": "flood\x00"},
        {"q": "flood", "page": "0"},
        {"q": "flood", "page_size": "201"},
    ],
)
def test_bad_input_is_a_422(client, params):
    response = client.get("/api/v1/search", params)
    assert response.status_code == 422, response.content


@given(
    q=st.text(max_size=300),
    country=st.text(max_size=4),
    status=st.text(max_size=8),
)
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_never_fails_on_any_text(client, network, q, country, status):
    response = client.get("/api/v1/search", {"q": q, "country": country, "status": status})
    assert response.status_code in (200, 422), (q, response.status_code)


# --- the page -------------------------------------------------------------------------


def test_the_page_shows_highlighted_escaped_results_and_facets(client, published, text):
    # when the public opens the search page for "flood"
    response = client.get("/search/", {"q": "flood"})

    # then the project is listed, its title and snippet escaped with the matches marked
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>Flood</mark> sensors &lt;b&gt;now&lt;/b&gt;" in html
    assert "<script>alert" not in html and "alert(&quot;x&quot;)" in html
    assert f'href="/projects/{published.pk}/"' in html
    assert "1 result" in text(response)
    # and facets can be chosen without JavaScript
    assert 'name="country" value="VN"' in html
    assert 'data-hx-trigger="input changed delay:300ms' in html


def test_a_long_facet_folds_its_rest_under_more_and_keeps_a_choice_in_sight(client, network):
    # given a search whose results lie in every member state (each city's entry)
    html = client.get("/search/", {"q": "city"}).content.decode()
    countries = html.split("<legend>Member state</legend>")[1].split("</fieldset>")[0]
    # then five show, the others fold under "n more", closed
    shown, folded = countries.split("<details>")
    assert shown.count('name="country"') == 5
    assert folded.count('name="country"') >= 2 and "more</summary>" in folded
    # and a state chosen among the folded ones keeps them open, checked
    code = folded.split('name="country" value="')[1].split('"')[0]
    chosen = client.get("/search/", {"q": "city", "country": code})
    assert "<details open>" in chosen.content.decode()


def test_the_page_serves_only_the_results_to_htmx(client, published):
    response = client.get(
        "/search/", {"q": "flood", "country": "VN"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="results">')
    assert "<mark>Flood</mark>" in html


def test_the_page_without_a_query_invites_one(client, network, text):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "Type a word to search" in text(response)


@pytest.mark.parametrize(
    "q", ["a" * 5000, '"', "NEAR(", "\x00", "flood AND (", "'; DROP TABLE x; --"]
)
def test_the_page_never_fails(client, published, q):
    response = client.get("/search/", {"q": q, "country": "<x>", "page": "-3"})
    assert response.status_code in (200, 400)


def test_the_page_stays_within_a_few_queries(get_bounded, published):
    # 9: the results' titles in the reader's language are one query a type of result that
    # has them (Source.titles), here the projects'
    get_bounded("/search/?q=flood", max_queries=9)


def test_a_page_in_another_language_reads_its_results_again_in_a_few_queries(
    client, roles, published
):
    # 11: the results' texts in the reader's language are one read of each type shown (its
    # queryset and what it prefetches), whatever the number of results
    get_bounded = _queries_of(client, "/th/search/?q=flood")
    few = get_bounded()
    for n in range(4):
        factories.project(
            roles.user("secretariat"),
            city="phuket",
            title=f"Flood pumps {n}",
            focus_areas=["safety-security"],
            visibility="public",
        )
    assert get_bounded() == few <= 11


def _queries_of(client, url):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    return count
