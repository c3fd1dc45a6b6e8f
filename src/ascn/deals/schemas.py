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


class EngagementFilter(InputSchema):
    organisation: str | None = Field(None, max_length=100, description="Organisation slug")
    city: str | None = Field(None, max_length=100, description="City slug")
    project: int | None = Field(None, ge=1, le=2**31 - 1)
    stage: StageCode | None = None  # type: ignore[valid-type]


class CommitmentOut(Schema):
    amount: str
    currency: str
    instrument: str


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
    commitment: CommitmentOut | None
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str


class EventOut(Schema):
    at: dt.datetime
    from_stage: str
    to_stage: str
    note: str


class EngagementDetailOut(EngagementOut):
    message: str
    next_stages: list[str] = Field(..., description="Where the deal may move next")
    can_advance: bool = Field(..., description="Whether the caller may move it")
    events: list[EventOut]
