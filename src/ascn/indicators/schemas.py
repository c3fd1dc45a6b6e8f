import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field, StrictBool

from ascn.core.api import InputSchema, Keep, example
from ascn.indicators.models import Direction, Framework, QualityGrade, Verification
from ascn.plans.schemas import FocusAreaCode, VisibilityCode

SLUG = r"^[-a-z0-9]+$"
FrameworkCode = Literal[tuple(Framework.values)]  # type: ignore[valid-type]
DirectionCode = Literal[tuple(Direction.values)]  # type: ignore[valid-type]
GradeCode = Literal[tuple(QualityGrade.values)]  # type: ignore[valid-type]
VerificationCode = Literal[tuple(Verification.values)]  # type: ignore[valid-type]
# A figure as a decimal string: "21.5" (the JSON number 21.5 is accepted too).
Figure = str | float | int


class IndicatorFilters(InputSchema):
    framework: FrameworkCode | None = None
    focus_area: FocusAreaCode | None = None


class IndicatorOut(Schema):
    code: str = Field(..., description="The framework's own code: `11.6.2`, `EC: ICT: ICT: 1C`")
    slug: str = Field(..., description="The code in URLs")
    framework: FrameworkCode
    name: str
    definition: str = Field(..., description="In our own words, from the source")
    unit: str
    direction: DirectionCode = Field(..., description="Which way is better")
    focus_area: str
    outcome: str
    references: str | None = Field(None, description="The same measure in other frameworks")
    source: str
    source_url: str


class ValueCityRef(Schema):
    slug: str
    name: str
    country: str


class MedianOut(Schema):
    value: str | None = Field(..., description="Median of each city's latest value; null: none")
    cities: int = Field(..., description="How many cities' values it is drawn from")
    years: list[int] = Field(..., description="The years those latest values are from")


class PointOut(Schema):
    year: int
    value: str


class ValueOut(Schema):
    id: int
    indicator: str = Field(..., description="The indicator's code")
    city: ValueCityRef
    year: int
    value: str = Field(..., description="Decimal string, in the indicator's unit")
    unit: str
    source: str
    method_note: str | None
    visibility: VisibilityCode
    verification: VerificationCode
    grade: GradeCode | None = Field(
        None, description="Data-quality grade given when verified (U4SSC's six choices)"
    )
    verified_at: dt.datetime | None
    sample: bool = Field(..., description="Illustrative demo value, never a real figure")
    version: int


class VersionOut(Schema):
    version: int
    action: str
    at: dt.datetime
    year: int
    value: str
    source: str
    visibility: str
    verification: str
    grade: str | None


class ValueDetailOut(ValueOut):
    history: list[VersionOut] = Field(..., description="Every version, newest first")


class CityIndicatorOut(Schema):
    indicator: IndicatorOut
    latest: ValueOut
    trend: list[PointOut] = Field(..., description="Every year's value, oldest first")
    network_median: MedianOut
    size_class_median: MedianOut


class CityIndicatorsOut(Schema):
    city: ValueCityRef
    size_class: str | None
    items: list[CityIndicatorOut]


class ValueFilters(InputSchema):
    city: str | None = Field(None, max_length=80, pattern=SLUG)
    indicator: str | None = Field(None, max_length=40, description="An indicator's code")


class ValueIn(InputSchema):
    model_config = example(
        {
            "city": "phuket",
            "indicator": "11.6.2",
            "year": 2023,
            "value": "21.5",
            "source": "Pollution Control Department, annual report 2023",
            "method_note": "Mean of the city's two monitoring stations",
            "visibility": "draft",
        }
    )

    city: str = Field(..., max_length=80, pattern=SLUG)
    indicator: str = Field(..., max_length=40, description="The indicator's code")
    year: int = Field(..., ge=1, le=9999)
    value: Figure = Field(..., description="A number, or a decimal string")
    source: str = Field(..., max_length=500)
    method_note: str = Field("", max_length=5000)
    visibility: VisibilityCode = "draft"


class ValuePatch(InputSchema):
    version: int = Field(..., ge=1, le=2**31 - 1, description="The version you edited")
    year: int = Keep(ge=1, le=9999)
    value: Figure = Keep()
    source: str = Keep(max_length=500)
    method_note: str = Keep(max_length=5000)
    visibility: VisibilityCode = Keep()


class VerifyIn(InputSchema):
    model_config = example({"version": 1, "verified": True, "grade": "measured"})

    version: int = Field(..., ge=1, le=2**31 - 1)
    verified: StrictBool = Field(..., description="true: verified; false: returned to the city")
    grade: GradeCode | None = Field(None, description="Required when verified")
    note: str = Field("", max_length=2000, description="Required when returned")


class ProjectTargetOut(Schema):
    indicator: str = Field(..., description="The indicator's code")
    name: str
    unit: str
    baseline: str | None
    baseline_year: int | None
    target: str
    target_year: int
    version: int = Field(..., description="Send it back to change or remove this target")
    latest: ValueOut | None = Field(
        ..., description="The project's city's latest value you may see (with its year)"
    )


class TargetRead(Schema):
    version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Remove only if the target is still this version"
    )


class ProjectTargetIn(InputSchema):
    model_config = example(
        {
            "indicator": "11.6.2",
            "baseline": "25",
            "baseline_year": 2023,
            "target": "15",
            "target_year": 2030,
        }
    )

    indicator: str = Field(..., max_length=40, description="The indicator's code")
    baseline: Figure | None = None
    baseline_year: int | None = Field(None, ge=1, le=9999)
    target: Figure
    target_year: int = Field(..., ge=1, le=9999)
    version: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description=(
            "The version of the target you read, to change an indicator the project has "
            "already (without it, or with a stale one: 409)"
        ),
    )
