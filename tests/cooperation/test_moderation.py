"""Moderation with reasons (issue 16 item 7): hiding a post asks for a reason, tells its author
(in the app and by e-mail), can be undone, and shows in the audit trail."""

from __future__ import annotations

import pytest
from django.core import mail

from ascn.accounts.models import Notification
from tests.roles import AuditMark

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.roles"]

REASON = "Advertises a product; the forum is for sharing city experience."


def test_hiding_a_post_needs_a_reason_and_changes_nothing_without_one(roles, post):
    client = roles.session("secretariat")
    mark = AuditMark()
    response = client.post(
        f"/cooperation/posts/{post.pk}/moderate/", {"action": "hide"}, follow=True
    )
    assert "Say why the post is hidden" in response.content.decode()
    post.refresh_from_db()
    assert not post.hidden and mark.entries() == []
    assert not Notification.objects.filter(user=roles.user("cso_hanoi")).exists()


def test_a_hidden_post_tells_its_author_why_and_the_audit_keeps_the_reason(
    roles, post, django_capture_on_commit_callbacks
):
    client = roles.session("secretariat")
    mark = AuditMark()
    # when the Secretariat hides the post, saying why
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/cooperation/posts/{post.pk}/moderate/", {"action": "hide", "reason": REASON})
    # then members no longer see it, its author is told why, in the app and by e-mail
    post.refresh_from_db()
    assert post.hidden and post.hidden_reason == REASON
    author = roles.user("cso_hanoi")
    notice = Notification.objects.get(user=author)
    assert "was hidden by the Secretariat" in notice.title and REASON in notice.body
    assert notice.url.endswith(f"#post-{post.pk}")
    assert [m.to for m in mail.outbox if "hidden" in m.subject] == [[author.email]]
    thread_url = post.thread.get_absolute_url()
    assert "Buy our sirens!" not in roles.session("cso_phuket").get(thread_url).content.decode()
    own = roles.session("cso_hanoi").get(thread_url).content.decode()
    assert "Buy our sirens!" in own and REASON in own
    # and the audit trail holds the reason
    entry = mark.only("cooperation.post.moderated")
    assert entry.changes["hidden_reason"] == {"before": "", "after": REASON}


def test_hiding_is_undone_and_the_author_is_told(roles, post):
    client = roles.session("secretariat")
    client.post(f"/cooperation/posts/{post.pk}/moderate/", {"action": "hide", "reason": REASON})
    mark = AuditMark()
    client.post(f"/cooperation/posts/{post.pk}/moderate/", {"action": "unhide"})
    post.refresh_from_db()
    assert not post.hidden and post.hidden_reason == ""
    assert mark.only("cooperation.post.moderated").changes["hidden"] == {
        "before": True,
        "after": False,
    }
    assert Notification.objects.filter(user=roles.user("cso_hanoi"), kind="post_shown").exists()
    assert (
        "Buy our sirens!"
        in roles.session("cso_phuket").get(post.thread.get_absolute_url()).content.decode()
    )


def test_only_the_secretariat_hides_posts(roles, post):
    response = roles.session("cso_phuket").post(
        f"/cooperation/posts/{post.pk}/moderate/", {"action": "hide", "reason": REASON}
    )
    assert response.status_code == 403
    post.refresh_from_db()
    assert not post.hidden
