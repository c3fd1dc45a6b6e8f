"""Shapes of the meetings API."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from ascn.core.api import InputSchema
from ascn.meetings.models import Meeting, Registration

# The API's codes are the models' choices, in their order.
KindCode = Literal[tuple(Meeting.Kind.values)]  # type: ignore[valid-type]
PrecisionCode = Literal[tuple(Meeting.Precision.values)]  # type: ignore[valid-type]
FormatCode = Literal[(*Meeting.Format.values, "")]  # type: ignore[valid-type]
RegistrationStatusCode = Literal[tuple(Registration.Status.values)]  # type: ignore[valid-type]


class MeetingFilters(InputSchema):
    kind: KindCode | None = None
    year: int | None = Field(None, ge=1967, le=2200)


class MeetingOut(Schema):
    slug: str
    title: str
    kind: KindCode
    number: int | None
    start_date: dt.date
    end_date: dt.date | None
    date_precision: PrecisionCode
    host_member_state: str | None = Field(None, description="ISO alpha-2 code")
    host_city: str | None = Field(None, description="City slug")
    place: str
    format: FormatCode
    uncertain: bool
    uncertainty_note: str
    source: str
    capacity: int | None
    registration_open: bool
    registered_count: int
    waitlisted_count: int
    url: str
    ics_url: str | None


class AgendaItemOut(Schema):
    position: int
    time: dt.time | None
    title: str
    description: str


class DecisionOut(Schema):
    title: str
    description: str
    document_title: str
    document_url: str
    source: str


class RegistrationOut(Schema):
    status: RegistrationStatusCode
    waiting_position: int | None = Field(None, description="1 = first on the waiting list")
    checked_in: bool
    created_at: dt.datetime


class MeetingDetailOut(MeetingOut):
    description: str
    version: int
    agenda: list[AgendaItemOut]
    decisions: list[DecisionOut]
    minutes: str = Field(..., description="Markdown")
    my_registration: RegistrationOut | None = Field(
        None, description="The signed-in person's own registration, if any"
    )
