"""An organisation's matches (issue 21): every candidate read and scored from the projects'
narrow matchmaking rows (``ProjectTerms``), full matches built only for the page. A page
must be that page of the full list as the slow way builds it (every visible project's
profile from its own fields and texts), and the rows must follow every write.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ascn.core.permissions import scopes_of
from ascn.core.services import back_office_delete, back_office_save
from ascn.matchmaking import index as match_index
from ascn.matchmaking import project_index, queries
from ascn.matchmaking import reasons as why
from ascn.matchmaking import scoring as mm
from ascn.matchmaking import terms as match_terms
from ascn.matchmaking.models import ProjectTerms
from ascn.network.models import City, FocusArea, MemberState
from ascn.partners import keys
from ascn.partners.services import organisation_update
from ascn.plans import money
from ascn.plans.models import Project
from ascn.plans.permissions import project_policy
from ascn.plans.services import exchange_rate_set, project_update, project_upsert_seed
from tests import factories
from tests.matchmaking.strategies import partners, projects
from tests.network_seed import built_once
from tests.organisation_fixtures import build_world, publish_adb_profile
from tests.roles import PRINCIPALS, build_roles

pytest_plugins = ["tests.roles", "tests.organisation_fixtures"]

API = "/api/v1"
ADB = "asian-development-bank"

TEXTS = [
    "Flood drainage sensors and pumps.",
    "Flood protection walls along the river.",
    "Urban resilience, drainage and flood maps.",
    "Solar street lights.",
    "Clinic booking app.",
    "The one and the other.",  # stop-words only: no terms
]


def _key(m: mm.Match):
    return (m.project.id, m.partner.id, m.score, m.fit, m.project.terms, m.project.focus_areas)


def _full_list(user, org) -> list[mm.Match]:
    """The slow way: every project the user may see, profiled from its own fields and
    texts, matched and sorted (``matchmaking.matches_for_partner``)."""
    visible = project_policy.visible(user, Project.objects.select_related("city__member_state"))
    profiles = [queries.project_profile(p) for p in visible]
    return mm.matches_for_partner(queries.organisation_profile(org), profiles)


def _build_many(roles) -> list[Project]:
    """Eighteen more projects in Hanoi and Bangkok: stages, focus areas, texts and gaps that
    give ties and near-ties on score (titles then decide)."""
    combos = itertools.product(
        [("cso_hanoi", "hanoi"), ("secretariat", "bangkok")],
        ["preparation", "implementation", "identification"],
        [["quality-environment"], ["quality-environment", "civic-social"], ["civic-social"]],
    )
    made = []
    for i, ((who, city), status, areas) in enumerate(itertools.islice(combos, 18)):
        made.append(
            factories.project(
                roles.user(who),
                city=city,
                title=["Alpha", "beta", "Gamma"][i % 3] + f" {i // 3}",
                visibility=["public", "network"][i % 2],
                description=TEXTS[i % len(TEXTS)],
                status=status,
                focus_areas=areas,
                budget=str(500_000 * (i % 4 + 1)),
                currency=["USD", "THB", "VND"][i % 3],
            )
        )
    return made


@pytest.fixture(scope="module")
def _built(_network_seed, django_db_blocker):
    """The principals, the world and the eighteen projects, built once for the module (~2 s a
    test on PostgreSQL otherwise) in the transaction that holds its network seed: each test
    reads them anew, and its own writes are undone after it. None where the module's tests
    commit (``_network_seed``): then each test builds its own."""
    return built_once(_network_seed, django_db_blocker, _build_all)


def _build_all():
    roles = build_roles()
    adb = queries.Organisation.objects.get(slug=ADB)
    world = build_world(roles, publish_adb_profile(roles, adb))
    return roles, world, _build_many(roles)


def _again(record):
    return type(record).objects.get(pk=record.pk)


@pytest.fixture
def roles(_built, network):
    return build_roles() if _built is None else _built[0].reread()


@pytest.fixture
def adb_profile(_built, roles, adb):
    return publish_adb_profile(roles, adb) if _built is None else adb


@pytest.fixture
def world(_built, roles, adb_profile):
    if _built is None:
        return build_world(roles, adb_profile)
    return {key: _again(record) for key, record in _built[1].items()}


@pytest.fixture
def many(_built, roles, world):
    return _build_many(roles) if _built is None else [_again(p) for p in _built[2]]


def _pages(ranking, size):
    return [[_key(m) for m in ranking[i : i + size]] for i in range(0, len(ranking), size)]


@pytest.mark.parametrize("who", ["partner_adb", "secretariat", "cso_hanoi"])
def test_a_page_of_an_organisations_matches_is_that_page_of_the_full_list(
    roles, world, many, who, small_batches
):
    user = roles.user(who)
    adb = queries.Organisation.objects.get(slug="asian-development-bank")
    full = _full_list(user, adb)
    assert len(full) > 10  # the world's and most of the thirty
    for size in (1, 4, 25):
        ranking = queries.matches_for_organisation(user, adb)
        assert len(ranking) == len(full)
        assert _pages(ranking, size) == _pages(full, size)


# Profiles whose matches rest on the ticket, the instruments or the focus areas alone (no
# country or stage named): the funding gaps of ``many`` (US$, baht, dong; 0.5–2 million)
# fall inside, outside and exactly on the edges of these ranges.
PROFILES = {
    "ticket range": dict(ticket_min_usd="1000000", ticket_max_usd="2000000"),
    "ticket minimum": dict(ticket_min_usd="1500000", ticket_max_usd=None),
    "ticket maximum": dict(ticket_min_usd=None, ticket_max_usd="1000000"),
    "instrument and range": dict(
        instruments=["loan"], ticket_min_usd="500000", ticket_max_usd="1500000"
    ),
    "another focus area": dict(
        focus_areas=["civic-social"], ticket_min_usd="2000000", ticket_max_usd="2000000"
    ),
}


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("who", ["partner_adb", "secretariat"])
def test_matches_on_the_ticket_alone_are_those_of_the_full_list(
    roles, world, many, who, profile, small_batches
):
    # given ADB naming no country and no stage, so that a project fits only on a shared
    # focus area, an instrument or a gap inside its ticket range
    adb = queries.Organisation.objects.get(slug="asian-development-bank")
    adb = organisation_update(
        actor=roles.user("secretariat"),
        organisation=adb,
        version=adb.version,
        **{"countries": [], "stages": [], "instruments": [], **PROFILES[profile]},
    )
    # and one project fully funded, one whose gap is the range's minimum once funds are in
    hanoi = world["hanoi"]
    project_update(
        actor=roles.user("secretariat"),
        project=hanoi,
        version=hanoi.version,
        funding_secured="5000000",
    )
    bangkok = many[1]
    project_update(
        actor=roles.user("secretariat"),
        project=bangkok,
        version=bangkok.version,
        budget_amount="2500000",
        budget_currency="USD",
        funding_secured="1000000",
    )
    user = roles.user(who)
    full = _full_list(user, adb)

    ranking = queries.matches_for_organisation(user, adb)

    assert len(ranking) == len(full)
    for size in (1, 7):
        assert _pages(queries.matches_for_organisation(user, adb), size) == _pages(full, size)


def adb_on_its_ticket(secretariat, focus_area: str, low: str | None, high: str | None):
    """ADB naming one focus area and a ticket range, and no country, stage or instrument: a
    project fits it on the focus area and the ticket alone."""
    adb = queries.Organisation.objects.get(slug="asian-development-bank")
    return organisation_update(
        actor=secretariat,
        organisation=adb,
        version=adb.version,
        countries=[],
        stages=[],
        instruments=[],
        focus_areas=[focus_area],
        ticket_min_usd=low,
        ticket_max_usd=high,
    )


def test_a_gap_on_the_edge_of_the_ticket_range_is_judged_in_cents(roles, world):
    # given a rate of US$0.74 a Singapore dollar, and ADB fitting projects on its ticket only
    secretariat = roles.user("secretariat")
    exchange_rate_set(
        actor=secretariat,
        currency="SGD",
        date=dt.date(2024, 1, 1),
        usd_per_unit="0.74",
        source="Test rate",
    )
    adb = adb_on_its_ticket(secretariat, "built-infrastructure", "1000000", None)
    # S$1,351,351.35 is US$999,999.999, US$1,000,000.00 in cents: the range's minimum, a
    # fit; S$1,351,351.34 is US$999,999.99, below it. In floating point both are below.
    on_edge, below = (
        factories.project(
            secretariat,
            city="bangkok",
            title=title,
            focus_areas=["civic-social"],
            budget=budget,
            currency="SGD",
        )
        for title, budget in (("On the edge", "1351351.35"), ("Below", "1351351.34"))
    )

    ranking = queries.matches_for_organisation(secretariat, adb)

    found = {m.project.id for m in ranking}
    assert on_edge.pk in found
    assert below.pk not in found
    assert [_key(m) for m in ranking] == [_key(m) for m in _full_list(secretariat, adb)]


@pytest.mark.parametrize("who", PRINCIPALS)
def test_the_indexed_projects_one_may_see_are_those_the_policy_lets_through(
    roles, world, many, who
):
    # an organisation's candidates are filtered on the in-memory index: the same projects
    # as the policy's own list, drafts of others out, for everyone and nobody
    user = roles[who].user or AnonymousUser()
    seen = set(project_policy.visible(user, Project.objects.all()).values_list("pk", flat=True))
    index = project_index.current("default", money.latest_rates())

    mask = project_index.visible(index, user, Project.objects.all())

    indexed = set(index.ids.tolist())
    assert indexed == set(Project.objects.values_list("pk", flat=True))
    assert set((index.ids if mask is None else index.ids[mask]).tolist()) == seen
    # (the world's Phuket draft and the network's projects are out of some readers' sight)
    hidden = Project.objects.exclude(pk__in=seen).exists()
    assert hidden == (who in ("anonymous", "cso_hanoi", "partner_adb"))


@pytest.mark.parametrize("who", PRINCIPALS)
def test_every_record_of_a_level_seen_is_visible(roles, world, many, who):
    # the index trusts ``levels_seen`` for whole levels: every project of such a level is
    # in the policy's list; of another level, those of the user's own scopes only
    user = roles[who].user or AnonymousUser()
    scopes = scopes_of(user)
    levels = project_policy.levels_seen(scopes)
    visible = project_policy.visible(user, Project.objects.all())
    for level in ("draft", "network", "public"):
        of_level = Project.objects.filter(visibility=level)
        assert of_level.exists()
        expected = of_level
        if levels is not None and level not in levels:
            expected = of_level.filter(project_policy.owner_q(scopes))
        assert set(visible.filter(visibility=level)) == set(expected)
    assert (levels is None) == (who == "secretariat")


def test_the_index_follows_a_project_hidden_deleted_or_converted_anew(roles, world, many):
    # a process keeps its index between requests: every write is seen on the next one
    secretariat, user = roles.user("secretariat"), roles.user("partner_adb")
    adb = queries.Organisation.objects.get(slug="asian-development-bank")

    def ids():
        return [m.project.id for m in queries.matches_for_organisation(user, adb)]

    shown = [p for p in many if p.pk in ids() and p.visibility == "public"]
    assert shown
    first = shown[0]
    first = project_update(
        actor=secretariat, project=first, version=first.version, visibility="draft"
    )
    assert first.pk not in ids()  # a draft of Bangkok's or Hanoi's: out of ADB's sight
    second = shown[1]
    back_office_delete(actor=secretariat, obj=second)
    assert second.pk not in ids()
    assert [_key(m) for m in queries.matches_for_organisation(user, adb)] == [
        _key(m) for m in _full_list(user, adb)
    ]
    # a new rate converts the gaps anew
    exchange_rate_set(
        actor=secretariat,
        currency="THB",
        date=dt.date.today(),
        usd_per_unit="0.5",
        source="Test rate",
    )
    assert [_key(m) for m in queries.matches_for_organisation(user, adb)] == [
        _key(m) for m in _full_list(user, adb)
    ]


def test_projects_without_their_row_come_back_with_refresh_match_terms(roles, world, many):
    user = roles.user("partner_adb")
    adb = queries.Organisation.objects.get(slug="asian-development-bank")
    with_rows = [_key(m) for m in queries.matches_for_organisation(user, adb)]
    # e.g. projects bulk-inserted (no services): not matched until their rows are filled;
    # a write that bypasses the services renews the index's token itself (decision 0004)
    ProjectTerms.objects.filter(project__in=many[::2]).delete()
    match_index.renew(which=match_index.PROJECTS)
    ranking = queries.matches_for_organisation(user, adb)
    without = [_key(m) for m in ranking]
    assert len(without) == len(ranking) < len(with_rows)
    call_command("refresh_match_terms", "--missing", stdout=io.StringIO())
    assert [_key(m) for m in queries.matches_for_organisation(user, adb)] == with_rows


def test_the_stored_terms_follow_every_write(roles, world, many):
    secretariat, hanoi = roles.user("secretariat"), world["hanoi"]
    stored = ProjectTerms.objects.get(project=hanoi)
    assert stored.terms == " drainage flood hanoi sensor "
    assert stored.focus_areas == " quality-environment "
    hanoi = project_update(
        actor=secretariat,
        project=hanoi,
        version=hanoi.version,
        description="Solar pumps.",
        focus_areas=["civic-social", "quality-environment"],
        status="implementation",
        financing_sought=["loan"],
        funding_secured="1000000",
    )
    stored.refresh_from_db()
    assert stored.terms == " drainage hanoi pump solar "
    assert stored.focus_areas == " civic-social quality-environment "
    assert (stored.status, stored.financing_sought) == ("implementation", " loan ")
    assert (stored.country, stored.budget_amount, stored.funding_secured) == ("VN", 5e6, 1e6)
    adb = queries.Organisation.objects.get(slug="asian-development-bank")
    user = roles.user("partner_adb")
    assert [_key(m) for m in queries.matches_for_organisation(user, adb)] == [
        _key(m) for m in _full_list(user, adb)
    ]
    # a deleted project's row goes with it
    back_office_delete(actor=secretariat, obj=hanoi)
    assert not ProjectTerms.objects.filter(project_id=hanoi.pk).exists()


def _same_as_the_full_list(user, org) -> bool:
    return [_key(m) for m in queries.matches_for_organisation(user, org)] == [
        _key(m) for m in _full_list(user, org)
    ]


def test_a_focus_area_renamed_is_followed(roles, world, many):
    user, adb = roles.user("partner_adb"), queries.Organisation.objects.get(slug=ADB)
    assert _same_as_the_full_list(user, adb)  # the index is built and kept
    area = FocusArea.objects.get(code="quality-environment")
    hanoi = world["hanoi"]
    area.code = "environment"
    back_office_save(actor=roles.user("secretariat"), obj=area, changed_fields=["code"])
    assert ProjectTerms.objects.get(project=hanoi).focus_areas == " environment "
    assert _same_as_the_full_list(user, adb)
    # and a focus area deleted leaves its projects' rows
    back_office_delete(actor=roles.user("secretariat"), obj=area)
    assert ProjectTerms.objects.get(project=hanoi).focus_areas == ""
    assert _same_as_the_full_list(user, adb)


def _indexed(profiles: list[mm.ProjectProfile]) -> project_index.ProjectIndex:
    """The projects' index of these profiles (all public), as a process builds it."""
    return project_index.from_fields(
        [
            (
                p.id,
                p.country,
                p.status,
                keys.wrap(p.focus_areas),
                keys.wrap(p.financing_sought),
                p.gap_usd,
                p.sample,
                "public",
                keys.wrap(p.terms),
            )
            for p in profiles
        ],
        None,
        (),
    )


