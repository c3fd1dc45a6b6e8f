"""Load a few illustrative deals on the sample projects. Demo mode only (ASCN_DEMO=1).

Run after ``load_partners``, ``load_demo``, ``load_samples`` and ``load_sample_partners``. Every deal is flagged
``sample``, created and moved through the pipeline services (audited, notified) by the demo
accounts. A commitment is confirmed for the city (``engagement_confirm``) by a Chief Smart
City Officer of the project's city when the demo has one, else by the system: the sample
commitments count in their projects' funding secured as a confirmed one would. Idempotent:
a pair already in the pipeline is left alone.
"""

from ascn.accounts.models import User
from ascn.accounts.notifications import members_of
from ascn.core.seed import LoadCommand, demo_secretariat
from ascn.deals.models import Engagement, EngagementSide
from ascn.deals.services import engagement_advance, engagement_confirm, engagement_create
from ascn.partners.management.commands.load_sample_partners import (
    DEMO_PARTNER,
    DEMO_PARTNER_ORGANISATION,
)
from ascn.partners.models import Organisation
from ascn.plans.models import Project

# Sample organisation, sample project, who expressed interest, the stages it then went
# through, the commitment (amount in the project's budget currency, instrument) when it
# reaches "committed". Only sample organisations and sample projects: a sample deal never
# touches a real record (``engagement_create`` refuses the mix). Together they show a deal
# at every stage of the pipeline.
DEALS = [
    (
        DEMO_PARTNER_ORGANISATION,
        "Flood early-warning sensor network (sample)",
        EngagementSide.PARTNER,
        ["discussion", "due_diligence", "term_sheet", "committed"],
        ("600000.00", "loan"),
    ),
    (
        "sample-asean-safe-tourism-tech",
        "Tourist safety and emergency response platform (sample)",
        EngagementSide.CITY,
        ["discussion", "due_diligence", "term_sheet", "committed", "closed"],
        ("1000000.00", "technical_assistance"),
    ),
    (
        "sample-archipelago-smart-mobility",
        "Integrated waste collection routing (sample)",
        EngagementSide.PARTNER,
        ["discussion", "due_diligence"],
        None,
    ),
    (
        "sample-clean-air-cities-foundation",
        "Neighbourhood air-quality monitoring (sample)",
        EngagementSide.PARTNER,
        [],
        None,
    ),
    (
        DEMO_PARTNER_ORGANISATION,
        "Intelligent traffic signal control (sample)",
        EngagementSide.CITY,
        ["discussion"],
        None,
    ),
    (
        "sample-green-infrastructure-guarantees",
        "Integrated waste collection routing (sample)",
        EngagementSide.PARTNER,
        ["discussion", "declined"],
        None,
    ),
    (
        "sample-green-infrastructure-guarantees",
        "Tidal flood pumping station telemetry (sample)",
        EngagementSide.PARTNER,
        ["discussion", "due_diligence", "term_sheet"],
        None,
    ),
    # The demo partner account's own pipeline has a deal at every stage too.
    (
        DEMO_PARTNER_ORGANISATION,
        "Riverfront flood sensors and alerts (sample)",
        EngagementSide.PARTNER,
        [],
        None,
    ),
    (
        DEMO_PARTNER_ORGANISATION,
        "Electric tuk-tuk charging points (sample)",
        EngagementSide.PARTNER,
        ["discussion", "due_diligence"],
        None,
    ),
    (
        DEMO_PARTNER_ORGANISATION,
        "Tidal flood pumping station telemetry (sample)",
        EngagementSide.PARTNER,
        ["discussion", "due_diligence", "term_sheet"],
        None,
    ),
    (
        DEMO_PARTNER_ORGANISATION,
        "Smart parking guidance in the Old Quarter (sample)",
        EngagementSide.CITY,
        ["discussion", "due_diligence", "term_sheet", "committed", "closed"],
        ("10000000000.00", "equity"),
    ),
    (
        DEMO_PARTNER_ORGANISATION,
        "Industrial estate wastewater monitoring (sample)",
        EngagementSide.CITY,
        ["discussion", "declined"],
        None,
    ),
]


class Command(LoadCommand):
    help = "Load illustrative sample deals (requires ASCN_DEMO=1, the demo accounts and samples)."
    demo_only = True

    def load(self) -> str:
        secretariat = demo_secretariat()
        partner = User.objects.filter(email=DEMO_PARTNER).first()
        created = 0
        for slug, title, side, stages, commitment in DEALS:
            organisation = Organisation.objects.filter(slug=slug, sample=True).first()
            project = Project.objects.filter(title=title, sample=True).first()
            if organisation is None or project is None:
                self.stderr.write(f"skipped {slug} × {title}: not loaded")
                continue
            if Engagement.objects.filter(project=project, organisation=organisation).exists():
                continue
            by_partner = side == EngagementSide.PARTNER and slug == DEMO_PARTNER_ORGANISATION
            engagement = engagement_create(
                actor=partner if by_partner and partner else None,
                project=project,
                organisation=organisation,
                side=side,
                message="Sample deal: illustrative, not a real negotiation.",
                sample=True,
            )
            for stage in stages:
                extra = {}
                if stage == "committed" and commitment:
                    extra = {
                        "commitment_amount": commitment[0],
                        "commitment_currency": project.budget_currency,
                        "commitment_instrument": commitment[1],
                    }
                engagement = engagement_advance(
                    actor=secretariat,
                    engagement=engagement,
                    stage=stage,
                    version=engagement.version,
                    **extra,
                )
                if engagement.awaiting_confirmation:
                    officers = members_of(city_id=project.city_id)
                    engagement = engagement_confirm(
                        actor=officers[0] if officers else None,
                        engagement=engagement,
                        version=engagement.version,
                        confirm=True,
                    )
            created += 1
        return f"Sample deals: {created} created."
