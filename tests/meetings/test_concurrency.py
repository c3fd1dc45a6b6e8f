"""Capacity under concurrency: many people registering for the last places at once never
exceed the capacity, and a cancellation promotes exactly one person waiting.

Each registration locks the meeting row (``select_for_update``) before counting the seats,
so concurrent registrations are counted one after another. On PostgreSQL this is shown with
real threads, each on its own connection.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from ascn.accounts.models import Role
from ascn.meetings.models import Meeting, Registration
from ascn.meetings.services import meeting_create, registration_cancel, registration_register
from ascn.network.models import City
from tests.races import ON_POSTGRESQL

pytest_plugins = ["tests.roles"]

pytestmark = [pytest.mark.django_db(transaction=True), ON_POSTGRESQL]


def _race(actions) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(actions))

    def run(action):
        try:
            barrier.wait()
            action()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def test_concurrent_registrations_never_exceed_the_capacity(roles):
    # given a meeting with 3 places and 10 Chief Smart City Officers
    start = timezone.localdate() + dt.timedelta(days=30)
    meeting = meeting_create(
        actor=None,
        slug="race-meeting",
        values={
            "title": "Race",
            "kind": "workshop",
            "start_date": start,
            "capacity": 3,
            "registration_open": True,
        },
    )
    city = City.objects.get(slug="phuket")
    users = [
        roles.add(f"csco{n}", email=f"csco{n}@race.test", role=Role.CSO, scope=city).user
        for n in range(10)
    ]
    # when they all register at once
    errors = _race([lambda u=u: registration_register(actor=u, meeting=meeting) for u in users])
    # then exactly 3 are registered and 7 wait
    assert errors == []
    statuses = list(Registration.objects.filter(meeting=meeting).values_list("status", flat=True))
    assert statuses.count("registered") == 3
    assert statuses.count("waitlisted") == 7
    # when the 3 registered cancel at once, 3 people waiting are promoted: still 3 seated
    seated = [r.user for r in Registration.objects.filter(meeting=meeting, status="registered")]
    errors = _race([lambda u=u: registration_cancel(actor=u, meeting=meeting) for u in seated])
    assert errors == []
    assert Registration.objects.filter(meeting=meeting, status="registered").count() == 3
    assert Registration.objects.filter(meeting=meeting, status="waitlisted").count() == 4
    assert Meeting.objects.get(pk=meeting.pk).capacity == 3