@pytest.mark.db_independent
@settings(max_examples=300, deadline=None)
@given(projects(), partners())
def test_the_bound_from_a_projects_indexed_fields_and_terms_is_its_score(project, partner):
    # an organisation's matches rank projects by this bound before reading their texts
    assume(project.sample == partner.sample)  # the index picks the partner's kind of projects
    index = _indexed([project])
    assert index.fields(0) == (
        project.country,
        project.status,
        project.focus_areas,
        project.financing_sought,
        project.gap_usd,
    )

    found = project_index.candidates(index, partner, None)

    m = mm.match(project, partner)
    if m is None:
        assert len(found) == 0
    else:
        [(bound, at)] = found[:]
        assert at == 0
        # the bound is the unrounded score plus half a rounding step: above the exact
        # score, by at most one step
        assert m.score <= bound <= m.score + 0.1 + 1e-6


def test_a_city_moved_to_another_member_state_moves_its_projects_rows(roles, world, many):
    user, adb = roles.user("partner_adb"), queries.Organisation.objects.get(slug=ADB)
    assert _same_as_the_full_list(user, adb)  # the index is built and kept
    hanoi = world["hanoi"]
    city = hanoi.city
    city.member_state = MemberState.objects.get(code="TH")
    back_office_save(actor=roles.user("secretariat"), obj=city, changed_fields=["member_state"])
    assert ProjectTerms.objects.get(project=hanoi).country == "TH"
    assert _same_as_the_full_list(user, adb)


