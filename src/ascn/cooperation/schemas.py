import datetime as dt

from ninja import Schema
from pydantic import Field

from ascn.core.api import InputSchema
from ascn.plans.schemas import FocusAreaCode

SLUG = r"^[-a-z0-9]+$"


class PartnershipFilters(InputSchema):
    city: str | None = Field(None, max_length=80, pattern=SLUG)


class CaseStudyFilters(InputSchema):
    focus_area: FocusAreaCode | None = None
    city: str | None = Field(None, max_length=80, pattern=SLUG)


class CityRef(Schema):
    slug: str
    name: str
    country: str


class PartnershipOut(Schema):
    id: int
    city: CityRef
    partner_name: str
    partner_country: str | None
    partner_city: CityRef | None
    purpose: str
    start_date: dt.date | None
    end_date: dt.date | None
    outcomes: str | None
    source: str | None
    visibility: str


class CaseStudyOut(Schema):
    slug: str
    title: str
    focus_area: str
    city: CityRef | None
    provider_name: str | None
    provider: str | None
    visibility: str
    url: str


class CaseStudyDetailOut(CaseStudyOut):
    problem: str
    solution: str
    results: str | None
    source: str | None
