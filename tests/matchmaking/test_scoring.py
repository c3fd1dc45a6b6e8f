"""Matchmaking scores and reasons (SPEC C5): pure functions, checked by hand and by property.

The arithmetic of each expected score is written out next to it, with the weights of
``matchmaking.scoring``: focus 40, ticket 25, stage 15, text 20.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ascn.matchmaking import scoring as mm
from ascn.matchmaking.scoring import partner_profile, project_profile
from ascn.partners import keys
from tests.matchmaking.strategies import FOCUS, partners, projects

LABELS = mm.Labels(
    countries={"VN": "Viet Nam", "TH": "Thailand"},
    focus_areas={
        "quality-environment": "Quality Environment",
        "built-infrastructure": "Built Infrastructure",
    },
    instruments={"loan": "Loan", "grant": "Grant"},
    stages={"preparation": "Preparation"},
)


def drainage(**overrides):
    values = {
        "id": 1,
        "title": "Smart drainage",
        "country": "VN",
        "status": "preparation",
        "focus_areas": ["quality-environment", "built-infrastructure"],
        "financing_sought": ["loan"],
        "gap_usd": 4_200_000.0,
        "terms": keys.terms("Smart drainage: flood sensors and pumps"),
    }
    return project_profile(**(values | overrides))


def bank(**overrides):
    values = {
        "id": 7,
        "slug": "bank",
        "name": "Bank",
        "countries": ["VN", "TH"],
        "focus_areas": ["quality-environment"],
        "instruments": ["loan", "grant"],
        "stages": ["preparation", "implementation"],
        "ticket_min_usd": 1_000_000.0,
        "ticket_max_usd": 10_000_000.0,
        "terms": keys.terms("We finance flood protection and drainage"),
    }
    return partner_profile(**(values | overrides))


# --- text --------------------------------------------------------------------------------


def test_terms_drop_stop_words_short_words_and_fold_plurals():
    assert keys.terms("The smart sensors of a city, and 2 pumps for flooding!") == {
        "sensor",
        "pump",
        "flooding",
    }


def test_jaccard_is_shared_over_union():
    # {a,b,c} ∩ {b,c,d} = 2, union = 4
    assert mm.jaccard(frozenset("abc"), frozenset("bcd")) == 0.5
    assert mm.jaccard(frozenset(), frozenset("a")) == 0.0


# --- hand-computed scores ------------------------------------------------------------------


def test_a_bank_that_fits_on_everything_but_one_focus_area():
    # given the drainage project and a bank in Viet Nam with one of its two focus areas
    project, partner = drainage(), bank()
    # project terms {drainage, flood, sensor, pump}; bank terms {finance, flood, protection,
    # drainage} → shared 2, union 6, Jaccard 1/3 ≥ 0.25 → text fit 1
    # focus 1/2 × 40 = 20; ticket 4.2m in [1m, 10m] → 1 × 25 = 25; stage named → 15; text 20
    m = mm.match(project, partner)
    assert m is not None
    assert m.fit == mm.Fit(focus=0.5, ticket=1.0, stage=1.0, text=1.0)
    assert m.score == 80.0


def test_a_gap_above_the_largest_ticket_scores_the_share_it_could_fund():
    # given a bank whose largest ticket is 2.1m against a gap of 4.2m, no stage named, no text
    partner = bank(ticket_min_usd=None, ticket_max_usd=2_100_000.0, stages=[], terms=frozenset())
    # focus 1/2 × 40 = 20; ticket 2.1/4.2 = 0.5 × 25 = 12.5; stage unrestricted ½ × 15 = 7.5;
    # text 0 → 40.0
    assert mm.match(drainage(), partner).score == 40.0


def test_a_gap_below_the_smallest_ticket_decays_linearly():
    # given a gap of 4.2m and a smallest ticket of 8.4m: 4.2/8.4 = 0.5
    assert mm.ticket_fit(4_200_000.0, 8_400_000.0, None) == 0.5
    # unknown either side: no credit; inside: full
    assert mm.ticket_fit(None, 1.0, 2.0) == 0.0
    assert mm.ticket_fit(5.0, None, None) == 0.0
    assert mm.ticket_fit(5.0, 1.0, None) == 1.0


def test_a_programme_is_capped_by_what_it_can_still_award():
    # given a programme that can award at most 1.05m (a quarter of the gap), any stage,
    # naming one of the project's focus areas, no common words
    programme = partner_profile(
        type="programme",
        id=3,
        slug="fund",
        name="Fund",
        focus_areas=["quality-environment"],
        ticket_max_usd=1_050_000.0,
        required_focus=True,
    )
    # focus 1/2 × 40 = 20; ticket 1.05/4.2 = 0.25 × 25 = 6.25; stage ½ × 15 = 7.5; text 0
    # → 33.75, rounded to 33.8
    assert mm.match(drainage(), programme).score == 33.8


# --- hard filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "partner",
    [
        bank(countries=["TH"]),  # does not work in Viet Nam
        bank(stages=["implementation"]),  # not at the preparation stage
        bank(instruments=["equity"]),  # offers nothing the project seeks
    ],
)
def test_an_ineligible_organisation_is_no_match(partner):
    assert mm.match(drainage(), partner) is None


def test_empty_lists_are_no_restriction():
    open_bank = bank(countries=[], stages=[], instruments=[])
    assert mm.match(drainage(), open_bank) is not None
    assert mm.match(drainage(financing_sought=[]), bank(instruments=["equity"])) is not None


def test_a_programme_needs_a_common_focus_area_and_a_balance():
    common = {"type": "programme", "id": 3, "slug": "fund", "name": "Fund", "required_focus": True}
    assert mm.match(drainage(), partner_profile(focus_areas=["health-wellbeing"], **common)) is None
    assert mm.match(drainage(), partner_profile(balance_left=False, **common)) is None
    assert mm.match(drainage(), partner_profile(**common)) is not None  # names none: open


# --- reasons ------------------------------------------------------------------------------


def test_reasons_say_why_in_plain_words():
    m = mm.match(drainage(), bank())
    assert mm.reasons(m, LABELS) == [
        "Works in Viet Nam",
        "Shares 1 focus area: Quality Environment",
        "Funding gap US$4.2m is within its ticket range US$1m–US$10m",
        "Engages at the Preparation stage",
        "Offers Loan, which the project seeks",
        "Capability statement shares 2 terms with the project: drainage, flood",
    ]


def test_reasons_say_when_nothing_is_published():
    partner = bank(
        countries=[], focus_areas=[], stages=[], ticket_min_usd=None, ticket_max_usd=None
    )
    reasons = mm.reasons(mm.match(drainage(), partner), LABELS)
    assert "Works in any ASEAN country (no restriction published)" in reasons
    assert "Focus areas not published" in reasons
    assert "Ticket size not published" in reasons
    assert "No stage restriction published" in reasons


def test_us_dollar_amounts_read_as_people_say_them():
    assert [mm.usd(950_000), mm.usd(4_200_000), mm.usd(1_500_000_000), mm.usd(12)] == [
        "US$950k",
        "US$4.2m",
        "US$1.5bn",
        "US$12",
    ]


# --- the stored keys ----------------------------------------------------------------------


def test_match_keys_mark_empty_lists_as_unrestricted():
    stored = keys.match_keys(countries=["VN"], focus_areas=[], instruments=["loan"], stages=[])
    assert stored == " c:VN f:* i:loan s:* "
    assert keys.codes_of(stored, "c") == {"VN"}
    assert keys.codes_of(stored, "s") == frozenset()


# --- properties -----------------------------------------------------------------------------


def _eligible_by_definition(project, partner) -> bool:
    """The hard filters restated from the specification, independently of the code."""
    return (
        (not partner.countries or project.country in partner.countries)
        and (not partner.stages or project.status in partner.stages)
        and (
            not partner.instruments
            or not project.financing_sought
            or bool(partner.instruments & project.financing_sought)
        )
        and (
            not partner.required_focus
            or not partner.focus_areas
            or bool(partner.focus_areas & project.focus_areas)
        )
        and partner.balance_left
    )


@settings(max_examples=150, deadline=None)
@given(projects(), st.lists(partners(), max_size=12))
def test_an_ineligible_pair_never_appears(project, candidates):
    candidates = [c._replace(id=i) for i, c in enumerate(candidates)]
    found = {m.partner.id for m in mm.matches_for_project(project, candidates)}
    assert found == {c.id for c in candidates if _eligible_by_definition(project, c)}


@settings(max_examples=150, deadline=None)
@given(projects(), partners())
def test_the_score_is_within_bounds(project, partner):
    m = mm.match(project, partner)
    if m is not None:
        assert 0 <= m.score <= 100
        assert all(0 <= part <= 1 for part in m.fit)


@settings(max_examples=150, deadline=None)
@given(projects(), partners(), st.sampled_from(FOCUS))
def test_adding_a_shared_focus_area_never_lowers_a_score(project, partner, area):
    before = mm.match(project, partner)
    # the area becomes shared: added to both sides
    project_after = project_profile(
        id=project.id,
        title=project.title,
        country=project.country,
        status=project.status,
        focus_areas=project.focus_areas | {area},
        financing_sought=project.financing_sought,
        gap_usd=project.gap_usd,
        terms=project.terms,
    )
    partner_after = partner._replace(
        keys=keys.match_keys(
            countries=partner.countries,
            focus_areas=partner.focus_areas | {area},
            instruments=partner.instruments,
            stages=partner.stages,
        )
    )
    after = mm.match(project_after, partner_after)
    if before is not None:
        assert after is not None
        assert after.score >= before.score
    # and adding it to the partner alone never lowers it either
    alone = mm.match(project_after, partner)
    if alone is not None and after is not None:
        assert after.score >= alone.score


@settings(max_examples=100, deadline=None)
@given(projects(), st.lists(partners(), max_size=10), st.randoms(use_true_random=False))
def test_the_order_is_deterministic(project, candidates, random):
    candidates = [c._replace(id=i) for i, c in enumerate(candidates)]
    shuffled = list(candidates)
    random.shuffle(shuffled)
    first = mm.matches_for_project(project, candidates)
    second = mm.matches_for_project(project, shuffled)
    assert [(m.partner.type, m.partner.id) for m in first] == [
        (m.partner.type, m.partner.id) for m in second
    ]
    scores = [m.score for m in first]
    assert scores == sorted(scores, reverse=True)


@settings(max_examples=100, deadline=None)
@given(partners(), st.lists(projects(), max_size=10))
def test_the_projects_of_a_partner_come_best_first_and_only_eligible(partner, candidates):
    candidates = [c._replace(id=i) for i, c in enumerate(candidates)]
    found = mm.matches_for_partner(partner, candidates)
    assert {m.project.id for m in found} == {
        c.id for c in candidates if _eligible_by_definition(c, partner)
    }
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


@settings(max_examples=100, deadline=None)
@given(projects(), partners())
def test_the_text_fit_is_the_jaccard_index_of_the_term_sets(project, partner):
    # fit counts shared terms from the stored words; it must equal the set arithmetic
    expected = min(mm.jaccard(project.terms, partner.terms) / mm.TEXT_FULL_AT, 1.0)
    assert mm.fit(project, partner).text == pytest.approx(expected)
