"""The deal pipeline (engagements) under /api/v1/: thin — validate, call a service, shape.

Only a deal's parties (the organisation's members, the city's CSCOs, the member state's
National Representative read-only) and the Secretariat see it; anyone else gets 404.
"""

from django.utils.translation import gettext as _
from ninja import Query, Status

from ascn.core.api import AppRouter, ShapedRows, fields_of, sent_as
from ascn.core.errors import InvalidInput
from ascn.core.queries import found
from ascn.deals.models import Engagement
from ascn.deals.permissions import may_advance, may_confirm
from ascn.deals.queries import engagements_for
from ascn.deals.schemas import (
    AdvanceIn,
    ConfirmIn,
    EngagementDetailOut,
    EngagementFilter,
    EngagementIn,
    EngagementOut,
)
from ascn.deals.services import (
    engagement_advance,
    engagement_confirm,
    engagement_create,
    next_stages,
)
from ascn.network.queries import refuse_unknown_places
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy
from ascn.plans import money
from ascn.plans.models import Project
from ascn.plans.permissions import project_policy

router = AppRouter(tags=["engagements"])


def _person(user) -> str | None:
    return user.get_full_name() if user is not None else None


def engagement_out(engagement: Engagement) -> dict:
    project = engagement.project
    commitment = None
    if engagement.commitment_amount is not None:
        commitment = {
            **money.money(engagement.commitment_amount, engagement.commitment_currency),
            "instrument": engagement.commitment_instrument,
            "confirmation": engagement.commitment_confirmation or "pending",
            "confirmed_by": _person(engagement.commitment_confirmed_by),
            "confirmed_at": engagement.commitment_confirmed_at,
        }
    return {
        "id": engagement.pk,
        **fields_of(engagement, "version stage initiated_by"),
        "project": project.pk,
        "project_title": project.title,
        "city": project.city.slug,
        "country": project.city.member_state.code,
        "organisation": engagement.organisation.slug,
        "organisation_name": engagement.organisation.name,
        "sample": engagement.sample,
        "commitment": commitment,
        "created_at": engagement.created_at,
        "updated_at": engagement.updated_at,
        "url": engagement.get_absolute_url(),
    }


def engagement_detail_out(engagement: Engagement, request) -> dict:
    return {
        **engagement_out(engagement),
        "message": engagement.message,
        "next_stages": list(next_stages(engagement)),
        "can_advance": may_advance(request.user, engagement),
        "can_confirm": may_confirm(request.user, engagement),
        "events": [
            {
                "at": e.at,
                "kind": e.kind,
                "by": _person(e.actor),
                **fields_of(e, "from_stage to_stage note"),
                "commitment": money.money(e.commitment_amount, e.commitment_currency)
                if e.commitment_amount is not None
                else None,
            }
            for e in engagement.events.select_related("actor")
        ],
    }


def _engagement_or_404(request, engagement_id: int) -> Engagement:
    return found(engagements_for(request.user).filter(pk=engagement_id).first())


@router.page("/engagements", EngagementOut, "Deals the caller may see, most recently moved first")
def engagements_list(request, filters: Query[EngagementFilter]):
    """Deals you are a party to (your organisation's or your city's), or all of them for the
    Secretariat, most recently moved first. Anonymous callers get an empty list."""
    refuse_unknown_places(city=filters.city)
    qs = engagements_for(
        request.user, organisation=filters.organisation, city=filters.city, project=filters.project
    )
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    return ShapedRows(qs, engagement_out)


@router.add(
    "/engagements",
    EngagementDetailOut,
    "Express interest (a partner in a project, or a city in an organisation)",
    description="409 when the project and the organisation are already in the pipeline; the "
    "message links the existing deal.",
)
def engagements_create(request, payload: EngagementIn):
    project = project_policy.visible(request.user, Project.objects.all()).filter(pk=payload.project)
    project = project.select_related("city").first()
    if project is None:
        raise InvalidInput(_("Unknown project."), field="project")
    organisation = organisation_policy.visible(
        request.user, Organisation.objects.filter(slug=payload.organisation)
    ).first()
    if organisation is None:
        raise InvalidInput(
            _("Unknown organisation: %(slug)s") % {"slug": payload.organisation},
            field="organisation",
        )

    engagement = engagement_create(
        actor=request.user,
        project=project,
        organisation=organisation,
        message=payload.message,
        side=payload.side,
    )
    return Status(201, engagement_detail_out(_engagement_or_404(request, engagement.pk), request))


@router.read("/engagements/{engagement_id}", EngagementDetailOut, "One deal with its history")
def engagements_read(request, engagement_id: int):
    """One deal with its message, its history of stages, the stages it may move to next and
    whether you may move it. 404 for anyone who is not a party."""
    return engagement_detail_out(_engagement_or_404(request, engagement_id), request)


# The commitment's fields as the request sends them: one object.
COMMITMENT_SENT_AS = {
    f"commitment_{part}": ("commitment", part) for part in ("amount", "currency", "instrument")
}


@router.write(
    "POST",
    "/engagements/{engagement_id}/advance",
    EngagementDetailOut,
    "Move a deal to its next stage (or decline it)",
    description="Stages: interest → discussion → due_diligence → term_sheet → committed → closed; "
    "any open stage → declined. Moving to `committed` (the organisation's members or the "
    "Secretariat only) needs `commitment` (in the project's budget currency); it adds to the "
    "project's funding secured once the city confirms it (`/confirm`). A deal closes only "
    "once its commitment is confirmed. 409 on a stale `version` or an illegal move.",
)
def engagements_advance(request, engagement_id: int, payload: AdvanceIn):
    engagement = _engagement_or_404(request, engagement_id)
    commitment = payload.commitment
    # without a commitment, what it lacks is the commitment itself
    paths = COMMITMENT_SENT_AS if commitment else dict.fromkeys(COMMITMENT_SENT_AS, ("commitment",))
    with sent_as(paths):
        engagement_advance(
            actor=request.user,
            engagement=engagement,
            stage=payload.stage,
            version=payload.version,
            note=payload.note,
            commitment_amount=commitment.amount if commitment else None,
            commitment_currency=commitment.currency if commitment else None,
            commitment_instrument=commitment.instrument if commitment else None,
        )
    return engagement_detail_out(_engagement_or_404(request, engagement_id), request)


@router.write(
    "POST",
    "/engagements/{engagement_id}/confirm",
    EngagementDetailOut,
    "Confirm the partner's commitment for the city, or decline to",
    description="For a Chief Smart City Officer of the project's city or the National "
    "Representative of its member state (403 for anyone else who sees the deal). `confirm`: "
    "the amount joins the project's funding secured (422 if it no longer fits the funding "
    "gap). `decline` (with a `reason`): the deal goes back to `term_sheet` with its "
    "commitment cleared; the history keeps what was declined. 409 on a stale `version` or "
    "when no commitment waits.",
)
def engagements_confirm(request, engagement_id: int, payload: ConfirmIn):
    engagement = _engagement_or_404(request, engagement_id)
    # the commitment no longer fitting is not a field of this request: the body's
    with sent_as({"commitment_amount": ()}):
        engagement_confirm(
            actor=request.user,
            engagement=engagement,
            version=payload.version,
            confirm=payload.decision == "confirm",
            reason=payload.reason,
        )
    return engagement_detail_out(_engagement_or_404(request, engagement_id), request)
