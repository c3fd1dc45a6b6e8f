"""Limits on what sends e-mail (issue 15, item 3): one password-reset e-mail per address per few
minutes, and a number of invitations per inviter per hour."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.test import Client
from django.utils import timezone

from ascn.accounts.models import Invitation, Role
from ascn.accounts.services import invitation_create, user_create
from ascn.core.errors import TooManyRequests
from ascn.network.models import City
from config.api import domain_error
from tests.roles import AuditMark, Redirect

pytestmark = pytest.mark.usefixtures("empty_cache")

pytest_plugins = ["tests.roles"]

RESET = "/accounts/password/reset/"
DESK = "/accounts/invitations/"


@pytest.fixture
def officer(network, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return user_create(actor=None, email="anong@ministry.example", password="tamarind-kite-41")


# --- password reset ----------------------------------------------------------------------


def test_a_second_reset_within_the_interval_sends_nothing_and_looks_the_same(
    officer, settings, mailoutbox
):
    # given one reset e-mail per address per five minutes
    settings.ASCN_PASSWORD_RESET_INTERVAL = 300
    client = Client()
    # when the address asks three times in a row (in other letter cases, too)
    answers = [
        client.post(RESET, {"email": email})
        for email in ("anong@ministry.example", "Anong@Ministry.example", "anong@ministry.example")
    ]
    # then one e-mail went out, and every answer is the same "check your inbox"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["anong@ministry.example"]
    assert all(Redirect("/accounts/password/reset/done/").matches(a) for a in answers)


def test_an_unknown_address_is_answered_as_a_known_one(officer, settings, mailoutbox):
    settings.ASCN_PASSWORD_RESET_INTERVAL = 300
    client = Client()
    known = [client.post(RESET, {"email": officer.email}) for _ in range(2)]
    unknown = [client.post(RESET, {"email": "nobody@ministry.example"}) for _ in range(2)]
    assert {(a.status_code, a["Location"]) for a in known + unknown} == {
        (302, "/accounts/password/reset/done/")
    }
    assert len(mailoutbox) == 1


def test_another_address_is_not_held_up(officer, settings, mailoutbox):
    settings.ASCN_PASSWORD_RESET_INTERVAL = 300
    user_create(actor=None, email="somchai@ministry.example", password="tamarind-kite-41")
    client = Client()
    client.post(RESET, {"email": officer.email})
    client.post(RESET, {"email": "somchai@ministry.example"})
    assert sorted(m.to[0] for m in mailoutbox) == [
        "anong@ministry.example",
        "somchai@ministry.example",
    ]


def test_a_reset_may_be_asked_again_after_the_interval(officer, settings, mailoutbox):
    settings.ASCN_PASSWORD_RESET_INTERVAL = 1
    client = Client()
    client.post(RESET, {"email": officer.email})
    client.post(RESET, {"email": officer.email})
    assert len(mailoutbox) == 1
    time.sleep(1.1)
    client.post(RESET, {"email": officer.email})
    assert len(mailoutbox) == 2


# --- invitations -------------------------------------------------------------------------


def invite(roles, name: str, email: str, capture) -> Invitation:
    with capture(execute=True):
        invitation, _ = invitation_create(
            actor=roles.user(name),
            email=email,
            role=Role.CSO,
            scope=City.objects.get(slug="phuket"),
        )
    return invitation


def test_an_inviter_over_the_hourly_limit_is_refused_and_nothing_is_sent(
    roles, settings, django_capture_on_commit_callbacks, mailoutbox
):
    # given an inviter allowed two invitations an hour, who has sent two
    settings.ASCN_INVITATIONS_PER_HOUR = 2
    for n in range(2):
        invite(roles, "nr_th", f"deputy{n}@phuket.example", django_capture_on_commit_callbacks)
    mark = AuditMark()
    # when they send a third
    with pytest.raises(TooManyRequests) as refused:
        invite(roles, "nr_th", "deputy2@phuket.example", django_capture_on_commit_callbacks)
    # then it is refused (429) saying when they may invite again; nothing saved, nothing sent
    assert refused.value.status == 429
    assert "Nothing was sent" in refused.value.message
    assert 3500 <= refused.value.retry_after <= 3601
    assert Invitation.objects.filter(invited_by=roles.user("nr_th")).count() == 2
    assert len(mailoutbox) == 2
    assert mark.actions() == []
    # and someone else may still invite
    invite(roles, "secretariat", "deputy3@phuket.example", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 3


def test_the_hour_slides(roles, settings, django_capture_on_commit_callbacks, mailoutbox):
    # given an inviter at the limit, the first invitation sent 61 minutes ago
    settings.ASCN_INVITATIONS_PER_HOUR = 2
    first = invite(roles, "nr_th", "deputy0@phuket.example", django_capture_on_commit_callbacks)
    invite(roles, "nr_th", "deputy1@phuket.example", django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=61)
    )
    # when they send another, it goes out
    invite(roles, "nr_th", "deputy2@phuket.example", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 3
    # and the next is refused until the second one's hour is over
    with pytest.raises(TooManyRequests):
        invite(roles, "nr_th", "deputy3@phuket.example", django_capture_on_commit_callbacks)


def test_the_invitation_desk_shows_the_limit_as_a_form_error(
    roles, settings, django_capture_on_commit_callbacks, mailoutbox, text
):
    # given a National Representative at the limit of one invitation an hour
    settings.ASCN_INVITATIONS_PER_HOUR = 1
    client = roles.session("nr_th")
    phuket = City.objects.get(slug="phuket")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            DESK, {"email": "deputy@phuket.example", "role": Role.CSO, "city": phuket.pk}
        )
    assert Redirect(DESK).matches(sent)
    # when they invite someone else from the desk
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            DESK, {"email": "other@phuket.example", "role": Role.CSO, "city": phuket.pk}
        )
    # then the form says why (429, as the API), keeps what they typed, and nothing is sent
    assert refused.status_code == 429
    page = text(refused)
    assert "the most allowed" in page
    assert "other@phuket.example" in refused.content.decode()
    assert len(mailoutbox) == 1
    assert not Invitation.objects.filter(email="other@phuket.example").exists()


def test_the_api_answers_a_limit_with_429_and_retry_after(rf):
    # given a service refusing because of a limit, on an API request
    request = rf.get("/api/v1/me")
    # when the API maps it
    response = domain_error(request, TooManyRequests("Over the limit.", retry_after=90))
    # then it is a 429 in the API's shape, saying when to come back
    assert response.status_code == 429
    assert json.loads(response.content) == {"detail": "Over the limit."}
    assert response["Retry-After"] == "90"
