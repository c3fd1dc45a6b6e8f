"""The rules of a project and an action plan (``plans.validation``), written once and applied
by the service, the form, the import and the API alike (issue 14, item 4).

Each rule accepts what a person may mean and refuses the rest naming the field (and the rule,
so a channel can place it: the import puts a coordinate's problem in its own column). A rule
over a list refuses every item at fault, so a form or an import row shows them all.
"""

from __future__ import annotations

import datetime as dt
import typing
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ascn.core.errors import InvalidInput
from ascn.core.visibility import Visibility
from ascn.network import framework
from ascn.network.models import City, FocusArea, Outcome
from ascn.opendata import imports
from ascn.plans import codelists, schemas, validation
from ascn.plans.forms import ProjectForm
from ascn.plans.models import FinancingInstrument, PlanStatus, Project, ReadinessLevel
from ascn.plans.validation import PLAN, PROJECT, Refused
from tests.days import DaysAhead, dated, today

pytest_plugins = ["tests.roles"]

VALID_PROJECT = {
    "title": "Smart flood drainage",
    "description": "Sensors and pumps for the old town's drains.",
    "focus_areas": ["quality-environment"],
    "status": "preparation",
    "budget_amount": "2500000",
    "budget_currency": "THB",
}


def refused(rules, values) -> Refused:
    """The first problem the rules find in ``values`` (they must find one)."""
    with pytest.raises(Refused) as raised:
        rules.clean(values)
    return raised.value


# --- a project's fields, one by one ------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"title": "   "}, "title", "required"),
        ({"title": "x" * 201}, "title", "too-long"),
        ({"description": ""}, "description", "required"),
        ({"focus_areas": []}, "focus_areas", "required"),
        ({"status": "finished"}, "status", "codelist"),
        ({"status": "Preparation"}, "status", "codelist"),  # codes are case-sensitive
        ({"status": ""}, "status", "required"),
        ({"project_type": "castle"}, "project_type", "codelist"),
        ({"sectors": ["space"]}, "sectors", "codelist"),
        ({"budget_amount": "lots"}, "budget_amount", "not-a-number"),
        ({"budget_amount": None}, "budget_amount", "required"),
        ({"budget_amount": "-1"}, "budget_amount", "out-of-range"),
        ({"budget_amount": "1e16"}, "budget_amount", "out-of-range"),
        ({"budget_amount": "NaN"}, "budget_amount", "out-of-range"),
        ({"budget_amount": "1234567890123456"}, "budget_amount", "too-precise"),
        ({"funding_secured": "plenty"}, "funding_secured", "not-a-number"),
        ({"budget_currency": "ZZZ"}, "budget_currency", "codelist"),
        ({"budget_currency": "XXX"}, "budget_currency", "not-money"),
        ({"budget_currency": "XTS"}, "budget_currency", "not-money"),
        ({"financing_sought": ["gift"]}, "financing_sought", "unknown-choice"),
        ({"sdg_targets": ["12.1"]}, "sdg_targets", "sdg-target"),
        ({"sdg_targets": ["11.8"]}, "sdg_targets", "sdg-target"),
        ({"locations": ["Old town"]}, "locations", "not-a-location"),
        ({"locations": [{"description": "x" * 301}]}, "locations", "too-long"),
        ({"contacts": ["someone"]}, "contacts", "not-a-contact"),
        ({"contacts": [{"name": "x" * 201}]}, "contacts", "too-long"),
        ({"period_start": "31/12/2026"}, "period_start", "not-a-date"),
        ({"visibility": "secret"}, "visibility", "unknown-choice"),
        ({"budget_usd": "5"}, "budget_usd", "unknown-field"),
    ],
)
@pytest.mark.db_independent
def test_a_project_value_outside_its_rule_is_refused_naming_the_field(change, field, rule):
    # given a project's values with one thing wrong
    # when the rules check them
    problem = refused(PROJECT, VALID_PROJECT | change)
    # then the problem names the field and the rule, in a sentence a person reads
    assert (problem.field, problem.rule) == (field, rule)
    assert isinstance(problem, InvalidInput) and problem.message


