"""``manage.py send_digests``: e-mail each person the digest of their notifications.

Run daily (``deploy/ascn-digests.timer``, or cron; docs/operations.md). Each person who
chose the daily digest for a kind of notification gets one e-mail listing those waiting
since their last digest, in their language; each notification is e-mailed once, so a
second run the same day sends nothing new. ``--enqueue`` hands the work to the task worker.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ascn.accounts.notifications import send_digests
from ascn.accounts.tasks import send_digests as send_digests_task


class Command(BaseCommand):
    help = "E-mail each person the digest of their notifications waiting for it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue it for the task worker (db_worker)."
        )

    def handle(self, *args: Any, enqueue: bool, **options: Any) -> None:
        if enqueue:
            result = send_digests_task.enqueue()
            self.stdout.write(f"Queued for the task worker (task {result.id}).")
            return
        sent = send_digests()
        self.stdout.write(f"Sent {sent} digest e-mail(s).")