def test_a_member_states_code_changed_is_followed(roles, world, many):
    user, adb = roles.user("partner_adb"), queries.Organisation.objects.get(slug=ADB)
    assert _same_as_the_full_list(user, adb)
    vietnam = MemberState.objects.get(code="VN")
    vietnam.code = "VX"
    back_office_save(actor=roles.user("secretariat"), obj=vietnam, changed_fields=["code"])
    assert ProjectTerms.objects.get(project=world["hanoi"]).country == "VX"
    assert _same_as_the_full_list(user, adb)


def test_a_refresh_stopped_half_way_leaves_no_index_behind_its_rows(
    roles, world, many, monkeypatch
):
    # each batch commits with a new token: what was written before a failure is matched
    user, adb = roles.user("partner_adb"), queries.Organisation.objects.get(slug=ADB)
    hanoi = world["hanoi"]
    assert hanoi.pk in {m.project.id for m in queries.matches_for_organisation(user, adb)}
    Project.objects.filter(pk=hanoi.pk).update(visibility="draft")  # a bulk load's write
    written, calls = match_terms._write, []

    def stopped_after_the_first_batch(pks):
        if calls:
            raise RuntimeError("stopped")
        calls.append(pks)
        return written(pks)

    monkeypatch.setattr(match_terms, "BATCH", 1)
    monkeypatch.setattr(match_terms, "_write", stopped_after_the_first_batch)
    with pytest.raises(RuntimeError):
        match_terms.refresh([hanoi.pk, *(p.pk for p in many)])

    assert calls == [[hanoi.pk]]
    assert hanoi.pk not in {m.project.id for m in queries.matches_for_organisation(user, adb)}
    assert _same_as_the_full_list(user, adb)


