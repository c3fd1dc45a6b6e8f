"""The shapes of the deals API's requests and answers (django-ninja schemas)."""

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from ascn.core.api import (
    InputSchema,
)
from ascn.deals.models import EngagementSide, EngagementStage
from ascn.plans.models import FinancingInstrument

StageCode = Literal[tuple(EngagementStage.values)]  # type: ignore[valid-type]


SideCode = Literal[tuple(EngagementSide.values)]  # type: ignore[valid-type]


InstrumentCode = Literal[tuple(FinancingInstrument.values)]  # type: ignore[valid-type]


class CommitmentIn(InputSchema):
    amount: str = Field(
        ..., pattern=r"^\d{1,16}(\.\d{1,2})?$", description='Decimal string, e.g. "2500000.00"'
    )
    currency: str = Field(
        ..., pattern=r"^[A-Z]{3}$", description="ISO 4217; must be the project's budget currency"
    )
    instrument: InstrumentCode  # type: ignore[valid-type]


class EngagementIn(InputSchema):
    project: int = Field(..., ge=1, le=2**31 - 1, description="The project's id")
    organisation: str = Field(..., max_length=100, description="The organisation's slug")
    message: str = Field("", max_length=5000)
    side: SideCode | None = Field(  # type: ignore[valid-type]
        None, description="Who expresses the interest; inferred from the caller's role if absent"
    )


class AdvanceIn(InputSchema):
    stage: StageCode  # type: ignore[valid-type]
    version: int = Field(..., ge=1, le=2**31 - 1)
    note: str = Field("", max_length=5000)
    commitment: CommitmentIn | None = Field(
        None, description="Required when moving to `committed`; refused otherwise"
    )


class ConfirmIn(InputSchema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    decision: Literal["confirm", "decline"] = Field(
        ..., description="`confirm` counts the commitment; `decline` sends the deal back"
    )
    reason: str = Field(
        "", max_length=5000, description="Required to decline: the partner's members read it"
    )


class EngagementFilter(InputSchema):
    organisation: str | None = Field(None, max_length=100, description="Organisation slug")
    city: str | None = Field(None, max_length=100, description="City slug")
    project: int | None = Field(None, ge=1, le=2**31 - 1)
    stage: StageCode | None = None  # type: ignore[valid-type]


class CommitmentOut(Schema):
    amount: str
    currency: str
    instrument: str
    confirmation: Literal["pending", "confirmed"] = Field(
        ...,
        description="`pending`: recorded by the partner, waiting for the city's confirmation, "
        "not counted in the project's funding secured; `confirmed`: counted",
    )
    confirmed_by: str | None = Field(
        ...,
        description="Who confirmed it for the city (null: not yet, the system, or counted "
        "before the city's confirmation was asked)",
    )
    confirmed_at: dt.datetime | None


class EngagementOut(Schema):
    id: int
    version: int
    stage: str
    initiated_by: str
    project: int
    project_title: str
    city: str
    country: str
    organisation: str
    organisation_name: str
    sample: bool = Field(False, description="Illustrative demo data, not real (demo mode only)")
    commitment: CommitmentOut | None
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str


class EventMoneyOut(Schema):
    amount: str
    currency: str


class EventOut(Schema):
    at: dt.datetime
    kind: Literal["moved", "confirmed", "not_confirmed"] = Field(
        ...,
        description="`moved`: a stage change; `confirmed` / `not_confirmed`: the city's answer "
        "to the commitment (`note`: the reason it was not confirmed)",
    )
    by: str | None = Field(..., description="Who did it (null: the system)")
    from_stage: str
    to_stage: str
    note: str
    commitment: EventMoneyOut | None = Field(
        ..., description="The amount committed, confirmed or not confirmed at this step"
    )


class EngagementDetailOut(EngagementOut):
    message: str
    next_stages: list[str] = Field(..., description="Where the deal may move next")
    can_advance: bool = Field(..., description="Whether the caller may move it")
    can_confirm: bool = Field(
        ..., description="Whether the caller may confirm or decline the waiting commitment"
    )
    events: list[EventOut]
