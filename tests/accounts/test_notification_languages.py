"""Every e-mail and notification in its recipient's language (issue 18): the language saved
on their account (English when none), not the language of the page the action was taken on.

The expected texts are the catalogue's (``translation.override``), never Thai typed here; each
test first checks that the catalogue does translate them, so that it cannot pass by comparing
English with English.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from ascn.accounts.models import Notification, Role, User
from ascn.accounts.notifications import language_of, notify, unread_count
from ascn.accounts.services import invitation_create, language_choose
from ascn.core import formats, languages
from ascn.deals.models import EngagementStage
from ascn.funding.management.commands.notify_closing_calls import notify_closing
from ascn.network.models import City
from ascn.plans.services import plan_transition
from tests import factories

pytest_plugins = ["tests.roles", "tests.pipeline_fixtures"]

ENGLISH_CSCO = "second-csco@phuket.example"
PASSWORD_FOR_LANGUAGE = "monsoon-river-lanterns-2026"


def in_(language: str, msgid: str, **params) -> str:
    """The catalogue's ``msgid`` in ``language``, its placeholders filled."""
    with translation.override(language):
        text = gettext(msgid)
    return text % params if params else text


def translated(msgid: str, language: str = "th") -> str:
    text = in_(language, msgid)
    assert text != msgid, f"the {language} catalogue does not translate {msgid!r}"
    return text


@pytest.fixture
def phuket_officers(roles) -> tuple[User, User]:
    """Phuket's two Chief Smart City Officers: one reads Thai (chosen with the language menu),
    the other has never chosen a language (English)."""
    thai = language_choose(actor=roles.user("cso_phuket"), language="th")
    english = factories.user(
        ENGLISH_CSCO, role=Role.CSO, scope=City.objects.get(slug="phuket"), full_name="Second"
    )
    return thai, english


def mail_to(mailoutbox, address: str):
    found = [m for m in mailoutbox if address in m.to]
    assert len(found) == 1, [m.to for m in mailoutbox]
    return found[0]


# --- notices and their e-mails -----------------------------------------------------------------


