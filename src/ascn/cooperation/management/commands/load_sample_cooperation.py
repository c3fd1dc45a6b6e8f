"""Load illustrative city partnerships, case studies and discussions. Demo mode only
(ASCN_DEMO=1).

Run after ``load_demo`` and ``load_sample_partners``. Everything is flagged ``sample`` and
named "(sample)"; a case study's provider is a sample organisation, never a real one.
Written through the cooperation services by the demo accounts (audited): the Secretariat
curates the case studies, the cities' officers record their partnerships, and the demo
members open threads and reply to each other. Idempotent: a record that exists (same
title, or same pair of cities) is left alone.
"""

from __future__ import annotations

import datetime as dt

from ascn.accounts.models import User
from ascn.cooperation.models import CaseStudy, CityPartnership, Thread
from ascn.cooperation.services import (
    case_study_create,
    partnership_create,
    post_create,
    thread_create,
)
from ascn.core.seed import DEMO_SECRETARIAT, LoadCommand, demo_secretariat
from ascn.network.models import City, FocusArea
from ascn.partners.models import Organisation

# (who records it, ASCN city, partner city (ASCN), purpose, start)
PARTNERSHIPS = [
    (
        "cso-phuket@example.org",
        "phuket",
        "da-nang",
        "Sample partnership: coastal cities exchanging practice on beach safety, tourist "
        "emergency response and flood early warning.",
        dt.date(2024, 3, 1),
    ),
    (
        "cso-hanoi@example.org",
        "hanoi",
        "bangkok",
        "Sample partnership: capital cities sharing adaptive traffic signal control and "
        "air-quality monitoring data.",
        dt.date(2023, 9, 15),
    ),
    (
        DEMO_SECRETARIAT,
        "makassar",
        "cebu-city",
        "Sample partnership: port cities comparing waste collection routing and clinic "
        "booking services.",
        dt.date(2025, 1, 20),
    ),
]

# (title, focus area, city, sample provider, problem, solution, results)
CASE_STUDIES = [
    (
        "Bins that report when they are full (sample)",
        "quality-environment",
        "makassar",
        "sample-archipelago-smart-mobility",
        "Sample case study. Collection trucks followed fixed routes: some bins overflowed for "
        "days while others were emptied half full.",
        "Fill-level sensors on public bins and GPS on the trucks feed a routing service that "
        "plans each day's rounds around the bins that need emptying.",
        "Illustrative results: fewer overflowing bins reported by residents and shorter "
        "rounds for the same tonnage.",
    ),
    (
        "Warning residents before the streets flood (sample)",
        "safety-security",
        "da-nang",
        "sample-mekong-resilience-investors",
        "Sample case study. Heavy rain flooded low-lying streets several times a year, often "
        "at night, with little warning to residents.",
        "Water-level and rain sensors in the drainage basins feed an early-warning service "
        "that sends SMS alerts to the streets at risk.",
        "Illustrative results: alerts reach residents before the water does; the city uses "
        "the data to plan drainage works.",
    ),
    (
        "Clean air data at the school gate (sample)",
        "health-wellbeing",
        "bangkok",
        "sample-clean-air-cities-foundation",
        "Sample case study. Parents and schools had no local figure for PM2.5 during the "
        "burning season; the city's few stations were far from most schools.",
        "Low-cost sensors at schools and markets publish readings on an open dashboard and "
        "alert schools when outdoor activity should stop.",
        "Illustrative results: schools adjust outdoor activities on bad days; the data "
        "informs the city's clean-air measures.",
    ),
    (
        "One number for tourists in trouble (sample)",
        "civic-social",
        "phuket",
        "sample-asean-safe-tourism-tech",
        "Sample case study. Visitors in an emergency did not know whom to call, and police, "
        "rescue and hospitals each kept their own records.",
        "A shared incident platform links emergency calls, CCTV and beach-safety sensors so "
        "that every service sees the same incident.",
        "Illustrative results: faster dispatch and one record of each incident for the "
        "services involved.",
    ),
]