@pytest.mark.db_independent
def test_a_project_values_are_accepted_and_normalised():
    # given what a form, the API or the import sends for a full project
    values = VALID_PROJECT | {
        "title": "  Smart flood drainage  ",
        "focus_areas": ["quality-environment", "quality-environment", "built-infrastructure"],
        "project_type": "",
        "sectors": ["waterAndWaste", "transport.urban", "waterAndWaste"],
        "budget_amount": "2500000.5",
        "budget_currency": "thb",
        "funding_secured": Decimal("500000"),
        "financing_sought": ["grant", "loan", "grant"],
        "sdg_targets": ["11.b", "11.5", "11.5"],
        "locations": [
            {"description": " Old town ", "lat": "7.8804", "lon": 98.3923},
            {"description": "Patong", "lat": None, "lon": None},
        ],
        "contacts": [{"name": " Ann ", "email": "ann@phuket.example"}],
        "period_start": "2026-01-01",
        "period_end": dt.date(2028, 12, 31),
        "visibility": "network",
    }
    # when the rules check them
    clean = PROJECT.clean(values)
    # then each is kept as the record stores it
    assert clean["title"] == "Smart flood drainage"
    assert clean["focus_areas"] == ["quality-environment", "built-infrastructure"]
    assert clean["project_type"] == ""
    assert clean["sectors"] == ["waterAndWaste", "transport.urban"]
    assert clean["budget_amount"] == Decimal("2500000.50")
    assert clean["budget_currency"] == "THB"
    assert clean["financing_sought"] == ["grant", "loan"]
    assert clean["sdg_targets"] == ["11.5", "11.b"]
    assert clean["locations"] == [
        {"description": "Old town", "lat": 7.8804, "lon": 98.3923},
        {"description": "Patong"},
    ]
    assert clean["contacts"] == [{"name": "Ann", "role": "", "email": "ann@phuket.example"}]
    assert (clean["period_start"], clean["period_end"]) == (
        dt.date(2026, 1, 1),
        dt.date(2028, 12, 31),
    )


@pytest.mark.db_independent
@pytest.mark.parametrize(
    ("location", "coordinate", "rule"),
    [
        ({"lat": 91, "lon": 0}, "lat", "out-of-range"),
        ({"lat": 0, "lon": -180.5}, "lon", "out-of-range"),
        ({"lat": "north", "lon": 0}, "lat", "not-a-number"),
        ({"lat": float("nan"), "lon": 0}, "lat", "out-of-range"),
        ({"lat": 7.88}, "lon", "half-a-point"),
        ({"description": "Pier", "lon": 98.39}, "lat", "half-a-point"),
    ],
)
def test_a_location_names_the_coordinate_at_fault(location, coordinate, rule):
    problem = refused(PROJECT, VALID_PROJECT | {"locations": [{"description": "x"}, location]})
    assert (problem.field, problem.rule, problem.params["coordinate"]) == (
        "locations",
        rule,
        coordinate,
    )
    if rule == "half-a-point":
        assert problem.message.startswith("Location 2:")


@pytest.mark.db_independent
def test_the_equator_and_the_meridian_are_coordinates():
    clean = PROJECT.clean(VALID_PROJECT | {"locations": [{"lat": 0, "lon": 0}]})
    assert clean["locations"] == [{"description": "", "lat": 0.0, "lon": 0.0}]


@pytest.mark.db_independent
@pytest.mark.parametrize("amount", ["0", "0.00", "9999999999999.99", 1250000, 80000.5])
def test_amounts_from_zero_to_fifteen_digits_are_kept_to_the_cent(amount):
    assert validation.amount(amount, "budget_amount") == Decimal(str(amount)).quantize(
        Decimal("0.01")
    )


@pytest.mark.db_independent
def test_the_sdg_11_targets_are_the_codelists_ten():
    assert list(codelists.SDG11_TARGETS) == [f"11.{n}" for n in "1234567abc"]
    for code, label in codelists.SDG11_TARGETS.items():
        assert str(label).startswith(f"{code} ")
    assert validation.sdg_targets(list(codelists.SDG11_TARGETS)) == list(codelists.SDG11_TARGETS)


# --- the rules between fields -------------------------------------------------------------------


@pytest.mark.db_independent
def test_funding_secured_cannot_exceed_the_budget():
    problem = refused(PROJECT, VALID_PROJECT | {"funding_secured": "2500000.01"})
    assert (problem.field, problem.rule) == ("funding_secured", "above-budget")
    assert PROJECT.clean(VALID_PROJECT | {"funding_secured": "2500000"})