def test_a_deal_moved_on_a_vietnamese_page_tells_each_officer_in_their_own_language(
    deals, phuket_officers, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://ascn.example"
    thai, english = phuket_officers
    engagement = deals.interest()
    Notification.objects.all().delete()
    # when ADB's member, browsing in Vietnamese, moves the deal to discussion
    client = deals.roles.session("partner_adb")
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(
            f"/vi/engagements/{engagement.pk}/advance/",
            {"stage": "discussion", "version": engagement.version},
        )
    assert moved.status_code == 302
    # then each officer's notice is in their language, the stages' names too
    msgid = "“%(project)s” × %(organisation)s: %(from)s → %(to)s"
    translated("Interest"), translated("Discussion")

    def title(language: str) -> str:
        with translation.override(language):
            return gettext(msgid) % {
                "project": "Phuket flood sensors",
                "organisation": "Asian Development Bank",
                "from": str(EngagementStage.INTEREST.label),
                "to": str(EngagementStage.DISCUSSION.label),
            }

    notices = {n.user: n for n in Notification.objects.filter(kind="engagement.stage_changed")}
    assert set(notices) == {thai, english}
    assert notices[thai].title == title("th")
    assert notices[english].title == title("en")
    assert "Interest → Discussion" in notices[english].title
    # the notice links to the deal's page whatever language it was moved in
    assert {n.url for n in notices.values()} == {f"/engagements/{engagement.pk}/"}
    # and so do the e-mails: subject in the reader's language, link to the page in it
    to_thai, to_english = mail_to(mailoutbox, thai.email), mail_to(mailoutbox, ENGLISH_CSCO)
    assert to_thai.subject == title("th")
    assert to_thai.body == f"https://ascn.example/th/engagements/{engagement.pk}/"
    assert to_english.subject == title("en")
    assert to_english.body == f"https://ascn.example/engagements/{engagement.pk}/"


def test_opening_the_deal_in_any_language_reads_its_notice(deals, phuket_officers):
    thai, english = phuket_officers
    # given notices written when ADB's member expressed interest from a Thai page (where the
    # deal's address is /th/engagements/…/)
    with translation.override("th"):
        engagement = deals.interest()
    assert Notification.objects.get(user=english).url == f"/engagements/{engagement.pk}/"
    assert unread_count(thai) == 1 and unread_count(english) == 1
    # when each opens the deal, one in Thai and one in English
    opened = deals.roles.session("cso_phuket").get(f"/th/engagements/{engagement.pk}/")
    assert opened.status_code == 200
    reader = Client()
    reader.force_login(english)
    assert reader.get(f"/engagements/{engagement.pk}/").status_code == 200
    # then both notices are read
    assert unread_count(thai) == 0 and unread_count(english) == 0


def test_a_commitment_is_announced_with_each_readers_figures_and_words(
    deals, phuket_officers, mailoutbox, django_capture_on_commit_callbacks
):
    thai, _english = phuket_officers
    engagement = deals.at_term_sheet()
    client = deals.roles.session("partner_adb")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/vi/engagements/{engagement.pk}/advance/",
            {
                "stage": "committed",
                "version": engagement.version,
                "commitment_amount": "400000",
                "commitment_currency": "THB",
                "commitment_instrument": "equity",
            },
        )
    msgid = "%(organisation)s committed %(amount)s to “%(project)s”"
    translated(msgid)

    def title(language: str) -> str:
        with translation.override(language):
            return gettext(msgid) % {
                "organisation": "Asian Development Bank",
                "amount": formats.money(400000, "THB"),
                "project": "Phuket flood sensors",
            }

    assert mail_to(mailoutbox, thai.email).subject == title("th")
    assert mail_to(mailoutbox, ENGLISH_CSCO).subject == title("en")
    assert (
        title("en") == "Asian Development Bank committed 400,000\u00a0THB to “Phuket flood sensors”"
    )
    notices = Notification.objects.filter(kind="engagement.confirmation_requested")
    assert {n.user.email: n.title for n in notices} == {
        thai.email: title("th"),
        ENGLISH_CSCO: title("en"),
        "nr-th@roles.test": title("en"),  # the representative answers for the city too
    }


def test_a_closing_call_is_dated_in_each_officers_language(
    roles, adb, phuket_officers, mailoutbox, django_capture_on_commit_callbacks
):
    thai, english = phuket_officers
    secretariat = roles.user("secretariat")
    programme = factories.programme(
        secretariat, slug="thai-fund", sponsor=adb, eligible_countries=["TH"]
    )
    closes = timezone.localdate() + dt.timedelta(days=3)
    call = factories.call(
        secretariat,
        programme=programme,
        title="Round 1",
        opens_on=closes - dt.timedelta(days=30),
        closes_on=closes,
    )
    # when the daily run tells the officers (a command: no request, no page language)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_closing(call) == 2
    msgid = "Closing on %(date)s: %(call)s (%(programme)s)"
    body = "Your city may apply with one of its projects before the call closes."
    translated(msgid)

    def title(language: str) -> str:
        with translation.override(language):
            return gettext(msgid) % {
                "date": formats.day(closes),
                "call": "Round 1",
                "programme": programme.name,
            }

    assert title("th") != title("en")
    notices = {n.user: n for n in Notification.objects.filter(kind="call.closing")}
    assert (notices[thai].title, notices[thai].body) == (title("th"), translated(body))
    assert (notices[english].title, notices[english].body) == (title("en"), body)
    assert mail_to(mailoutbox, thai.email).subject == title("th")
    assert mail_to(mailoutbox, ENGLISH_CSCO).subject == title("en")
    # and a second run tells nobody again
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_closing(call) == 0


