"""Load an illustrative funding programme with an open call and applications. Demo mode
only (ASCN_DEMO=1).

Run after ``load_demo``, ``load_samples`` and ``load_sample_partners``. The programme is
sponsored by a sample organisation, its call is open from a month ago to six weeks ahead
(relative to the day it is loaded), and the demo CSCOs apply with their cities' sample
projects; the Secretariat shortlists and awards one. Everything is flagged ``sample`` and
written through the services (audited); a sample never touches a real record.
Idempotent: a programme that exists (same slug) is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone

from ascn.accounts.models import User
from ascn.core.seed import LoadCommand, demo_secretariat
from ascn.funding.models import Programme
from ascn.funding.services import (
    application_award,
    application_create,
    application_transition,
    call_create,
    programme_create,
)
from ascn.partners.models import Organisation
from ascn.plans.models import Project

SLUG = "sample-resilient-cities-preparation-facility"
SPONSOR = "sample-mekong-resilience-investors"

# (CSCO, sample project, amount requested in USD, statement, the steps after creation)
APPLICATIONS = [
    (
        "cso-phuket@example.org",
        "Tourist safety and emergency response platform (sample)",
        "50000.00",  # within the project's funding gap (2,000,000 THB, about US$57,000)
        "Sample application: the grant would fund the integration of beach-safety sensors "
        "with the emergency call centre; the city contributes the platform's operations.",
        ["submit", "shortlist", "award"],
    ),
    (
        "cso-hanoi@example.org",
        "Intelligent traffic signal control (sample)",
        "250000.00",
        "Sample application: a feasibility study and procurement advice for adaptive "
        "signals at the first 20 junctions.",
        ["submit"],
    ),
]


class Command(LoadCommand):
    help = "Load an illustrative programme with an open call and applications (ASCN_DEMO=1)."
    demo_only = True

    def load(self) -> str:
        secretariat = demo_secretariat()
        sponsor = Organisation.objects.filter(slug=SPONSOR, sample=True).first()
        if sponsor is None:
            raise CommandError("Run load_demo and load_sample_partners first.")
        if Programme.objects.filter(slug=SLUG).exists():
            return "Sample programme: already loaded."
        today = timezone.localdate()
        programme = programme_create(
            actor=secretariat,
            slug=SLUG,
            sponsor=sponsor,
            name="Resilient Cities Preparation Facility (sample)",
            total_amount="2000000.00",
            currency="USD",
            sample=True,
            max_award_amount="250000.00",
            description=(
                "Sample programme: grants and technical assistance that take resilience, "
                "safety and mobility projects from idea to a bankable proposal."
            ),
            eligible_focus_areas=["safety-security", "quality-environment", "built-infrastructure"],
            eligible_stages=["identification", "preparation", "implementation"],
            instruments=["grant", "technical_assistance"],
            visibility="public",
        )
        call = call_create(
            actor=secretariat,
            programme=programme,
            title="2026–27 call for proposals (sample)",
            description="Sample call: open to ASCN cities' projects in the programme's focus areas.",
            opens_on=today - dt.timedelta(days=30),
            closes_on=today + dt.timedelta(days=45),
            sample=True,
        )
        made = 0
        for email, title, amount, statement, steps in APPLICATIONS:
            project = Project.objects.filter(title=title, sample=True).first()
            applicant = User.objects.filter(email=email).first()
            if project is None or applicant is None:
                self.stderr.write(f"skipped {title}: not loaded")
                continue
            application = application_create(
                actor=applicant,
                call=call,
                project=project,
                amount_requested=amount,
                currency="USD",
                statement=statement,
                sample=True,
            )
            for step in steps:
                if step == "award":
                    application_award(
                        actor=secretariat,
                        application=application,
                        amount=amount,
                        version=application.version,
                    )
                    continue
                actor = applicant if step == "submit" else secretariat
                application = application_transition(
                    actor=actor, application=application, action=step, version=application.version
                )
            made += 1
        return f"Sample programme, open call and {made} applications loaded."
