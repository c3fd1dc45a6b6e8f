"""Agreements (SPEC C6): the seed, the two-party rule, status transitions, visibility, API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from ascn.agreements.management.commands.load_agreements import load_agreements
from ascn.agreements.models import Agreement, AgreementParty
from ascn.agreements.services import (
    TRANSITIONS,
    agreement_attach_document,
    agreement_create,
    agreement_transition,
    agreement_update,
)
from ascn.core.errors import InvalidInput, NotFound, PermissionDenied, StaleEdit
from ascn.core.models import AuditEntry
from ascn.meetings.models import Meeting
from ascn.meetings.services import meeting_create
from ascn.network.models import City
from tests import factories
from tests.roles import assert_matrix

pytest_plugins = ["tests.roles"]

TWO_PARTIES = [{"name": "City of Alpha"}, {"name": "Beta Utilities"}]


def _draft(actor, **extra) -> Agreement:
    return agreement_create(
        actor=actor, title="Water twinning", parties=TWO_PARTIES, kind="twinning", **extra
    )


# --- seed ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_seed_holds_the_two_named_agreements_of_the_inaugural_meeting():
    # when
    load_agreements()
    # then
    agreements = {a.slug: a for a in Agreement.objects.all()}
    assert set(agreements) == {"undp-jetro-2018", "amata-yokohama-2018"}
    for agreement in agreements.values():
        assert agreement.signed_date == dt.date(2018, 7, 8)
        assert agreement.signed_date_precision == "day"
        assert agreement.signed_place == "Singapore"
        assert agreement.status == "signed"
        assert agreement.visibility == "public"
        assert agreement.source == "ASCN founding document"
        assert all(not p.signatory and not p.signatory_title for p in agreement.parties.all())
    assert [p.name for p in agreements["undp-jetro-2018"].parties.all()] == [
        "United Nations Development Programme (UNDP)",
        "Japan External Trade Organization (JETRO)",
    ]
    assert [p.name for p in agreements["amata-yokohama-2018"].parties.all()] == [
        "Amata Smart City Corporation Chonburi",
        "Yokohama Urban Solutions Alliance",
    ]


@pytest.mark.django_db
def test_loading_the_seed_twice_changes_nothing_the_second_time():
    # given
    call_command("load_agreements", verbosity=0)
    entries = AuditEntry.objects.count()
    # when
    written = load_agreements()
    # then
    assert written == 0
    assert Agreement.objects.count() == 2
    assert AgreementParty.objects.count() == 4
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_the_seed_links_the_inaugural_meeting_when_it_is_loaded():
    # given the inaugural meeting, added by the Secretariat before the agreements' seed
    meeting_create(
        actor=factories.secretariat(),
        slug="ascn-annual-meeting-2018",
        values={
            "title": "Inaugural ASCN meeting",
            "kind": Meeting._meta.get_field("kind").choices[0][0],
            "start_date": dt.date(2018, 7, 8),
        },
    )
    # when
    load_agreements()
    # then
    assert {a.meeting.slug for a in Agreement.objects.all()} == {"ascn-annual-meeting-2018"}


# --- services -----------------------------------------------------------------------


def test_an_agreement_needs_at_least_two_parties(roles):
    # given
    secretariat = roles.user("secretariat")
    entries = AuditEntry.objects.count()
    # when / then
    for parties in ([], [{"name": "Only one"}]):
        with pytest.raises(InvalidInput) as error:
            agreement_create(actor=secretariat, title="Lonely", parties=parties)
        assert error.value.field == "parties"
    # and nothing was written
    assert not Agreement.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_party_is_at_most_one_of_organisation_city_member_state(roles):
    # given
    city = City.objects.get(slug="phuket")
    parties = [{"name": "Phuket", "city": city, "member_state": city.member_state}, {"name": "X"}]
    # when / then
    with pytest.raises(InvalidInput):
        agreement_create(actor=roles.user("secretariat"), title="Both", parties=parties)
    assert not Agreement.objects.exists()


def test_the_secretariat_records_an_agreement_and_it_is_audited(roles):
    # given
    secretariat = roles.user("secretariat")
    phuket = City.objects.get(slug="phuket")
    # when
    agreement = _draft(secretariat, slug="", visibility="network")
    agreement_update(
        actor=secretariat,
        agreement=agreement,
        version=agreement.version,
        parties=[{"city": phuket}, {"name": "Beta Utilities", "signatory": "A. Person"}],
    )
    # then
    agreement.refresh_from_db()
    assert agreement.slug == "water-twinning"
    assert agreement.version == 2
    assert [p.name for p in agreement.parties.all()] == ["Phuket", "Beta Utilities"]
    actions = list(
        AuditEntry.objects.filter(
            object_type="agreements.agreement", object_id=str(agreement.pk)
        ).values_list("action", flat=True)
    )
    assert sorted(actions) == ["agreements.agreement.created", "agreements.agreement.updated"]


@pytest.mark.parametrize("who", ["cso_phuket", "nr_th", "partner_adb"])
def test_only_the_secretariat_records_agreements(roles, who):
    with pytest.raises(PermissionDenied):
        _draft(roles.user(who))
    assert not Agreement.objects.exists()


def test_a_stale_edit_is_refused_and_changes_nothing(roles):
    # given
    secretariat = roles.user("secretariat")
    agreement = _draft(secretariat)
    agreement_update(actor=secretariat, agreement=agreement, version=1, title="New title")
    # when / then
    with pytest.raises(StaleEdit):
        agreement_update(actor=secretariat, agreement=agreement, version=1, title="Lost")
    agreement.refresh_from_db()
    assert agreement.title == "New title"


LEGAL = sorted((src, dst) for src, targets in TRANSITIONS.items() for dst in targets)
ILLEGAL = [
    (src, dst)
    for src in Agreement.Status.values
    for dst in Agreement.Status.values
    if dst not in TRANSITIONS[src]
]


def _in_status(actor, status: str) -> Agreement:
    agreement = _draft(actor)
    if status != "draft":
        agreement = agreement_create(
            actor=actor,
            title=f"Signed {status}",
            parties=TWO_PARTIES,
            status=status,
            signed_date=dt.date(2024, 1, 2),
        )
    return agreement


@pytest.mark.parametrize(("source", "target"), LEGAL)
def test_legal_status_transitions(roles, source, target):
    # given
    secretariat = roles.user("secretariat")
    agreement = _in_status(secretariat, source)
    # when
    agreement = agreement_transition(
        actor=secretariat,
        agreement=agreement,
        to=target,
        version=agreement.version,
        signed_date=dt.date(2024, 1, 2) if source == "draft" else None,
    )
    # then
    assert agreement.status == target
    assert AuditEntry.objects.filter(
        action="agreements.agreement.transitioned", object_id=str(agreement.pk)
    ).exists()


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_illegal_status_transitions_are_refused_and_change_nothing(roles, source, target):
    # given
    secretariat = roles.user("secretariat")
    agreement = _in_status(secretariat, source)
    # when / then
    with pytest.raises(InvalidInput) as error:
        agreement_transition(
            actor=secretariat, agreement=agreement, to=target, version=agreement.version
        )
    assert error.value.status == 409
    agreement.refresh_from_db()
    assert agreement.status == source


def test_signing_needs_a_date(roles):
    secretariat = roles.user("secretariat")
    agreement = _draft(secretariat)
    with pytest.raises(InvalidInput) as error:
        agreement_transition(actor=secretariat, agreement=agreement, to="signed", version=1)
    assert error.value.field == "signed_date"
    agreement.refresh_from_db()
    assert agreement.status == "draft"


def test_a_csco_cannot_move_an_agreement(roles):
    # given a public agreement
    agreement = _draft(roles.user("secretariat"), visibility="public")
    # when / then
    with pytest.raises(PermissionDenied):
        agreement_transition(
            actor=roles.user("cso_phuket"), agreement=agreement, to="signed", version=1
        )


def test_a_draft_agreement_is_out_of_sight_for_members(roles):
    agreement = _draft(roles.user("secretariat"))
    with pytest.raises(NotFound):
        agreement_transition(
            actor=roles.user("cso_phuket"), agreement=agreement, to="signed", version=1
        )


def test_the_document_must_be_a_pdf(roles, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    secretariat = roles.user("secretariat")
    agreement = _draft(secretariat)
    fake = SimpleUploadedFile("agreement.pdf", b"<html>not a pdf</html>")
    # when / then
    with pytest.raises(InvalidInput):
        agreement_attach_document(actor=secretariat, agreement=agreement, file=fake)
    agreement.refresh_from_db()
    assert not agreement.document
    # when a real PDF
    pdf = SimpleUploadedFile("agreement.pdf", factories.pdf_bytes())
    agreement = agreement_attach_document(actor=secretariat, agreement=agreement, file=pdf)
    # then
    assert agreement.document.name.endswith(".pdf")


# --- API and pages --------------------------------------------------------------------


@pytest.fixture
def agreements(roles):
    load_agreements()
    secretariat = roles.user("secretariat")
    return {
        "draft": _draft(secretariat),
        "network": agreement_create(
            actor=secretariat,
            title="Network only",
            parties=TWO_PARTIES,
            kind="mou",
            status="signed",
            signed_date=dt.date(2023, 7, 12),
            visibility="network",
        ),
    }


def test_the_api_lists_what_each_principal_may_see(roles, agreements):
    responses = assert_matrix(
        roles.bearer,
        "GET",
        "/api/v1/agreements",
        {name: 200 for name in roles},
    )
    counts = {name: response.json()["count"] for name, response in responses.items()}
    assert counts["anonymous"] == 2
    assert counts["cso_phuket"] == 3
    assert counts["secretariat"] == 4


def test_the_api_filters_by_kind_status_year_and_party(client, agreements):
    def slugs(query):
        response = client.get(f"/api/v1/agreements?{query}")
        assert response.status_code == 200
        return {item["slug"] for item in response.json()["items"]}

    both = {"undp-jetro-2018", "amata-yokohama-2018"}
    assert slugs("year=2018") == both
    assert slugs("status=signed") == both
    assert slugs("party=jetro") == {"undp-jetro-2018"}
    assert slugs("party=") == slugs(""), "an empty party box filters nothing, as the schema says"
    assert slugs("kind=mou") == set()
    assert slugs("year=2019") == set()


@pytest.mark.parametrize(
    "query", ["kind=treaty", "status=lost", "year=abc", "year=99999", "party=%00x"]
)
def test_bad_filters_are_422(client, agreements, query):
    response = client.get(f"/api/v1/agreements?{query}")
    assert response.status_code == 422
    assert "detail" in response.json()


def test_one_agreement_and_404s(roles, agreements):
    # when
    response = roles.session("anonymous").get("/api/v1/agreements/undp-jetro-2018")
    # then
    body = response.json()
    assert response.status_code == 200
    assert body["signed_date"] == "2018-07-08"
    assert [p["name"] for p in body["parties"]][1] == "Japan External Trade Organization (JETRO)"
    assert body["parties"][0]["signatory"] is None
    # and what one may not see is indistinguishable from what does not exist
    assert_matrix(
        roles.bearer,
        "GET",
        "/api/v1/agreements/network-only",
        {"anonymous": 404, "cso_hanoi": 200, "secretariat": 200},
    )
    assert_matrix(
        roles.bearer,
        "GET",
        "/api/v1/agreements/water-twinning",
        {"anonymous": 404, "cso_hanoi": 404, "nr_th": 404, "secretariat": 200},
    )
    assert roles.session("anonymous").get("/api/v1/agreements/nothing").status_code == 404


def test_the_public_pages_list_and_show_only_public_agreements(
    client, agreements, text, django_assert_max_num_queries
):
    # when
    with django_assert_max_num_queries(8):
        listing = client.get("/agreements/")
    detail = client.get("/agreements/amata-yokohama-2018/")
    # then
    assert listing.status_code == 200
    assert "Yokohama Urban Solutions Alliance" in text(listing)
    assert "Network only" not in text(listing)
    assert detail.status_code == 200
    assert "8 Jul 2018" in text(detail)
    assert "not published" in text(detail)
    assert client.get("/agreements/water-twinning/").status_code == 404