# (focus area, author, title, opening post, replies as (author, text))
THREADS = [
    (
        "safety-security",
        "cso-phuket@example.org",
        "Which sensors have worked for beach safety? (sample)",
        "Sample discussion. We are choosing sensors for rip-current and crowd detection on "
        "our beaches. What have other coastal cities used, and what failed in salt air?",
        [
            (
                "cso-hanoi@example.org",
                "Not coastal, but our river-level sensors needed sealed housings and a "
                "cleaning round every month; budget for maintenance from the start.",
            ),
            (
                "partner@example.org",
                "Our sample flood-warning investment in Da Nang found solar-powered units "
                "cheaper to run than mains; happy to share the specification.",
            ),
            (
                "cso-phuket@example.org",
                "Thank you both — we will add the maintenance rounds to the cost estimate.",
            ),
        ],
    ),
    (
        "built-infrastructure",
        "cso-hanoi@example.org",
        "Adaptive traffic signals: procure as a PPP or as a works contract? (sample)",
        "Sample discussion. Hanoi is preparing adaptive signals at 120 junctions. Has any "
        "city procured them as a public-private partnership, and how was the risk shared?",
        [
            (
                "nr-th@example.org",
                "Bangkok's pilot used a works contract with a five-year maintenance clause; a "
                "PPP was judged too complex for the size of the project.",
            ),
            (
                "secretariat@example.org",
                "The funding page lists a sample preparation facility that pays for "
                "procurement advice; the call is open now.",
            ),
        ],
    ),
    (
        "quality-environment",
        "nr-th@example.org",
        "Sharing air-quality data across borders during the haze season (sample)",
        "Sample discussion. Haze does not stop at borders. Should the network's cities "
        "publish their PM2.5 readings in one open format?",
        [
            (
                "cso-hanoi@example.org",
                "Yes — a common format would let us compare with Bangkok and Chiang Mai.",
            ),
            (
                "cso-phuket@example.org",
                "Agreed; the indicators pages could show it next to the SDG 11.6.2 values.",
            ),
        ],
    ),
    (
        "industry-innovation",
        "partner@example.org",
        "What makes a project ready for an investor? (sample)",
        "Sample discussion. From a partner's side: a feasibility study, a cost estimate and a "
        "clear procurement route are what we look for first. What holds cities back?",
        [
            (
                "cso-hanoi@example.org",
                "Feasibility studies: we need grant money for them before any loan is possible.",
            ),
            (
                "secretariat@example.org",
                "The readiness checklist on each project page shows what is missing; the "
                "Secretariat can connect cities with technical assistance.",
            ),
        ],
    ),
    (
        "health-wellbeing",
        "cso-phuket@example.org",
        "Booking apps for clinics: how do you reach residents without smartphones? (sample)",
        "Sample discussion. Our clinics want online booking, but many older residents do not "
        "use apps. What has worked alongside the app?",
        [
            (
                "nr-th@example.org",
                "Cebu's sample clinic project sends SMS reminders and keeps a phone line; the "
                "queue is shared, so nobody loses their place.",
            ),
            (
                "cso-hanoi@example.org",
                "Community health volunteers booking on behalf of residents worked for us.",
            ),
        ],
    ),
    (
        "civic-social",
        "cso-hanoi@example.org",
        "Publishing service response times as open data (sample)",
        "Sample discussion. We plan to publish how long the city takes to answer residents' "
        "requests. Which figures did other cities publish first, and how did residents react?",
        [
            (
                "secretariat@example.org",
                "Singapore's sample open data portal started with response times by service "
                "and district; the open data page of this platform shows the format.",
            ),
            (
                "cso-phuket@example.org",
                "Start with the services people ask about most; we learnt that from tourists' "
                "complaints.",
            ),
        ],
    ),
]


class Command(LoadCommand):
    help = (
        "Load illustrative city partnerships, case studies and discussions (requires "
        "ASCN_DEMO=1, load_demo and load_sample_partners)."
    )
    demo_only = True

    def load(self) -> str:
        demo_secretariat()  # the samples are written by the demo's accounts
        partnerships, studies, threads = (
            self._partnerships(),
            self._case_studies(),
            self._threads(),
        )
        return (
            "Sample partnerships, case studies and threads loaded "
            f"({partnerships}, {studies}, {threads} new) — flagged as sample data."
        )

    def _partnerships(self) -> int:
        created = 0
        for email, city_slug, partner_slug, purpose, start in PARTNERSHIPS:
            city = City.objects.get(slug=city_slug)
            partner = City.objects.get(slug=partner_slug)
            if CityPartnership.objects.filter(
                city=city, partner_city=partner, sample=True
            ).exists():
                continue
            partnership_create(
                actor=User.objects.get(email=email),
                city=city,
                partner_city=partner,
                purpose=purpose,
                start_date=start,
                visibility="public",
                sample=True,
            )
            created += 1
        return created

    def _case_studies(self) -> int:
        secretariat = demo_secretariat()
        created = 0
        for title, area, city, provider, problem, solution, results in CASE_STUDIES:
            if CaseStudy.objects.filter(title=title, sample=True).exists():
                continue
            case_study_create(
                actor=secretariat,
                title=title,
                problem=problem,
                solution=solution,
                results=results,
                focus_area=FocusArea.objects.get(code=area),
                city=City.objects.get(slug=city),
                provider=Organisation.objects.filter(slug=provider, sample=True).first(),
                visibility="public",
                sample=True,
            )
            created += 1
        return created

    def _threads(self) -> int:
        created = 0
        for area, author, title, body, replies in THREADS:
            if Thread.objects.filter(title=title, sample=True).exists():
                continue
            thread = thread_create(
                actor=User.objects.get(email=author),
                focus_area=FocusArea.objects.get(code=area),
                title=title,
                body=body,
                sample=True,
            )
            for who, text in replies:
                post_create(actor=User.objects.get(email=who), thread=thread, body=text)
            created += 1
        return created
