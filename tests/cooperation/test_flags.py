"""Members flag posts, the Secretariat works through the flags (issue 16 items 1 and 7): a
member who may see a post reports it with a reason; one flag per member and post; the
Secretariat is told, sees the flagged posts in a queue, hides a post with a reason or dismisses
its flags, and the flags stay as history."""

from __future__ import annotations

import re

import pytest

from ascn.accounts.models import Notification, NotificationPreference
from ascn.cooperation.models import FlagResolution, Post, PostFlag
from ascn.cooperation.services import post_create, post_flag, post_hide, thread_moderate
from ascn.core.errors import InvalidInput, NotFound, PermissionDenied
from ascn.portal import workspace
from tests.conftest import page_text
from tests.roles import AuditMark, assert_matrix, members, sign_in_redirect

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.roles"]

QUEUE = "/cooperation/moderation/"


def flag_url(post: Post) -> str:
    return f"/cooperation/posts/{post.pk}/flag/"


# --- a member flags a post --------------------------------------------------------------


def test_a_member_reports_a_post_from_the_thread_without_javascript(roles, post, mailoutbox):
    client = roles.session("cso_phuket")
    thread_page = client.get(post.thread.get_absolute_url()).content.decode()
    # given a "Report" link next to the other member's post (not next to her own)
    assert f'href="{flag_url(post)}"' in thread_page
    first = post.thread.posts.order_by("pk").first()
    assert f'href="{flag_url(first)}"' not in thread_page
    # when she opens it, the post is shown with the short list of reasons
    form_page = page_text(client.get(flag_url(post)))
    assert "Buy our sirens!" in form_page
    for reason in ("Spam or advertising", "Abusive or offensive", "Off-topic", "Personal data"):
        assert reason in form_page
    # and sends the report with a note
    mark = AuditMark()
    response = client.post(flag_url(post), {"reason": "spam", "note": "Sells sirens."})
    # then she is back on the thread, thanked, and the thread says she flagged it
    assert response.status_code == 302
    assert response["Location"].endswith(f"#post-{post.pk}")
    after = page_text(client.get(post.thread.get_absolute_url()))
    assert "You flagged this post." in after
    flag = PostFlag.objects.get(post=post)
    assert (flag.member, flag.reason, flag.note) == (
        roles.user("cso_phuket"),
        "spam",
        "Sells sirens.",
    )
    assert mark.only("cooperation.postflag.created").changes["reason"]["after"] == "spam"
    # and the Secretariat is told, in the app and (by default) by e-mail, with a link to the queue
    notice = Notification.objects.get(user=roles.user("secretariat"), kind="post.flagged")
    assert "Flood early warning" in notice.title and "Spam or advertising" in notice.body
    assert notice.url == QUEUE
    assert not Notification.objects.filter(user=roles.user("cso_hanoi"), kind="post.flagged")


def test_flagging_again_changes_the_one_flag_and_tells_nobody_again(roles, post):
    member = roles.user("cso_phuket")
    post_flag(actor=member, post=post, reason="spam")
    post_flag(actor=member, post=post, reason="off_topic", note="Not about floods.")
    flag = PostFlag.objects.get(post=post)
    assert (flag.reason, flag.note) == ("off_topic", "Not about floods.")
    assert Notification.objects.filter(kind="post.flagged").count() == 1


def test_the_report_form_shows_ones_open_flag_to_change_it(roles, post):
    # given a member who reported the post as off-topic with a note
    client = roles.session("cso_phuket")
    client.post(flag_url(post), {"reason": "off_topic", "note": "Not about floods."})
    # when she opens the report form again
    response = client.get(flag_url(post))
    page = response.content.decode()
    # then it says she reported it, with her reason chosen and her note in the box
    assert "Change your report" in page_text(response)
    assert re.search(r'value="off_topic"[^>]*\b(checked|selected)', page)
    assert "Not about floods.</textarea>" in page
    # and saving it changes the one flag
    client.post(flag_url(post), {"reason": "spam", "note": ""})
    flag = PostFlag.objects.get(post=post)
    assert (flag.reason, flag.note) == ("spam", "")
    # another member's form is empty
    other = page_text(roles.session("nr_th").get(flag_url(post)))
    assert "Report a post" in other and "Change your report" not in other


