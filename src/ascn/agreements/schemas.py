import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from ascn.agreements.models import Agreement, Precision
from ascn.core.api import InputSchema, IsoDate, Keep
from ascn.plans.schemas import VisibilityCode

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


# --- writes (the Secretariat) ----------------------------------------------------------

PrecisionCode = Literal[tuple(Precision.values)]  # type: ignore[valid-type]


class PartyIn(InputSchema):
    name: str = Field(
        "", max_length=200, description="As written in the agreement; empty: the record's name."
    )
    organisation: str | None = Field(None, max_length=100, description="An organisation's slug.")
    city: str | None = Field(None, max_length=80, description="An ASCN city's slug.")
    member_state: str | None = Field(
        None, min_length=2, max_length=2, description="A member state's ISO 3166-1 alpha-2 code."
    )
    signatory: str = Field("", max_length=200)
    signatory_title: str = Field("", max_length=300)


class AgreementIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=300)
    slug: str | None = Field(
        None,
        max_length=120,
        pattern=r"^[-a-z0-9]+$",
        description="Its address; empty: made from the title.",
    )
    kind: KindCode | None = None
    status: Literal["draft", "signed"] = Field(
        "draft", description="A signed agreement needs `signed_date`; later moves: `/transition`."
    )
    signed_date: IsoDate | None = None
    signed_date_precision: PrecisionCode = "day"
    signed_place: str = Field("", max_length=200)
    meeting: str | None = Field(None, max_length=120, description="The meeting's slug.")
    description: str = Field("", max_length=20000)
    source: str = Field("", max_length=300)
    visibility: VisibilityCode = "draft"
    parties: list[PartyIn] = Field(..., min_length=2, max_length=20)
    projects: list[int] = Field([], max_length=200, description="Ids of the projects it covers.")


class AgreementPatch(InputSchema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    title: str = Keep(min_length=1, max_length=300)
    kind: KindCode | None = None
    signed_date: IsoDate | None = None
    signed_date_precision: PrecisionCode = Keep()
    signed_place: str | None = Field(None, max_length=200, description="null clears it")
    meeting: str | None = Field(None, max_length=120, description="null: not signed at a meeting")
    description: str | None = Field(None, max_length=20000, description="null clears it")
    source: str | None = Field(None, max_length=300, description="null clears it")
    visibility: VisibilityCode = Keep()
    parties: list[PartyIn] = Keep(min_length=2, max_length=20)
    projects: list[int] | None = Field(None, max_length=200, description="null clears the list")


class AgreementTransitionIn(InputSchema):
    to: StatusCode
    version: int = Field(..., ge=1, le=2**31 - 1)
    signed_date: IsoDate | None = Field(
        None, description="The signing date, when moving to `signed` without one on record."
    )
