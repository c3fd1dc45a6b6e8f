"""Links to sign in come back to the page they were on, never to the sign-in or sign-out page
itself (issue 19: the sign-in page linked to itself with ever more nested ``next=``, an
endless crawl), and a ``next`` is kept only when it is safe."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tests.conftest import MEMBER_EMAIL, MEMBER_PASSWORD

SIGN_IN = "/accounts/sign-in/"
LINK = re.compile(r'href="(/accounts/sign-in/[^"]*)"')


def sign_in_links(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [html.unescape(href) for href in LINK.findall(response.content.decode())]


def next_of(url: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get("next")
    return values[0] if values else None


def test_a_page_links_to_sign_in_coming_back_to_it_with_its_query(network):
    (link,) = sign_in_links(Client(), "/projects/?q=flood&page=1")
    assert next_of(link) == "/projects/?q=flood&page=1"


def test_following_sign_in_links_from_the_sign_in_page_ends(network):
    # given a visitor who follows every sign-in link, from a page and then from each
    # sign-in page reached
    client = Client()
    seen: set[str] = set()
    todo = ["/projects/"]
    while todo:
        url = todo.pop()
        for link in sign_in_links(client, url):
            # then no link points back into the sign-in page
            assert not (next_of(link) or "").startswith(SIGN_IN), link
            if link not in seen:
                seen.add(link)
                todo.append(link)
        assert len(seen) < 5, seen  # the crawl ends: one sign-in address per page
    assert seen == {f"{SIGN_IN}?next=%2Fprojects%2F"}


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/meetings/", "/meetings/"),
        (f"{SIGN_IN}?next=/meetings/", None),  # the sign-in page itself: dropped
        ("/accounts/sign-out/", None),
        ("https://evil.example/", None),  # off the site
        ("//evil.example/", None),
    ],
)
def test_the_sign_in_page_keeps_only_a_safe_next(network, given, kept):
    client = Client()
    response = client.get(SIGN_IN, {"next": given})
    page = response.content.decode().split('id="main"', 1)[1]  # the sign-in form, not the header's
    # the form carries it on only when safe
    carried = re.search(r'name="next" value="([^"]*)"', page).group(1)
    assert html.unescape(carried) == (kept or "")
    # and the header's link to sign in never nests
    (link,) = sign_in_links(client, f"{SIGN_IN}?next={given}")
    assert next_of(link) == kept


def test_signing_in_with_a_next_into_the_sign_in_page_lands_on_the_default(member):
    client = Client()
    response = client.post(
        SIGN_IN,
        {"username": MEMBER_EMAIL, "password": MEMBER_PASSWORD, "next": f"{SIGN_IN}?next=/x/"},
    )
    assert response.status_code == 302
    assert not response["Location"].startswith(SIGN_IN)
    # a safe next is honoured
    again = Client().post(
        SIGN_IN, {"username": MEMBER_EMAIL, "password": MEMBER_PASSWORD, "next": "/meetings/"}
    )
    assert again["Location"] == "/meetings/"


def test_signing_out_never_lands_on_a_next_into_the_sign_in_page(member):
    client = Client()
    client.force_login(member)
    response = client.post("/accounts/sign-out/", {"next": f"{SIGN_IN}?next=/meetings/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
