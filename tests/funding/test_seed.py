"""The seed of the real partners and their funding programmes (issue 5, part 1).

Every record carries its source; amounts are exactly those published; loading twice
writes nothing the second time.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from ascn.agreements.management.commands.load_agreements import load_agreements
from ascn.agreements.models import AgreementParty
from ascn.funding.management.commands.load_partners import load_partners, load_programmes
from ascn.funding.models import Programme
from ascn.partners.models import Organisation
from tests.roles import AuditMark

pytestmark = pytest.mark.django_db

KINDS = {
    "australia-dfat": ("external_government", "AU"),
    "asian-development-bank": ("development_partner", "PH"),
    "undp": ("development_partner", ""),
    "jetro": ("external_government", "JP"),
    "amata-smart-city-chonburi": ("solution_provider", "TH"),
    "yokohama-urban-solutions-alliance": ("solution_provider", "JP"),
    "japan-mlit": ("external_government", "JP"),
    "jasca": ("academia_ngo", "JP"),
    "us-asean-smart-cities-partnership": ("external_government", "US"),
}


def test_the_partners_are_seeded_with_their_kind_country_and_source():
    load_partners()
    found = {o.slug: o for o in Organisation.objects.all()}
    assert set(found) == set(KINDS)
    for slug, (kind, country) in KINDS.items():
        organisation = found[slug]
        assert (organisation.kind, organisation.headquarters_country) == (kind, country), slug
        assert organisation.source, f"{slug} has no source"
        assert organisation.description, f"{slug} says nothing"
        assert organisation.visibility == "public"
        # the Secretariat verifies; a seed does not claim it
        assert organisation.verified is False
        # profiles stay empty where no source states them (no ticket size is published;
        # every filled mandate field cites its source: tests/partners/test_seed_sources.py)
        assert organisation.ticket_min_usd is None and organisation.ticket_max_usd is None
        given = {f for source in organisation.sources for f in source.get("fields", [])}
        for field in ("countries", "stages", "focus_areas", "capability_statement"):
            assert not getattr(organisation, field) or field in given, f"{slug}.{field}"


def test_the_programmes_are_seeded_with_the_published_amounts():
    load_partners()
    load_programmes()
    rows = {
        p.slug: (
            p.sponsor.slug,
            p.implementer.slug if p.implementer else None,
            p.total_amount,
            p.currency,
            p.max_award_amount,
        )
        for p in Programme.objects.select_related("sponsor", "implementer")
    }
    assert rows == {
        "asean-australia-smart-cities-initiative": (
            "australia-dfat",
            None,
            Decimal("30000000"),
            "AUD",
            None,
        ),
        "asean-australia-smart-cities-trust-fund": (
            "australia-dfat",
            "asian-development-bank",
            Decimal("20000000"),
            "AUD",
            None,
        ),
        "us-smart-cities-business-innovation-fund": (
            "us-asean-smart-cities-partnership",
            None,
            Decimal("1000000"),
            "USD",
            Decimal("300000"),
        ),
    }
    for programme in Programme.objects.all():
        assert programme.source, f"{programme.slug} has no source"
        assert programme.visibility == "public"
        assert programme.awarded_amount == programme.disbursed_amount == Decimal("0")
        assert programme.balance == programme.total_amount
        # eligibility is not published by the sources: no restriction is invented
        assert programme.eligible_countries == programme.eligible_focus_areas == []
        assert programme.eligible_stages == []


def test_loading_twice_writes_nothing_the_second_time(capsys):
    call_command("load_partners")
    assert "(9 written)" in capsys.readouterr().out
    mark = AuditMark()
    call_command("load_partners")
    out = capsys.readouterr().out
    assert "Partner organisations loaded (0 written)" in out
    assert "funding programmes loaded (0 written)" in out
    assert mark.actions() == []
    assert Organisation.objects.count() == 9
    assert Programme.objects.count() == 3


def test_a_reseed_corrects_a_changed_field_and_keeps_what_was_awarded():
    load_partners()
    load_programmes()
    # given the row changed behind the services (a hand edit in the database, or an award
    # made since): the ORM, since no service sets a total and an awarded amount at once
    Programme.objects.filter(slug="us-smart-cities-business-innovation-fund").update(
        total_amount=Decimal("2000000"), awarded_amount=Decimal("5000")
    )
    mark = AuditMark()
    # when the seed is loaded again
    assert load_programmes() == 1
    # then the total is the published one again, the awarded amount is kept, audited once
    programme = Programme.objects.get(slug="us-smart-cities-business-innovation-fund")
    assert (programme.total_amount, programme.awarded_amount) == (
        Decimal("1000000"),
        Decimal("5000"),
    )
    assert mark.actions() == ["partners.programme.updated"]


def test_the_agreement_parties_are_linked_to_the_seeded_partners():

    # given the partners loaded before the agreements (as `make demo` does)
    load_partners()
    load_agreements()
    linked = dict(AgreementParty.objects.values_list("name", "organisation__slug").order_by("name"))
    assert linked == {
        "Amata Smart City Corporation Chonburi": "amata-smart-city-chonburi",
        "Japan External Trade Organization (JETRO)": "jetro",
        "United Nations Development Programme (UNDP)": "undp",
        "Yokohama Urban Solutions Alliance": "yokohama-urban-solutions-alliance",
    }
    # and a second run changes nothing
    mark = AuditMark()
    assert load_agreements() == 0
    assert mark.actions() == []


def test_agreements_load_without_the_partners_unlinked():

    load_agreements()
    assert AgreementParty.objects.count() == 4
    assert not AgreementParty.objects.filter(organisation__isnull=False).exists()


def test_an_organisation_page_lists_the_programmes_it_sponsors_or_implements(client):
    # given the seeded partners and programmes
    load_partners()
    load_programmes()
    # when the public opens DFAT's and ADB's pages
    dfat = client.get("/organisations/australia-dfat/").content.decode()
    adb = client.get("/organisations/asian-development-bank/").content.decode()
    undp = client.get("/organisations/undp/").content.decode()
    # then DFAT lists both Australian programmes as sponsor, ADB the trust fund it implements
    assert "/programmes/asean-australia-smart-cities-initiative/" in dfat
    assert "/programmes/asean-australia-smart-cities-trust-fund/" in dfat
    assert "/programmes/asean-australia-smart-cities-trust-fund/" in adb
    assert "implementer" in adb
    assert "/programmes/asean-australia-smart-cities-initiative/" not in adb
    # and an organisation with no programme shows no such section
    assert "Funding programmes" not in undp