def test_a_write_that_changes_nothing_matchmaking_reads_keeps_the_index(roles, world, many):
    # given every process's projects' index built under the current token
    user, adb = roles.user("partner_adb"), queries.Organisation.objects.get(slug=ADB)
    secretariat, hanoi = roles.user("secretariat"), world["hanoi"]
    assert _same_as_the_full_list(user, adb)
    token = match_index.token(which=match_index.PROJECTS)
    # when a project's end date changes (nothing matchmaking reads)
    hanoi = project_update(
        actor=secretariat, project=hanoi, version=hanoi.version, period_end=dt.date(2031, 12, 31)
    )
    # then its row is not rewritten and the token stays: no process builds its index again
    assert match_index.token(which=match_index.PROJECTS) == token
    assert _same_as_the_full_list(user, adb)
    # when its visibility changes (the row holds it)
    hanoi = project_update(
        actor=secretariat, project=hanoi, version=hanoi.version, visibility="draft"
    )
    # then the row follows, the token is new, and the matches with it
    assert ProjectTerms.objects.get(project=hanoi).visibility == "draft"
    assert match_index.token(which=match_index.PROJECTS) != token
    assert hanoi.pk not in {m.project.id for m in queries.matches_for_organisation(user, adb)}
    assert _same_as_the_full_list(user, adb)
    # and a refresh of every project after them, with nothing changed, writes nothing
    token = match_index.token(which=match_index.PROJECTS)
    assert match_terms.refresh() == 0
    assert match_index.token(which=match_index.PROJECTS) == token


