import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from ascn.agreements.models import Agreement
from ascn.core.api import InputSchema

# The API's codes are the model's choices, in their order.
KindCode = Literal[tuple(Agreement.Kind.values)]  # type: ignore[valid-type]
StatusCode = Literal[tuple(Agreement.Status.values)]  # type: ignore[valid-type]


class AgreementFilters(InputSchema):
    kind: KindCode | None = None
    status: StatusCode | None = None
    year: int | None = Field(None, ge=1967, le=2100)
    # Empty means "any party", as an empty search box does.
    party: str | None = Field(None, max_length=200)


class PartyOut(Schema):
    position: int
    name: str
    organisation: str | None
    city: str | None
    member_state: str | None
    signatory: str | None
    signatory_title: str | None


class MeetingRef(Schema):
    slug: str
    title: str


class AgreementOut(Schema):
    slug: str
    title: str
    kind: str | None
    status: StatusCode
    signed_date: dt.date | None
    signed_date_precision: str
    signed_place: str | None
    meeting: MeetingRef | None
    parties: list[PartyOut]
    visibility: str
    source: str | None
    url: str


class AgreementDetailOut(AgreementOut):
    version: int
    description: str
    projects: list[int]
    document_url: str | None
