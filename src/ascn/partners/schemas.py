"""The shapes of the partners API's requests and answers (django-ninja schemas)."""

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from ascn.core.api import InputSchema, Keep, SourceOut, example
from ascn.partners.models import Organisation
from ascn.plans.models import FinancingInstrument
from ascn.plans.schemas import FocusAreaCode, MoneyIn, MoneyOut, StatusCode, VisibilityCode

# The API's codes are the models' choices, in their order.
KindCode = Literal[tuple(Organisation.Kind.values)]  # type: ignore[valid-type]
InstrumentCode = Literal[tuple(FinancingInstrument.values)]  # type: ignore[valid-type]


class MemberOut(Schema):
    name: str


# From the partners' register (partners/seed/organisations.yaml).
ORGANISATION_EXAMPLE = {
    "slug": "asian-development-bank",
    "version": 1,
    "name": "Asian Development Bank",
    "alt_names": "ADB",
    "kind": "development_partner",
    "headquarters_country": "PH",
    "countries": [],
    "focus_areas": [],
    "instruments": ["loan", "grant", "technical_assistance"],
    "stages": [],
    "ticket_min": None,
    "ticket_max": None,
    "capability_statement": "",
    "description": "Implements the ASEAN-Australia Smart Cities Trust Fund (AASCTF), funded "
    "by Australia.",
    "website": "https://www.adb.org",
    "verified": True,
    "visibility": "public",
    "sample": False,
    "source": "DFAT mid-term review of the AASCTF (2022)",
    "sources": [
        {
            "title": "ASEAN-Australia Smart Cities Trust Fund: Mid-term Review Report",
            "publisher": "Department of Foreign Affairs and Trade (Australia)",
            "date": "2022",
            "url": "https://dfat.gov.au/publications/development/",
            "fields": ["description"],
        }
    ],
    "url": "/organisations/asian-development-bank/",
    "updated_at": "2026-04-20T08:00:00Z",
}


class OrganisationOut(Schema):
    model_config = example(ORGANISATION_EXAMPLE)

    slug: str
    version: int
    name: str
    alt_names: str = Field(..., description="Acronyms and other names, comma-separated")
    kind: KindCode
    headquarters_country: str = Field(..., description="ISO 3166-1 alpha-2, or empty")
    countries: list[str] = Field(..., description="ASEAN countries of operation (empty: any)")
    focus_areas: list[str]
    instruments: list[str]
    stages: list[str] = Field(..., description="OC4IDS project statuses (empty: any)")
    ticket_min: MoneyOut | None
    ticket_max: MoneyOut | None
    capability_statement: str
    description: str
    website: str
    verified: bool
    visibility: VisibilityCode
    sample: bool
    source: str
    sources: list[SourceOut] = Field(
        ..., description="The published sources of the profile, each with the fields it gives."
    )
    url: str
    updated_at: dt.datetime


class OrganisationDetailOut(OrganisationOut):
    model_config = example({**ORGANISATION_EXAMPLE, "members": None})

    members: list[MemberOut] | None = Field(
        None, description="The organisation's people (signed-in members only)."
    )


class UsdIn(MoneyIn):
    model_config = example({"amount": "500000", "currency": "USD"})

    currency: Literal["USD"] = "USD"


class OrganisationFields(InputSchema):
    alt_names: str | None = Field(None, max_length=300, description="Comma-separated, for search.")
    headquarters_country: str | None = Field(None, pattern=r"^([A-Za-z]{2})?$")
    countries: list[str] | None = Field(None, max_length=20)
    focus_areas: list[FocusAreaCode] | None = None
    instruments: list[InstrumentCode] | None = None
    stages: list[StatusCode] | None = None
    ticket_min: UsdIn | None = None
    ticket_max: UsdIn | None = None
    capability_statement: str | None = Field(None, max_length=10_000)
    description: str | None = Field(None, max_length=10_000)
    website: str | None = Field(None, max_length=200)
    visibility: VisibilityCode = Keep()
    source: str | None = Field(None, max_length=300)


class OrganisationIn(OrganisationFields):
    name: str = Field(..., min_length=1, max_length=200)
    kind: KindCode
    slug: str | None = Field(None, max_length=100, pattern=r"^[-a-z0-9]*$")


class OrganisationPatch(OrganisationFields):
    version: int = Field(..., ge=1)
    name: str = Keep(min_length=1, max_length=200)
    kind: KindCode = Keep()


class OrganisationFilters(InputSchema):
    kind: KindCode | None = None
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")
    focus_area: FocusAreaCode | None = None
    verified: bool | None = None
    q: str | None = Field(None, max_length=200)