def test_a_page_of_matches_reads_its_projects_in_a_fixed_number_of_queries(roles, world, many):
    # given ADB's partner member, and ADB's matches with few rows, then with many more
    page, api = f"/organisations/{ADB}/matches/", f"{API}/organisations/{ADB}/matches"
    member, bearer = roles.session("partner_adb"), roles.bearer("partner_adb")

    def counted(client, url) -> tuple[int, int]:
        client.get(url)  # the index built (once per write), the session's first request
        with CaptureQueriesContext(connection) as queries_run:
            response = client.get(url)
        assert response.status_code == 200
        rows = response.content.decode().count("/projects/")
        return len(queries_run), rows

    client_few = [counted(member, page), counted(bearer, api)]
    for i in range(12):
        factories.project(
            roles.user("cso_hanoi"),
            city="hanoi",
            title=f"Flood gates {i}",
            visibility="public",
            description=TEXTS[0],
            status="preparation",
            focus_areas=["quality-environment"],
            budget="2000000",
            currency="USD",
        )
    client_many = [counted(member, page), counted(bearer, api)]
    # then each answer shows more projects with the same number of queries (no query a row)
    for (few_queries, few_rows), (many_queries, many_rows) in zip(
        client_few, client_many, strict=True
    ):
        assert many_rows > few_rows
        assert many_queries == few_queries


