"""Everything that e-mails notifies in the app too, with its kind; each person chooses per kind
how they are told (in the app only, e-mail at once, the daily digest); the digest sends each
notice once; the notifications API (issue 16, item 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from ascn.accounts.models import Notification, NotificationPreference, Role
from ascn.accounts.notifications import KINDS, SECRETARIAT_KINDS, notify, send_digests
from ascn.accounts.services import (
    invitation_accept,
    invitation_create,
    notification_preferences_update,
)
from ascn.cooperation.services import post_create, post_hide, thread_create
from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.funding.management.commands.load_partners import load_partners, load_programmes
from ascn.funding.models import Programme
from ascn.funding.services import application_award, application_create, application_transition
from ascn.meetings.services import meeting_create, registration_cancel, registration_register
from ascn.network.models import City, FocusArea, MemberState
from ascn.plans.services import plan_transition
from tests import factories
from tests.conftest import page_text
from tests.roles import AuditMark, assert_matrix, members, sign_in_redirect

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.roles"]

JSON = "application/json"


def kinds_of(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


# --- each kind is notified in the app --------------------------------------------------------


def test_a_plan_moving_along_notifies_who_acts_next_in_the_app(roles, mailoutbox):
    csco, nr = roles.user("cso_phuket"), roles.user("nr_th")
    plan = factories.plan(csco, title="Phuket Smart City Action Plan")
    plan = plan_transition(actor=csco, plan=plan, action="submit", version=plan.version)
    plan = plan_transition(
        actor=nr, plan=plan, action="return", version=plan.version, comment="Add the budget."
    )
    plan = plan_transition(actor=csco, plan=plan, action="submit", version=plan.version)
    plan = plan_transition(actor=nr, plan=plan, action="endorse", version=plan.version)
    plan = plan_transition(actor=nr, plan=plan, action="publish", version=plan.version)
    assert kinds_of(nr) == ["plan.submitted", "plan.submitted"]
    assert kinds_of(csco) == ["plan.returned", "plan.endorsed", "plan.published"]
    returned = Notification.objects.get(user=csco, kind="plan.returned")
    assert returned.url == f"/plans/{plan.pk}/"
    assert "Add the budget." in returned.body
    assert returned.title == "Action plan returned: Phuket Smart City Action Plan"


def upcoming_meeting(capacity: int):
    start = timezone.localdate() + dt.timedelta(days=60)
    return meeting_create(
        actor=None,
        slug="notified-meeting",
        values={
            "title": "Next ASCN Annual Meeting (test)",
            "kind": "annual_meeting",
            "start_date": start,
            "end_date": start + dt.timedelta(days=1),
            "host_member_state": MemberState.objects.get(code="TH"),
            "place": "Phuket, Thailand",
            "format": "in_person",
            "capacity": capacity,
            "registration_open": True,
        },
    )


def test_a_registration_confirmed_waiting_and_promoted_is_notified(roles):
    meeting = upcoming_meeting(capacity=1)
    phuket, hanoi = roles.user("cso_phuket"), roles.user("cso_hanoi")
    registration_register(actor=phuket, meeting=meeting)
    registration_register(actor=hanoi, meeting=meeting)  # full: the waiting list
    registration_register(actor=hanoi, meeting=meeting)  # again: nothing new
    confirmed = Notification.objects.get(user=phuket)
    assert confirmed.kind == "meeting.registered"
    assert confirmed.title == "Your registration for Next ASCN Annual Meeting (test) is confirmed"
    waiting = Notification.objects.get(user=hanoi)
    assert waiting.title == "You are on the waiting list for Next ASCN Annual Meeting (test)"
    # when Phuket cancels, Hanoi gets the seat and is told
    registration_cancel(actor=phuket, meeting=meeting)
    assert kinds_of(hanoi) == ["meeting.registered", "meeting.promoted"]
    promoted = Notification.objects.filter(user=hanoi).first()
    assert promoted.title == "You have a seat at Next ASCN Annual Meeting (test)"
    assert promoted.url == meeting.get_absolute_url()


@pytest.fixture
def application(roles):
    load_partners()
    load_programmes()
    fund = Programme.objects.get(slug="asean-australia-smart-cities-trust-fund")
    today = timezone.localdate()
    call = factories.call(
        roles.user("secretariat"),
        programme=fund,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    project = factories.project(
        roles.user("cso_phuket"),
        title="Patong smart drainage",
        focus_areas=["quality-environment"],
        status="preparation",
    )
    made = application_create(
        actor=roles.user("cso_phuket"), call=call, project=project, amount_requested="250000"
    )
    return application_transition(
        actor=roles.user("cso_phuket"), application=made, action="submit", version=1
    )


def test_a_submitted_application_tells_the_programmes_managers(roles, application):
    # the AASCTF is implemented by the ADB: its member learns that Phuket applied
    assert kinds_of(roles.user("partner_adb")) == ["application.submitted"]
    notice = Notification.objects.get(user=roles.user("partner_adb"))
    assert "Patong smart drainage" in notice.title
    assert "250,000" in notice.body and notice.url.endswith("#applications")
    # and the city that applied is not told of its own submission
    assert "application.submitted" not in kinds_of(roles.user("cso_phuket"))


def test_an_application_shortlisted_awarded_or_declined_tells_the_city(roles, application):
    secretariat, phuket = roles.user("secretariat"), roles.user("cso_phuket")
    application = application_transition(
        actor=secretariat, application=application, action="shortlist", version=application.version
    )
    application_award(
        actor=secretariat, application=application, amount="100000", version=application.version
    )
    assert kinds_of(phuket) == ["application.shortlisted", "application.awarded"]
    awarded = Notification.objects.filter(user=phuket).first()
    assert "Patong smart drainage" in awarded.title
    assert "100,000" in awarded.body
    assert awarded.url.endswith("#applications")
    assert not Notification.objects.filter(user=secretariat).exists()  # not the actor


def test_a_declined_application_is_notified(roles, application):
    application_transition(
        actor=roles.user("secretariat"),
        application=application,
        action="decline",
        version=application.version,
    )
    assert kinds_of(roles.user("cso_phuket")) == ["application.declined"]


def test_a_hidden_post_tells_its_author_with_the_reason(roles):
    thread = thread_create(
        actor=roles.user("cso_phuket"),
        focus_area=FocusArea.objects.order_by("position").first(),
        title="Flood early warning",
        body="How do you warn residents?",
    )
    post = post_create(actor=roles.user("cso_hanoi"), thread=thread, body="Buy our sirens!")
    post_hide(actor=roles.user("secretariat"), post=post, reason="Advertising.")
    notice = Notification.objects.get(user=roles.user("cso_hanoi"))
    assert notice.kind == "post_hidden"
    assert notice.body == "The reason given: Advertising."


def test_an_accepted_invitation_tells_the_inviter(roles):
    nr = roles.user("nr_th")
    _invitation, token = invitation_create(
        actor=nr,
        email="new-csco@example.org",
        role=Role.CSO,
        scope=City.objects.get(slug="phuket"),
    )
    invitation_accept(token=token, password="monsoon-lantern-orchard-47", full_name="Somchai Dee")
    notice = Notification.objects.get(user=nr)
    assert notice.kind == "invitation.accepted"
    assert notice.title == "Somchai Dee accepted your invitation"
    assert "Chief Smart City Officer" in notice.body and "Phuket" in notice.body


def test_a_kind_nobody_can_choose_for_is_refused():
    with pytest.raises(ValueError):
        notify(users=[], kind="no.such.kind", title="t")


# --- preferences ------------------------------------------------------------------------------


def test_preferences_are_honoured_app_only_email_now_and_digest(
    roles, mailoutbox, django_capture_on_commit_callbacks
):
    phuket, hanoi, adb = (
        roles.user("cso_phuket"),
        roles.user("cso_hanoi"),
        roles.user("partner_adb"),
    )
    notification_preferences_update(actor=phuket, changes={"post_shown": "app"})
    notification_preferences_update(actor=hanoi, changes={"post_shown": "digest"})
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[phuket, hanoi, adb], kind="post_shown", title="Shown again")
        notify(users=[phuket, hanoi, adb], kind="post_hidden", title="Hidden")
    # everyone has both in the app
    for user in (phuket, hanoi, adb):
        assert sorted(kinds_of(user)) == ["post_hidden", "post_shown"]
    # e-mailed at once: ADB both (the default), the others only the kind they left alone
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == sorted(
        [
            (adb.email, "Hidden"),
            (adb.email, "Shown again"),
            (phuket.email, "Hidden"),
            (hanoi.email, "Hidden"),
        ]
    )
    assert Notification.objects.get(user=phuket, kind="post_shown").emailed_at is None
    waiting = Notification.objects.get(user=hanoi, kind="post_shown")
    assert waiting.delivery == "digest" and waiting.emailed_at is None


def test_the_digest_lists_the_waiting_notices_once(roles, mailoutbox, settings):
    settings.SITE_URL = "https://ascn.example"
    hanoi, phuket = roles.user("cso_hanoi"), roles.user("cso_phuket")
    notification_preferences_update(actor=hanoi, changes={"post_shown": "digest"})
    notify(
        users=[hanoi, phuket], kind="post_shown", title="First", body="One.", url="/cooperation/"
    )
    notify(users=[hanoi], kind="post_shown", title="Second")
    mailoutbox.clear()
    # when the digests are sent
    assert send_digests() == 1
    # then Hanoi gets one e-mail listing both, oldest first, with the link
    (digest,) = mailoutbox
    assert digest.to == [hanoi.email]
    assert digest.subject == "ASCN Platform: 2 notifications since the last digest"
    assert digest.body.index("* First") < digest.body.index("* Second")
    assert "  One." in digest.body and "https://ascn.example/cooperation/" in digest.body
    assert "https://ascn.example/accounts/notifications/settings/" in digest.body
    assert not Notification.objects.filter(user=hanoi, emailed_at__isnull=True).exists()
    # and a second run sends nothing twice
    assert send_digests() == 0
    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mailoutbox) == 1
    # a new notice goes in the next digest, alone
    notify(users=[hanoi], kind="post_shown", title="Third")
    assert send_digests() == 1
    assert mailoutbox[1].subject == "ASCN Platform: 1 notification since the last digest"
    assert "Third" in mailoutbox[1].body and "First" not in mailoutbox[1].body


def test_a_failed_digest_is_kept_for_the_next_run(roles, mailoutbox, settings):
    hanoi = roles.user("cso_hanoi")
    notification_preferences_update(actor=hanoi, changes={"post_shown": "digest"})
    notify(users=[hanoi], kind="post_shown", title="Kept")
    # given a mail server that refuses the connection (nothing listens on port 1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with pytest.raises(OSError):
        send_digests()
    # then the notice still waits, and the next run (the server back) sends it
    assert Notification.objects.get(user=hanoi).emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_digests() == 1
    assert [m.to for m in mailoutbox] == [[hanoi.email]]


def test_changing_preferences_is_audited_and_bad_input_changes_nothing(roles):
    phuket = roles.user("cso_phuket")
    mark = AuditMark()
    notification_preferences_update(actor=phuket, changes={"plan.endorsed": "digest"})
    entry = mark.only("accounts.notification_preferences.updated")
    assert entry.changes == {"plan.endorsed": {"before": "email", "after": "digest"}}
    # the same choice again: no entry
    mark = AuditMark()
    notification_preferences_update(actor=phuket, changes={"plan.endorsed": "digest"})
    assert mark.actions() == []
    for changes in ({"no.such.kind": "app"}, {"plan.endorsed": "weekly"}):
        with pytest.raises(InvalidInput):
            notification_preferences_update(
                actor=phuket, changes={"plan.returned": "app", **changes}
            )
    assert list(NotificationPreference.objects.values_list("kind", "delivery")) == [
        ("plan.endorsed", "digest")
    ]
    with pytest.raises(PermissionDenied):
        notification_preferences_update(actor=None, changes={"plan.endorsed": "app"})


def test_the_settings_page_shows_and_saves_the_choices(roles):
    assert_matrix(
        roles.session,
        "GET",
        "/accounts/notifications/settings/",
        members(200, anonymous=sign_in_redirect("/accounts/notifications/settings/")),
    )
    client = roles.session("cso_phuket")
    page = page_text(client.get("/accounts/notifications/settings/"))
    # a CSCO is offered every kind but those only the Secretariat is sent
    for kind, label in KINDS.items():
        assert (str(label) in page) is (kind not in SECRETARIAT_KINDS)
    secretariat_page = page_text(
        roles.session("secretariat").get("/accounts/notifications/settings/")
    )
    for label in KINDS.values():
        assert str(label) in secretariat_page
    response = client.post(
        "/accounts/notifications/settings/", {"plan.endorsed": "app", "meeting.promoted": "digest"}
    )
    assert response.status_code == 302
    page = page_text(client.get(response["Location"]))
    assert "Your notifications settings are saved." in page
    assert dict(
        NotificationPreference.objects.filter(user=roles.user("cso_phuket")).values_list(
            "kind", "delivery"
        )
    ) == {"plan.endorsed": "app", "meeting.promoted": "digest"}
    refused = client.post("/accounts/notifications/settings/", {"plan.endorsed": "weekly"})
    assert refused.status_code == 400
    assert "Nothing was saved" in page_text(refused)
    assert NotificationPreference.objects.get(kind="plan.endorsed").delivery == "app"


# --- the API ----------------------------------------------------------------------------------


def test_the_api_lists_ones_own_notifications_newest_first_and_marks_them_read(roles):
    phuket, hanoi = roles.user("cso_phuket"), roles.user("cso_hanoi")
    notify(users=[phuket], kind="post_shown", title="Older")
    notify(users=[phuket], kind="post_hidden", title="Newer", url="/cooperation/")
    notify(users=[hanoi], kind="post_shown", title="For Hanoi")
    assert_matrix(roles.bearer, "GET", "/api/v1/notifications", members(200, anonymous=401))
    client = roles.bearer("cso_phuket")
    body = client.get("/api/v1/notifications").json()
    assert body["count"] == 2
    assert [item["title"] for item in body["items"]] == ["Newer", "Older"]
    newer = body["items"][0]
    assert newer["kind"] == "post_hidden" and newer["url"] == "/cooperation/"
    assert newer["read_at"] is None
    page = client.get("/api/v1/notifications?page_size=1&page=2").json()
    assert [item["title"] for item in page["items"]] == ["Older"]
    # mark one read
    read = client.post(f"/api/v1/notifications/{newer['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    unread = client.get("/api/v1/notifications?unread=true").json()
    assert [item["title"] for item in unread["items"]] == ["Older"]
    # another's notification is not found, and stays unread
    hanoi_id = Notification.objects.get(user=hanoi).pk
    assert client.post(f"/api/v1/notifications/{hanoi_id}/read").status_code == 404
    assert Notification.objects.get(pk=hanoi_id).read_at is None
    # mark all read
    assert client.post("/api/v1/notifications/read").json() == {"marked": 1}
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 0
    assert roles.bearer("anonymous").post("/api/v1/notifications/read").status_code == 401


def test_the_api_reads_and_changes_preferences(roles):
    client = roles.bearer("cso_phuket")
    body = client.get("/api/v1/notifications/preferences").json()
    # every kind a CSCO may be sent, not those only the Secretariat is sent
    assert [p["kind"] for p in body["preferences"]] == [
        kind for kind in KINDS if kind not in SECRETARIAT_KINDS
    ]
    secretariat = roles.bearer("secretariat").get("/api/v1/notifications/preferences").json()
    assert [p["kind"] for p in secretariat["preferences"]] == list(KINDS)
    assert {p["delivery"] for p in body["preferences"]} == {"email"}
    changed = client.patch(
        "/api/v1/notifications/preferences",
        {"preferences": {"plan.endorsed": "digest", "post_shown": "app"}},
        content_type=JSON,
    )
    assert changed.status_code == 200
    chosen = {p["kind"]: p["delivery"] for p in changed.json()["preferences"]}
    assert chosen["plan.endorsed"] == "digest" and chosen["post_shown"] == "app"
    assert chosen["plan.returned"] == "email"
    refused = client.patch(
        "/api/v1/notifications/preferences",
        {"preferences": {"plan.returned": "app", "plan.endorsed": "weekly"}},
        content_type=JSON,
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "preferences", "plan.endorsed"]
    # a kind that reads like a list's item is still a kind
    odd = client.patch(
        "/api/v1/notifications/preferences", {"preferences": {"plan.1": "app"}}, content_type=JSON
    )
    assert odd.json()["detail"][0]["loc"] == ["body", "preferences", "plan.1"]
    assert not NotificationPreference.objects.filter(kind="plan.returned").exists()
    assert roles.bearer("anonymous").get("/api/v1/notifications/preferences").status_code == 401
