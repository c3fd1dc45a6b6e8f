"""Load a handful of illustrative partner organisations. Demo mode only (ASCN_DEMO=1).

They are flagged ``sample`` (shown as "Sample data" on the pages, ``"sample": true`` in the
API), named "(sample)", and carry full profiles so matchmaking has something to show next
to the real partners, whose profiles publish only what their sources say. Created through
``organisation_create`` by the demo Secretariat account, so they are audited. Idempotent: a
sample that exists (same slug) is left alone.
"""

from ascn.accounts.models import Role, User
from ascn.accounts.services import membership_grant
from ascn.core.seed import LoadCommand, demo_secretariat
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_create

# The demo partner account (created by ``load_demo``) is a member of this sample
# organisation, never of a real one.
DEMO_PARTNER = "partner@example.org"
DEMO_PARTNER_ORGANISATION = "sample-mekong-resilience-investors"

SAMPLES = [
    {
        "slug": "sample-mekong-resilience-investors",
        "name": "Mekong Resilience Investors (sample)",
        "kind": "investor",
        "headquarters_country": "SG",
        "countries": ["VN", "TH", "KH", "LA"],
        "focus_areas": ["quality-environment", "safety-security", "built-infrastructure"],
        "instruments": ["loan", "equity"],
        "stages": ["preparation", "implementation"],
        "ticket_min_usd": "1000000",
        "ticket_max_usd": "20000000",
        "capability_statement": (
            "Debt and equity for flood protection, drainage, early-warning sensor networks "
            "and climate-resilient urban infrastructure."
        ),
    },
    {
        "slug": "sample-archipelago-smart-mobility",
        "name": "Archipelago Smart Mobility (sample)",
        "kind": "solution_provider",
        "headquarters_country": "ID",
        "countries": ["ID", "PH", "MY", "VN"],
        "focus_areas": ["built-infrastructure", "industry-innovation"],
        "instruments": ["ppp"],
        "stages": ["preparation", "implementation"],
        "ticket_min_usd": "500000",
        "ticket_max_usd": "10000000",
        "capability_statement": (
            "Adaptive traffic signals, GPS fleet tracking and route optimisation for city "
            "transport and waste collection trucks, delivered as public-private partnerships."
        ),
    },
    {
        "slug": "sample-clean-air-cities-foundation",
        "name": "Clean Air Cities Foundation (sample)",
        "kind": "academia_ngo",
        "headquarters_country": "CH",
        "countries": [],
        "focus_areas": ["health-wellbeing", "quality-environment"],
        "instruments": ["grant", "technical_assistance"],
        "stages": ["identification", "preparation"],
        "ticket_min_usd": "50000",
        "ticket_max_usd": "500000",
        "capability_statement": (
            "Grants and technical assistance for low-cost air-quality sensors, PM2.5 "
            "monitoring at schools and markets, and open environmental dashboards."
        ),
    },
    {
        "slug": "sample-asean-safe-tourism-tech",
        "name": "ASEAN Safe Tourism Tech (sample)",
        "kind": "solution_provider",
        "headquarters_country": "TH",
        "countries": ["TH", "ID", "MY"],
        "focus_areas": ["safety-security", "industry-innovation"],
        "instruments": ["technical_assistance", "grant"],
        "stages": ["implementation", "maintenance"],
        "ticket_min_usd": "100000",
        "ticket_max_usd": "3000000",
        "capability_statement": (
            "CCTV analytics, emergency call integration and beach-safety sensors that help "
            "police, rescue and hospitals respond to incidents involving residents and visitors."
        ),
    },
    {
        "slug": "sample-green-infrastructure-guarantees",
        "name": "Green Infrastructure Guarantees (sample)",
        "kind": "investor",
        "headquarters_country": "JP",
        "countries": [],
        "focus_areas": ["quality-environment", "built-infrastructure"],
        "instruments": ["loan", "guarantee", "ppp"],
        "stages": ["implementation", "completion"],
        "ticket_min_usd": "5000000",
        "ticket_max_usd": "100000000",
        "capability_statement": (
            "Guarantees and long-term loans for waste collection, water and energy-efficient "
            "public infrastructure."
        ),
    },
]


class Command(LoadCommand):
    help = "Load illustrative sample partner organisations (requires ASCN_DEMO=1 and load_demo)."
    demo_only = True

    def load(self) -> str:
        actor = demo_secretariat()
        created = 0
        for item in SAMPLES:
            values = dict(item)
            if Organisation.objects.filter(slug=values["slug"]).exists():
                continue
            organisation_create(actor=actor, sample=True, visibility="public", **values)
            created += 1
        self._grant_demo_partner()
        return f"Sample partner organisations loaded ({created} created)."

    def _grant_demo_partner(self) -> None:
        """The demo partner account (``load_demo``) joins its sample organisation."""
        partner = User.objects.filter(email=DEMO_PARTNER).first()
        organisation = Organisation.objects.get(slug=DEMO_PARTNER_ORGANISATION, sample=True)
        if partner is not None:  # idempotent: an active membership is left as it is
            membership_grant(actor=None, user=partner, role=Role.PARTNER_MEMBER, scope=organisation)
