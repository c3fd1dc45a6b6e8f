"""The shapes of the matchmaking API's requests and answers (django-ninja schemas)."""

from typing import Literal

from ninja import Schema
from pydantic import Field

from ascn.plans.schemas import MoneyOut


class MatchedProjectOut(Schema):
    id: int
    title: str
    city: str
    city_name: str
    country: str
    status: str
    funding_gap: MoneyOut
    financing_sought: list[str]
    sample: bool
    url: str


class ProjectMatchOut(Schema):
    project: MatchedProjectOut
    score: float = Field(..., ge=0, le=100)
    reasons: list[str]


class PartnerMatchOut(Schema):
    type: Literal["organisation", "programme"]
    slug: str
    name: str
    score: float = Field(..., ge=0, le=100)
    reasons: list[str]
    verified: bool
    sample: bool
    url: str
