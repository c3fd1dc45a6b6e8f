"""Every list's filters: a choice that is no longer offered (a city left over after the
member state changed, a code gone from a menu) is dropped with a note, never a 400 page;
the city menu follows the member state with and without JavaScript."""

from __future__ import annotations

import re

import pytest

HTMX = {"HX-Request": "true"}


def city_options(html: str) -> set[str]:
    """The city slugs the page's city menu offers."""
    menu = re.search(r'<select name="city".*?</select>', html, flags=re.S)
    assert menu, "no city menu"
    return set(re.findall(r'<option value="([^"]+)"', menu.group(0)))


def selected(html: str, name: str) -> str:
    menu = re.search(rf'<select name="{name}".*?</select>', html, flags=re.S)
    assert menu, f"no {name} menu"
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', menu.group(0))
    return chosen.group(1) if chosen else ""


# --- Thailand → Phuket, then Viet Nam (the journey) -----------------------------------


@pytest.mark.parametrize("path", ["/projects/", "/plans/"])
def test_the_city_menu_follows_the_member_state_without_javascript(client, network, path):
    # when: Thailand is chosen and the form sent
    html = client.get(path, {"country": "TH"}).content.decode()

    # then: the city menu offers Thailand's cities only
    assert "phuket" in city_options(html)
    assert "hanoi" not in city_options(html)


@pytest.mark.parametrize("path", ["/projects/", "/plans/"])
def test_a_city_left_over_from_another_member_state_is_dropped_with_a_note(
    client, network, text, path
):
    # when: Phuket was chosen under Thailand, then the member state becomes Viet Nam
    response = client.get(path, {"country": "VN", "city": "phuket"})

    # then: the list of Viet Nam, with a note naming the city (not its slug), no error
    assert response.status_code == 200
    page = text(response)
    assert "Phuket is not in Viet Nam, so the city filter was cleared." in page
    assert "not valid" not in page and "phuket" not in page
    html = response.content.decode()
    assert selected(html, "country") == "VN" and selected(html, "city") == ""
    assert "hanoi" in city_options(html) and "phuket" not in city_options(html)


def test_with_htmx_the_city_menu_and_the_note_come_with_the_results(client, network, text):
    # when: htmx refreshes the results after the member state changed to Viet Nam
    response = client.get("/projects/", {"country": "VN", "city": "phuket"}, headers=HTMX)

    # then: the results, and out of band the city menu of Viet Nam and the note
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"') and "<html" not in html
    oob = re.search(
        r'<div class="field" id="id_city-field" data-hx-swap-oob="true">.*?</div>', html, flags=re.S
    )
    assert oob, "the city menu is not swapped out of band"
    assert "hanoi" in city_options(oob.group(0)) and "phuket" not in city_options(oob.group(0))
    assert re.search(
        r'<div id="filter-notes" data-hx-swap-oob="innerHTML">\s*<p class="note">Phuket is not in Viet Nam',
        html,
    )
    # and the address bar loses the dropped city
    assert response["HX-Push-Url"] == "/projects/?country=VN"


def test_with_htmx_a_valid_choice_refreshes_the_city_menu_and_empties_the_notes(client, network):
    response = client.get("/projects/", {"country": "TH"}, headers=HTMX)

    html = response.content.decode()
    assert 'id="id_city-field" data-hx-swap-oob="true"' in html
    assert re.search(r'<div id="filter-notes" data-hx-swap-oob="innerHTML">\s*</div>', html)
    assert "HX-Push-Url" not in response


def test_an_unknown_member_state_is_dropped_and_the_city_still_applies(client, network, text):
    response = client.get("/projects/", {"country": "ZZ", "city": "phuket"})

    assert response.status_code == 200
    assert (
        "Member state: the choice made is not offered with these filters, so it was cleared."
        in text(response)
    )
    html = response.content.decode()
    assert selected(html, "country") == "" and selected(html, "city") == "phuket"


# --- the other lists, dashboards and reports -------------------------------------------------


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/cities/", {"cohort": "abc"}, "Joined"),
        ("/cities/", {"size_class": "huge"}, "Size"),
        ("/cities/", {"country": "ZZ"}, "Member state"),
        ("/people/", {"role": "emperor"}, "Role"),
        ("/organisations/", {"kind": "guild"}, "Kind"),
        ("/projects/", {"status": "flying"}, "Stage"),
        ("/plans/", {"status": "flying"}, "Status"),
        ("/dashboards/", {"member_state": "XX"}, "Member state"),
        ("/dashboards/", {"year": "1900"}, "Year"),
        ("/reports/me/", {"year": "next"}, "Year"),
    ],
)
def test_a_choice_not_offered_is_dropped_with_a_note_on_every_list(
    client, network, text, path, query, field
):
    # when
    response = client.get(path, query)

    # then
    assert response.status_code == 200
    page = text(response)
    assert f"{field}: the choice made is not offered with these filters, so it was cleared." in page
    assert "not valid" not in page
    assert next(iter(query.values())) not in page


@pytest.mark.parametrize(
    ("path", "query"),
    [("/dashboards/pipeline.csv", {"member_state": "XX"}), ("/reports/me.csv", {"country": "XX"})],
)
def test_a_download_asked_for_a_choice_not_offered_is_still_refused(client, network, path, query):
    # A program reading a CSV must not get every member state's figures instead.
    assert client.get(path, query).status_code == 400


def test_input_that_is_not_a_choice_is_still_a_clear_400(client, network, text):
    response = client.get("/projects/", {"q": "x" * 201})

    assert response.status_code == 400
    assert "Some filters are not valid" in text(response)