@pytest.mark.db_independent
def test_a_period_cannot_end_before_it_starts():
    problem = refused(
        PROJECT, VALID_PROJECT | {"period_start": "2027-01-01", "period_end": "2026-12-31"}
    )
    assert (problem.field, problem.rule) == ("period_end", "end-before-start")
    assert PROJECT.clean(VALID_PROJECT | {"period_start": "2027-01-01", "period_end": None})


@pytest.mark.db_independent
def test_the_rules_between_fields_hold_on_the_whole_record_after_an_edit():
    # given a stored project whose budget an edit lowers below the funding secured
    record = SimpleNamespace(
        budget_amount=Decimal("100"),
        funding_secured=Decimal("200"),
        period_start=None,
        period_end=None,
    )
    # when the service checks the record as it would save it
    with pytest.raises(Refused) as raised:
        PROJECT.check_whole(record)
    # then the funding secured is at fault
    assert raised.value.field == "funding_secured"


@pytest.mark.db_independent
def test_every_problem_is_found_at_once_for_a_form_or_an_import_row():
    # given values with a problem in several fields, and in several items of one list
    values = VALID_PROJECT | {
        "title": "",
        "budget_currency": "XXX",
        "sdg_targets": ["12.1", "11.5", "11.x"],
        "locations": [{"description": "x" * 301, "lat": 91}],
    }
    # when the rules look for every problem
    clean, problems = PROJECT.problems(values)
    # then each is listed with its field, in the order of the values
    assert [(p.field, p.rule) for p in problems] == [
        ("title", "required"),
        ("budget_currency", "not-money"),
        ("sdg_targets", "sdg-target"),
        ("sdg_targets", "sdg-target"),
        ("locations", "too-long"),
        ("locations", "out-of-range"),
        ("locations", "half-a-point"),
    ]
    assert [p.params.get("value") for p in problems[2:4]] == ["12.1", "11.x"]
    # and what passed is kept, normalised
    assert clean["status"] == "preparation" and "title" not in clean
    # while a service, asking for the first problem, gets the title
    assert refused(PROJECT, values).field == "title"


# --- an action plan -----------------------------------------------------------------------------

VALID_PLAN = {"title": "Phuket Smart City Plan", "period_start": 2025, "period_end": 2030}


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": "x" * 201}, "title", "too-long"),
        ({"period_start": "soon"}, "period_start", "required"),
        ({"period_start": 1999}, "period_start", "out-of-range"),
        ({"period_end": 2101}, "period_end", "out-of-range"),
        ({"period_start": 2030, "period_end": 2025}, "period_end", "end-before-start"),
        (
            {"sections": [{"heading": "Vision"}, {"heading": "  ", "body": "b"}]},
            "sections",
            "section-heading",
        ),
        ({"sections": [{"heading": "x" * 201}]}, "sections", "too-long"),
        ({"sections": ["Vision"]}, "sections", "section-heading"),
        ({"document": "plan.pdf"}, "document", "unknown-field"),
    ],
)
@pytest.mark.db_independent
def test_a_plan_value_outside_its_rule_is_refused_naming_the_field(change, field, rule):
    problem = refused(PLAN, VALID_PLAN | change)
    assert (problem.field, problem.rule) == (field, rule)


@pytest.mark.db_independent
def test_a_plan_section_missing_its_heading_is_named_by_its_number():
    sections = [{"heading": "Vision", "body": ""}, {"body": "Only a body"}]
    problem = refused(PLAN, VALID_PLAN | {"sections": sections})
    assert problem.params["number"] == 2


@pytest.mark.db_independent
def test_a_plan_values_are_accepted_and_normalised():
    clean = PLAN.clean(
        VALID_PLAN
        | {
            "period_start": "2025",
            "vision": "  A liveable city.  ",
            "sections": [{"heading": " Vision ", "body": None}],
            "outcomes": ["sustainable-environment", "sustainable-environment"],
            "focus_areas": None,
        }
    )
    assert clean["period_start"] == 2025
    assert clean["vision"] == "A liveable city."
    assert clean["sections"] == [{"heading": "Vision", "body": ""}]
    assert clean["outcomes"] == ["sustainable-environment"]
    assert clean["focus_areas"] is None  # not given: an edit leaves them as they are


