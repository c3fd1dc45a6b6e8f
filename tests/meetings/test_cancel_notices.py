"""When the Secretariat cancels someone's registration (issue 16 item 2), that person is told,
in the app and by e-mail as they chose, and whoever gets the freed seat from the waiting list is
told too."""

from __future__ import annotations

import pytest

from ascn.accounts.models import Notification, NotificationPreference
from ascn.meetings.models import Registration
from ascn.meetings.services import registration_cancel_for, registration_register
from tests.meetings.test_running import a_meeting, a_registrant

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.roles"]


def test_the_person_cancelled_and_the_person_promoted_are_both_told(
    roles, django_capture_on_commit_callbacks, mailoutbox
):
    # given a full meeting with Ben waiting
    meeting = a_meeting(capacity=1)
    ana = a_registrant("ana@phuket.example.th", "Ana Seated")
    ben = a_registrant("ben@hanoi.example.vn", "Ben Waiting", city="hanoi")
    seated = registration_register(actor=ana, meeting=meeting)
    registration_register(actor=ben, meeting=meeting)
    mailoutbox.clear()
    # when the Secretariat cancels Ana's registration from the desk
    client = roles.session("secretariat")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/meetings/{meeting.slug}/registrations/",
            {"registration": seated.pk, "action": "cancel"},
        )
    # then Ana is told in the app and by e-mail, with a link to the meeting
    notice = Notification.objects.get(user=ana, kind="meeting.cancelled")
    assert notice.title == f"Your registration for {meeting.title} is cancelled"
    assert notice.url == meeting.get_absolute_url()
    assert [m.to for m in mailoutbox if "is cancelled" in m.subject] == [[ana.email]]
    # and Ben, given her seat, is told too
    assert Registration.objects.get(meeting=meeting, user=ben).status == "registered"
    promoted = Notification.objects.get(user=ben, kind="meeting.promoted")
    assert promoted.title == f"You have a seat at {meeting.title}"
    assert [m.to for m in mailoutbox if "You have a seat" in m.subject] == [[ben.email]]


def test_a_person_who_chose_the_app_only_is_not_emailed(roles, mailoutbox):
    meeting = a_meeting(capacity=None)
    ana = a_registrant("ana@phuket.example.th", "Ana Seated")
    NotificationPreference.objects.create(user=ana, kind="meeting.cancelled", delivery="app")
    registration = registration_register(actor=ana, meeting=meeting)
    mailoutbox.clear()
    registration_cancel_for(actor=roles.user("secretariat"), registration=registration)
    notice = Notification.objects.get(user=ana, kind="meeting.cancelled")
    assert notice.emailed_at is None and mailoutbox == []