def test_the_words_are_written_once_per_language_and_plain_strings_still_work(roles):
    thai = language_choose(actor=roles.user("cso_phuket"), language="th")
    also_thai = language_choose(actor=roles.user("nr_th"), language="th")
    english = roles.user("cso_hanoi")
    written: list[str | None] = []

    def title() -> str:
        written.append(translation.get_language())
        return gettext("Notifications")

    notify(users=[thai, also_thai, english], kind="post_shown", title=title, body="Plain words.")
    # once in each of the site's languages, however many people read each
    assert sorted(written, key=str) == sorted(languages.codes())
    by_user = {n.user: n for n in Notification.objects.filter(kind="post_shown")}
    assert by_user[thai].title == by_user[also_thai].title == translated("Notifications")
    assert by_user[english].title == "Notifications"
    assert {n.body for n in by_user.values()} == {"Plain words."}


def test_a_notice_is_read_in_the_pages_language_whichever_it_came_in(roles):
    """A person who reads the site in Thai after reading it in English saw their older
    notices in English beside the newer in Thai: each is shown in the page's language."""
    words = "Your city's action plan is endorsed"
    officer = roles.user("cso_phuket")  # no language saved: the notice comes in English
    notify(users=[officer], kind="post_shown", title=lambda: gettext(words))
    notice = Notification.objects.get(user=officer)
    assert notice.title == words
    session = roles.session("cso_phuket")
    thai_page = session.get("/th/accounts/notifications/").content.decode()
    card = thai_page.split('<ul class="plain stack notifications">', 1)[1].split("</ul>", 1)[0]
    assert translated(words) in card and "action plan" not in card
    # the API answers in the language it is asked in, English by default
    api = session.get("/api/v1/notifications").json()["items"][0]
    assert api["title"] == words
    asked = session.get("/api/v1/notifications", headers={"Accept-Language": "th"})
    assert asked.json()["items"][0]["title"] == translated(words)
    # one message in every language for all its recipients, not a copy in each notice
    notify(users=[officer, roles.user("cso_hanoi")], kind="post_shown", title="Two readers")
    shared = Notification.objects.filter(title="Two readers")
    assert shared.count() == 2 and shared.values("text").distinct().count() == 1
    # a notice from before the texts were kept: as it was written
    Notification.objects.filter(pk=notice.pk).update(text=None)
    assert Notification.objects.get(pk=notice.pk).in_language("th") == (words, "")


# --- the plan e-mails ------------------------------------------------------------------------


@pytest.mark.parametrize("browsing", ["vi", "th"])
def test_a_plan_endorsed_on_a_page_in_another_language_e_mails_each_officer_in_theirs(
    roles, phuket_officers, browsing, mailoutbox, django_capture_on_commit_callbacks
):
    # (Vietnamese: the test guards the English e-mail once the Vietnamese catalogue is in;
    # Thai, translated already, shows it today.)
    thai, _english = phuket_officers
    plan = factories.plan(roles.user("cso_phuket"), title="Phuket Smart City Action Plan")
    plan = plan_transition(actor=thai, plan=plan, action="submit", version=plan.version)
    # when the National Representative, browsing in another language, endorses it
    client = roles.session("nr_th")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/{browsing}/plans/{plan.pk}/", {"action": "endorse", "version": plan.version}
        )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "endorsed"
    # then the English-reading officer gets English, the Thai-reading one Thai: one each
    assert sorted(m.to[0] for m in mailoutbox) == sorted([thai.email, ENGLISH_CSCO])
    to_english = mail_to(mailoutbox, ENGLISH_CSCO)
    assert to_english.subject == "Action plan endorsed: Phuket Smart City Action Plan"
    # the words, then the link to the plan's page in the reader's language
    assert to_english.body == (
        "The Smart City Action Plan “Phuket Smart City Action Plan” of Phuket was endorsed."
        f"\n\nhttp://testserver/plans/{plan.pk}/"
    )
    assert mail_to(mailoutbox, thai.email).body.endswith(f"/th/plans/{plan.pk}/")
    translated("Action plan %(status)s: %(title)s")
    with translation.override("th"):
        endorsed = pgettext("an action plan was …", "endorsed")
        subject = gettext("Action plan %(status)s: %(title)s") % {
            "status": endorsed,
            "title": "Phuket Smart City Action Plan",
        }
    assert mail_to(mailoutbox, thai.email).subject == subject


