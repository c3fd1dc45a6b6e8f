"""Shapes of the meetings API."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import StrictBool

from ascn.core.api import InputSchema, IsoDate, Keep, LocalTime, WrittenIn
from ascn.meetings.models import Meeting, Registration

# The API's codes are the models' choices, in their order.
KindCode = Literal[tuple(Meeting.Kind.values)]  # type: ignore[valid-type]
PrecisionCode = Literal[tuple(Meeting.Precision.values)]  # type: ignore[valid-type]
FormatCode = Literal[(*Meeting.Format.values, "")]  # type: ignore[valid-type]
RegistrationStatusCode = Literal[tuple(Registration.Status.values)]  # type: ignore[valid-type]


class MeetingFilters(InputSchema):
    kind: KindCode | None = None
    year: int | None = Field(None, ge=1967, le=2200)


class MeetingOut(Schema, WrittenIn):
    slug: str
    title: str
    sample: bool = Field(False, description="Illustrative demo data, not real (demo mode only)")
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
    registration_opens_on: dt.date | None
    registration_closes_on: dt.date | None
    time_zone: str = Field(..., description="IANA time zone of the host; agenda times are local")
    registered_count: int
    waitlisted_count: int
    url: str
    ics_url: str | None


class AgendaItemOut(Schema):
    id: int
    version: int
    position: int
    day: IsoDate | None = Field(
        None, description="Which of the meeting's days, when it has several"
    )
    time: LocalTime | None
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
    announced_at: dt.datetime | None = Field(
        None,
        description="When the Secretariat announced it to the CSCOs and representatives",
    )


class MeetingFields(InputSchema):
    """What the Secretariat writes about a meeting. Host state by its ISO code, host city by
    its slug; the city must lie in the state."""

    number: int | None = Field(None, ge=1, le=999)
    end_date: IsoDate | None = None
    time_zone: str = Field("", max_length=64, description="IANA name, e.g. Asia/Bangkok")
    host_member_state: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")
    host_city: str | None = Field(None, max_length=100)
    place: str = Field("", max_length=200)
    format: FormatCode = ""
    description: str = Field("", max_length=20_000)
    capacity: int | None = Field(None, ge=1)
    registration_open: StrictBool = False
    registration_opens_on: IsoDate | None = None
    registration_closes_on: IsoDate | None = None


class MeetingIn(MeetingFields):
    title: str = Field(..., min_length=1, max_length=200)
    kind: KindCode
    start_date: IsoDate
    slug: str | None = Field(
        None, max_length=80, pattern=r"^[-a-z0-9]*$", description="Made from the title if left out"
    )


class MeetingPatch(MeetingFields):
    """Send the `version` you read; fields left out are kept."""

    # no default for what a new meeting starts with ("", false): a client reads a schema's
    # default as the value of a field left out, which here keeps its value
    version: int = Field(..., ge=1)
    title: str = Keep(min_length=1, max_length=200)
    kind: KindCode = Keep()
    start_date: IsoDate = Keep()
    time_zone: str = Keep(max_length=64, description="IANA name, e.g. Asia/Bangkok")
    place: str = Keep(max_length=200)
    format: FormatCode = Keep()
    description: str = Keep(max_length=20_000)
    registration_open: StrictBool = Keep()


class AgendaItemIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    day: IsoDate | None = Field(
        None,
        description="Which of the meeting's days, for a meeting known to the day that lasts several",
    )
    time: LocalTime | None = Field(None, description="Local time at the host")
    description: str = Field("", max_length=5_000)


class AgendaItemPatch(InputSchema):
    version: int = Field(..., ge=1)
    title: str = Keep(min_length=1, max_length=200)
    day: IsoDate | None = None
    time: LocalTime | None = None
    description: str = Keep(max_length=5_000)
    move: Literal["up", "down"] | None = Field(
        None, description="Swap places with the item before or after it"
    )


class RegistrationFilters(InputSchema):
    status: RegistrationStatusCode | None = None
    q: str | None = Field(
        None, max_length=100, description="Words of the person's name or e-mail, all required"
    )


class RegistrationRowOut(Schema):
    id: int = Field(..., description="For the check-in: .../registrations/{id}/check-in")
    person: str
    email: str
    status: RegistrationStatusCode
    waiting_position: int | None = Field(None, description="1 = first on the waiting list")
    checked_in_at: dt.datetime | None
    registered_at: dt.datetime = Field(..., description="When they took their place in line")


class CheckInOut(Schema):
    id: int
    person: str
    status: RegistrationStatusCode
    checked_in_at: dt.datetime | None


class AnnouncementOut(Schema):
    slug: str
    announced_at: dt.datetime
    announced_to: int = Field(
        description="How many Chief Smart City Officers and National Representatives were told"
    )