# --- what is kept with a project, and the framework's records -----------------------------------


@pytest.mark.db_independent
def test_progress_is_a_percentage_as_of_a_day_not_in_the_future():
    assert validation.percent("100", "physical_pct") == Decimal("100.00")
    with pytest.raises(Refused) as raised:
        validation.percent("100.01", "physical_pct")
    assert (raised.value.field, raised.value.rule) == ("physical_pct", "out-of-range")
    assert validation.progress_date(today()) == today()
    with pytest.raises(Refused) as raised:
        validation.progress_date(today() + dt.timedelta(days=1))
    assert (raised.value.field, raised.value.rule) == ("date", "in-the-future")


@pytest.mark.db_independent
@pytest.mark.parametrize(
    ("values", "field", "rule"),
    [
        ({"status": "done"}, "status", "codelist"),
        ({"milestone_type": "party"}, "milestone_type", "codelist"),
        ({"code": "groundbreaking"}, "code", "codelist"),
        ({"status": "met"}, "date_met", "met-without-date"),
        # the walk of 8 Dec: "Scheduled — due 01/06/2026 · met on 01/05/2026"
        ({"date_met": dt.date(2025, 5, 1)}, "date_met", "date-without-met"),
        ({"status": "notMet", "date_met": dt.date(2025, 5, 1)}, "date_met", "date-without-met"),
        ({"date_met": DaysAhead(1)}, "date_met", "in-the-future"),
    ],
)
def test_a_milestone_uses_the_codelists_and_a_met_one_says_when(values, field, rule):
    given = {"status": "scheduled", "milestone_type": "", "code": "", "date_met": None} | dated(
        values
    )
    with pytest.raises(Refused) as raised:
        validation.milestone(**given)
    assert (raised.value.field, raised.value.rule) == (field, rule)
    validation.milestone(status="met", milestone_type="approval", code="", date_met=today())


@pytest.mark.db_independent
def test_a_plan_returned_to_its_city_says_what_to_change():
    with pytest.raises(Refused) as raised:
        validation.return_comment("return", "   ")
    assert raised.value.field == "comment"
    assert validation.return_comment("return", " Add a budget. ") == "Add a budget."
    assert validation.return_comment("endorse", "") == ""


@pytest.mark.db_independent
@pytest.mark.parametrize(("rate", "rule"), [("lots", "not-a-number"), ("0", "out-of-range")])
def test_an_exchange_rate_is_a_number_above_zero(rate, rule):
    with pytest.raises(Refused) as raised:
        validation.exchange_rate(rate)
    assert (raised.value.field, raised.value.rule) == ("usd_per_unit", rule)
    assert validation.exchange_rate("0.028") == Decimal("0.0280000000")


def test_framework_codes_are_looked_up_in_the_framework_records(network):
    found = validation.framework_items(FocusArea, ["safety-security", "safety-security"], "x")
    assert [area.code for area in found] == ["safety-security"]
    with pytest.raises(Refused) as raised:
        validation.framework_items(Outcome, ["world-peace"], "outcomes")
    assert (raised.value.field, raised.value.params["code"]) == ("outcomes", "world-peace")


def test_a_project_is_in_its_own_citys_plan(network):
    phuket = City.objects.get(slug="phuket")
    validation.plan_of_city(None, phuket.pk)
    validation.plan_of_city(SimpleNamespace(city_id=phuket.pk, sample=False), phuket.pk)
    with pytest.raises(Refused) as raised:
        validation.plan_of_city(SimpleNamespace(city_id=phuket.pk + 1, sample=False), phuket.pk)
    assert raised.value.field == "plan"
    # and of its kind: a sample project in a sample plan only, a real one in a real one
    validation.plan_of_city(SimpleNamespace(city_id=phuket.pk, sample=True), phuket.pk, True)
    with pytest.raises(Refused) as raised:
        validation.plan_of_city(SimpleNamespace(city_id=phuket.pk, sample=True), phuket.pk)
    assert raised.value.rule == "sample-mix"


# --- one set of codes for the API, the forms and the import ----------------------------------


def _enum(literal) -> list[str]:
    return list(typing.get_args(literal))


