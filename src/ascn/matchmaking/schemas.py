"""The shapes of the matchmaking API's answers: built as dicts by ``matchmaking.api``
(``core.api.PlainOut``)."""

from typing import Literal

from pydantic import Field

from ascn.core.api import PlainOut
from ascn.plans.schemas import MoneyOut


class MatchedProjectOut(PlainOut):
    id: int
    title: str
    city: str
    city_name: str
    country: str
    status: str
    funding_gap: MoneyOut | None = Field(
        ..., description="null when the project's published sources give no budget"
    )
    financing_sought: list[str]
    sample: bool
    url: str


class ProjectMatchOut(PlainOut):
    project: MatchedProjectOut
    score: float = Field(..., ge=0, le=100)
    reasons: list[str]


class PartnerMatchOut(PlainOut):
    type: Literal["organisation", "programme"]
    slug: str
    name: str
    score: float = Field(..., ge=0, le=100)
    reasons: list[str]
    verified: bool
    sample: bool
    url: str
