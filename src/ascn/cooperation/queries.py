"""Reads of cooperation records: every read starts from what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from ascn.cooperation.models import CaseStudy, CityPartnership, Post, Thread
from ascn.cooperation.permissions import can_moderate, case_study_policy, partnership_policy
from ascn.core.queries import filter_given
from ascn.network.models import FocusArea

if TYPE_CHECKING:
    from ascn.core.types import Actor


def partnerships_for(user: Actor, *, city: str | None = None) -> QuerySet[CityPartnership]:
    qs = partnership_policy.visible(user, CityPartnership.objects.all())
    if city:
        qs = qs.filter(Q(city__slug=city) | Q(partner_city__slug=city))
    return qs.select_related("city__member_state", "partner_city__member_state")


def case_studies_for(
    user: Actor, *, focus_area: str | None = None, city: str | None = None
) -> QuerySet[CaseStudy]:
    qs = case_study_policy.visible(user, CaseStudy.objects.all())
    qs = filter_given(qs, focus_area__code=focus_area, city__slug=city)
    return qs.select_related("focus_area", "city__member_state", "provider")


def threads_for(user: Actor) -> QuerySet[Thread]:
    """Threads a member may read: the Secretariat also sees those it hid."""
    qs = Thread.objects.all()
    if not can_moderate(user):
        qs = qs.filter(hidden=False)
    return qs.select_related("focus_area", "author")


def posts_for(user: Actor, thread: Thread) -> QuerySet[Post]:
    """The thread's posts; hidden ones only for moderators and, with the reason, their author."""
    qs = thread.posts.select_related("author")
    if not can_moderate(user):
        mine = Q(author=user) if user is not None and user.is_authenticated else Q(pk__in=[])
        qs = qs.filter(Q(hidden=False) | mine)
    return qs


def forum_index(user: Actor) -> list[FocusArea]:
    visible = Q(threads__hidden=False) if not can_moderate(user) else Q()
    return list(
        FocusArea.objects.order_by("position").annotate(
            thread_count=Count("threads", filter=visible)
        )
    )
