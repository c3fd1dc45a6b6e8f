import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import StrictBool

from ascn.core.api import (
    LABEL_DESCRIPTION,
    InputSchema,
    Keep,
    PlainOut,
    SourceOut,
    WrittenIn,
    example,
    iso_date,
)
from ascn.core.visibility import Visibility
from ascn.network import framework
from ascn.plans import codelists
from ascn.plans.models import FinancingInstrument, PlanStatus, ReadinessLevel
from ascn.plans.validation import PROJECT_YEARS

# The codes a body may name, from where they are defined (the OC4IDS codelist, the ASCF
# file, the models' choices), in their order there: the OpenAPI lists them as enums.
StatusCode = Literal[tuple(codelists.codelist(codelists.PROJECT_STATUS))]  # type: ignore[valid-type]
Instrument = Literal[tuple(FinancingInstrument.values)]  # type: ignore[valid-type]
FocusAreaCode = Literal[framework.focus_area_codes()]  # type: ignore[valid-type]
OutcomeCode = Literal[framework.outcome_codes()]  # type: ignore[valid-type]
ReadinessCode = Literal[tuple(ReadinessLevel.values)]  # type: ignore[valid-type]
VisibilityCode = Literal[tuple(Visibility.values)]  # type: ignore[valid-type]
PlanStatusCode = Literal[tuple(PlanStatus.values)]  # type: ignore[valid-type]
# A project's dates (its period, progress, milestones) fall in the years the service takes
ProjectDate = iso_date(**PROJECT_YEARS)


class MoneyIn(InputSchema):
    model_config = example({"amount": "950000000000", "currency": "VND"})

    amount: str = Field(
        ..., pattern=r"^\d{1,16}(\.\d{1,2})?$", description='Decimal string, e.g. "2500000.00"'
    )
    currency: str = Field(..., pattern=r"^[A-Z]{3}$", description="ISO 4217")


class MoneyOut(PlainOut):
    amount: str
    currency: str


class UsdOut(PlainOut):
    amount: str
    currency: Literal["USD"] = "USD"
    rate: str = Field(..., description="USD per unit of the budget's currency")
    rate_date: dt.date
    rate_source: str


class LocationIn(InputSchema):
    description: str = Field("", max_length=300)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


class ContactIn(InputSchema):
    name: str = Field(..., max_length=200)
    role: str = Field("", max_length=200)
    email: str = Field("", max_length=200)


class ProjectIn(InputSchema):
    model_config = example(
        {
            "city": "hanoi",
            "title": "Intelligent traffic signal control",
            "description": "Adaptive traffic signals at 120 junctions of the inner districts, "
            "coordinated from a traffic control centre, to cut congestion and emissions.",
            "focus_areas": ["built-infrastructure", "quality-environment"],
            "status": "preparation",
            "budget": {"amount": "950000000000", "currency": "VND"},
            "outcomes": ["sustainable-environment"],
            "sdg_targets": ["11.2", "11.6"],
            "project_type": "construction",
            "sectors": ["transport.road"],
            "locations": [
                {"description": "Inner districts, Hanoi", "lat": 21.0278, "lon": 105.8342}
            ],
            "period_start": "2026-07-01",
            "period_end": "2028-12-31",
            "funding_secured": {"amount": "0", "currency": "VND"},
            "financing_sought": ["loan", "ppp"],
            "contacts": [],
        }
    )

    city: str = Field(..., max_length=80, description="City slug")
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=20000)
    focus_areas: list[FocusAreaCode] = Field(..., min_length=1)
    status: StatusCode
    budget: MoneyIn
    outcomes: list[OutcomeCode] = []
    sdg_targets: list[str] = Field([], max_length=20)
    project_type: str = Field("", max_length=20)
    sectors: list[str] = Field([], max_length=25)
    locations: list[LocationIn] = Field([], max_length=50)
    period_start: ProjectDate | None = None
    period_end: ProjectDate | None = None
    funding_secured: MoneyIn | None = None
    financing_sought: list[Instrument] = []
    contacts: list[ContactIn] = Field([], max_length=20)
    plan: int | None = Field(None, ge=1, le=2**31 - 1)
    language: str = Field(
        "en",
        max_length=8,
        description="The language the title and description are written in (a code of the "
        "site's languages); changed later on the project's translations page, not by an edit",
    )


