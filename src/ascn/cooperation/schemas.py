import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from ascn.cooperation.models import FlagReason
from ascn.core.api import InputSchema, IsoDate, Keep, WrittenIn, example
from ascn.partners.schemas import SourceOut
from ascn.plans.schemas import FocusAreaCode, VisibilityCode

FlagReasonCode = Literal[tuple(FlagReason.values)]  # type: ignore[valid-type]

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
    sources: list[SourceOut]
    visibility: str
    sample: bool = Field(False, description="Illustrative demo data, not real (demo mode only)")
    version: int


class CaseStudyOut(Schema, WrittenIn):
    slug: str
    title: str
    focus_area: str
    city: CityRef | None
    provider_name: str | None
    provider: str | None
    visibility: str
    sample: bool = Field(False, description="Illustrative demo data, not real (demo mode only)")
    url: str


class CaseStudyDetailOut(CaseStudyOut):
    version: int
    problem: str
    solution: str
    results: str | None
    source: str | None
    sources: list[SourceOut]


# --- writes ------------------------------------------------------------------------------

TEXT = 20_000
SOURCE_DESCRIPTION = "Where it is published: title, publisher, date and link."
SOURCES_DESCRIPTION = "Its published sources, each with its title, publisher, date and link."


class SourceIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=300)
    publisher: str = Field(..., min_length=1, max_length=200)
    date: str = Field(
        "", pattern=r"^(\d{4}(-\d{2}(-\d{2})?)?)?$", description="YYYY, YYYY-MM or YYYY-MM-DD"
    )
    url: str = Field(..., max_length=500, pattern=r"^https?://", description="Its web address.")
    fields: list[str] = Field(
        default_factory=list, max_length=30, description="The record's fields it gives."
    )


def sources_in(sources: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Sources as ``core.sources`` keeps them: no empty date or field list."""
    if sources is None:
        return None
    return [{k: v for k, v in source.items() if v not in ("", [])} for source in sources]


SOURCES_EXAMPLE = [
    {
        "title": "ASEAN Smart Cities Network: case studies",
        "publisher": "ASEAN Secretariat",
        "date": "2023-05",
        "url": "https://asean.org/",
    }
]


class PartnershipIn(InputSchema):
    city: str = Field(..., max_length=80, pattern=SLUG, description="The ASCN city's slug.")
    partner_city: str | None = Field(
        None, max_length=80, pattern=SLUG, description="The partner's slug, when an ASCN city."
    )
    partner_name: str = Field(
        "", max_length=200, description="The partner city; empty: the ASCN partner's name."
    )
    partner_country: str = Field("", max_length=100)
    purpose: str = Field(..., min_length=1, max_length=5000)
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    outcomes: str = Field("", max_length=5000)
    source: str = Field("", max_length=300, description=SOURCE_DESCRIPTION)
    sources: list[SourceIn] = Field(
        default_factory=list, max_length=20, description=SOURCES_DESCRIPTION
    )
    visibility: VisibilityCode = "draft"

    model_config = example(
        {
            "city": "phuket",
            "partner_name": "Yokohama",
            "partner_country": "Japan",
            "purpose": "Smart port know-how",
            "start_date": "2019-07-08",
            "visibility": "public",
        }
    )


class PartnershipPatch(InputSchema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    partner_city: str | None = Field(
        None, max_length=80, pattern=SLUG, description="null: not an ASCN city"
    )
    partner_name: str = Keep(min_length=1, max_length=200)
    partner_country: str | None = Field(None, max_length=100, description="null clears it")
    purpose: str = Keep(min_length=1, max_length=5000)
    start_date: IsoDate | None = Field(None, description="null clears it")
    end_date: IsoDate | None = Field(None, description="The day it ended; null: it lasts")
    outcomes: str | None = Field(None, max_length=5000, description="null clears it")
    source: str | None = Field(None, max_length=300, description="null clears it")
    sources: list[SourceIn] | None = Field(
        None,
        max_length=20,
        description="All its sources (they replace the saved ones); null clears them",
    )
    visibility: VisibilityCode = Keep()

    model_config = example({"version": 1, "end_date": "2025-12-31"})


class CaseStudyIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    slug: str | None = Field(
        None, max_length=120, pattern=SLUG, description="Its address; empty: made from the title."
    )
    focus_area: FocusAreaCode
    city: str | None = Field(None, max_length=80, pattern=SLUG, description="A city's slug.")
    provider: str | None = Field(
        None, max_length=100, pattern=SLUG, description="The provider organisation's slug."
    )
    provider_name: str = Field(
        "", max_length=200, description="As the source names it; empty: the organisation's name."
    )
    problem: str = Field(..., min_length=1, max_length=TEXT, description="Plain text.")
    solution: str = Field(..., min_length=1, max_length=TEXT, description="Plain text.")
    results: str = Field("", max_length=TEXT, description="Plain text.")
    source: str = Field("", max_length=300, description=SOURCE_DESCRIPTION)
    sources: list[SourceIn] = Field(
        default_factory=list, max_length=20, description=SOURCES_DESCRIPTION
    )
    visibility: VisibilityCode = "draft"

    model_config = example(
        {
            "title": "Flood early warning by text message",
            "focus_area": "built-infrastructure",
            "city": "phuket",
            "problem": "Flash floods reached homes before warnings did.",
            "solution": "River gauges send a text message to residents downstream.",
            "visibility": "draft",
        }
    )


class CaseStudyPatch(InputSchema):
    version: int = Field(..., ge=1, le=2**31 - 1)
    title: str = Keep(min_length=1, max_length=200)
    focus_area: FocusAreaCode = Keep()
    city: str | None = Field(None, max_length=80, pattern=SLUG, description="null: no city")
    provider: str | None = Field(
        None, max_length=100, pattern=SLUG, description="null: no organisation in the network"
    )
    provider_name: str | None = Field(None, max_length=200, description="null clears it")
    problem: str = Keep(min_length=1, max_length=TEXT)
    solution: str = Keep(min_length=1, max_length=TEXT)
    results: str | None = Field(None, max_length=TEXT, description="null clears it")
    source: str | None = Field(None, max_length=300, description="null clears it")
    sources: list[SourceIn] | None = Field(
        None,
        max_length=20,
        description="All its sources (they replace the saved ones); null clears them",
    )
    visibility: VisibilityCode = Keep()

    model_config = example({"version": 1, "visibility": "public", "sources": SOURCES_EXAMPLE})


# --- members flag posts ------------------------------------------------------------------


class FlagIn(InputSchema):
    reason: FlagReasonCode = Field(
        ...,
        description="spam, abusive, off_topic, personal_data or other",
    )
    note: str = Field(
        "", max_length=1000, description="Anything to add; only the Secretariat reads it."
    )

    model_config = example({"reason": "spam", "note": "Advertises a product."})


class FlagOut(Schema):
    post: int
    reason: str
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime
