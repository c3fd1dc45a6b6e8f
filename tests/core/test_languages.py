"""Choosing a language (docs/translation.md): prefixed pages, the redirect of an un-prefixed
page by the visitor's choice, the language menu, the account's saved language, hreflang, and
the API's Accept-Language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import set_script_prefix, translate_url
from django.utils import translation

from ascn.core import formats, languages
from ascn.core.models import AuditEntry

pytestmark = pytest.mark.django_db

OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def test_a_page_in_thai_lives_under_th_and_says_so(client, network):
    response = client.get("/th/cities/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="th">' in body
    # the language is remembered in this browser: an un-prefixed link comes back to Thai
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "th"
    again = client.get("/member-states/")
    assert again.status_code == 302
    assert again["Location"] == "/th/member-states/"


def test_english_has_no_prefix_and_a_browser_asking_for_nothing_gets_english(client, network):
    response = client.get("/cities/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [("th-TH,th;q=0.9,en;q=0.5", "/th/cities/?page=2"), ("vi", "/vi/cities/?page=2")],
)
def test_an_unprefixed_page_follows_accept_language_keeping_the_query(
    client, network, header, expected
):
    response = client.get("/cities/?page=2", headers={"accept-language": header})
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize("path", ["/data/projects.csv", "/data/catalog.jsonld", "/reports/me.csv"])
def test_a_file_for_programs_is_served_where_it_is_linked_in_any_language(client, network, path):
    """A data file asked for with Accept-Language: th was an empty 302 to /th/…, the same
    bytes: a client that does not follow redirects got nothing."""
    answer = client.get(path, HTTP_ACCEPT_LANGUAGE="th")
    assert answer.status_code == 200
    assert client.get(f"/th{path}").status_code == 200


def test_a_language_chosen_in_the_menu_wins_over_the_browser(client, network):
    response = client.post("/language/", {"language": "en", "next": "/th/cities/"})
    assert response.status_code == 302
    assert response["Location"] == "/cities/"
    page = client.get("/cities/", headers={"accept-language": "th"})
    assert page.status_code == 200
    assert '<html lang="en">' in page.content.decode()


def test_the_menu_keeps_the_page_and_saves_the_choice_on_the_account(client, member, network):
    response = client.post("/language/", {"language": "km", "next": "/cities/?page=2"})
    assert response.status_code == 302
    assert response["Location"] == "/km/cities/?page=2"
    member.refresh_from_db()
    assert member.language == "km"
    entry = AuditEntry.objects.filter(action="accounts.user.language").latest("pk")
    assert entry.changes["language"]["after"] == "km"


def test_a_saved_language_follows_the_person_to_a_new_browser(client, member, network):
    member.language = "vi"
    member.save(update_fields=["language"])
    response = client.get("/projects/")
    assert response.status_code == 302
    assert response["Location"] == "/vi/projects/"


def test_a_language_that_is_not_offered_is_refused_and_changes_nothing(client, member, network):
    response = client.post("/language/", {"language": "xx", "next": "/cities/"})
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.language == ""
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_menu_never_sends_a_person_to_another_site(client, network):
    response = client.post("/language/", {"language": "th", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_every_page_names_its_alternates_and_offers_the_menu(client, network):
    body = client.get("/vi/cities/").content.decode()
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', body))
    assert alternates["x-default"].endswith("/cities/")
    assert alternates["en"].endswith("/cities/")
    for code in OTHER_LANGUAGES:
        assert alternates[code].endswith(f"/{code}/cities/")
    # the menu names each language in its own script, the current one marked
    assert 'lang="th">ไทย' in body or 'lang="th">ภาษาไทย' in body
    assert re.search(r'value="vi" lang="vi" aria-current="true"', body)


def test_the_api_answers_in_english_unless_asked_and_never_changes_its_codes(client, network):
    english = client.get("/api/v1/cities/not-a-city")
    thai = client.get("/api/v1/cities/not-a-city", headers={"accept-language": "th"})
    assert english.status_code == thai.status_code == 404
    assert english["Content-Language"] == "en"
    assert thai["Content-Language"] == "th"
    assert set(english.json()) == set(thai.json())
    assert english.json()["detail"] != thai.json()["detail"]
    # the API has no language prefix
    assert client.get("/th/api/v1/health").status_code == 404


def test_the_labels_of_codes_follow_the_language_their_names_stay_english(client, network):
    """The API said Content-Language: th and gave every framework and member-state name in
    English, though its description promises the labels of codes in the language asked."""
    english = client.get("/api/v1/framework").json()
    thai = client.get("/api/v1/framework", headers={"accept-language": "th"}).json()
    area, thai_area = english["focus_areas"][0], thai["focus_areas"][0]
    assert (area["code"], area["name"]) == (thai_area["code"], thai_area["name"])
    assert area["label"] == area["name"]
    with translation.override("th"):
        assert thai_area["label"] == translation.gettext(area["name"]) != area["name"]
    states = client.get("/api/v1/member-states", headers={"accept-language": "vi"}).json()
    thailand = next(s for s in states["items"] if s["code"] == "TH")
    assert thailand["name"] == "Thailand" and thailand["label"] == "Thái Lan"


def test_dates_and_numbers_follow_the_language():
    with translation.override("vi"):
        assert formats.number(70000000) == "70.000.000"
    with translation.override("ms"):
        assert formats.number(70000000) == "70,000,000"
    with translation.override("pt"):
        assert formats.money(1234.5, "USD") == "1\u00a0234,50\u00a0USD"


def test_the_languages_page_says_how_complete_each_translation_is(client, network, text):
    response = client.get("/languages/")
    assert response.status_code == 200
    page = text(response)
    for code in OTHER_LANGUAGES:
        assert f" {code} " in page
    assert "Not yet" in page  # no catalogue has been reviewed by a native speaker yet
    assert "not yet been reviewed by native speakers" in page
    # every catalogue translates the whole interface
    assert page.count("(100%)") == len(settings.LANGUAGES)


def test_the_account_page_says_and_changes_the_saved_language(client, member, network, text):
    page = text(client.get("/accounts/"))
    assert "You have not chosen a language" in page
    response = client.post("/language/", {"language": "lo", "next": "/accounts/"})
    assert response["Location"] == "/lo/accounts/"
    member.refresh_from_db()
    assert member.language == "lo"
    with translation.override("lo"):
        page = text(client.get("/lo/accounts/"))
        assert translation.gettext("Lao") in page


def test_the_apis_validation_messages_follow_accept_language(client, secretariat):
    """pydantic writes the 422s in English: the API gives each known one in the language
    asked for, its type and location unchanged; English stays exactly pydantic's."""
    client.force_login(secretariat)
    body = {"slug": "x", "title": "A", "kind": "annual-meeting"}  # no start date
    english = client.post("/api/v1/meetings", body, content_type="application/json")
    thai = client.post(
        "/api/v1/meetings", body, content_type="application/json", headers={"accept-language": "th"}
    )
    assert english.status_code == thai.status_code == 422
    missing_en = next(e for e in english.json()["detail"] if e["type"] == "missing")
    missing_th = next(e for e in thai.json()["detail"] if e["type"] == "missing")
    assert missing_en["msg"] == "Field required"
    assert missing_th["loc"] == missing_en["loc"]
    with translation.override("th"):
        assert missing_th["msg"] == translation.gettext("Field required") != "Field required"