class ProjectPatch(InputSchema):
    version: int = Field(
        ..., ge=1, le=2**31 - 1, description="The version you edited; a stale one gets 409"
    )
    title: str = Keep(min_length=1, max_length=200)
    description: str = Keep(min_length=1, max_length=20000)
    focus_areas: list[FocusAreaCode] = Keep(min_length=1)
    status: StatusCode = Keep()
    budget: MoneyIn = Keep()
    outcomes: list[OutcomeCode] | None = None
    sdg_targets: list[str] | None = Field(None, max_length=20)
    project_type: str | None = Field(None, max_length=20)
    sectors: list[str] | None = Field(None, max_length=25)
    locations: list[LocationIn] | None = Field(None, max_length=50)
    period_start: ProjectDate | None = None
    period_end: ProjectDate | None = None
    funding_secured: MoneyIn = Keep(description='Send an amount of "0" for none')
    financing_sought: list[Instrument] | None = None
    contacts: list[ContactIn] | None = Field(None, max_length=20)
    visibility: VisibilityCode = Keep()


class CodeName(PlainOut):
    code: str
    name: str
    label: str = Field(..., description=LABEL_DESCRIPTION)


class ReadinessSummary(PlainOut):
    score: int | None
    level: ReadinessCode | None


class MilestoneOut(Schema):
    id: int
    title: str
    type: str
    code: str
    status: str
    due_date: dt.date | None
    date_met: dt.date | None


class ProgressOut(Schema):
    id: int
    date: dt.date
    physical_pct: str
    financial_pct: str
    note: str


class DocumentOut(Schema):
    id: int
    title: str
    document_type: str
    size: int
    url: str


class CityRecordOut(PlainOut):
    """What a project and an action plan both begin with: the record and its city."""

    id: int
    version: int
    visibility: VisibilityCode
    sample: bool
    city: str
    city_name: str
    country: str


# A project as anyone may read it once public (the sample in plans/seed/samples.yaml).
PROJECT_EXAMPLE = {
    "id": 42,
    "version": 3,
    "visibility": "public",
    "sample": False,
    "city": "hanoi",
    "city_name": "Hanoi",
    "country": "VN",
    "plan": 7,
    "title": "Intelligent traffic signal control",
    "description": "Adaptive traffic signals at 120 junctions of the inner districts, "
    "coordinated from a traffic control centre, to cut congestion and emissions.",
    "focus_areas": [
        {
            "code": "built-infrastructure",
            "name": "Built Infrastructure",
            "label": "Built Infrastructure",
        },
        {
            "code": "quality-environment",
            "name": "Quality Environment",
            "label": "Quality Environment",
        },
    ],
    "outcomes": [
        {
            "code": "sustainable-environment",
            "name": "Sustainable Environment",
            "label": "Sustainable Environment",
        }
    ],
    "sdg_targets": ["11.2", "11.6"],
    "status": "preparation",
    "project_type": "construction",
    "sectors": ["transport.road"],
    "locations": [{"description": "Inner districts, Hanoi", "lat": 21.0278, "lon": 105.8342}],
    "period_start": "2026-07-01",
    "period_end": "2028-12-31",
    "budget": {"amount": "950000000000.00", "currency": "VND"},
    "budget_usd": {
        "amount": "39938622.78",
        "currency": "USD",
        "rate": "0.0000420397",
        "rate_date": "2023-12-31",
        "rate_source": "World Bank WDI PA.NUS.FCRF, 2023 annual average (rounded)",
    },
    "funding_secured": {"amount": "0.00", "currency": "VND"},
    "funding_gap": {"amount": "950000000000.00", "currency": "VND"},
    "financing_sought": ["loan", "ppp"],
    "readiness": {"score": 22, "level": "concept"},
    "sources": [],
    "url": "/projects/42/",
    "updated_at": "2026-05-04T09:30:00Z",
    "language": "en",
    "translations": {"vi": {"title": "Điều khiển đèn tín hiệu giao thông thông minh"}},
}


class ProjectOut(CityRecordOut, WrittenIn):
    model_config = example(PROJECT_EXAMPLE)

    plan: int | None
    title: str
    description: str
    focus_areas: list[CodeName]
    outcomes: list[CodeName]
    sdg_targets: list[str]
    status: str
    project_type: str
    sectors: list[str]
    locations: list[dict]
    period_start: dt.date | None
    period_end: dt.date | None
    budget: MoneyOut | None = Field(
        ..., description="null: a real project whose published sources give no budget"
    )
    budget_usd: UsdOut | None = Field(
        ..., description="At the latest dated rate; null when no rate (or no budget) is on record"
    )
    funding_secured: MoneyOut | None = Field(..., description="null when the budget is")
    funding_gap: MoneyOut | None = Field(
        ..., description="Budget minus funding secured, computed on every read; null when no budget"
    )
    financing_sought: list[str]
    readiness: ReadinessSummary
    sources: list[SourceOut] = Field(
        ...,
        description="A real project's published sources, each with the fields it gives; "
        "empty for a city's own and sample projects",
    )
    url: str
    updated_at: dt.datetime


