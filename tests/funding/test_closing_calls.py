"""Closing calls (SPEC C5 notifications): the calls closing within a week, told to the cities
they are open to, once."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from ascn.accounts.models import Notification
from ascn.funding.models import Call, Programme

pytest_plugins = ["tests.roles"]


def run(*args) -> str:
    out = io.StringIO()
    call_command("notify_closing_calls", *args, stdout=out)
    return out.getvalue()


def programme(adb, slug, *, countries, visibility="public") -> Programme:
    return Programme.objects.create(
        slug=slug,
        name=slug.replace("-", " ").title(),
        sponsor=adb,
        total_amount="1000000",
        currency="USD",
        eligible_countries=countries,
        visibility=visibility,
    )


def call(prog, title, closes_in: int) -> Call:
    today = timezone.localdate()
    return Call.objects.create(
        programme=prog,
        title=title,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=closes_in),
    )


def test_calls_closing_within_a_week_are_told_to_the_eligible_cities_once(
    roles, adb, mailoutbox, django_capture_on_commit_callbacks
):
    # given a programme open to Thailand with calls closing in 3 and 10 days and one closed
    thai = programme(adb, "thai-fund", countries=["TH"])
    soon = call(thai, "Round 1", 3)
    call(thai, "Round 2", 10)
    call(thai, "Round 0", -1)
    hidden = programme(adb, "quiet-fund", countries=[], visibility="draft")
    call(hidden, "Quiet round", 2)
    # when the daily run lists and notifies
    with django_capture_on_commit_callbacks(execute=True):
        out = run("--notify")
    # then only the call closing this week of the visible programme is listed
    assert "Round 1" in out and "Round 2" not in out and "Round 0" not in out
    assert "Quiet round" not in out
    # and Phuket's officer (Thailand) is told, Hanoi's (Viet Nam) is not
    notices = Notification.objects.filter(kind="call.closing")
    assert [n.user.email for n in notices] == ["cso-phuket@roles.test"]
    assert notices[0].url == f"/programmes/thai-fund/#call-{soon.pk}"
    assert [m.to for m in mailoutbox] == [["cso-phuket@roles.test"]]
    # when it runs again the next day, nobody is told twice
    run("--notify")
    assert Notification.objects.filter(kind="call.closing").count() == 1


def test_a_programme_open_to_all_tells_every_city_and_listing_alone_tells_nobody(roles, adb):
    call(programme(adb, "asean-fund", countries=[]), "Open round", 1)
    assert "Open round" in run()
    assert not Notification.objects.exists()
    run("--notify")
    assert sorted(Notification.objects.values_list("user__email", flat=True)) == [
        "cso-hanoi@roles.test",
        "cso-phuket@roles.test",
    ]
    assert run("--days", "0").strip() == "No call closes within 0 days."
