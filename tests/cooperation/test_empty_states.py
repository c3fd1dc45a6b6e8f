"""Empty lists that help (issue 19): an empty section says what it is for and who adds the
first entry, and offers the way to do it to whoever may."""

from __future__ import annotations

from django.test import Client

from tests.conftest import page_text

pytest_plugins = ["tests.roles"]


def test_an_empty_knowledge_bank_says_what_it_is_for_and_who_adds_to_it(network):
    text = page_text(Client().get("/cooperation/"))
    assert "No case study is on record yet" in text
    assert "The knowledge bank keeps case studies of smart-city solutions that worked" in text
    assert "The Secretariat adds case studies" in text
    assert "No city partnership is on record yet" in text
    assert "Chief Smart City Officer or National Representative records its partnerships" in text
    assert "Add the first case study" not in text  # no action offered to a visitor


def test_an_empty_upcoming_list_says_what_will_appear_there(network):
    text = page_text(Client().get("/meetings/"))
    assert "No upcoming meeting is announced yet" in text
    assert "The Secretariat announces meetings" in text


def test_my_meetings_empty_points_to_the_meetings(roles):
    response = roles.session("cso_phuket").get("/meetings/mine/")
    assert "The meetings you register for are listed here" in page_text(response)
    assert 'href="/meetings/"' in response.content.decode()
