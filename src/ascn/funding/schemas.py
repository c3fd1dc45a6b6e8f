"""The shapes of the funding API's requests and answers (django-ninja schemas)."""

import datetime as dt

from ninja import Schema
from pydantic import Field

from ascn.core.api import InputSchema, IsoDate, Keep

# One ``MoneyIn`` for the whole API: two schemas of one name are one OpenAPI component.
from ascn.plans.schemas import MoneyIn, MoneyOut, VisibilityCode


class OrganisationRef(Schema):
    slug: str
    name: str
    url: str


class CallOut(Schema):
    id: int
    version: int
    title: str
    description: str
    opens_on: dt.date
    closes_on: dt.date
    is_open: bool
    sample: bool


class EligibilityOut(Schema):
    countries: list[str] = Field(..., description="Empty: not published (no restriction).")
    focus_areas: list[str]
    stages: list[str]
    instruments: list[str]


class ProgrammeOut(Schema):
    slug: str
    version: int
    name: str
    sponsor: OrganisationRef
    implementer: OrganisationRef | None
    total: MoneyOut
    awarded: MoneyOut
    disbursed: MoneyOut
    balance: MoneyOut = Field(..., description="total − awarded")
    max_award: MoneyOut | None
    period_start: dt.date | None
    period_end: dt.date | None
    period_label: str
    open_calls: int
    visibility: str
    sample: bool
    source: str
    url: str


class AwardOut(Schema):
    id: int
    application: int
    project: int
    project_title: str
    city: str
    amount: MoneyOut
    disbursed: MoneyOut
    remaining: MoneyOut
    awarded_on: dt.date


class ProgrammeDetailOut(ProgrammeOut):
    description: str
    website: str
    eligibility: EligibilityOut
    calls: list[CallOut]
    awards: list[AwardOut]


class ProgrammeIn(InputSchema):
    sponsor: str = Field(..., max_length=100, description="The sponsor organisation's slug.")
    name: str = Field(..., min_length=1, max_length=200)
    slug: str = Field(
        "", max_length=100, pattern=r"^[-a-z0-9]*$", description="Made from the name when empty."
    )
    implementer: str | None = Field(None, max_length=100, description="An organisation's slug.")
    description: str = Field("", max_length=20000)
    total: MoneyIn
    max_award: MoneyIn | None = None
    period_start: IsoDate | None = None
    period_end: IsoDate | None = None
    period_label: str = Field("", max_length=100)
    eligible_countries: list[str] = Field([], max_length=20)
    eligible_focus_areas: list[str] = Field([], max_length=10)
    eligible_stages: list[str] = Field([], max_length=10)
    instruments: list[str] = Field([], max_length=10)
    website: str = Field("", max_length=200)
    visibility: VisibilityCode = "draft"
    source: str = Field("", max_length=300)


class ProgrammePatch(InputSchema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    name: str = Keep(max_length=200)
    description: str | None = Field(None, max_length=20000)
    total: MoneyIn = Keep()
    max_award: MoneyIn | None = None
    period_start: IsoDate | None = None
    period_end: IsoDate | None = None
    period_label: str | None = Field(None, max_length=100)
    eligible_countries: list[str] | None = Field(None, max_length=20)
    eligible_focus_areas: list[str] | None = Field(None, max_length=10)
    eligible_stages: list[str] | None = Field(None, max_length=10)
    instruments: list[str] | None = Field(None, max_length=10)
    website: str | None = Field(None, max_length=200)
    visibility: VisibilityCode = Keep()
    source: str | None = Field(None, max_length=300)


class CallIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=20000)
    opens_on: IsoDate
    closes_on: IsoDate


class CallPatch(InputSchema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    title: str = Keep(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=20000, description="null clears it")
    opens_on: IsoDate = Keep()
    closes_on: IsoDate = Keep()


class ApplicationOut(Schema):
    id: int
    version: int
    call: int
    call_title: str
    programme: str
    project: int
    project_title: str
    city: str
    country: str
    status: str
    amount_requested: MoneyOut
    statement: str
    submitted_at: dt.datetime | None
    award: AwardOut | None
    actions: list[str] = Field(..., description="The transitions you may take now.")
    sample: bool


class ApplicationIn(InputSchema):
    call: int = Field(..., ge=1, le=2**31 - 1)
    project: int = Field(..., ge=1, le=2**31 - 1)
    amount_requested: MoneyIn
    statement: str = Field("", max_length=20000)


class ApplicationTransitionIn(InputSchema):
    version: int = Field(..., ge=1, le=2**31 - 1)


class ApplicationRead(Schema):
    version: int = Field(
        ..., ge=1, le=2**31 - 1, description="The version you read: 409 when it changed since"
    )


class AwardIn(InputSchema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    amount: MoneyIn
    awarded_on: IsoDate | None = None


class DisbursementIn(InputSchema):
    amount: MoneyIn
    paid_on: IsoDate | None = None
    reference: str = Field(
        "", max_length=100, description="Recorded once an award: the same again is a 422."
    )
    disbursed: MoneyIn | None = Field(
        None,
        description="The award's `disbursed` as you read it: a payment recorded since is a "
        "409 and nothing is recorded (a request sent twice is not paid twice).",
    )


class DisbursementOut(Schema):
    id: int
    award: int
    amount: MoneyOut
    paid_on: dt.date
    reference: str
    award_remaining: MoneyOut
    programme_disbursed: MoneyOut