def test_a_secretariat_member_who_chose_the_app_only_gets_no_email(roles, post, mailoutbox):
    NotificationPreference.objects.create(
        user=roles.user("secretariat"), kind="post.flagged", delivery="app"
    )
    post_flag(actor=roles.user("cso_phuket"), post=post, reason="abusive")
    notice = Notification.objects.get(user=roles.user("secretariat"), kind="post.flagged")
    assert notice.emailed_at is None
    assert not [m for m in mailoutbox if "flagged" in m.subject]


def test_nobody_flags_their_own_post_a_hidden_post_or_without_a_reason(roles, post):
    with pytest.raises(PermissionDenied):
        post_flag(actor=roles.user("cso_hanoi"), post=post, reason="spam")
    with pytest.raises(InvalidInput):
        post_flag(actor=roles.user("cso_phuket"), post=post, reason="boring")
    with pytest.raises(InvalidInput):
        post_flag(actor=roles.user("cso_phuket"), post=post, reason="other", note="x" * 1001)
    post_hide(actor=roles.user("secretariat"), post=post, reason="Advertising.")
    with pytest.raises(NotFound):  # members no longer see it
        post_flag(actor=roles.user("cso_phuket"), post=post, reason="spam")
    assert not PostFlag.objects.exists()
    # the pages say so too: the author is refused, a hidden post is not found
    assert roles.session("cso_hanoi").get(flag_url(post)).status_code == 403
    assert roles.session("cso_phuket").get(flag_url(post)).status_code == 404


def test_the_flag_page_is_for_members_who_see_the_post(roles, post):
    assert_matrix(
        roles.session,
        "GET",
        flag_url(post),
        members(200, anonymous=sign_in_redirect(flag_url(post)), cso_hanoi=403),
    )
    # without a reason nothing is written and the form says why
    response = roles.session("cso_phuket").post(flag_url(post), {"reason": ""})
    assert response.status_code == 422 and not PostFlag.objects.exists()


def test_the_api_flags_a_post(roles, post):
    url = f"/api/v1/posts/{post.pk}/flag"
    responses = assert_matrix(
        roles.bearer,
        "POST",
        url,
        members(200, anonymous=401, cso_hanoi=403),
        data={"reason": "personal_data", "note": "Shows a resident's phone number."},
    )
    assert responses["cso_phuket"].json()["reason"] == "personal_data"
    assert PostFlag.objects.filter(post=post, resolved_at__isnull=True).count() == 4
    assert_matrix(roles.bearer, "POST", url, {"nr_th": 422}, data={"reason": "boring"})
    assert_matrix(
        roles.bearer, "POST", "/api/v1/posts/999999/flag", {"nr_th": 404}, data={"reason": "spam"}
    )


# --- the Secretariat's queue ----------------------------------------------------------------


def test_the_queue_shows_flagged_posts_newest_flag_first_with_counts_and_reasons(roles, post):
    other = post_create(
        actor=roles.user("cso_phuket"), thread=post.thread, body="Sirens are cheap here."
    )
    post_flag(actor=roles.user("cso_phuket"), post=post, reason="spam")
    post_flag(actor=roles.user("nr_th"), post=post, reason="spam", note="Again the sirens.")
    post_flag(actor=roles.user("cso_hanoi"), post=other, reason="off_topic")
    text = page_text(roles.session("secretariat").get(QUEUE))
    # the most recently flagged first, each with its thread, text, how many and why
    assert text.index("Sirens are cheap here.") < text.index("Buy our sirens!")
    assert "Flagged by 2 members : Spam or advertising (2)" in text
    assert "Again the sirens." in text and "Flood early warning" in text
    # and the workspace counts them, with a link to the queue
    attention = workspace.secretariat_attention(roles.user("secretariat"))
    assert attention["flagged_posts"] == {"count": 2, "more": False}
    page = roles.session("secretariat").get("/workspace/").content.decode()
    assert f'href="{QUEUE}"' in page and "Flagged posts" in page


def test_only_the_secretariat_reaches_the_queue(roles, post):
    post_flag(actor=roles.user("cso_phuket"), post=post, reason="spam")
    assert_matrix(
        roles.session,
        "GET",
        QUEUE,
        members(403, anonymous=sign_in_redirect(QUEUE), secretariat=200),
    )
    assert_matrix(
        roles.session,
        "POST",
        f"{QUEUE}{post.pk}/",
        {"cso_phuket": 403, "nr_th": 403},
        data={"action": "dismiss"},
    )
    assert PostFlag.objects.get().resolved_at is None