def test_a_profile_too_empty_to_match_shows_what_to_fill_in(roles, world):
    # given the Asian Development Bank with only its countries published
    adb = queries.Organisation.objects.get(slug="asian-development-bank")
    adb = organisation_update(
        actor=roles.user("secretariat"),
        organisation=adb,
        version=adb.version,
        focus_areas=[],
        instruments=[],
        stages=[],
        ticket_min_usd=None,
        ticket_max_usd=None,
    )
    assert adb.missing_for_matching == ["focus_areas"]
    member = roles.session("partner_adb")
    # then its member sees no list of matches, but what to fill in, and the way there
    page = member.get("/organisations/asian-development-bank/matches/").content.decode()
    assert "too empty to be matched" in page
    assert "the ASCF focus areas it works on" in page
    assert "/organisations/asian-development-bank/edit/" in page
    assert "matching project" not in page
    # the profile page nudges its members too
    profile = member.get("/organisations/asian-development-bank/").content.decode()
    assert "Complete the profile" in profile
    # the API answers no match, and the project's matches leave the bank out
    api = roles.bearer("partner_adb")
    assert api.get(f"{API}/organisations/asian-development-bank/matches").json()["count"] == 0
    hanoi = roles.bearer("cso_hanoi").get(f"{API}/projects/{world['hanoi'].pk}/matches").json()
    assert "asian-development-bank" not in {item["slug"] for item in hanoi["items"]}
    # when a focus area is added, the matches are back
    organisation_update(
        actor=roles.user("partner_adb"),
        organisation=adb,
        version=adb.version,
        focus_areas=["quality-environment"],
    )
    assert api.get(f"{API}/organisations/asian-development-bank/matches").json()["count"] > 0
    # and the page says where the terms it compares come from when no statement is published
    page = member.get("/organisations/asian-development-bank/matches/").content.decode()
    assert "capability statement (or with its description when it publishes none)" in page


