"""Create the demo accounts of SPEC §4 with their roles. Demo mode only (ASCN_DEMO=1).

Never run by a migration; refuses to run outside demo mode, so a production database
never gets these accounts.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from ascn.accounts.models import Role, User
from ascn.accounts.services import membership_grant, user_create
from ascn.network.models import City, MemberState
from ascn.partners.management.commands.load_sample_partners import (
    DEMO_PARTNER,
    DEMO_PARTNER_ORGANISATION,
)
from ascn.partners.models import Organisation

# (e-mail, name, role, scope model, scope lookup)
DEMO_ACCOUNTS = [
    ("secretariat@example.org", "Secretariat (demo)", Role.SECRETARIAT, None, None),
    (
        "nr-th@example.org",
        "National Representative of Thailand (demo)",
        Role.NATIONAL_REPRESENTATIVE,
        MemberState,
        {"code": "TH"},
    ),
    ("cso-phuket@example.org", "CSCO of Phuket (demo)", Role.CSO, City, {"slug": "phuket"}),
    ("cso-hanoi@example.org", "CSCO of Hanoi (demo)", Role.CSO, City, {"slug": "hanoi"}),
    # SPEC §4's partner: a member of the real Asian Development Bank's record (loaded by
    # ``load_partners``), as the CSCO accounts are officers of real cities. In the demo's
    # database only; no sample record ever involves it (sample and real never mix).
    (
        "partner-adb@example.org",
        "Asian Development Bank member (demo)",
        Role.PARTNER_MEMBER,
        Organisation,
        {"slug": "asian-development-bank", "sample": False},
    ),
    # A member of a sample organisation, whose board the sample deals fill: its membership is
    # granted once ``load_sample_partners`` has created the organisation.
    (
        DEMO_PARTNER,
        "Mekong Resilience Investors member (demo)",
        Role.PARTNER_MEMBER,
        Organisation,
        {"slug": DEMO_PARTNER_ORGANISATION, "sample": True},
    ),
]


class Command(BaseCommand):
    help = "Create the demo accounts and their roles (requires ASCN_DEMO=1). Idempotent."

    def handle(self, *args, **options):
        if not settings.ASCN_DEMO:
            raise CommandError("Demo accounts are created only in demo mode (set ASCN_DEMO=1).")
        password = os.environ.get("ASCN_DEMO_PASSWORD", "ascn-demo")
        created = 0
        with transaction.atomic():
            for email, name, role, scope_model, lookup in DEMO_ACCOUNTS:
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = user_create(actor=None, email=email, password=password, full_name=name)
                    created += 1
                scope = scope_model.objects.filter(**lookup).first() if scope_model else None
                if scope_model and scope is None:
                    continue  # a sample organisation not loaded yet (load_sample_partners)
                membership_grant(actor=None, user=user, role=role, scope=scope)
                if role == Role.SECRETARIAT and not TOTPDevice.objects.filter(user=user).exists():
                    # Two-factor is required for the Secretariat; in demo mode the verify page
                    # shows the current code for @example.org accounts.
                    TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts ready ({created} new):"))
        for email, name, *_ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:26} {name}")
        self.stdout.write(self.style.WARNING(f"  password for all of them: {password}"))
        self.stdout.write(
            "  The Secretariat signs in with a two-factor code; in demo mode the code is shown on the page."
        )
