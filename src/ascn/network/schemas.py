from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import StrictBool

from ascn.core.api import LABEL_DESCRIPTION, InputSchema, IsoDate, Keep, example
from ascn.network.models import Appointment, SizeClass

# The API's codes are the models' choices, in their order.
SizeClassCode = Literal[tuple(SizeClass.values)]  # type: ignore[valid-type]
OfficeCode = Literal[tuple(Appointment.Role.values)]  # type: ignore[valid-type]


class OutcomeOut(Schema):
    code: str
    name: str
    label: str = Field(..., description=LABEL_DESCRIPTION)


class FocusAreaOut(Schema):
    code: str
    name: str
    label: str = Field(..., description=LABEL_DESCRIPTION)
    description: str


class FrameworkOut(Schema):
    outcomes: list[OutcomeOut]
    focus_areas: list[FocusAreaOut]


# Examples from the registry (network/seed/), as an anonymous caller gets them.
OFFICER_EXAMPLE = {
    "name": "Nguyen Quang Thanh",
    "role": "cso",
    "designation": "Director, Da Nang Department of Information and Communication",
    "designation_lines": ["Director, Da Nang Department of Information and Communication"],
    "start_date": None,
    "end_date": None,
    "email": None,
    "phone": None,
}
CITY_EXAMPLE = {
    "slug": "da-nang",
    "name": "Da Nang",
    "country": "VN",
    "country_name": "Viet Nam",
    "cohort": 2018,
    "population": 1134310,
    "population_year": 2019,
    "population_source": "2019 Viet Nam Population and Housing Census (General Statistics Office)",
    "size_class": "middleweight",
    "lat": 16.0544,
    "lon": 108.2022,
    "url": "/cities/da-nang/",
}


class OfficerOut(Schema):
    model_config = example(OFFICER_EXAMPLE)

    name: str
    role: OfficeCode
    designation: str = Field(..., description="As published; several lines joined by newlines.")
    designation_lines: list[str]
    start_date: dt.date | None
    start_date_precision: Literal["day", "month", "year"] = Field(
        "day", description="`year`: the source gives only the year (shown as the year alone)."
    )
    end_date: dt.date | None
    email: str | None = Field(None, description="Only for signed-in members.")
    phone: str | None = Field(None, description="Only for signed-in members.")


class MemberStateOut(Schema):
    model_config = example(
        {
            "code": "VN",
            "name": "Viet Nam",
            "label": "Viet Nam",
            "official_name": "Socialist Republic of Viet Nam",
            "asean_member_since": "1995-07-28",
            "note": "",
            "source": "",
            "cities_count": 3,
            "national_representatives": [],
            "url": "/member-states/vn/",
            "version": 1,
        }
    )

    code: str = Field(..., description="ISO 3166-1 alpha-2")
    name: str
    label: str = Field(..., description=LABEL_DESCRIPTION)
    official_name: str
    asean_member_since: dt.date | None
    note: str
    source: str
    cities_count: int
    national_representatives: list[OfficerOut]
    url: str
    version: int = Field(..., description="Send it back with an edit (409 when stale).")


class CityOut(Schema):
    model_config = example(CITY_EXAMPLE)

    slug: str
    name: str
    country: str = Field(..., description="Member state, ISO 3166-1 alpha-2")
    country_name: str
    cohort: int = Field(..., description="The year the city joined the ASCN")
    population: int | None
    population_year: int | None
    population_source: str
    size_class: SizeClassCode | None = Field(
        ..., description="Derived from the population; null when no official figure is known."
    )
    lat: float
    lon: float
    url: str


class CityDetailOut(CityOut):
    model_config = example(
        {
            **CITY_EXAMPLE,
            "alt_names": "Đà Nẵng, Danang",
            "cohort_source": "ASCN founding document: the 26 pilot cities nominated in 2018",
            "cohort_note": "",
            "population_note": "",
            "officers": [OFFICER_EXAMPLE],
            "version": 1,
        }
    )

    alt_names: str
    cohort_source: str
    cohort_note: str
    population_note: str
    officers: list[OfficerOut]
    version: int = Field(..., description="Send it back with an edit (409 when stale).")


class AppointmentIn(InputSchema):
    full_name: str = Field(..., min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    role: OfficeCode
    member_state: str = Field(..., min_length=2, max_length=2, description="ISO 3166-1 alpha-2.")
    city: str | None = Field(
        None, max_length=80, description="The city's slug: required for a CSCO."
    )
    designation: str = Field("", max_length=2000)
    start_date: IsoDate | None = None
    succeeds: StrictBool = Field(
        False,
        description="The office's holders now hand over on `start_date`: their appointments "
        "end that day and stay in the history.",
    )
    source: str = Field(..., min_length=1, max_length=300)


class AppointmentEndIn(InputSchema):
    end_date: IsoDate


class AppointmentOut(Schema):
    id: int
    name: str
    role: OfficeCode
    member_state: str
    city: str | None
    designation: str
    start_date: dt.date | None
    start_date_precision: Literal["day", "month", "year"]
    end_date: dt.date | None
    source: str


class MemberStatePatch(InputSchema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    official_name: str | None = Field(None, max_length=200, description="null clears it")
    asean_member_since: IsoDate | None = None
    note: str | None = Field(None, max_length=5000, description="null clears it")
    source: str | None = Field(None, max_length=300, description="null clears it")


class CityFields(InputSchema):
    alt_names: str = Field("", max_length=300, description="Comma-separated, for search.")
    cohort_source: str = Field("", max_length=300)
    cohort_note: str = Field("", max_length=300)
    population: int | None = Field(
        None,
        ge=0,
        le=2**31 - 1,
        description="Official, of the city proper; needs its year and source.",
    )
    population_year: int | None = Field(None, ge=1900, le=2100)
    population_source: str = Field("", max_length=300)
    population_note: str = Field("", max_length=300)


class CityIn(CityFields):
    member_state: str = Field(..., min_length=2, max_length=2, description="ISO 3166-1 alpha-2.")
    name: str = Field(..., min_length=1, max_length=120)
    slug: str = Field(
        "", max_length=80, pattern=r"^[-a-z0-9]*$", description="Made from the name when empty."
    )
    cohort: int = Field(..., ge=2018, le=2100, description="The year the city joined the ASCN.")
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)


class CityPatch(InputSchema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    name: str = Keep(min_length=1, max_length=120)
    alt_names: str | None = Field(None, max_length=300, description="null clears it")
    cohort: int = Keep(ge=2018, le=2100)
    cohort_source: str | None = Field(None, max_length=300, description="null clears it")
    cohort_note: str | None = Field(None, max_length=300, description="null clears it")
    population: int | None = Field(
        None, ge=0, le=2**31 - 1, description="null clears it (with its year and source)"
    )
    population_year: int | None = Field(None, ge=1900, le=2100)
    population_source: str | None = Field(None, max_length=300, description="null clears it")
    population_note: str | None = Field(None, max_length=300, description="null clears it")
    lat: float = Keep(ge=-90, le=90)
    lon: float = Keep(ge=-180, le=180)