# --- the invitation and the password reset ---------------------------------------------------


def invitation_mail(roles, mailoutbox, capture, *, page_language: str, email: str):
    with capture(execute=True), translation.override(page_language):
        invitation_create(
            actor=roles.user("nr_th"),
            email=email,
            role=Role.CSO,
            scope=City.objects.get(slug="phuket"),
        )
    return mail_to(mailoutbox, email)


def test_an_invitation_is_written_in_the_inviters_language_and_says_where_the_others_are(
    roles, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://ascn.example"
    offered = "The ASCN Platform is available in your language: %(url)s"
    languages_page = "https://ascn.example/languages/"
    # when a National Representative browsing in Thai invites someone without an account
    message = invitation_mail(
        roles,
        mailoutbox,
        django_capture_on_commit_callbacks,
        page_language="th",
        email="new@phuket.example",
    )
    # then the e-mail is in Thai, its link opens the page in Thai
    assert message.subject == translated("You are invited to the ASCN Platform")
    assert re.search(r"https://ascn\.example/th/accounts/invitations/[^/\s]+/", message.body)
    # and a line says, in Thai and in English, where the platform's languages are
    lines = message.body.splitlines()
    assert in_("th", offered, url=languages_page) in lines
    assert in_("en", offered, url=languages_page) in lines
    # from an English page, it is in English, the line once
    message = invitation_mail(
        roles,
        mailoutbox,
        django_capture_on_commit_callbacks,
        page_language="en",
        email="other@phuket.example",
    )
    assert message.subject == "You are invited to the ASCN Platform"
    assert message.body.splitlines().count(in_("en", offered, url=languages_page)) == 1


def test_an_invitation_to_an_account_follows_the_language_saved_on_it(
    roles, mailoutbox, django_capture_on_commit_callbacks
):
    invitee = factories.user("known@phuket.example")
    language_choose(actor=invitee, language="th")
    message = invitation_mail(
        roles,
        mailoutbox,
        django_capture_on_commit_callbacks,
        page_language="en",
        email="known@phuket.example",
    )
    assert message.subject == translated("You are invited to the ASCN Platform")


def test_a_password_reset_asked_for_on_a_thai_page_is_e_mailed_in_thai(roles, mailoutbox):
    factories.user("reader@phuket.example", password="quiet-harbour-lanterns-2026")
    response = Client().post("/th/accounts/password/reset/", {"email": "reader@phuket.example"})
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.subject == translated("Reset your ASCN Platform password")
    assert "/th/accounts/password/reset/" in message.body
    assert translated("If it was not you, ignore this e-mail: your password stays as it is.") in (
        message.body
    )


# --- the language of the pages someone signs in on --------------------------------------------


def test_signing_in_on_a_page_in_a_language_saves_it_when_none_was_chosen(roles, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # given an officer who has never chosen a language, and one who chose Thai
    fresh = factories.user("fresh@hanoi.example", password=PASSWORD_FOR_LANGUAGE)
    thai = factories.user("thai@hanoi.example", password=PASSWORD_FOR_LANGUAGE)
    language_choose(actor=thai, language="th")
    # when each signs in on the Vietnamese site
    for user in (fresh, thai):
        response = Client().post(
            "/vi/accounts/sign-in/",
            {"username": user.email, "password": PASSWORD_FOR_LANGUAGE},
        )
        assert response.status_code == 302, response.content
    # then the first reads notices in Vietnamese from now on; the second keeps Thai
    fresh.refresh_from_db()
    thai.refresh_from_db()
    assert (fresh.language, thai.language) == ("vi", "th")
    assert (language_of(fresh), language_of(thai)) == ("vi", "th")
    # and someone who signs in on the English site keeps no language (English, the default)
    english = factories.user("english@hanoi.example", password=PASSWORD_FOR_LANGUAGE)
    Client().post(
        "/accounts/sign-in/", {"username": english.email, "password": PASSWORD_FOR_LANGUAGE}
    )
    english.refresh_from_db()
    assert english.language == ""
