"""Announcing a meeting (issue 16 item 2): the Secretariat tells every current Chief Smart City
Officer and National Representative, once, in the app and by e-mail, each in their own
language; the desk says when and to how many. Agreements signed at the meeting are on its
desk, with a link to record one more with the meeting filled in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from ascn.accounts.models import Membership, Notification, Role
from ascn.accounts.services import membership_end
from ascn.agreements.models import Agreement
from ascn.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from ascn.meetings.models import Meeting
from ascn.meetings.services import meeting_announce, meeting_create
from ascn.network.models import City, MemberState
from tests import factories
from tests.roles import AuditMark, assert_matrix

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.roles"]

START = dt.date.today() + dt.timedelta(days=60)
KIND = "meeting.announced"


def a_meeting(**extra) -> Meeting:
    return meeting_create(
        actor=None,
        values={
            "title": "ASCN Annual Meeting on Liveable Cities",
            "kind": "annual_meeting",
            "start_date": START,
            "end_date": START + dt.timedelta(days=2),
            "host_member_state": MemberState.objects.get(code="TH"),
            "host_city": City.objects.get(slug="phuket"),
            "place": "Phuket",
            "format": "in_person",
            "registration_open": True,
            "registration_closes_on": START - dt.timedelta(days=10),
            **extra,
        },
    )


def told() -> set[str]:
    return set(Notification.objects.filter(kind=KIND).values_list("user__email", flat=True))


def test_announcing_tells_every_current_csco_and_representative_once_in_app_and_by_email(
    roles, django_capture_on_commit_callbacks
):
    meeting = a_meeting()
    # given a CSCO whose appointment has ended, and a partner member (neither is told)
    former = factories.user(
        "former-cso@roles.test", role=Role.CSO, scope=City.objects.get(slug="da-nang")
    )
    ended = Membership.objects.get(user=former)
    ended.start_date = dt.date.today() - dt.timedelta(days=400)
    ended.save(update_fields=["start_date"])
    membership_end(actor=None, membership=ended, end_date=dt.date.today() - dt.timedelta(days=1))
    mark = AuditMark()
    # when the Secretariat announces the meeting from its desk
    with django_capture_on_commit_callbacks(execute=True):
        response = roles.session("secretariat").post(
            f"/meetings/{meeting.slug}/manage/", {"action": "announce"}, follow=True
        )
    # then the current officers and representatives are told, in the app and by e-mail
    expected = {"cso-phuket@roles.test", "cso-hanoi@roles.test", "nr-th@roles.test"}
    assert told() == expected
    assert {m.to[0] for m in mail.outbox} == expected
    message = next(m for m in mail.outbox if m.to == ["cso-phuket@roles.test"])
    assert message.subject == "Meeting announced: ASCN Annual Meeting on Liveable Cities"
    assert meeting.dates_display in message.body
    assert "Place: Phuket, Phuket, Thailand" in message.body
    assert "Registration is open until" in message.body
    assert f"/meetings/{meeting.slug}/" in message.body
    # and the desk says when and to how many
    page = response.content.decode()
    assert "3 people were told in the app and by e-mail" in page
    assert "to 3 people" in page
    assert "Announce the meeting" not in page
    meeting.refresh_from_db()
    assert meeting.announced_to == 3 and meeting.announced_by == roles.user("secretariat")
    entry = mark.only("meetings.meeting.announced")
    assert entry.actor == roles.user("secretariat")
    assert entry.changes["announced_to"] == {"before": None, "after": 3}


def test_announcing_again_says_when_it_was_announced_and_tells_nobody_twice(roles):
    meeting = a_meeting()
    secretariat = roles.user("secretariat")
    meeting_announce(actor=secretariat, meeting=meeting)
    count = Notification.objects.filter(kind=KIND).count()
    mark = AuditMark()
    with pytest.raises(IllegalTransition, match="This meeting was announced on"):
        meeting_announce(actor=secretariat, meeting=meeting)
    # through the API: 409 with the date
    again = roles.bearer("secretariat").post(f"/api/v1/meetings/{meeting.slug}/announce")
    assert again.status_code == 409
    assert "was announced on" in again.json()["detail"]
    assert Notification.objects.filter(kind=KIND).count() == count
    assert [a for a in mark.actions() if a.startswith("meetings.")] == []


def test_only_the_secretariat_announces(roles):
    meeting = a_meeting()
    for name in ("cso_phuket", "nr_th", "partner_adb"):
        with pytest.raises(PermissionDenied):
            meeting_announce(actor=roles.user(name), meeting=meeting)
    assert_matrix(
        roles.session,
        "POST",
        f"/meetings/{meeting.slug}/manage/",
        {"anonymous": 302, "cso_phuket": 404, "nr_th": 404, "partner_adb": 404},
        data={"action": "announce"},
    )
    assert_matrix(
        roles.bearer,
        "POST",
        f"/api/v1/meetings/{meeting.slug}/announce",
        {"anonymous": 401, "cso_phuket": 403, "nr_th": 403, "partner_adb": 403},
    )
    assert Meeting.objects.get(pk=meeting.pk).announced_at is None
    assert not Notification.objects.filter(kind=KIND).exists()


def test_the_api_announces_and_says_to_how_many(roles):
    meeting = a_meeting()
    response = roles.bearer("secretariat").post(f"/api/v1/meetings/{meeting.slug}/announce")
    assert response.status_code == 200, response.content
    assert response.json()["announced_to"] == 3
    assert response.json()["slug"] == meeting.slug
    read = roles.bearer("cso_phuket").get(f"/api/v1/meetings/{meeting.slug}")
    assert read.json()["announced_at"] == response.json()["announced_at"]
    missing = roles.bearer("secretariat").post("/api/v1/meetings/no-such-meeting/announce")
    assert missing.status_code == 404


def test_a_meeting_that_is_over_is_not_announced(roles):
    past = a_meeting(
        title="ASCN Workshop 2019",
        start_date=dt.date(2019, 7, 8),
        end_date=dt.date(2019, 7, 9),
        registration_open=False,
        registration_closes_on=None,
    )
    with pytest.raises(InvalidInput, match="over"):
        meeting_announce(actor=roles.user("secretariat"), meeting=past)
    assert Meeting.objects.get(pk=past.pk).announced_at is None
    assert not Notification.objects.filter(kind=KIND).exists()


def test_each_person_reads_the_announcement_in_their_own_language(
    roles, django_capture_on_commit_callbacks
):
    meeting = a_meeting()
    Meeting.objects.filter(pk=meeting.pk).update(
        translations={"th": {"title": "การประชุมประจำปี ASCN"}}
    )
    reader = roles.user("nr_th")
    reader.language = "th"
    reader.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        meeting_announce(actor=roles.user("secretariat"), meeting=meeting)
    thai = next(m for m in mail.outbox if m.to == ["nr-th@roles.test"])
    english = next(m for m in mail.outbox if m.to == ["cso-phuket@roles.test"])
    assert "การประชุมประจำปี ASCN" in thai.subject
    assert f"/th/meetings/{meeting.slug}/" in thai.body
    assert "ASCN Annual Meeting on Liveable Cities" in english.subject
    assert "/th/" not in english.body


def test_the_desk_lists_the_meetings_agreements_and_links_to_record_one(roles):
    meeting = a_meeting()
    client = roles.session("secretariat")
    desk = client.get(f"/meetings/{meeting.slug}/manage/").content.decode()
    assert f"/agreements/new/?meeting={meeting.slug}" in desk
    # the agreement form opens with the meeting chosen
    form = client.get(f"/agreements/new/?meeting={meeting.slug}").content.decode()
    assert f'<option value="{meeting.slug}" selected>' in form
    # given a signed, public agreement and a draft, both linked to the meeting
    Agreement.objects.create(
        slug="phuket-declaration",
        title="Phuket Declaration on Liveable Cities",
        status="signed",
        signed_date=START,
        meeting=meeting,
        visibility="public",
    )
    Agreement.objects.create(
        slug="phuket-mobility-mou",
        title="Memorandum on Shared Mobility (draft)",
        status="draft",
        meeting=meeting,
        visibility="network",
    )
    # the desk lists both
    desk = client.get(f"/meetings/{meeting.slug}/manage/").content.decode()
    assert "Phuket Declaration on Liveable Cities" in desk
    assert "Memorandum on Shared Mobility (draft)" in desk
    # the public page lists only what the visitor may see
    public = roles.session("anonymous").get(f"/meetings/{meeting.slug}/").content.decode()
    assert "Phuket Declaration on Liveable Cities" in public
    assert "Memorandum on Shared Mobility (draft)" not in public
