"""The dashboards' per-city tallies equal the figures summed from the records themselves,
after every kind of write through the real services: a project created, its status and
focus areas changed, published and unpublished; a deal expressed, moved on, committed; an
organisation hidden; and after a full rebuild. (``test_dashboards.py`` checks the figures
against sums done by hand; this checks the two ways of getting them agree.)"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from ascn.accounts.models import User
from ascn.core.services import back_office_delete, back_office_save
from ascn.dashboards import queries, tallies
from ascn.dashboards.models import (
    AreaPairTally,
    CityCount,
    DealTally,
    OrganisationTally,
    ProjectTally,
    StateDealTally,
    StateTally,
)
from ascn.deals.services import engagement_advance, engagement_confirm, engagement_create
from ascn.funding.models import Programme
from ascn.funding.services import programme_update
from ascn.network.models import City, FocusArea, MemberState, Outcome
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_update
from ascn.plans.models import Project
from ascn.plans.services import (
    document_delete,
    document_upload,
    milestone_save,
    project_create,
    project_update,
)
from tests import factories
from tests.races import ON_POSTGRESQL, race

HELD = ("disclosed_identification", "disclosed_preparation")


def every_filter() -> list[queries.Filters]:
    th = MemberState.objects.get(code="TH")
    vn = MemberState.objects.get(code="VN")
    areas = list(FocusArea.objects.filter(code__in=["quality-environment", "civic-social"]))
    return [
        queries.Filters(),
        queries.Filters(member_state=th),
        queries.Filters(member_state=vn),
        *(queries.Filters(focus_area=area) for area in areas),
        *(queries.Filters(member_state=th, focus_area=area) for area in areas),
    ]


def figures(filters: queries.Filters, *, direct: bool) -> dict:
    f = queries.project_figures(filters, direct=direct)
    return {
        "total": f.total,
        "by_status": f.by_status,
        "money": {k: [v[0], *(round(x, 2) for x in v[1:])] for k, v in f.money.items()},
        "samples": f.samples,
        "last_updated": f.last_updated,
        "cities": queries.city_project_counts(filters, direct=direct),
        "areas": queries.projects_by_focus_area(filters, direct=direct),
        "deals": queries.deals_by_stage(filters, direct=direct),
        "organisations": queries.organisations_by_kind(direct=direct),
        "disclosure": queries.disclosure_by_city(filters, direct=direct),
        "disclosure by state": queries.disclosure_by_state(filters, direct=direct),
    }


def assert_tallies_match() -> None:
    for filters in every_filter():
        assert figures(filters, direct=False) == figures(filters, direct=True), filters


@pytest.mark.django_db
def test_tallies_follow_every_write_through_the_services(data, secretariat):
    assert_tallies_match()
    assert ProjectTally.objects.exists() and DealTally.objects.exists()
    before = figures(queries.Filters(), direct=False)

    # a new public project, with two focus areas
    bangkok = City.objects.get(slug="bangkok")
    project = project_create(
        actor=secretariat,
        city=bangkok,
        title="P4",
        description="P4.",
        focus_areas=["quality-environment", "civic-social"],
        status="identification",
        budget_amount="200000",
        budget_currency="THB",
        funding_secured="50000",
        period_start=dt.date(2025, 1, 1),
    )
    assert_tallies_match()  # a draft: nothing changes yet
    assert figures(queries.Filters(), direct=False) == before
    project = project_update(
        actor=secretariat, project=project, version=project.version, visibility="public"
    )
    assert_tallies_match()
    after = figures(queries.Filters(), direct=False)
    assert after["total"] == before["total"] + 1
    assert after["cities"][bangkok.pk] == 1

    # its status and focus areas change
    project = project_update(
        actor=secretariat,
        project=project,
        version=project.version,
        status="implementation",
        focus_areas=["health-wellbeing"],
    )
    assert_tallies_match()

    # a deal on it with a public organisation, moved on and committed
    bank = Organisation.objects.get(slug="bank")
    deal = engagement_create(actor=None, project=project, organisation=bank, side="city")
    assert_tallies_match()
    for stage in ("discussion", "due_diligence", "term_sheet"):
        deal = engagement_advance(
            actor=secretariat, engagement=deal, stage=stage, version=deal.version
        )
    deal = engagement_advance(
        actor=secretariat,
        engagement=deal,
        stage="committed",
        version=deal.version,
        commitment_amount="100000",
        commitment_currency="THB",
        commitment_instrument="grant",
    )
    assert_tallies_match()
    # waiting for the city's confirmation, it is not a commitment yet in the public figures
    stages = dict((code, n) for code, _title, n in queries.deals_by_stage(queries.Filters()))
    assert (stages["committed"], stages["term_sheet"]) == (0, 1)

    # once the city confirms it, it is
    deal = engagement_confirm(actor=None, engagement=deal, version=deal.version, confirm=True)
    assert_tallies_match()
    stages = dict((code, n) for code, _title, n in queries.deals_by_stage(queries.Filters()))
    assert (stages["committed"], stages["term_sheet"]) == (1, 0)

    # the organisation is hidden (its programme first, which names it): its deals leave the
    # figures
    city_fund = Programme.objects.get(slug="fund")
    programme_update(
        actor=secretariat, programme=city_fund, version=city_fund.version, visibility="draft"
    )
    bank.refresh_from_db()
    organisation_update(
        actor=secretariat, organisation=bank, version=bank.version, visibility="draft"
    )
    assert_tallies_match()
    assert sum(n for *_rest, n in queries.deals_by_stage(queries.Filters())) == 0
    assert dict((k, n) for k, _t, n in queries.organisations_by_kind()[0])["investor"] == 0

    # a new public organisation, then another kind for it
    fund = factories.organisation(secretariat, slug="fund", name="A Fund", sample=True)
    assert_tallies_match()
    assert queries.organisations_by_kind()[1] == 1
    fund = organisation_update(
        actor=secretariat, organisation=fund, version=fund.version, kind="academia_ngo"
    )
    assert_tallies_match()
    back_office_delete(actor=secretariat, obj=fund)  # as the Secretariat would in the admin
    assert_tallies_match()

    # unpublished: the project leaves the figures again
    project.refresh_from_db()
    project_update(actor=secretariat, project=project, version=project.version, visibility="draft")
    assert_tallies_match()
    assert figures(queries.Filters(), direct=False)["total"] == before["total"]


@pytest.mark.django_db
def test_the_disclosure_sums_follow_documents_milestones_and_outcomes(data, secretariat):
    """The cities' counts sum their public projects' stored disclosure: a document, a
    milestone or an outcome written apart from its project changes them too."""
    project = data["p1"]  # public, in Phuket

    def phuket() -> dict[str, float]:
        rows = queries.disclosure_by_city(queries.Filters())
        return next(c.mean_held for c in rows if c.city == "Phuket")

    before = phuket()
    document = document_upload(
        actor=secretariat,
        project=project,
        title="Environmental impact assessment",
        file=SimpleUploadedFile("eia.pdf", factories.pdf_bytes(), content_type="application/pdf"),
        document_type="environmentalImpact",
    )
    assert_tallies_match()
    assert phuket()["preparation"] == before["preparation"] + 1
    document_delete(actor=secretariat, project=project, document=document)
    assert_tallies_match()
    assert phuket() == before

    milestone = milestone_save(
        actor=secretariat,
        project=project,
        title="Council vote",
        milestone_type="approval",
        status="met",
        date_met=dt.date(2025, 3, 1),
    )
    assert_tallies_match()
    assert phuket()["preparation"] == before["preparation"] + 1
    back_office_delete(actor=secretariat, obj=milestone)  # as the Secretariat would
    assert_tallies_match()
    assert phuket() == before

    project.refresh_from_db()
    project_update(
        actor=secretariat,
        project=project,
        version=project.version,
        outcomes=["high-quality-of-life"],
    )
    assert_tallies_match()
    assert phuket()["identification"] == before["identification"] + 1
    back_office_delete(actor=secretariat, obj=Outcome.objects.get(code="high-quality-of-life"))
    assert_tallies_match()
    assert phuket() == before


@pytest.mark.django_db
def test_a_project_deleted_with_its_parts_recomputes_its_city_once(data, secretariat, monkeypatch):
    """The back office deletes a project with its milestones by cascade: each part is
    announced, but their city's tallies are recomputed once, after the rows have gone."""
    project = factories.project(
        secretariat, city="phuket", title="P5", focus_areas=["civic-social"], visibility="public"
    )
    factories.milestones(secretariat, project=project, count=3)
    recomputed: list[set[int]] = []
    real = tallies.refresh

    def counted(cities, **kwargs):
        recomputed.append(set(cities))
        return real(cities, **kwargs)

    monkeypatch.setattr(tallies, "refresh", counted)
    assert queries.city_project_counts(queries.Filters())[project.city_id] == 2

    back_office_delete(actor=secretariat, obj=project)

    assert recomputed == [{project.city_id}]
    assert_tallies_match()
    phuket = queries.city_project_counts(queries.Filters())[project.city_id]
    assert phuket == 1  # P1 alone again


