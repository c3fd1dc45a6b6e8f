"""Reads of funding programmes and applications. Every read starts from what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from ascn.core.permissions import scopes_of
from ascn.core.visibility import Visibility
from ascn.funding.models import Application, Award, Programme
from ascn.funding.permissions import application_policy, programme_policy
from ascn.network.models import FocusArea
from ascn.partners.models import Organisation
from ascn.plans.models import Project
from ascn.plans.permissions import project_policy

if TYPE_CHECKING:
    from ascn.core.types import Actor


def public_programmes() -> QuerySet[Programme]:
    """The programmes anyone may see, whoever asks (the open data, the public figures)."""
    return Programme.objects.filter(visibility=Visibility.PUBLIC)


def programmes_for(user: Actor) -> QuerySet[Programme]:
    """The programmes ``user`` may see, by name, with ``open_calls`` (open today) counted."""
    today = timezone.localdate()
    return (
        programme_policy.visible(user, Programme.objects.all())
        .select_related("sponsor", "implementer")
        .annotate(
            open_calls=Count(
                "calls", filter=Q(calls__opens_on__lte=today, calls__closes_on__gte=today)
            )
        )
        .order_by("name", "pk")
    )


def programmes_sponsored_by(user: Actor, organisation: Organisation) -> QuerySet[Programme]:
    """For the organisation page: the programmes it sponsors or implements that ``user`` sees."""
    return programmes_for(user).filter(Q(sponsor=organisation) | Q(implementer=organisation))


def applications_for(user: Actor) -> QuerySet[Application]:
    return (
        application_policy.visible(user, Application.objects.all())
        .select_related(
            "call__programme__sponsor",
            "call__programme__implementer",
            "project__city__member_state",
            "award",
        )
        .prefetch_related(Prefetch("project__focus_areas", queryset=FocusArea.objects.only("code")))
        .order_by("-updated_at", "-id")
    )


def awards_of(programme: Programme, user: Actor) -> QuerySet[Award]:
    """A programme's awards that ``user`` may see: to a project they see, or on an
    application they see (a draft project's award stays with its city and the managers)."""
    projects = project_policy.visible(user, Project.objects.all()).values("pk")
    applications = application_policy.visible(user, Application.objects.all()).values("pk")
    return (
        Award.objects.filter(programme=programme)
        .filter(Q(application__project__in=projects) | Q(application__in=applications))
        .select_related("application__project__city")
        .prefetch_related("disbursements")
        .order_by("-awarded_on", "-id")
    )


def awards_for(user: Actor) -> QuerySet[Award]:
    """The awards whose application ``user`` may see."""
    return Award.objects.filter(
        application__in=application_policy.visible(user, Application.objects.all())
    ).select_related("programme", "application__call__programme")


def applications_of_project(user: Actor, project: Project) -> QuerySet[Application]:
    """For the project's page (which ``user`` sees): its applications to the programmes
    ``user`` may see, newest call first, with call, programme and award in one query. An
    awarded one is shown to whoever sees the project and the programme, as the programme's
    page lists its awards; the others only to those who may read them (the city, its
    National Representative, the programme's managers once submitted, the Secretariat).
    Only the programmes of the project's kind, sample or real, as the services keep them."""
    scopes = scopes_of(user)
    applications = Application.objects.filter(
        project=project, call__programme__sample=project.sample
    )
    readable = application_policy.visible_q(scopes)
    if readable is not None:
        applications = applications.filter(Q(award__isnull=False) | readable)
    programme_seen = programme_policy.visible_q(scopes, "call__programme__")
    if programme_seen is not None:
        applications = applications.filter(programme_seen)
    return applications.select_related("call__programme", "award").order_by(
        "-call__opens_on", "-pk"
    )