def test_hiding_from_the_queue_tells_the_author_and_closes_the_flags(roles, post):
    post_flag(actor=roles.user("cso_phuket"), post=post, reason="spam")
    client = roles.session("secretariat")
    client.post(f"{QUEUE}{post.pk}/", {"action": "hide", "reason": "Advertising is not allowed."})
    post.refresh_from_db()
    assert post.hidden and post.hidden_reason == "Advertising is not allowed."
    flag = PostFlag.objects.get()
    assert flag.resolution == FlagResolution.HIDDEN and flag.resolved_by == roles.user(
        "secretariat"
    )
    notice = Notification.objects.get(user=roles.user("cso_hanoi"), kind="post_hidden")
    assert "Advertising is not allowed." in notice.body
    assert "Buy our sirens!" not in page_text(client.get(QUEUE))
    # shown again later, it does not come back to the queue: its flags were acted on
    post_hide(actor=roles.user("secretariat"), post=post, hidden=False)
    assert "Buy our sirens!" not in page_text(client.get(QUEUE))


def test_dismissing_keeps_the_flags_with_who_dismissed_them(roles, post):
    post_flag(actor=roles.user("cso_phuket"), post=post, reason="abusive")
    client = roles.session("secretariat")
    mark = AuditMark()
    response = client.post(f"{QUEUE}{post.pk}/", {"action": "dismiss"}, follow=True)
    assert "The flags are dismissed" in page_text(response)
    assert "Buy our sirens!" not in page_text(response)
    post.refresh_from_db()
    assert not post.hidden
    flag = PostFlag.objects.get()
    assert flag.resolution == FlagResolution.DISMISSED
    assert flag.resolved_by == roles.user("secretariat") and flag.resolved_at is not None
    entry = mark.only("cooperation.post.flags_dismissed")
    assert entry.changes == {"open_flags": {"before": 1, "after": 0}}
    # dismissing again says there is nothing to dismiss
    again = client.post(f"{QUEUE}{post.pk}/", {"action": "dismiss"}, follow=True)
    assert "This post has no open flag." in page_text(again)
    # and a member may flag the post anew: a new flag, the dismissed one kept
    post_flag(actor=roles.user("cso_phuket"), post=post, reason="spam")
    assert PostFlag.objects.filter(post=post).count() == 2
    assert "Buy our sirens!" in page_text(client.get(QUEUE))


def test_hiding_a_thread_closes_its_posts_flags_and_empties_the_queue(roles, post):
    # given two members' flags on a post
    post_flag(actor=roles.user("cso_phuket"), post=post, reason="spam")
    post_flag(actor=roles.user("nr_th"), post=post, reason="abusive")
    secretariat = roles.user("secretariat")
    mark = AuditMark()
    # when the Secretariat hides the whole thread
    thread_moderate(actor=secretariat, thread=post.thread, hidden=True)
    # then the flags are closed as acted on, kept as history, and the queue is empty
    flags = PostFlag.objects.filter(post=post)
    assert {f.resolution for f in flags} == {FlagResolution.HIDDEN}
    assert all(f.resolved_by == secretariat and f.resolved_at for f in flags)
    entry = mark.only("cooperation.thread.moderated")
    assert entry.changes["open_flags"] == {"before": 2, "after": 0}
    assert "Buy our sirens!" not in page_text(roles.session("secretariat").get(QUEUE))
    # and showing the thread again does not reopen them
    thread_moderate(actor=secretariat, thread=post.thread, hidden=False)
    assert not PostFlag.objects.filter(resolved_at__isnull=True).exists()


def test_a_post_whose_author_left_is_shown_flagged_and_moderated_as_a_former_members(roles, post):
    # given a flagged post whose author's account is then deleted (the post stays)
    post_flag(actor=roles.user("cso_phuket"), post=post, reason="spam")
    Post.objects.filter(pk=post.pk).update(author=None)
    # then the thread, the flag page and the moderation queue name a former member
    member = roles.session("cso_phuket")
    thread = member.get(post.thread.get_absolute_url())
    assert thread.status_code == 200 and "former member" in page_text(thread)
    assert "former member" in page_text(member.get(flag_url(post)))
    queue = roles.session("secretariat").get("/cooperation/moderation/")
    assert queue.status_code == 200
    assert "post by former member" in page_text(queue)