@pytest.mark.django_db
def test_a_city_moved_to_another_member_state_takes_its_figures_along(data, secretariat):
    phuket = City.objects.get(slug="phuket")
    phuket.member_state = MemberState.objects.get(code="VN")  # as the Secretariat would
    back_office_save(actor=secretariat, obj=phuket, changed_fields=["member_state"])
    assert_tallies_match()
    vn = figures(queries.Filters(member_state=phuket.member_state), direct=False)
    assert vn["total"] == 2


@pytest.mark.django_db
def test_a_rebuild_gives_the_same_tallies(data):
    def rows():
        projects = ProjectTally.objects.values_list(
            "city_id", "focus_area_id", "status", "currency", "projects", "budget", "sought"
        )
        deals = DealTally.objects.values_list("city_id", "focus_area_id", "stage", "deals")
        states = StateTally.objects.values_list(
            "member_state_id", "focus_area_id", "status", "currency", "projects", "sought"
        )
        cities = CityCount.objects.values_list(
            "city_id",
            "focus_area_id",
            "projects",
            "disclosed_identification",
            "disclosed_preparation",
        )
        kinds = OrganisationTally.objects.values_list("kind", "organisations", "samples")
        state_deals = StateDealTally.objects.values_list(
            "member_state_id", "focus_area_id", "stage", "deals"
        )
        pairs = AreaPairTally.objects.values_list(
            "city_id", "focus_area_id", "other_area_id", "projects"
        )
        every = (projects, deals, states, cities, kinds, state_deals, pairs)
        return [sorted(rows, key=repr) for rows in every]

    kept = rows()
    assert all(kept)
    # when the tallies are lost (the ORM: a restore without them) and rebuilt
    for model in (
        ProjectTally,
        DealTally,
        StateTally,
        StateDealTally,
        CityCount,
        AreaPairTally,
        OrganisationTally,
    ):
        model.objects.all().delete()
    call_command("dashboards_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert rows() == kept
    tallies.refresh({City.objects.get(slug="phuket").pk})
    assert rows() == kept


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_projects_of_one_member_state_published_at_once_both_count(data, secretariat):
    # given two draft projects in two cities of Thailand
    drafts = [
        factories.project(
            secretariat, city=slug, title=f"Race {slug}", focus_areas=["quality-environment"]
        )
        for slug in ("bangkok", "chiang-mai")
    ]
    before = figures(queries.Filters(), direct=False)["total"]

    def publish(pk: int, version: int):
        def attempt():
            project_update(
                actor=User.objects.get(pk=secretariat.pk),
                project=Project.objects.get(pk=pk),
                version=version,
                visibility="public",
            )

        return attempt

    # when both are published at the same instant (Thailand's tallies are summed in turn)
    thailand = MemberState.objects.get(code="TH")
    outcomes = race(MemberState, thailand.pk, [publish(p.pk, p.version) for p in drafts])

    # then both count, once each, and the tallies equal the records
    assert outcomes == ["saved", "saved"]
    assert figures(queries.Filters(), direct=False)["total"] == before + 2
    assert_tallies_match()


def kept_rows(model, fields: tuple[str, ...]) -> list[tuple]:
    return sorted(model.objects.values_list(*fields), key=repr)


def filled(migration: str, model, fields: tuple[str, ...]) -> list[tuple]:
    """The rows after the data migration's ``fill`` ran on this database as it is now."""
    importlib.import_module(f"ascn.dashboards.migrations.{migration}").fill(django_apps, None)
    return kept_rows(model, fields)


@pytest.mark.django_db
def test_the_migrations_fill_the_new_tallies_from_the_records_already_there(data, secretariat):
    # given a project with an outcome and two focus areas (Phuket), one with one (Hanoi)
    project_update(
        actor=secretariat,
        project=data["p1"],
        version=data["p1"].version,
        outcomes=["high-quality-of-life"],
        focus_areas=["quality-environment", "civic-social"],
    )
    sums = ("city_id", "focus_area_id", *HELD)
    deals = ("member_state_id", "focus_area_id", "stage", "deals")
    pairs = ("city_id", "focus_area_id", "other_area_id", "projects")
    kept = {
        field: kept_rows(model, fields)
        for field, model, fields in [
            ("sums", CityCount, sums),
            ("deals", StateDealTally, deals),
            ("pairs", AreaPairTally, pairs),
        ]
    }
    assert any(row[2] for row in kept["sums"]) and kept["deals"]
    assert len(kept["pairs"]) == 5  # Phuket: 2 × 2 pairs; Hanoi: 1 (P3 is a draft)

    # when the columns and tables are new (empty), the migrations fill them as kept
    CityCount.objects.update(**dict.fromkeys(HELD, 0))
    StateDealTally.objects.all().delete()
    AreaPairTally.objects.all().delete()
    assert filled("0004_city_disclosure_sums", CityCount, sums) == kept["sums"]
    assert filled("0005_state_deal_tally", StateDealTally, deals) == kept["deals"]
    assert filled("0006_area_pair_tally", AreaPairTally, pairs) == kept["pairs"]