@pytest.mark.db_independent
def test_shared_terms_are_counted_alike_for_rare_and_common_terms():
    # the index keeps a term held by few as positions, one held by many as bits: the text
    # part must be scoring's either way
    rows = []
    for i in range(200):
        words = {f"unique{i}", "everywhere"} | ({"often"} if i % 3 == 0 else set())
        words |= {"seldom"} if i in (5, 150) else set()
        rows.append((i + 1, "VN", "preparation", "", "", 1e6, False, "public", keys.wrap(words)))
    index = project_index.from_fields(rows, None, ())
    assert {"everywhere", "often"} <= {
        word for word, n in index.vocabulary.items() if n in index.common
    }
    assert "seldom" not in {word for word, n in index.vocabulary.items() if n in index.common}
    partner = mm.partner_profile(
        id=1,
        slug="p",
        name="P",
        countries=["VN"],
        focus_areas=["civic-social"],
        terms=["seldom", "often", "unique7", "missing"],
    )
    everyone = np.arange(len(rows))

    fits = project_index.text_fit(index, partner, everyone)

    for at, row in enumerate(rows):
        terms = frozenset(row[-1].split())
        shared = len(terms & partner.terms)
        assert fits[at] == mm.text_fit(shared, len(terms), len(partner.terms))


class _OneByOne(mm.Ranking):
    FIRST_BATCH = 1  # the ranking's batches as small as they go: every stop tested


@st.composite
def _many_projects(draw):
    return [draw(projects(id=i + 1)) for i in range(draw(st.integers(0, 40)))]


@pytest.mark.db_independent
@settings(max_examples=200, deadline=None)
@given(_many_projects(), partners(), st.sampled_from([1, 3, 10]))
def test_pages_ranked_from_the_index_are_those_of_the_fully_scored_list(profiles, partner, size):
    # the index's bounds and the ranking's stops together: ties, common and rare terms
    index = _indexed(profiles)

    def complete(batch):
        return [m for at in batch if (m := mm.match(profiles[at], partner)) is not None]

    ranking = _OneByOne(
        project_index.candidates(index, partner, None), complete, mm.project_order, ordered=True
    )

    full = mm.matches_for_partner(partner, profiles)
    assert len(ranking) == len(full)
    assert _pages(ranking, size) == _pages(full, size)


def test_a_project_that_publishes_no_budget_is_said_to_have_none(roles, world):
    # given ADB fitting projects on a ticket range, and a real project whose sources give
    # no budget (as the seed holds)
    secretariat = roles.user("secretariat")
    adb = adb_on_its_ticket(secretariat, "civic-social", "1000000", "5000000")
    project, _ = project_upsert_seed(
        city=City.objects.get(slug="bangkok"),
        values={
            "title": "Unbudgeted civic app",
            "description": "A civic app.",
            "focus_areas": ["civic-social"],
            "status": "identification",
            "sources": [{"title": "A report", "publisher": "A city", "url": "https://example.org"}],
        },
    )
    labels = queries.labels()
    # when the match is explained from either side: the organisation's list (the project
    # index) and the project's list (its profile)
    from_organisation = next(
        m for m in queries.matches_for_organisation(secretariat, adb) if m.project.id == project.pk
    )
    from_project = next(
        m for m in queries.matches_for_project(secretariat, project) if m.partner.id == adb.pk
    )
    # then the reason says the project publishes no budget: neither "no exchange rate on
    # record" nor "fully funded", and the ticket earns nothing
    for match in (from_organisation, from_project):
        reasons = why.reasons(match, labels)
        assert "The project publishes no budget, so no funding gap to compare" in reasons
        assert not any("exchange rate" in r or "fully funded" in r for r in reasons)
        assert match.fit.ticket == 0
    # and the API's match says no gap (null), not a gap of 0.00 in no currency
    answer = roles.bearer("secretariat").get(
        f"{API}/organisations/{adb.slug}/matches?page_size=200"
    )
    assert answer.status_code == 200
    gaps = {row["project"]["id"]: row["project"]["funding_gap"] for row in answer.json()["items"]}
    assert gaps[project.pk] is None
    assert all(gap is None or len(gap["currency"]) == 3 for gap in gaps.values())
