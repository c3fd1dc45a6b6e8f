"""List the calls for applications closing soon and, with ``--notify``, tell the cities.

Run daily (cron, or a scheduled task). A call closing within ``--days`` (7) is listed; with
``--notify`` each current Chief Smart City Officer of a city the programme is open to (its
eligible countries; none listed means every member state) gets one notice and e-mail per call
— never twice, so a daily run is safe. Only programmes every member may see (public or
network) are announced.
"""

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ascn.accounts.models import Membership, Notification, Role
from ascn.accounts.notifications import neutral_path, notify
from ascn.core import formats
from ascn.core.visibility import Visibility
from ascn.funding.models import Call

KIND = "call.closing"


def closing_calls(*, days: int = 7, today: dt.date | None = None):
    today = today or timezone.localdate()
    return (
        Call.objects.filter(closes_on__gte=today, closes_on__lte=today + dt.timedelta(days=days))
        .filter(programme__visibility__in=[Visibility.PUBLIC, Visibility.NETWORK])
        .select_related("programme")
        .order_by("closes_on", "id")
    )


@transaction.atomic
def notify_closing(call: Call) -> int:
    programme = call.programme
    url = neutral_path(f"{programme.get_absolute_url()}#call-{call.pk}")
    officers = Membership.objects.active().filter(role=Role.CSO).select_related("user")
    if programme.eligible_countries:
        officers = officers.filter(city__member_state__code__in=programme.eligible_countries)
    told = set(Notification.objects.filter(kind=KIND, url=url).values_list("user_id", flat=True))
    users = {m.user_id: m.user for m in officers if m.user_id not in told}
    return notify(
        users=users.values(),
        kind=KIND,
        # In each officer's language, the date in its style (notify calls these under it).
        title=lambda: (
            _("Closing on %(date)s: %(call)s (%(programme)s)")
            % {
                "date": formats.day(call.closes_on),
                "call": call.title,
                "programme": programme.name,
            }
        ),
        body=lambda: _("Your city may apply with one of its projects before the call closes."),
        url=url,
    )


class Command(BaseCommand):
    help = "List the calls for applications closing within N days; --notify tells the CSCOs."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--notify", action="store_true")

    def handle(self, *args, days: int, notify: bool, **options):
        calls = list(closing_calls(days=days))
        for call in calls:
            line = f"{call.closes_on}  {call.programme.name}: {call.title}"
            if notify:
                line += f"  ({notify_closing(call)} notified)"
            self.stdout.write(line)
        if not calls:
            self.stdout.write(f"No call closes within {days} days.")
