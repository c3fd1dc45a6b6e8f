"""Matchmaking scores and reasons (SPEC C5): pure functions, checked by hand and by property.

The arithmetic of each expected score is written out next to it, with the weights of
``matchmaking.scoring``: focus 35, ticket 20, instrument 15, stage 10, country 5, text 15.
A match rests on a published fact (issue 17): what a partner leaves unpublished earns
nothing and is no reason.
"""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from ascn.matchmaking import reasons as why
from ascn.matchmaking import scoring as mm
from ascn.matchmaking.scoring import partner_profile, project_profile
from ascn.partners import keys
from tests.matchmaking.strategies import FOCUS, partners, projects

LABELS = why.Labels(
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


@pytest.mark.db_independent
def test_terms_drop_stop_words_short_words_and_fold_plurals():
    assert keys.terms("The smart sensors of a city, and 2 pumps for flooding!") == {
        "sensor",
        "pump",
        "flooding",
    }


@pytest.mark.db_independent
def test_words_of_any_development_text_are_no_shared_specific_term():
    # the words the ADB's matches gave as "specific terms shared" (issue 17, walk of 7 Dec)
    said = "Technical assistance to implement the action plan, whose strategy we implement"
    assert keys.terms(said) == set()
    assert keys.terms("Flood sensors: technical design of the drainage") == {
        "flood",
        "sensor",
        "design",
        "drainage",
    }


@pytest.mark.db_independent
def test_jaccard_is_shared_over_union():
    # {a,b,c} ∩ {b,c,d} = 2, union = 4
    assert mm.jaccard(frozenset("abc"), frozenset("bcd")) == 0.5
    assert mm.jaccard(frozenset(), frozenset("a")) == 0.0


# --- hand-computed scores ------------------------------------------------------------------


@pytest.mark.db_independent
def test_a_bank_that_fits_on_everything_but_one_focus_area():
    # given the drainage project and a bank in Viet Nam with one of its two focus areas
    project, partner = drainage(), bank()
    # project terms {drainage, flood, sensor, pump}; bank terms {flood, protection, drainage}
    # ("finance" is vocabulary every text shares) → shared 2, union 5, Jaccard 0.4 ≥ 0.25 →
    # text fit 1. Focus 1/2 × 35 = 17.5; ticket 4.2m in [1m, 10m] → 20; loan offered → 15;
    # stage named → 10; country named → 5; text 15 → 82.5
    m = mm.match(project, partner)
    assert m is not None
    assert m.fit == mm.Fit(focus=0.5, ticket=1.0, instrument=1.0, stage=1.0, country=1.0, text=1.0)
    assert m.score == 82.5


@pytest.mark.db_independent
def test_a_gap_above_the_largest_ticket_scores_the_share_it_could_fund():
    # given a bank whose largest ticket is 2.1m against a gap of 4.2m, no stage named, no text
    partner = bank(ticket_min_usd=None, ticket_max_usd=2_100_000.0, stages=[], terms=frozenset())
    # focus 1/2 × 35 = 17.5; ticket 2.1/4.2 = 0.5 × 20 = 10; loan 15; no stage named 0;
    # Viet Nam named 5; text 0 → 47.5
    assert mm.match(drainage(), partner).score == 47.5


@pytest.mark.db_independent
def test_a_gap_below_the_smallest_ticket_decays_linearly():
    # given a gap of 4.2m and a smallest ticket of 8.4m: 4.2/8.4 = 0.5
    assert mm.ticket_fit(4_200_000.0, 8_400_000.0, None) == 0.5
    # unknown either side: no credit; inside: full
    assert mm.ticket_fit(None, 1.0, 2.0) == 0.0
    assert mm.ticket_fit(5.0, None, None) == 0.0
    assert mm.ticket_fit(5.0, 1.0, None) == 1.0


@pytest.mark.db_independent
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
    # focus 1/2 × 35 = 17.5; ticket 1.05/4.2 = 0.25 × 20 = 5; nothing else named → 22.5
    assert mm.match(drainage(), programme).score == 22.5


# --- hard filters -------------------------------------------------------------------------


@pytest.mark.db_independent
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


@pytest.mark.db_independent
def test_empty_lists_are_no_restriction():
    open_bank = bank(countries=[], stages=[], instruments=[])
    assert mm.match(drainage(), open_bank) is not None
    assert mm.match(drainage(financing_sought=[]), bank(instruments=["equity"])) is not None


@pytest.mark.db_independent
def test_a_programme_needs_a_common_focus_area_and_a_balance():
    common = {"type": "programme", "id": 3, "slug": "fund", "name": "Fund", "required_focus": True}
    assert mm.match(drainage(), partner_profile(focus_areas=["health-wellbeing"], **common)) is None
    assert mm.match(drainage(), partner_profile(balance_left=False, **common)) is None
    # naming no focus area is open, but a match still needs a fact: here, the award limit
    assert mm.match(drainage(), partner_profile(**common)) is None
    assert mm.match(drainage(), partner_profile(ticket_max_usd=5e6, **common)) is not None


@pytest.mark.db_independent
def test_real_and_sample_records_never_match():
    assert mm.match(drainage(sample=True), bank()) is None
    assert mm.match(drainage(), bank()._replace(sample=True)) is None
    assert mm.match(drainage(sample=True), bank()._replace(sample=True)) is not None


# --- a match rests on a published fact ----------------------------------------------------


@pytest.mark.db_independent
def test_a_well_fitting_pair_scores_far_above_a_neutral_one():
    # given a bank that fits on every published fact, and one that only names Viet Nam
    # (another focus area, no instruments, stages or ticket published, other words)
    well = mm.match(drainage(), bank())
    neutral = mm.match(
        drainage(),
        bank(
            focus_areas=["health-wellbeing"],
            instruments=[],
            stages=[],
            ticket_min_usd=None,
            ticket_max_usd=None,
            terms=keys.terms("Clinics and hospital booking"),
        ),
    )
    # then both match, far apart: 82.5 against the country's 5
    assert well is not None and neutral is not None
    assert well.score >= 80 and neutral.score <= 10
    assert well.score - neutral.score >= 70


@pytest.mark.db_independent
def test_removing_the_one_shared_fact_removes_the_match():
    # given a partner that shares only a focus area with the project (its ticket range is
    # far above the gap, it names no country, stage or instrument)
    lone = {"countries": [], "stages": [], "instruments": [], "ticket_min_usd": 50e6}
    partner = bank(ticket_max_usd=500e6, **lone)
    m = mm.match(drainage(), partner)
    assert m is not None
    assert why.reasons(m, LABELS)[0] == "Shares 1 focus area: Quality Environment"
    # when the focus area is not shared any more, nothing is left to match on
    assert mm.match(drainage(), bank(focus_areas=["health-wellbeing"], **lone)) is None


@pytest.mark.db_independent
def test_words_alone_never_make_a_match():
    # given a partner whose statement repeats the project's own words, sharing no fact
    partner = bank(
        countries=[],
        focus_areas=["health-wellbeing"],
        instruments=[],
        stages=[],
        ticket_min_usd=50e6,
        ticket_max_usd=None,
        terms=keys.terms("Smart drainage: flood sensors and pumps"),
    )
    assert mm.match(drainage(), partner) is None


@pytest.mark.db_independent
def test_common_words_carry_no_weight():
    # the vocabulary every text shares is dropped before any comparison
    assert keys.terms("A USD 5 million project over 3 years to support residents") == set()
    project = drainage(terms=keys.terms("US$ 12 million over five years: flood sensors"))
    partner = bank(terms=keys.terms("Investments of USD 1-50 million a year, five years"))
    m = mm.match(project, partner)
    assert m is not None and m.fit.text < 1
    assert not any("mention" in reason for reason in why.reasons(m, LABELS))


@pytest.mark.db_independent
def test_an_organisation_publishing_too_little_is_never_matched():
    # only countries: it would "fit" every project in them on nothing
    assert mm.match(drainage(), bank(focus_areas=[])) is None
    thin = bank(countries=[], instruments=[], stages=[], ticket_min_usd=None, ticket_max_usd=None)
    assert mm.match(drainage(), thin) is None
    assert keys.missing_for_matching(
        countries=[], focus_areas=[], instruments=[], stages=[], ticket_min=None, ticket_max=None
    ) == ["focus_areas", "one_more"]
    assert (
        keys.missing_for_matching(
            countries=["VN"],
            focus_areas=["civic-social"],
            instruments=[],
            stages=[],
            ticket_min=None,
            ticket_max=None,
        )
        == []
    )


# --- reasons ------------------------------------------------------------------------------


@pytest.mark.db_independent
def test_reasons_say_why_in_plain_words():
    m = mm.match(drainage(), bank())
    assert why.reasons(m, LABELS) == [
        "Shares 1 focus area: Quality Environment",
        "Funding gap US$4.2m is within its ticket range US$1m–US$10m",
        "Offers Loan, which the project seeks",
        "Engages at the Preparation stage",
        "Works in Viet Nam",
        "Its profile and the project both mention 2 specific terms: drainage, flood",
    ]


@pytest.mark.db_independent
def test_a_reasons_money_is_said_in_the_pages_language():
    # the walk of 8 Dec: "US$37.8m" on a Vietnamese page reads as 378 million
    m = mm.match(drainage(gap_usd=37_800_000.0), bank(ticket_max_usd=20_000_000.0))
    with translation.override("vi"):
        said = why.reasons(m, LABELS)[1]
    assert "37,8 triệu USD" in said and "20 triệu USD" in said and "US$" not in said, said
    with translation.override("id"):
        assert "US$37,8 juta" in why.reasons(m, LABELS)[1]


@pytest.mark.db_independent
def test_the_demos_own_words_are_no_shared_term():
    # the walk of 8 Dec: "2 specific terms: safety, sample" between two sample records
    project = drainage(terms=keys.terms("Sample project: CCTV safety sensors (illustrative)"))
    partner = bank(terms=keys.terms("Sample partner for the demo: safety cameras"))
    said = why.reasons(mm.match(project, partner), LABELS)[-1]
    assert said.endswith("1 specific term: safety"), said


@pytest.mark.db_independent
def test_shared_terms_are_said_in_the_order_of_the_projects_title():
    # a place's name is two words: the reason says them as the title does, not "reap, siem"
    text = "Siem Reap river water sensors"
    project = drainage(title="Siem Reap river sensors", terms=keys.terms(text))
    partner = bank(terms=keys.terms("Water and river sensors for Reap and Siem provinces"))
    said = why.reasons(mm.match(project, partner), LABELS)[-1]
    assert said.endswith("5 specific terms: siem, reap, river, sensor, water"), said


@pytest.mark.db_independent
def test_reasons_name_only_published_facts():
    # given a partner that publishes no countries, stages or ticket size
    partner = bank(countries=[], stages=[], ticket_min_usd=None, ticket_max_usd=None)
    reasons = why.reasons(mm.match(drainage(), partner), LABELS)
    # then the reasons are the facts it published, and nothing about what it did not
    assert reasons[:2] == [
        "Shares 1 focus area: Quality Environment",
        "Offers Loan, which the project seeks",
    ]
    assert not any("published" in reason for reason in reasons)


@pytest.mark.db_independent
def test_us_dollar_amounts_read_as_people_say_them():
    assert [why.usd(950_000), why.usd(4_200_000), why.usd(1_500_000_000), why.usd(12)] == [
        "US$950k",
        "US$4.2m",
        "US$1.5bn",
        "US$12",
    ]


# --- the stored keys ----------------------------------------------------------------------


@pytest.mark.db_independent
def test_match_keys_mark_empty_lists_as_unrestricted():
    stored = keys.match_keys(countries=["VN"], focus_areas=[], instruments=["loan"], stages=[])
    assert stored == " c:VN f:* i:loan s:* "
    assert keys.codes_of(stored, "c") == {"VN"}
    assert keys.codes_of(stored, "s") == frozenset()


# --- properties -----------------------------------------------------------------------------


def _ticket_within(gap, low, high) -> bool:
    return (
        gap is not None
        and gap > 0
        and (low is not None or high is not None)
        and (low is None or gap >= low)
        and (high is None or gap <= high)
    )


def _eligible_by_definition(project, partner) -> bool:
    """The hard filters and the published fact a match rests on, restated from the
    specification (SPEC C5, issue 17), independently of the code."""
    publishes_enough = partner.type != "organisation" or (
        bool(partner.focus_areas)
        and bool(
            partner.countries
            or partner.instruments
            or partner.stages
            or partner.ticket_min_usd is not None
            or partner.ticket_max_usd is not None
        )
    )
    shares_a_fact = (
        bool(project.focus_areas & partner.focus_areas)
        or project.country in partner.countries
        or project.status in partner.stages
        or bool(partner.instruments & project.financing_sought)
        or _ticket_within(project.gap_usd, partner.ticket_min_usd, partner.ticket_max_usd)
    )
    return (
        project.sample == partner.sample
        and publishes_enough
        and shares_a_fact
        and (not partner.countries or project.country in partner.countries)
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


@pytest.mark.db_independent
@settings(max_examples=150, deadline=None)
@given(projects(), st.lists(partners(), max_size=12))
def test_an_ineligible_pair_never_appears(project, candidates):
    candidates = [c._replace(id=i) for i, c in enumerate(candidates)]
    found = {m.partner.id for m in mm.matches_for_project(project, candidates)}
    assert found == {c.id for c in candidates if _eligible_by_definition(project, c)}


@pytest.mark.db_independent
@settings(max_examples=150, deadline=None)
@given(projects(), partners())
def test_the_score_is_within_bounds(project, partner):
    m = mm.match(project, partner)
    if m is not None:
        assert 0 <= m.score <= 100
        assert all(0 <= part <= 1 for part in m.fit)


@pytest.mark.db_independent
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
        sample=project.sample,
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


@pytest.mark.db_independent
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


@pytest.mark.db_independent
@settings(max_examples=100, deadline=None)
@given(partners(), st.lists(projects(), max_size=10))
def test_the_projects_of_a_partner_come_best_first_and_only_eligible(partner, candidates):
    candidates = [c._replace(id=i) for i, c in enumerate(candidates)]
    found = mm.matches_for_partner(partner, candidates)
    assert {m.project.id for m in found} == {
        c.id for c in candidates if _eligible_by_definition(c, partner)
    }
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


@pytest.mark.db_independent
@settings(max_examples=100, deadline=None)
@given(projects(), partners())
def test_the_text_fit_is_the_jaccard_index_of_the_term_sets(project, partner):
    # fit counts shared terms from the stored words; it must equal the set arithmetic
    expected = min(mm.jaccard(project.terms, partner.terms) / mm.TEXT_FULL_AT, 1.0)
    assert mm.fit(project, partner).text == pytest.approx(expected)
