"""Notifications (SPEC C5): a notice in the platform and an e-mail, the page that lists them,
marking them read, and the unread count in the header."""

from __future__ import annotations

from django.db import transaction

from ascn.accounts.models import Notification
from ascn.accounts.notifications import notify, unread_count
from ascn.accounts.services import user_create
from tests.conftest import page_text
from tests.roles import assert_matrix, members, sign_in_redirect

pytest_plugins = ["tests.roles"]


def test_notify_writes_one_row_per_person_and_mails_after_the_commit(
    roles, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://ascn.example"
    phuket, adb = roles.user("cso_phuket"), roles.user("partner_adb")
    # when two people (one named twice) are notified
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        count = notify(
            users=[phuket, adb, phuket],
            kind="post_shown",
            title="Something happened",
            body="Details.",
            url="/engagements/1/",
        )
        # then the rows exist at once, the e-mail waits for the commit
        assert count == 2
        assert Notification.objects.filter(kind="post_shown").count() == 2
        assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "cso-phuket@roles.test",
        "partner-adb@roles.test",
    ]
    assert mailoutbox[0].subject == "Something happened"
    assert mailoutbox[0].body == "Details.\n\nhttps://ascn.example/engagements/1/"


def test_nobody_to_tell_is_no_row_and_no_mail(
    roles, mailoutbox, django_capture_on_commit_callbacks
):
    # given a deactivated account (the ORM: no service deactivates accounts)
    inactive = user_create(actor=None, email="gone@roles.test", password=None)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(users=[inactive], kind="post_shown", title="t") == 0
    assert not Notification.objects.exists() and mailoutbox == []


def test_a_rolled_back_change_leaves_no_notice(roles, mailoutbox):
    try:
        with transaction.atomic():
            notify(users=[roles.user("cso_phuket")], kind="post_shown", title="Never happened")
            raise RuntimeError
    except RuntimeError:
        pass
    assert not Notification.objects.exists() and mailoutbox == []


def test_the_notifications_page_lists_ones_own_and_marks_them_read(roles):
    phuket, hanoi = roles.user("cso_phuket"), roles.user("cso_hanoi")
    notify(users=[phuket], kind="post_shown", title="For Phuket", url="/engagements/7/")
    notify(users=[phuket], kind="post_shown", title="Also for Phuket")
    notify(users=[hanoi], kind="post_shown", title="For Hanoi")
    assert_matrix(
        roles.session,
        "GET",
        "/accounts/notifications/",
        members(200, anonymous=sign_in_redirect("/accounts/notifications/")),
    )
    client = roles.session("cso_phuket")
    response = client.get("/accounts/notifications/")
    text = page_text(response)
    assert "For Phuket" in text and "Also for Phuket" in text and "For Hanoi" not in text
    assert 'href="/engagements/7/"' in response.content.decode()
    # the header counts the unread ones
    assert "2 new notifications" in text
    # when one is marked read, one is left; someone else's id is ignored
    first = Notification.objects.get(title="For Phuket")
    theirs = Notification.objects.get(title="For Hanoi")
    client.post("/accounts/notifications/read/", {"id": [first.pk, theirs.pk]})
    assert unread_count(phuket) == 1 and unread_count(hanoi) == 1
    assert "1 new notification" in page_text(client.get("/accounts/notifications/"))
    # when all are marked read, the header says just "Notifications"
    response = client.post("/accounts/notifications/read/")
    assert response.status_code == 302
    assert unread_count(phuket) == 0 and unread_count(hanoi) == 1
    assert "new notification" not in page_text(client.get("/accounts/notifications/"))


def test_marking_read_is_a_post_for_members(roles):
    assert roles.session("cso_phuket").get("/accounts/notifications/read/").status_code == 405
    anonymous = roles.session("anonymous").post("/accounts/notifications/read/")
    assert anonymous.status_code == 302 and "/accounts/sign-in/" in anonymous["Location"]


def test_the_unread_count_costs_one_query_and_none_when_signed_out(
    roles, django_assert_num_queries
):
    assert unread_count(None) == 0
    with django_assert_num_queries(1):
        assert unread_count(roles.user("cso_phuket")) == 0
