"""Matchmaking at scale (issue 5): the ranking that scores only as far as a page needs, and
the in-memory index of organisations that follows every write.

The ranking must give exactly the fully scored, fully sorted list, page by page; the index
must never show an organisation as it was before a write.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ascn.core.services import back_office_delete
from ascn.funding.services import programme_upsert_seed
from ascn.matchmaking import index as match_index
from ascn.matchmaking import queries
from ascn.matchmaking import scoring as mm
from ascn.matchmaking.models import MatchIndexStamp
from ascn.partners import keys
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_create, organisation_update, organisation_verify
from ascn.plans import money
from tests.matchmaking.strategies import partners, projects
from tests.roles import ADB_SLUG

pytest_plugins = ["tests.roles", "tests.organisation_fixtures"]

API, ADB = "/api/v1", ADB_SLUG


def _key(m: mm.Match):
    return (m.partner.type, m.partner.id, m.project.id, m.score, m.fit)


# --- the ranking ------------------------------------------------------------------------------


@pytest.mark.db_independent
@settings(max_examples=150, deadline=None)
@given(
    projects(),
    st.lists(partners(), max_size=30),
    st.integers(min_value=0, max_value=32),
    st.integers(min_value=1, max_value=12),
)
def test_a_page_of_the_ranking_is_that_page_of_the_full_list(project, candidates, start, size):
    before = mm.Ranking.FIRST_BATCH
    mm.Ranking.FIRST_BATCH = 1
    try:
        candidates = [c._replace(id=i) for i, c in enumerate(candidates)]
        full = mm.matches_for_project(project, candidates)
        ranking = mm.rank_partners(project, candidates)
        assert len(ranking) == len(full)
        assert [_key(m) for m in ranking[start : start + size]] == [
            _key(m) for m in full[start : start + size]
        ]
        assert [_key(m) for m in ranking] == [_key(m) for m in full]
    finally:
        mm.Ranking.FIRST_BATCH = before


@pytest.mark.db_independent
@settings(max_examples=100, deadline=None)
@given(projects(), st.lists(partners(), max_size=20), st.integers(min_value=1, max_value=8))
def test_partners_without_their_terms_rank_as_with_them(project, candidates, size):
    # the index hands out profiles without terms; they are read for each batch scored
    candidates = [c._replace(id=i) for i, c in enumerate(candidates)]
    terms = {c.id: c.terms_text for c in candidates}
    bare = [c._replace(terms_text=None) for c in candidates]
    read = []

    def with_terms(batch):
        read.extend(p.id for p in batch)
        return [p._replace(terms_text=terms[p.id]) for p in batch]

    full = mm.matches_for_project(project, candidates)
    ranking = mm.rank_partners(project, bare, with_terms)
    assert [_key(m) for m in ranking[:size]] == [_key(m) for m in full[:size]]
    assert len(read) == len(set(read))  # each partner's terms read at most once


@pytest.mark.db_independent
@settings(max_examples=100, deadline=None)
@given(projects(), partners())
def test_the_bound_is_never_below_the_score(project, partner):
    m = mm.match(project, partner)
    bounded = mm._bounded(project, [partner])
    assert (m is None) == (not bounded)
    if m is not None:
        assert bounded[0][0] == mm.upper_bound(project, partner) >= m.score


@pytest.mark.db_independent
@settings(max_examples=100, deadline=None)
@given(partners(), st.lists(projects(), max_size=20), st.integers(min_value=1, max_value=8))
def test_the_projects_of_a_partner_rank_as_the_full_list(partner, candidates, size):
    before = mm.Ranking.FIRST_BATCH
    mm.Ranking.FIRST_BATCH = 1
    try:
        candidates = [c._replace(id=i) for i, c in enumerate(candidates)]
        full = mm.matches_for_partner(partner, candidates)
        ranking = mm.rank_projects(partner, candidates)
        assert len(ranking) == len(full)
        assert [_key(m) for m in ranking[:size]] == [_key(m) for m in full[:size]]
    finally:
        mm.Ranking.FIRST_BATCH = before


@pytest.mark.db_independent
def test_the_ranking_reads_as_a_sequence(small_batches):
    drainage = mm.project_profile(
        id=1,
        title="Drainage",
        country="VN",
        status="preparation",
        focus_areas=["quality-environment"],
        gap_usd=1e6,
        terms=keys.terms("flood drainage sensors"),
    )
    banks = [
        mm.partner_profile(
            id=i,
            slug=f"b{i}",
            name=f"Bank {i}",
            countries=["VN"],
            focus_areas=["quality-environment"],
            terms=keys.terms(text),
        )
        for i, text in enumerate(["flood drainage", "flood", "solar power", ""])
    ]
    ranking = mm.rank_partners(drainage, banks)
    assert len(ranking) == 4 and bool(ranking)
    assert [m.partner.name for m in ranking] == ["Bank 0", "Bank 1", "Bank 2", "Bank 3"]
    assert ranking[0].partner.name == "Bank 0" and ranking[-1].partner.name == "Bank 3"
    assert ranking[10:20] == [] and ranking[3:1] == []
    with pytest.raises(IndexError):
        ranking[4]


# --- the index follows every write -----------------------------------------------------------


def _matches(roles, who: str, project) -> dict[str, dict]:
    body = roles.bearer(who).get(f"{API}/projects/{project.pk}/matches?page_size=200").json()
    return {item["slug"]: item for item in body["items"]}


def test_an_edit_shows_in_the_next_matches(roles, world):
    hanoi = world["hanoi"]
    assert ADB in _matches(roles, "cso_hanoi", hanoi)  # the index is built
    adb = Organisation.objects.get(slug=ADB)
    # when ADB's member says ADB works only in Thailand
    adb = organisation_update(
        actor=roles.user("partner_adb"), organisation=adb, version=adb.version, countries=["TH"]
    )
    # then ADB no longer fits the Hanoi project
    assert ADB not in _matches(roles, "cso_hanoi", hanoi)
    # and when it works in Viet Nam again with another ticket range, the reasons say so
    organisation_update(
        actor=roles.user("partner_adb"),
        organisation=adb,
        version=adb.version,
        countries=["VN"],
        ticket_min_usd="100000",
        ticket_max_usd="2000000",
    )
    reasons = _matches(roles, "cso_hanoi", hanoi)[ADB]["reasons"]
    assert "Funding gap US$5m is above its ticket range US$100k–US$2m" in reasons


def test_a_new_organisation_and_a_visibility_change_show_at_once(roles, world):
    hanoi = world["hanoi"]
    before = _matches(roles, "cso_hanoi", hanoi)
    assert "quiet-capital" not in before  # a draft: out of the CSCO's sight
    org = organisation_create(
        actor=roles.user("secretariat"),
        name="Delta Resilience Partners",
        kind="investor",
        countries=["VN"],
        focus_areas=["quality-environment"],
        visibility="network",
    )
    assert org.slug in _matches(roles, "cso_hanoi", hanoi)
    # the draft investor published to the network appears for the CSCO too
    draft = world["draft_org"]
    organisation_update(
        actor=roles.user("secretariat"),
        organisation=draft,
        version=draft.version,
        visibility="network",
    )
    assert "quiet-capital" in _matches(roles, "cso_hanoi", hanoi)
    # and an organisation the Secretariat deletes is gone
    back_office_delete(actor=roles.user("secretariat"), obj=org)
    assert org.slug not in _matches(roles, "cso_hanoi", hanoi)


def test_a_draft_organisation_matches_only_for_those_who_may_see_it(roles, world):
    # the index keeps every organisation; who sees a draft is the policy's decision
    hanoi, draft = world["hanoi"], world["draft_org"]
    roles.add("partner_quiet", email="quiet@example.org", role="partner_member", scope=draft)
    assert "quiet-capital" in _matches(roles, "partner_quiet", hanoi)  # its own member
    assert "quiet-capital" in _matches(roles, "secretariat", hanoi)
    assert "quiet-capital" not in _matches(roles, "partner_adb", hanoi)  # another partner
    assert ADB in _matches(roles, "partner_quiet", hanoi)  # public partners for everyone


def test_a_write_seen_only_through_the_token_is_seen(roles, world):
    # another process writes (no signal here): its new token is what makes the index rebuild
    hanoi = world["hanoi"]
    assert ADB in _matches(roles, "cso_hanoi", hanoi)
    Organisation.objects.filter(slug=ADB).update(match_keys=" c:TH f:* i:* s:* ")
    match_index.renew()
    assert ADB not in _matches(roles, "cso_hanoi", hanoi)


def test_without_a_token_the_index_is_never_trusted(roles, world):
    hanoi = world["hanoi"]
    assert ADB in _matches(roles, "cso_hanoi", hanoi)
    MatchIndexStamp.objects.all().delete()  # e.g. a flushed table
    Organisation.objects.filter(slug=ADB).update(match_keys=" c:TH f:* i:* s:* ")
    assert ADB not in _matches(roles, "cso_hanoi", hanoi)


def test_the_programmes_sql_prefilter_keeps_every_eligible_programme(roles, world):
    # programmes with every kind of restriction, one with nothing left to award
    variants = {
        "any-country": {"eligible_countries": []},
        "thai-only": {"eligible_countries": ["TH"]},
        "vn-implementation": {"eligible_countries": ["VN"], "eligible_stages": ["implementation"]},
        "vn-preparation": {"eligible_countries": ["VN", "TH"], "eligible_stages": ["preparation"]},
        "vn-spent": {"eligible_countries": ["VN"], "awarded": True},
    }
    for slug, extra in variants.items():
        fund, _ = programme_upsert_seed(
            slug=slug,
            sponsor=world["fund"].sponsor,
            values={
                "name": slug,
                "total_amount": "1000000",
                "currency": "USD",
                "eligible_focus_areas": ["quality-environment"],
                "description": "Grants for flood drainage.",
                "visibility": "public",
                **{k: v for k, v in extra.items() if k != "awarded"},
            },
        )
        if extra.get("awarded"):
            # the ORM: all of it awarded, without the calls and applications that would do it
            type(fund).objects.filter(pk=fund.pk).update(awarded_amount=fund.total_amount)
    secretariat = roles.user("secretariat")
    rates = money.latest_rates()
    for key in ("hanoi", "bangkok", "singapore"):
        project = queries.project_profile(
            queries.project_for_matches(secretariat, world[key].pk), rates
        )
        every = queries._programme_profiles(secretariat, rates)
        narrowed = queries._programme_profiles(secretariat, rates, project)
        assert {p.id for p in narrowed} <= {p.id for p in every}
        assert {p.slug for p in every if mm.eligible(project, p)} == {
            p.slug for p in narrowed if mm.eligible(project, p)
        }
    hanoi = queries.project_profile(
        queries.project_for_matches(secretariat, world["hanoi"].pk), rates
    )
    found = {p.slug for p in queries._programme_profiles(secretariat, rates, hanoi)}
    assert {"any-country", "vn-preparation"} <= found
    assert not {"thai-only", "vn-implementation", "vn-spent"} & found


def test_a_verification_shows_in_the_next_matches(roles, world):
    hanoi = world["hanoi"]
    assert _matches(roles, "cso_hanoi", hanoi)[ADB]["verified"] is False
    adb = Organisation.objects.get(slug=ADB)
    organisation_verify(actor=roles.user("secretariat"), organisation=adb, verified=True)
    assert _matches(roles, "cso_hanoi", hanoi)[ADB]["verified"] is True
