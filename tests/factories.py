"""Records for tests, built through the services — validated, permission-checked, audited and
announced (``core.events``) exactly as a person's own writes — never with the ORM alone, so a
test's world is one a user could have made and the search, the tallies and the match index
follow it.

Each function takes the acting user first and only the values a test cares about; the rest
are plausible defaults. Amounts are strings, as forms and the API send them.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from pypdf import PdfWriter

from ascn.accounts.models import User
from ascn.accounts.services import membership_grant, user_create
from ascn.deals.models import Engagement
from ascn.deals.services import engagement_advance, engagement_create
from ascn.funding.models import Application, Call, Programme
from ascn.funding.services import (
    application_award,
    application_create,
    application_transition,
    call_create,
    programme_create,
)
from ascn.network.models import City
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_create
from ascn.plans.models import ActionPlan, Milestone, Project
from ascn.plans.services import milestone_save, plan_create, project_create, project_update

START, END = dt.date(2026, 1, 1), dt.date(2028, 12, 31)


def _city(city: City | str) -> City:
    return city if isinstance(city, City) else City.objects.get(slug=city)


def user(email: str, *, role: str | None = None, scope: Any = None, **fields: Any) -> User:
    """An account, with a membership when ``role`` is given (``scope``: the city, member
    state or organisation it is held over; none for the Secretariat)."""
    account = user_create(actor=None, email=email, password=fields.pop("password", None), **fields)
    if role:
        membership_grant(actor=None, user=account, role=role, scope=scope)
    return account


def secretariat(email: str = "secretariat@factory.test") -> User:
    return user(email, role="secretariat")


def project(
    actor: User,
    *,
    city: City | str = "phuket",
    title: str = "Smart drainage",
    visibility: str | None = None,
    focus_areas: tuple[str, ...] | list[str] = ("safety-security",),
    status: str = "preparation",
    budget: str = "1000000",
    currency: str = "THB",
    secured: str = "0",
    description: str | None = None,
    start: dt.date | None = START,
    end: dt.date | None = END,
    **values: Any,
) -> Project:
    """A project of ``city`` (a slug or a City), saved as a draft and then given its
    ``visibility`` when another is asked for, as a CSCO would."""
    created = project_create(
        actor=actor,
        city=_city(city),
        title=title,
        description=description if description is not None else f"{title}: a test project.",
        focus_areas=list(focus_areas),
        status=status,
        budget_amount=budget,
        budget_currency=currency,
        funding_secured=secured,
        period_start=start,
        period_end=end,
        **values,
    )
    if visibility is not None and visibility != created.visibility:
        created = project_update(
            actor=actor, project=created, version=created.version, visibility=visibility
        )
    return created


def milestones(
    actor: User, *, project: Project, count: int, status: str = "met"
) -> list[Milestone]:
    """``count`` approval milestones of ``project`` ("Step 0", "Step 1" …), met a day apart
    in March 2025 (or only scheduled), as its CSCO records them."""
    return [
        milestone_save(
            actor=actor,
            project=project,
            title=f"Step {n}",
            milestone_type="approval",
            status=status,
            date_met=dt.date(2025, 3, n + 1) if status == "met" else None,
        )
        for n in range(count)
    ]


def plan(
    actor: User,
    *,
    city: City | str = "phuket",
    title: str = "Smart City Action Plan",
    start: int = START.year,
    end: int = END.year,
    **values: Any,
) -> ActionPlan:
    return plan_create(
        actor=actor,
        city=_city(city),
        title=title,
        period_start=start,
        period_end=end,
        **values,
    )


def organisation(
    actor: User,
    *,
    slug: str,
    name: str | None = None,
    kind: str = "investor",
    visibility: str = "public",
    **values: Any,
) -> Organisation:
    return organisation_create(
        actor=actor,
        slug=slug,
        name=name or slug.replace("-", " ").title(),
        kind=kind,
        visibility=visibility,
        **values,
    )


def programme(
    actor: User,
    *,
    slug: str,
    sponsor: Organisation,
    name: str | None = None,
    total: str = "1000000",
    currency: str = "USD",
    visibility: str = "public",
    **values: Any,
) -> Programme:
    return programme_create(
        actor=actor,
        slug=slug,
        sponsor=sponsor,
        name=name or slug.replace("-", " ").title(),
        total_amount=total,
        currency=currency,
        visibility=visibility,
        **values,
    )


def call(
    actor: User,
    *,
    programme: Programme,
    title: str = "Open call",
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
) -> Call:
    today = dt.date.today()
    return call_create(
        actor=actor,
        programme=programme,
        title=title,
        opens_on=opens_on or today - dt.timedelta(days=7),
        closes_on=closes_on or today + dt.timedelta(days=30),
    )


def award(
    actor: User, *, programme: Programme, project: Project, amount: str, applicant: User
) -> Application:
    """``amount`` awarded by ``programme`` to ``project``: a call, the city's application
    (by ``applicant``, its CSCO or the Secretariat), shortlisted and awarded by ``actor``."""
    application = application_create(
        actor=applicant,
        call=call(actor, programme=programme),
        project=project,
        amount_requested=amount,
    )
    for action, who in (("submit", applicant), ("shortlist", actor)):
        application = application_transition(
            actor=who, application=application, action=action, version=application.version
        )
    application_award(
        actor=actor, application=application, amount=Decimal(amount), version=application.version
    )
    application.refresh_from_db()
    return application


def engagement(
    actor: User | None,
    *,
    project: Project,
    organisation: Organisation,
    stage: str = "interest",
    side: str = "city",
    advanced_by: User | None = None,
    message: str = "",
) -> Engagement:
    """A deal between ``project`` and ``organisation`` (interest expressed by ``actor``, or by
    the system on ``side`` when ``actor`` is None), moved on to ``stage`` (through each stage
    before it, by ``advanced_by`` or ``actor``) as the pipeline allows."""
    deal = engagement_create(
        actor=actor,
        project=project,
        organisation=organisation,
        message=message,
        side=side if actor is None else None,
    )
    path = ["interest", "discussion", "due_diligence", "term_sheet", "committed", "closed"]
    steps = ["declined"] if stage == "declined" else path[1 : path.index(stage) + 1]
    for step in steps:
        deal = engagement_advance(
            actor=advanced_by or actor, engagement=deal, stage=step, version=deal.version
        )
    return deal


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF of blank A4 pages, as the upload check reads it (pypdf writes it)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
