"""The site's address in the links that leave it (issue 19, "the demo's addresses"): it
follows the host and port a page was asked on unless ``SITE_URL`` says otherwise, and the
iCalendar UIDs do not move with the port."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from icalendar import Calendar

from ascn.accounts.models import Role
from ascn.accounts.notifications import notify
from ascn.meetings.management.commands.load_meetings import load_meetings
from ascn.network.models import City

pytest_plugins = ["tests.roles"]

DEMO = "127.0.0.1:18765"


@pytest.fixture(autouse=True)
def _no_site_url(settings):
    settings.SITE_URL = ""
    settings.ASCN_CALENDAR_UID_DOMAIN = ""


def _invite_from(client: Client, mailoutbox, capture) -> str:
    with capture(execute=True):
        client.post(
            "/accounts/invitations/",
            {
                "email": "deputy@phuket.example",
                "role": Role.CSO,
                "city": City.objects.get(slug="phuket").pk,
            },
        )
    (mail,) = mailoutbox
    return re.search(r"(\S+/accounts/invitations/\S+/)", mail.body).group(1)


def test_an_invitation_link_follows_the_port_the_desk_was_used_on(
    roles, mailoutbox, django_capture_on_commit_callbacks
):
    # given the demo served on port 18765 and no SITE_URL
    client = roles.session("nr_th", HTTP_HOST=DEMO)
    # when a National Representative invites someone from the desk
    link = _invite_from(client, mailoutbox, django_capture_on_commit_callbacks)
    # then the e-mailed link is on that port, and it opens the invitation
    assert link.startswith(f"http://{DEMO}/accounts/invitations/")
    assert Client(HTTP_HOST=DEMO).get(link.removeprefix(f"http://{DEMO}")).status_code == 200


def test_site_url_when_set_wins_over_the_request(
    roles, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://ascn.example.org/"
    client = roles.session("nr_th", HTTP_HOST=DEMO)
    link = _invite_from(client, mailoutbox, django_capture_on_commit_callbacks)
    assert link.startswith("https://ascn.example.org/accounts/invitations/")


def test_without_a_request_or_site_url_links_use_the_documented_fallback(
    roles, mailoutbox, django_capture_on_commit_callbacks
):
    # a task or management command: no request to follow
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[roles.user("cso_phuket")], kind="post_shown", title="Hello", url="/meetings/")
    assert "http://127.0.0.1:8000/meetings/" in mailoutbox[0].body


def _events(response) -> list:
    assert response.status_code == 200
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_the_calendar_links_follow_the_port_and_its_uids_do_not(network):
    load_meetings()
    # when the public feed is read on two ports
    on_demo = _events(Client(HTTP_HOST=DEMO).get("/api/v1/meetings.ics"))
    on_8000 = _events(Client(HTTP_HOST="127.0.0.1:8000").get("/api/v1/meetings.ics"))
    # then each event links to the port it was read on
    assert all(str(e["URL"]).startswith(f"http://{DEMO}/meetings/") for e in on_demo)
    assert all(str(e["URL"]).startswith("http://127.0.0.1:8000/meetings/") for e in on_8000)
    # and the UIDs are the same on both, on the reserved domain (not the IP address)
    uids = [str(e["UID"]) for e in on_demo]
    assert uids == [str(e["UID"]) for e in on_8000]
    assert all(uid.endswith("@ascn.invalid") for uid in uids)


@pytest.mark.parametrize(
    ("site_url", "uid_domain", "expected"),
    [
        ("https://ascn.example.org", "", "ascn.example.org"),  # a domain name: its own
        ("http://127.0.0.1:18765", "", "ascn.invalid"),  # an address, not a name
        ("http://localhost:8000", "", "ascn.invalid"),
        ("http://127.0.0.1:18765", "calendar.ascn.example", "calendar.ascn.example"),
    ],
)
def test_the_uid_domain_comes_from_its_setting_or_a_real_site_name(
    network, settings, site_url, uid_domain, expected
):
    settings.SITE_URL = site_url
    settings.ASCN_CALENDAR_UID_DOMAIN = uid_domain
    load_meetings()
    response = Client().get("/api/v1/meetings/ascn-governance-workshop-2018.ics")
    (event,) = _events(response)
    assert str(event["UID"]) == f"meeting-ascn-governance-workshop-2018@{expected}"


def test_the_dcat_catalogue_follows_the_port(network):
    body = Client(HTTP_HOST=DEMO).get("/data/catalog.jsonld").content.decode()
    assert f"http://{DEMO}/" in body
    assert "127.0.0.1:8000" not in body
