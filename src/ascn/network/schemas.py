from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from ascn.network.models import Appointment, SizeClass

# The API's codes are the models' choices, in their order.
SizeClassCode = Literal[tuple(SizeClass.values)]  # type: ignore[valid-type]
OfficeCode = Literal[tuple(Appointment.Role.values)]  # type: ignore[valid-type]


class OutcomeOut(Schema):
    code: str
    name: str


class FocusAreaOut(Schema):
    code: str
    name: str
    description: str


class FrameworkOut(Schema):
    outcomes: list[OutcomeOut]
    focus_areas: list[FocusAreaOut]


class OfficerOut(Schema):
    name: str
    role: OfficeCode
    designation: str = Field(..., description="As published; several lines joined by newlines.")
    designation_lines: list[str]
    start_date: dt.date | None
    end_date: dt.date | None
    email: str | None = Field(None, description="Only for signed-in members.")
    phone: str | None = Field(None, description="Only for signed-in members.")


class MemberStateOut(Schema):
    code: str = Field(..., description="ISO 3166-1 alpha-2")
    name: str
    official_name: str
    asean_member_since: dt.date | None
    cities_count: int
    national_representatives: list[OfficerOut]
    url: str


class CityOut(Schema):
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
    alt_names: str
    cohort_source: str
    cohort_note: str
    population_note: str
    officers: list[OfficerOut]