PAGES = [
    "/",
    "/cities/",
    "/cities/phuket/?tab=projects",
    "/projects/?q=water&status=implementation&page=2",
    "/reports/me/?year=2025",
    "/dashboards/?member_state=TH",
    "/indicators/",
]


@pytest.mark.parametrize("page", PAGES)
def test_a_pages_address_in_each_language_is_djangos_translation_of_it(page, network):
    # in_language swaps the prefix without activating each language (memory); it must give
    # what Django's translate_url gives, from English and from another language
    for current in ("en", "th", "km"):
        address = page if current == "en" else f"/{current}{page}"
        with translation.override(current):
            for code in languages.codes():
                assert languages.in_language(address, code) == translate_url(address, code)
    # what is not a page keeps its address
    assert languages.in_language("/api/v1/projects?q=x", "th") == "/api/v1/projects?q=x"


def test_under_a_script_prefix_the_alternates_keep_it(network, client):
    # given: the site served under /ascn (a reverse proxy's sub-path; Django's WSGI handler
    # sets the prefix from SCRIPT_NAME for each request, the test client does not)
    set_script_prefix("/ascn/")
    try:
        body = client.get("/th/cities/", SCRIPT_NAME="/ascn").content.decode()
    finally:
        set_script_prefix("/")

    # then: each language's address is the page under the same prefix
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', body))
    assert alternates["en"].endswith("/ascn/cities/")
    assert alternates["vi"].endswith("/ascn/vi/cities/")
