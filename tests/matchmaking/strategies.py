"""Hypothesis strategies for the matchmaking properties: project and partner profiles over a
few countries, focus areas, stages and instruments, with amounts from none to US$10bn."""

from __future__ import annotations

from hypothesis import strategies as st

from ascn.matchmaking.scoring import partner_profile, project_profile

COUNTRIES = ["VN", "TH", "MY", "ID", "PH"]
FOCUS = [
    "civic-social",
    "health-wellbeing",
    "safety-security",
    "quality-environment",
    "built-infrastructure",
    "industry-innovation",
]
STAGES = ["identification", "preparation", "implementation", "completion"]
INSTRUMENTS = ["grant", "loan", "equity", "ppp", "guarantee", "technical_assistance"]


def subsets(items):
    return st.lists(st.sampled_from(items), unique=True, max_size=len(items))


amounts = st.one_of(st.none(), st.floats(min_value=0, max_value=1e10, allow_nan=False))
words = st.frozensets(st.sampled_from(["flood", "drainage", "solar", "traffic", "clinic"]))


@st.composite
def projects(draw, id=1):
    return project_profile(
        id=id,
        title=draw(st.sampled_from(["Alpha", "Beta", "Gamma"])),
        country=draw(st.sampled_from(COUNTRIES)),
        status=draw(st.sampled_from(STAGES)),
        focus_areas=draw(subsets(FOCUS).filter(bool)),
        financing_sought=draw(subsets(INSTRUMENTS)),
        gap_usd=draw(amounts),
        terms=draw(words),
        sample=draw(st.booleans()),
    )


@st.composite
def partners(draw, id=1):
    low, high = sorted([draw(amounts) or 0.0, draw(amounts) or 0.0])
    return partner_profile(
        type=draw(st.sampled_from(["organisation", "programme"])),
        id=id,
        slug=f"p{id}",
        name=draw(st.sampled_from(["Acme", "Bank", "Fund", "acme"])),
        countries=draw(subsets(COUNTRIES)),
        focus_areas=draw(subsets(FOCUS)),
        instruments=draw(subsets(INSTRUMENTS)),
        stages=draw(subsets(STAGES)),
        ticket_min_usd=draw(st.sampled_from([None, low])),
        ticket_max_usd=draw(st.sampled_from([None, high])),
        terms=draw(words),
        required_focus=draw(st.booleans()),
        balance_left=draw(st.booleans()),
        sample=draw(st.booleans()),
    )
