"""Organisation profiles and matchmaking both ways (SPEC C5, §3): services, API, pages.

Over the real seed with the role matrix of ``tests.roles``: the Asian Development Bank's
member (``partner_adb``) keeps its profile, the Secretariat adds and verifies organisations,
and matches hold only what the caller may see.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.translation import gettext
from lxml import html

from ascn.agreements.queries import party_record
from ascn.core import search
from ascn.core.errors import InvalidInput, PermissionDenied, StaleEdit
from ascn.matchmaking import scoring
from ascn.network.models import FocusArea
from ascn.partners.models import Organisation
from ascn.partners.queries import organisations_for
from ascn.partners.services import organisation_create, organisation_update, organisation_verify
from ascn.plans import codelists
from tests import factories
from tests.organisation_fixtures import FLOOD_DRAINAGE
from tests.roles import ADB_SLUG, AuditMark, assert_matrix, everyone, members, sign_in_redirect

pytest_plugins = ["tests.roles", "tests.organisation_fixtures"]

API = "/api/v1"
ADB = ADB_SLUG
UPDATED = "partners.organisation.updated"


def titles_found(user, text: str) -> list[str]:
    return [hit.title for hit in search.search(user, text).items]


# --- services --------------------------------------------------------------------------


def test_the_secretariat_adds_an_organisation_with_normalised_codes(roles):
    # given the Secretariat
    mark = AuditMark()
    # when it adds an investor with lower-case country codes
    org = organisation_create(
        actor=roles.user("secretariat"),
        name="Mekong Green Capital",
        kind="investor",
        countries=["vn", "TH", "VN"],
        stages=["identification"],
        ticket_min_usd="250000",
    )
    # then the codes are checked and normalised, the keys derived, the write audited
    assert org.slug == "mekong-green-capital"
    assert org.countries == ["VN", "TH"]
    assert org.ticket_min_usd == Decimal("250000.00")
    assert " c:VN " in org.match_keys and " i:* " in org.match_keys
    assert mark.only("partners.organisation.created").changes["countries"]["after"] == ["VN", "TH"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("countries", ["JP"]),  # not an ASEAN member state
        ("focus_areas", ["space-travel"]),
        ("instruments", ["bitcoin"]),
        ("stages", ["daydreaming"]),
        ("headquarters_country", "Japan"),
        ("kind", "club"),
        ("ticket_min_usd", "-5"),
        ("visibility", "secret"),
    ],
)
def test_unknown_codes_are_refused_naming_the_field(roles, field, value):
    values = {"name": "Bad Data Ltd", "kind": "investor", field: value}
    with pytest.raises(InvalidInput) as refused:
        organisation_create(actor=roles.user("secretariat"), **values)
    assert refused.value.field == field
    assert not Organisation.objects.filter(name="Bad Data Ltd").exists()


def test_the_smallest_ticket_may_not_exceed_the_largest(roles, adb):
    with pytest.raises(InvalidInput) as refused:
        organisation_update(
            actor=roles.user("partner_adb"),
            organisation=adb,
            version=adb.version,
            ticket_min_usd="10",
            ticket_max_usd="5",
        )
    assert refused.value.field == "ticket_min_usd"


@pytest.mark.parametrize("name", ["nr_th", "cso_phuket", "partner_adb"])
def test_only_the_secretariat_adds_organisations(roles, name):
    with pytest.raises(PermissionDenied):
        organisation_create(actor=roles.user(name), name="Nope", kind="investor")


@pytest.mark.parametrize(
    ("name", "allowed"),
    [("partner_adb", True), ("secretariat", True), ("cso_hanoi", False), ("nr_th", False)],
)
def test_the_members_and_the_secretariat_keep_a_profile(roles, adb, name, allowed):
    def edit():
        return organisation_update(
            actor=roles.user(name), organisation=adb, version=adb.version, stages=["completion"]
        )

    if allowed:
        assert edit().stages == ["completion"]
    else:
        with pytest.raises(PermissionDenied):
            edit()


def test_a_stale_version_overwrites_nothing(roles, adb):
    # given two people who opened version 1
    first = organisation_update(
        actor=roles.user("partner_adb"), organisation=adb, version=adb.version, countries=["VN"]
    )
    # when the second saves the version they opened
    with pytest.raises(StaleEdit):
        organisation_update(
            actor=roles.user("secretariat"), organisation=adb, version=adb.version, countries=[]
        )
    # then the first edit stands
    first.refresh_from_db()
    assert first.countries == ["VN"]


# --- API: organisations ------------------------------------------------------------------


def test_the_list_shows_what_each_caller_may_see_with_filters(roles, world, client):
    # anonymous: public only (the draft organisation is not even counted)
    body = client.get(f"{API}/organisations").json()
    slugs = {item["slug"] for item in body["items"]}
    assert ADB in slugs and "quiet-capital" not in slugs
    assert body["count"] == len(slugs)
    # the Secretariat sees the draft; the filters narrow
    secretariat = roles.bearer("secretariat")
    assert "quiet-capital" in {
        i["slug"] for i in secretariat.get(f"{API}/organisations").json()["items"]
    }
    found = secretariat.get(f"{API}/organisations?country=vn&focus_area=built-infrastructure")
    assert [i["slug"] for i in found.json()["items"]] == [ADB]
    assert secretariat.get(f"{API}/organisations?kind=investor").json()["items"][0]["slug"] == (
        "quiet-capital"
    )
    assert secretariat.get(f"{API}/organisations?verified=true").json()["count"] == 0
    assert secretariat.get(f"{API}/organisations?q=drainage").json()["items"][0]["slug"] == ADB
    assert client.get(f"{API}/organisations?country=Viet").status_code == 422


def test_a_profile_reads_with_money_in_usd_and_members_for_members_only(roles, adb_profile, client):
    body = client.get(f"{API}/organisations/{ADB}").json()
    assert body["ticket_min"] == {"amount": "1000000.00", "currency": "USD"}
    assert body["stages"] == ["preparation", "implementation"]
    assert body["sample"] is False and body["members"] is None
    signed_in = roles.bearer("cso_hanoi").get(f"{API}/organisations/{ADB}").json()
    assert signed_in["members"] == [{"name": "partner_adb"}]


def test_only_the_secretariat_adds_an_organisation_through_the_api(roles):
    payload = {"name": "Lion City Ventures", "kind": "investor", "countries": ["SG"]}
    responses = assert_matrix(
        roles.bearer,
        "POST",
        f"{API}/organisations",
        members(403, anonymous=401, secretariat=201),
        payload,
    )
    assert responses["secretariat"].json()["slug"] == "lion-city-ventures"


def test_create_refuses_unknown_codes_with_a_422_naming_the_field(roles):
    response = roles.bearer("secretariat").post(
        f"{API}/organisations",
        {"name": "X", "kind": "investor", "countries": ["JP"]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "countries"]


def test_a_ticket_range_upside_down_is_a_422_where_the_body_sends_the_ticket(roles, adb):
    """The rule's field is the service's ``ticket_min_usd``, which no body holds."""
    tickets = {
        "ticket_min": {"amount": "5000000", "currency": "USD"},
        "ticket_max": {"amount": "1000", "currency": "USD"},
    }
    secretariat = roles.bearer("secretariat")
    created = secretariat.post(
        f"{API}/organisations",
        {"name": "Upside Down Capital", "kind": "investor", **tickets},
        content_type="application/json",
    )
    version = Organisation.objects.get(slug=ADB).version
    edited = secretariat.patch(
        f"{API}/organisations/{ADB}",
        {"version": version, **tickets},
        content_type="application/json",
    )
    for response in (created, edited):
        assert response.status_code == 422, response.content
        assert response.json()["detail"][0]["loc"] == ["body", "ticket_min", "amount"]
    assert not Organisation.objects.filter(name="Upside Down Capital").exists()


def test_its_members_and_the_secretariat_edit_a_profile_and_a_stale_version_is_409(roles, adb):
    expected = members(403, anonymous=401, partner_adb=200, secretariat=200)
    for name, status in expected.items():
        version = Organisation.objects.get(slug=ADB).version
        response = roles.bearer(name).patch(
            f"{API}/organisations/{ADB}",
            {"version": version, "ticket_max": {"amount": "9000000", "currency": "USD"}},
            content_type="application/json",
        )
        assert response.status_code == status, (name, response.content)
    # a stale version is a 409 and changes nothing
    current = Organisation.objects.get(slug=ADB)
    response = roles.bearer("partner_adb").patch(
        f"{API}/organisations/{ADB}",
        {"version": current.version - 1, "capability_statement": "overwritten"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert Organisation.objects.get(slug=ADB).capability_statement == current.capability_statement


def test_a_member_gives_other_names_that_search_and_name_lookups_then_find(roles, adb):
    # given the ADB's member, who adds the bank's acronyms with stray spaces and a repeat
    response = roles.bearer("partner_adb").patch(
        f"{API}/organisations/{ADB}",
        {"version": adb.version, "alt_names": " ADB ,AsDB,, ADB "},
        content_type="application/json",
    )
    # then they are kept once each, as a list people read
    assert response.status_code == 200, response.content
    assert response.json()["alt_names"] == "ADB, AsDB"
    # and anyone finds the bank by either: the site's search, the organisations' list and
    # the names typed where a party or a provider is asked for
    anyone = AnonymousUser()
    assert "Asian Development Bank (ADB, AsDB)" in titles_found(anyone, "AsDB")
    listed = roles.session("anonymous").get("/organisations/", {"q": "asdb"}).content.decode()
    assert "Asian Development Bank" in listed
    for text in ("adb", "AsDB"):
        assert party_record(anyone, text) == adb


def test_an_acronym_inside_another_name_names_nothing(roles, adb):
    organisation_update(
        actor=roles.user("partner_adb"), organisation=adb, version=adb.version, alt_names="ADB"
    )
    assert party_record(AnonymousUser(), "AD") is None


def test_a_draft_organisation_is_not_found_outside_its_scope(roles, world):
    assert_matrix(
        roles.bearer,
        "GET",
        f"{API}/organisations/quiet-capital",
        everyone(404, secretariat=200),
    )


# --- API: matches --------------------------------------------------------------------------


def test_project_matches_role_matrix(roles, world):
    hanoi, phuket = world["hanoi"], world["phuket"]
    assert_matrix(
        roles.bearer, "GET", f"{API}/projects/{hanoi.pk}/matches", members(200, anonymous=401)
    )
    assert_matrix(
        roles.bearer,
        "GET",
        f"{API}/projects/{phuket.pk}/matches",
        everyone(404, anonymous=401, cso_phuket=200, nr_th=200, secretariat=200),
    )


def test_a_project_gets_organisations_and_programmes_with_reasons(roles, world):
    # when Hanoi's CSCO asks for the matches of the drainage project
    body = roles.bearer("cso_hanoi").get(f"{API}/projects/{world['hanoi'].pk}/matches").json()
    # then ADB and its fund come, best first, each with reasons; the draft investor is not
    # visible to the CSCO and never appears
    found = [(item["type"], item["slug"]) for item in body["items"]]
    assert ("organisation", ADB) in found and ("programme", "resilience-fund") in found
    assert ("organisation", "quiet-capital") not in found
    assert body["count"] == len(found)
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    adb_match = next(item for item in body["items"] if item["slug"] == ADB)
    assert adb_match["reasons"][:2] == [
        "Shares 1 focus area: Quality Environment",
        "Funding gap US$5m is within its ticket range US$1m–US$50m",
    ]
    assert "Works in Viet Nam" in adb_match["reasons"]
    # the Secretariat also sees the draft investor
    secretariat = roles.bearer("secretariat").get(f"{API}/projects/{world['hanoi'].pk}/matches")
    assert "quiet-capital" in {item["slug"] for item in secretariat.json()["items"]}


def test_an_organisation_gets_the_projects_it_may_see_that_fit(roles, world):
    # when ADB's member asks which projects fit ADB
    body = roles.bearer("partner_adb").get(f"{API}/organisations/{ADB}/matches").json()
    titles = [item["project"]["title"] for item in body["items"]]
    # then Hanoi (public) and Bangkok (network) fit; Singapore is outside ADB's countries and
    # Phuket's draft is out of the partner's sight
    assert sorted(titles) == ["Bangkok canal sensors", "Hanoi smart drainage"]
    first = body["items"][0]
    assert first["project"]["funding_gap"] == {"amount": "5000000.00", "currency": "USD"}
    assert 0 <= first["score"] <= 100 and first["reasons"]
    # the Secretariat sees the draft too
    secretariat = roles.bearer("secretariat").get(f"{API}/organisations/{ADB}/matches").json()
    assert "Phuket flood draft" in {item["project"]["title"] for item in secretariat["items"]}
    # anonymous: 401
    assert roles.bearer("anonymous").get(f"{API}/organisations/{ADB}/matches").status_code == 401


# --- pages ------------------------------------------------------------------------------


def test_the_organisation_list_filters_and_shows_badges(roles, world, client, text):
    # given a sample solution provider besides the world's organisations
    factories.organisation(
        roles.user("secretariat"),
        slug="sample-solar-co",
        name="Sample Solar Co",
        kind="solution_provider",
        sample=True,
    )
    # when the public lists the organisations, then it sees the badges but not the draft
    response = client.get("/organisations/")
    assert "Sample Solar Co Solution provider Sample data" in text(response)
    assert "Quiet Capital" not in text(response)
    filtered = client.get("/organisations/?kind=solution_provider")
    assert "Asian Development Bank" not in text(filtered)


def test_the_organisation_list_has_a_bounded_query_count(roles, world, get_bounded):
    get_bounded("/organisations/?country=VN&verified=no", max_queries=8)


def test_the_profile_page_says_what_is_not_published(roles, adb, client, text):
    page = text(client.get(f"/organisations/{ADB}/"))
    assert "ASEAN countries of operation Not published" in page
    assert "Members" not in page  # members: signed-in only
    signed_in = text(roles.session("cso_hanoi").get(f"/organisations/{ADB}/"))
    assert "Members partner_adb" in signed_in


def test_the_profile_page_lists_the_published_profile(adb_profile, client, text):
    page = text(client.get(f"/organisations/{ADB}/"))
    assert "ASEAN countries of operation Thailand, Viet Nam" in page or (
        "ASEAN countries of operation Viet Nam, Thailand" in page
    )
    assert "Ticket size 1,000,000 USD – 50,000,000 USD" in page


def test_a_member_edits_the_profile_and_a_stale_form_comes_back(roles, adb, text):
    session = roles.session("partner_adb")
    form = {
        "version": adb.version,
        "name": adb.name,
        "kind": adb.kind,
        "countries": ["VN"],
        "stages": ["preparation"],
        "ticket_min_usd": "100000",
        "ticket_max_usd": "2000000",
        "capability_statement": "Drainage loans.",
        "visibility": "public",
    }
    # when the member saves the form
    response = session.post(f"/organisations/{ADB}/edit/", form)
    assert response.status_code == 302
    adb.refresh_from_db()
    assert adb.countries == ["VN"] and adb.ticket_max_usd == Decimal("2000000.00")
    # when they save the same (now stale) form with other countries
    stale = session.post(f"/organisations/{ADB}/edit/", {**form, "countries": ["TH"]})
    # then nothing is written and they see what is saved next to theirs
    assert stale.status_code == 409
    # (a choice by its name, as the form offers it, not its code)
    assert "ASEAN countries of operation Viet Nam Thailand" in text(stale)
    adb.refresh_from_db()
    assert adb.countries == ["VN"]


def test_edit_and_verify_are_for_those_allowed(roles, adb):
    assert roles.session("cso_hanoi").get(f"/organisations/{ADB}/edit/").status_code == 403
    assert (
        roles.session("partner_adb")
        .post(f"/organisations/{ADB}/verify/", {"verified": "1"})
        .status_code
        == 403
    )
    assert (
        roles.session("secretariat")
        .post(f"/organisations/{ADB}/verify/", {"verified": "1"})
        .status_code
        == 302
    )
    adb.refresh_from_db()
    assert adb.verified


def test_the_matches_pages_list_what_fits_with_reasons_in_few_queries(
    roles, world, django_assert_max_num_queries, text
):
    partner = roles.session("partner_adb")
    with django_assert_max_num_queries(20):
        response = partner.get(f"/organisations/{ADB}/matches/")
    assert response.status_code == 200
    page = text(response)
    assert "Hanoi smart drainage" in page and "Phuket flood draft" not in page
    assert "Works in Viet Nam" in page and "Score" in page
    cso = roles.session("cso_hanoi")
    with django_assert_max_num_queries(24):
        response = cso.get(f"/projects/{world['hanoi'].pk}/matches/")
    assert response.status_code == 200
    page = text(response)
    assert "Asian Development Bank" in page and "Resilience Fund" in page
    assert "Funding programme of Asian Development Bank" in page
    # the project page links to its matches for signed-in members only
    assert (
        f"/projects/{world['hanoi'].pk}/matches/"
        in cso.get(f"/projects/{world['hanoi'].pk}/").content.decode()
    )


def score_table(response) -> dict[str, int]:
    rows = html.fromstring(response.content).xpath("//details[@class='how-scored']//tbody/tr")
    return {
        row.xpath("td")[0].text_content(): int(row.xpath("td")[1].text_content()) for row in rows
    }


def test_the_matches_pages_say_how_the_score_is_counted(roles, world):
    """The weights are told in a table under a short lead (they were the middle of a 90-word
    paragraph), from the scoring's own numbers: they add up to the 100 the score is out of."""
    pages = [
        roles.session("partner_adb").get(f"/organisations/{ADB}/matches/"),
        roles.session("cso_hanoi").get(f"/projects/{world['hanoi'].pk}/matches/"),
    ]
    for response in pages:
        parts = score_table(response)
        assert sum(parts.values()) == 100
        assert parts["A focus area both name"] == scoring.FOCUS_WEIGHT
        assert parts["A financing instrument both name"] == scoring.INSTRUMENT_WEIGHT
        assert len(parts) == 6
        lead = html.fromstring(response.content).xpath("//p[@class='lead']")[0].text_content()
        assert len(lead.split()) < 60 and "(35)" not in lead