def test_the_apis_codes_are_the_codelists_and_the_frameworks_in_their_order(network):
    assert _enum(schemas.StatusCode) == list(codelists.codelist(codelists.PROJECT_STATUS))
    assert _enum(schemas.Instrument) == FinancingInstrument.values
    assert _enum(schemas.ReadinessCode) == ReadinessLevel.values
    assert _enum(schemas.VisibilityCode) == Visibility.values
    assert _enum(schemas.PlanStatusCode) == PlanStatus.values
    # the ASCF file the API reads is the one the network's records were loaded from
    assert _enum(schemas.FocusAreaCode) == list(framework.focus_area_codes())
    assert list(framework.focus_area_codes()) == [a.code for a in FocusArea.objects.all()]
    assert list(framework.outcome_codes()) == [o.code for o in Outcome.objects.all()]
    assert _enum(schemas.OutcomeCode) == list(framework.outcome_codes())


@pytest.mark.db_independent
def test_the_imports_required_columns_are_what_a_project_requires():
    assert set(imports.REQUIRED_COLUMNS) == {"city", *validation.PROJECT_REQUIRED}


# --- the same rule, the same answer, wherever a project comes in --------------------------------


@pytest.fixture
def cso_phuket(roles):
    return roles.user("cso_phuket")


# A project row of Phuket's, as the import's columns name its cells.
ROW = {
    "city": "phuket",
    "title": "Drains",
    "description": "Pumps.",
    "focus_areas": "quality-environment",
    "status": "preparation",
    "budget_amount": "100",
    "budget_currency": "THB",
}


def csv_of(*rows: dict[str, str]) -> bytes:
    lines = [",".join(imports.COLUMN_NAMES)]
    lines += [",".join(row.get(name, "") for name in imports.COLUMN_NAMES) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def check_row(actor, row: dict[str, str]):
    table = imports.read_table(csv_of(row))
    return imports.RowChecker(actor, table).check(*table.rows[0])


def test_a_budget_in_no_currency_is_refused_alike_by_form_import_and_api(cso_phuket, roles):
    message = "Choose the currency the budget is in."
    row = ROW | {"budget_currency": "XXX"}
    # the form shows it on the currency, with every other problem of the page at once
    data = row | {"title": "", "focus_areas": [row["focus_areas"]], "visibility": "draft"}
    form = ProjectForm(data, cities=City.objects.filter(slug="phuket"))
    assert not form.is_valid()
    assert form.errors["budget_currency"] == [message]
    assert "title" in form.errors
    # the import names the row and the column while checking, before anything is saved
    checked, errors = check_row(cso_phuket, row)
    assert checked is None
    assert [error.as_dict() for error in errors] == [
        {"row": 2, "column": "budget_currency", "message": message}
    ]
    # the API answers 422 naming the field
    body = {key: row[key] for key in ("city", "title", "description", "status")} | {
        "focus_areas": [row["focus_areas"]],
        "budget": {"amount": row["budget_amount"], "currency": row["budget_currency"]},
    }
    response = roles.bearer("cso_phuket").post(
        "/api/v1/projects", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "budget", "currency"]
    assert response.json()["detail"][0]["msg"] == message
    assert not Project.objects.exists()


def test_the_import_places_a_coordinate_problem_in_its_column(cso_phuket):
    _checked, errors = check_row(cso_phuket, ROW | {"lat": "91"})
    assert [(e.column, e.message) for e in errors] == [
        ("lat", "Must be between −90 and 90."),
        ("lon", "Give both lat and lon, or neither"),
    ]


def test_an_uploaded_spreadsheet_keeps_nothing_when_a_rule_refuses_a_row(cso_phuket, client):
    # given a CSV whose one row has a budget above what NUMERIC(18, 2) keeps exactly
    data = csv_of(ROW | {"budget_amount": "1234567890123456", "budget_currency": "VND"})
    client.force_login(cso_phuket)
    # when it is uploaded
    response = client.post(
        "/projects/import/", {"file": SimpleUploadedFile("p.csv", data, "text/csv")}
    )
    # then the row is refused with the rule's words, and nothing is created
    assert response.status_code == 422
    assert "At most 15 significant digits." in response.content.decode()
    assert not Project.objects.exists()
