"""Reads of the deal pipeline: every read starts from the deals the user may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.utils.translation import gettext_lazy

from ascn.core.queries import filter_given
from ascn.deals.models import Confirmation, Engagement, EngagementStage
from ascn.deals.permissions import engagement_policy

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from ascn.core.types import Actor
    from ascn.partners.models import Organisation
    from ascn.plans.models import Project

BOARD_STAGES = list(EngagementStage)  # the pipeline's order, declined last


def engagements_for(
    user: Actor,
    *,
    organisation: str | None = None,
    city: str | None = None,
    project: int | None = None,
) -> QuerySet[Engagement]:
    """The deals ``user`` may see, optionally of one organisation, city or project."""
    qs = engagement_policy.visible(user, Engagement.objects.all())
    qs = filter_given(qs, organisation__slug=organisation, project__city__slug=city)
    if project is not None:
        qs = qs.filter(project_id=project)
    return qs.select_related(
        "project__city__member_state", "organisation", "commitment_confirmed_by"
    )


def counted_stage() -> Case:
    """The stage a deal counts at in public figures (the dashboards): a commitment still
    waiting for the city's confirmation counts as a term sheet — it is not a commitment until
    both sides agree."""
    return Case(
        When(
            stage=EngagementStage.COMMITTED,
            commitment_confirmation=Confirmation.PENDING,
            then=Value(EngagementStage.TERM_SHEET.value),
        ),
        default=F("stage"),
        output_field=CharField(),
    )


def commitments_waiting(user: Actor) -> QuerySet[Engagement]:
    """The deals ``user`` may see whose commitment waits for the city's confirmation, oldest
    first (the workspace lists them: to confirm for the city, awaited for the partner)."""
    return (
        engagements_for(user)
        .filter(stage=EngagementStage.COMMITTED, commitment_confirmation=Confirmation.PENDING)
        .order_by("updated_at", "id")
    )


# Keyed by the stages' values (``EngagementStage`` is a ``str``): looked up with a deal's ``stage``.
STAGE_HELP: dict[str, StrPromise] = {
    EngagementStage.INTEREST: gettext_lazy("One side has said it is interested."),
    EngagementStage.DISCUSSION: gettext_lazy("Both sides are talking."),
    EngagementStage.DUE_DILIGENCE: gettext_lazy("The partner is checking the project."),
    EngagementStage.TERM_SHEET: gettext_lazy("Terms are on the table."),
    EngagementStage.COMMITTED: gettext_lazy(
        "The partner has committed money; it counts as funding secured once the city confirms it."
    ),
    EngagementStage.CLOSED: gettext_lazy("The deal is done."),
    EngagementStage.DECLINED: gettext_lazy("One side has stepped back."),
}


def board_columns(engagements: Iterable[Engagement]) -> list[dict[str, Any]]:
    """The deals grouped by stage, every stage present, in pipeline order."""
    by_stage: dict[str, list[Engagement]] = {stage: [] for stage in BOARD_STAGES}
    for engagement in engagements:
        by_stage[engagement.stage].append(engagement)
    return [
        {
            "stage": stage,
            "label": EngagementStage(stage).label,
            "help": STAGE_HELP[stage],
            "cards": cards,
        }
        for stage, cards in by_stage.items()
    ]


def pairs_in_pipeline(
    user: Actor,
    *,
    projects: Iterable[Project] | None = None,
    organisations: Iterable[Organisation] | None = None,
) -> dict[tuple[int, int], Engagement]:
    """``{(project_id, organisation_id): engagement}`` among the deals ``user`` may see, for
    pages listing many pairs (the matches pages pass it to ``_interest_button.html``)."""
    qs = engagement_policy.visible(user, Engagement.objects.all())
    if projects is not None:
        qs = qs.filter(project__in=projects)
    if organisations is not None:
        qs = qs.filter(organisation__in=organisations)
    return {
        (e.project_id, e.organisation_id): e
        for e in qs.only("id", "project", "organisation", "stage")
    }