def test_the_matches_pages_need_sign_in_and_sight(roles, world, client):
    response = client.get(f"/projects/{world['hanoi'].pk}/matches/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    assert (
        roles.session("cso_hanoi").get(f"/projects/{world['phuket'].pk}/matches/").status_code
        == 404
    )
    assert (
        roles.session("cso_hanoi").get("/organisations/quiet-capital/matches/").status_code == 404
    )


def test_the_list_answers_htmx_with_the_results_only(adb_profile, client, text):
    response = client.get(
        "/organisations/?focus_area=built-infrastructure", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"') and "<html" not in body
    assert "Asian Development Bank" in text(response)


def test_the_edit_form_opens_with_the_saved_profile(roles, adb_profile):
    response = roles.session("partner_adb").get(f"/organisations/{ADB}/edit/")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["countries"] == ["VN", "TH"]
    assert form.initial["version"] == adb_profile.version


def test_instruments_filter_the_projects_of_an_organisation(roles, adb_profile):
    # given projects in Hanoi seeking nothing, only equity, and loan with equity
    cso = roles.user("cso_hanoi")
    for title, sought in [
        ("Seeks nothing", []),
        ("Seeks equity", ["equity"]),
        ("Seeks loan or equity", ["equity", "loan"]),
    ]:
        factories.project(
            cso,
            city="hanoi",
            title=title,
            visibility="public",
            financing_sought=sought,
            **FLOOD_DRAINAGE,
        )
    # when ADB (loan, grant) looks for projects
    body = roles.bearer("partner_adb").get(f"{API}/organisations/{ADB}/matches").json()
    # then the equity-only project is not eligible
    assert sorted(i["project"]["title"] for i in body["items"]) == [
        "Seeks loan or equity",
        "Seeks nothing",
    ]


def test_who_reaches_the_matches_and_profile_edit_pages(roles, world):
    hanoi = f"/projects/{world['hanoi'].pk}/matches/"
    phuket = f"/projects/{world['phuket'].pk}/matches/"
    assert_matrix(roles.session, "GET", hanoi, members(200, anonymous=sign_in_redirect(hanoi)))
    assert_matrix(
        roles.session,
        "GET",
        phuket,
        everyone(
            404,
            anonymous=sign_in_redirect(phuket),
            cso_phuket=200,
            nr_th=200,
            secretariat=200,
        ),
    )
    edit = f"/organisations/{ADB}/edit/"
    assert_matrix(
        roles.session,
        "GET",
        edit,
        members(403, anonymous=sign_in_redirect(edit), partner_adb=200, secretariat=200),
    )
    assert_matrix(
        roles.session, "GET", "/organisations/quiet-capital/", everyone(404, secretariat=200)
    )


def test_the_head_office_is_a_country_named_in_the_readers_language(roles, text):
    # given ADB's head office in the Philippines
    Organisation.objects.filter(slug=ADB).update(headquarters_country="PH")
    client = roles.session("anonymous")
    # then its page names the country, in English and in Thai, never the bare code
    english = text(client.get(f"/organisations/{ADB}/"))
    assert "Headquarters Philippines" in english
    thai = text(client.get(f"/th/organisations/{ADB}/"))
    assert "ฟิลิปปินส์" in thai and "Headquarters PH" not in thai


@pytest.mark.parametrize(
    ("editor", "changes", "still_verified"),
    [
        ("partner_adb", {"name": "ADB (Manila)"}, False),
        ("partner_adb", {"website": "https://adb.example"}, False),
        ("partner_adb", {"capability_statement": "Loans for flood resilience."}, True),
        ("partner_adb", {"name": "Asian Development Bank"}, True),  # the same name again
        ("secretariat", {"name": "ADB (Manila)"}, True),  # the Secretariat vouches for it
    ],
)
def test_a_verified_organisation_changing_who_it_is_goes_back_to_be_verified(
    roles, adb, editor, changes, still_verified
):
    # given the ADB, verified by the Secretariat
    adb = organisation_verify(actor=roles.user("secretariat"), organisation=adb)
    mark = AuditMark()
    # when one of its members (or the Secretariat) edits its profile
    adb = organisation_update(
        actor=roles.user(editor), organisation=adb, version=adb.version, **changes
    )
    # then a new name, kind, seat or website withdraws the verification, audited, and puts the
    # organisation on the Secretariat's list of organisations to verify; other edits keep it
    adb.refresh_from_db()
    assert adb.verified is still_verified
    withdrawn = [e for e in mark.entries() if "verified" in e.changes]
    assert [e.action for e in withdrawn] == ([] if still_verified else [UPDATED])
    unverified = organisations_for(roles.user("secretariat"), verified=False)
    assert unverified.filter(pk=adb.pk).exists() is not still_verified


def test_a_profile_names_countries_areas_and_stages_in_the_readers_language(roles, adb, text):
    # given the ADB working in Thailand, on Quality Environment, at implementation
    organisation_update(
        actor=roles.user("partner_adb"),
        organisation=adb,
        version=adb.version,
        countries=["TH"],
        focus_areas=["quality-environment"],
        stages=["implementation"],
    )
    with translation.override("th"):
        expected = [
            str(word)
            for word in (
                gettext("Thailand"),
                FocusArea.objects.get(code="quality-environment").label,
                codelists.labels(codelists.PROJECT_STATUS)["implementation"],
            )
        ]
    # when its profile is read in Thai, and the dashboards' member-state menu too
    page = text(roles.session("anonymous").get(f"/th/organisations/{ADB}/"))
    menu = roles.session("anonymous").get("/th/dashboards/").content.decode()
    # then each is in Thai, not the English of the records
    for word in expected:
        assert word in page
    assert "Thailand" not in page
    assert f">{expected[0]}</option>" in menu
    # and the English page writes a stage as a label ("Implementation", not "implementation")
    assert "Implementation" in text(roles.session("anonymous").get(f"/organisations/{ADB}/"))