class DisclosureStageOut(Schema):
    held: int = Field(..., description="How many of the stage's CoST IDS data points it holds")
    total: int = Field(..., description="How many data points the stage has")
    share: float = Field(..., description="held / total, in per cent, to one decimal")
    missing: list[str] = Field(
        ..., description="The codes of the points not held, in the CoST IDS order"
    )


class DisclosureOut(Schema):
    """The CoST Infrastructure Data Standard's proactive-disclosure data points the project
    holds, per stage (the mapping: docs/plans.md, "Disclosure completeness")."""

    identification: DisclosureStageOut
    preparation: DisclosureStageOut


class ProjectDetailOut(ProjectOut):
    model_config = example(
        {
            **PROJECT_EXAMPLE,
            "milestones": [],
            "progress": [
                {
                    "id": 5,
                    "date": "2026-09-30",
                    "physical_pct": "10.00",
                    "financial_pct": "8.00",
                    "note": "Junction survey finished.",
                }
            ],
            "documents": [],
            "contacts": None,
            "disclosure": {
                "identification": {"held": 7, "total": 7, "share": 100.0, "missing": []},
                "preparation": {
                    "held": 2,
                    "total": 7,
                    "share": 28.6,
                    "missing": [
                        "projectScope",
                        "environmentalImpact",
                        "landAndSettlementImpact",
                        "fundingSources",
                        "projectBudgetApprovalDate",
                    ],
                },
            },
        }
    )

    milestones: list[MilestoneOut]
    progress: list[ProgressOut]
    documents: list[DocumentOut]
    contacts: list[dict] | None = Field(..., description="Only for signed-in members")
    disclosure: DisclosureOut


class ChecklistItemOut(Schema):
    code: str
    dimension: str
    label: str
    met: bool
    next_step: str
    critical: bool


class ReadinessOut(Schema):
    checklist: list[ChecklistItemOut]
    score: int | None
    level: ReadinessCode | None
    missing: list[ChecklistItemOut]
    assessed_at: dt.datetime | None


class ReadinessIn(InputSchema):
    answers: dict[str, StrictBool] = Field(..., description="Checklist item code → met")


class ProgressIn(InputSchema):
    physical_pct: float = Field(..., ge=0, le=100)
    financial_pct: float = Field(..., ge=0, le=100)
    date: ProjectDate | None = None
    note: str = Field("", max_length=5000)


class SectionIn(InputSchema):
    heading: str = Field(..., min_length=1, max_length=200)
    body: str = Field("", max_length=50000)


class PlanIn(InputSchema):
    city: str = Field(..., max_length=80)
    title: str = Field(..., min_length=1, max_length=200)
    period_start: int = Field(..., ge=2000, le=2100)
    period_end: int = Field(..., ge=2000, le=2100)
    vision: str = Field("", max_length=20000)
    outcomes: list[OutcomeCode] = []
    focus_areas: list[FocusAreaCode] = []
    sections: list[SectionIn] = Field([], max_length=50)


class PlanPatch(InputSchema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    title: str = Keep(min_length=1, max_length=200)
    period_start: int = Keep(ge=2000, le=2100)
    period_end: int = Keep(ge=2000, le=2100)
    vision: str | None = Field(None, max_length=20000)
    outcomes: list[OutcomeCode] | None = None
    focus_areas: list[FocusAreaCode] | None = None
    sections: list[SectionIn] | None = Field(None, max_length=50)


class TransitionIn(InputSchema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    comment: str = Field("", max_length=5000)


class PlanVersionOut(Schema):
    number: int
    status: str
    created_at: dt.datetime
    comment: str
    snapshot: dict


class PlanOut(CityRecordOut, WrittenIn):
    title: str
    period_start: int
    period_end: int
    vision: str
    outcomes: list[CodeName]
    focus_areas: list[CodeName]
    sections: list[dict]
    status: str
    return_comment: str
    document_url: str | None
    url: str
    updated_at: dt.datetime


class PlanDetailOut(PlanOut):
    versions: list[PlanVersionOut]
    projects: list[int]
