"""Create the demo accounts of SPEC §4. Demo mode only (ASCN_DEMO=1); never in production."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ascn.accounts.models import User
from ascn.accounts.services import user_create

DEMO_ACCOUNTS = [
    ("secretariat@example.org", "Secretariat (demo)", True),
    ("nr-th@example.org", "National Representative, Thailand (demo)", False),
    ("cso-phuket@example.org", "CSCO, Phuket (demo)", False),
    ("cso-hanoi@example.org", "CSCO, Hanoi (demo)", False),
    ("partner-adb@example.org", "Asian Development Bank member (demo)", False),
]


class Command(BaseCommand):
    help = "Create the demo accounts (requires ASCN_DEMO=1). Idempotent."

    def handle(self, *args, **options):
        if not settings.ASCN_DEMO:
            raise CommandError("Demo accounts are created only in demo mode (set ASCN_DEMO=1).")
        password = os.environ.get("ASCN_DEMO_PASSWORD", "ascn-demo")
        created = 0
        with transaction.atomic():
            for email, name, is_secretariat in DEMO_ACCOUNTS:
                if User.objects.filter(email=email).exists():
                    continue
                user = user_create(
                    actor=None,
                    email=email,
                    password=password,
                    full_name=name,
                    is_staff=is_secretariat,
                )
                if is_secretariat:
                    user.is_superuser = True
                    user.save(update_fields=["is_superuser"])
                created += 1
        self.stdout.write(self.style.SUCCESS(f"Demo accounts ready ({created} new)."))
        for email, name, _ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:28} {name}")
        self.stdout.write(self.style.WARNING(f"  password for all of them: {password}"))
