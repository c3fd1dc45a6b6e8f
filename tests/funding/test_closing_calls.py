"""Closing calls (SPEC C5 notifications): the calls closing within a week, told to the cities
they are open to, once."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from ascn.accounts.models import Notification
from ascn.funding.models import Call, Programme
from tests import factories

pytest_plugins = ["tests.roles"]


def run(*args) -> str:
    out = io.StringIO()
    call_command("notify_closing_calls", *args, stdout=out)
    return out.getvalue()


def call(roles, programme: Programme, title: str, closes_in: int) -> Call:
    """A call of ``programme``, opened a month ago, closing in ``closes_in`` days."""
    today = timezone.localdate()
    return factories.call(
        roles.user("secretariat"),
        programme=programme,
        title=title,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=closes_in),
    )


def test_calls_closing_within_a_week_are_told_to_the_eligible_cities_once(
    roles, adb, mailoutbox, django_capture_on_commit_callbacks
):
    # given a programme open to Thailand with calls closing in 3 and 10 days and one closed
    secretariat = roles.user("secretariat")
    thai = factories.programme(
        secretariat, slug="thai-fund", sponsor=adb, eligible_countries=["TH"]
    )
    soon = call(roles, thai, "Round 1", 3)
    call(roles, thai, "Round 2", 10)
    call(roles, thai, "Round 0", -1)
    hidden = factories.programme(
        secretariat, slug="quiet-fund", sponsor=adb, eligible_countries=[], visibility="draft"
    )
    call(roles, hidden, "Quiet round", 2)
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
    # given a programme open to every member state, with a call closing tomorrow
    everywhere = factories.programme(
        roles.user("secretariat"), slug="asean-fund", sponsor=adb, eligible_countries=[]
    )
    call(roles, everywhere, "Open round", 1)
    # when the run only lists, nobody is told; when it notifies, every city's officer is
    assert "Open round" in run()
    assert not Notification.objects.exists()
    run("--notify")
    assert sorted(Notification.objects.values_list("user__email", flat=True)) == [
        "cso-hanoi@roles.test",
        "cso-phuket@roles.test",
    ]
    assert run("--days", "0").strip() == "No call closes within 0 days."
