"""Reads of cooperation records: every read starts from what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet

from ascn.cooperation.models import CaseStudy, CityPartnership, Post, PostFlag, Thread
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


def post_for(user: Actor, pk: int) -> Post | None:
    """One post, if ``user`` may see it (``posts_for`` in a thread of ``threads_for``)."""
    post = Post.objects.filter(pk=pk, thread__in=threads_for(user)).select_related("thread").first()
    if post is None:
        return None
    return posts_for(user, post.thread).filter(pk=pk).first()


def open_flags() -> QuerySet[PostFlag]:
    return PostFlag.objects.filter(resolved_at__isnull=True)


def flagged_posts_for(user: Actor) -> QuerySet[Post]:
    """The posts in the moderation queue (the Secretariat's only; nobody else's): posts
    members still see that hold open flags."""
    if not can_moderate(user):
        return Post.objects.none()
    return Post.objects.filter(hidden=False, thread__hidden=False).filter(
        Exists(open_flags().filter(post=OuterRef("pk")))
    )


def moderation_queue_for(user: Actor) -> QuerySet[Post]:
    """``flagged_posts_for``, the most recently flagged first, each with ``flag_count``,
    ``last_flagged_at`` and its ``open_flag_list`` (newest first, with who flagged)."""
    still_open = Q(flags__resolved_at__isnull=True)
    return (
        flagged_posts_for(user)
        .annotate(
            flag_count=Count("flags", filter=still_open),
            last_flagged_at=Max("flags__created_at", filter=still_open),
        )
        .select_related("thread__focus_area", "author")
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=open_flags().select_related("member").order_by("-created_at", "-pk"),
                to_attr="open_flag_list",
            )
        )
        .order_by("-last_flagged_at", "-pk")
    )


def flagged_by(user: Actor, posts: list[Post]) -> set[int]:
    """Which of ``posts`` ``user`` holds an open flag on (the thread shows "You flagged it")."""
    if user is None or not user.is_authenticated:
        return set()
    return set(open_flags().filter(member=user, post__in=posts).values_list("post_id", flat=True))


def my_open_flag(user: Actor, post: Post) -> PostFlag | None:
    """``user``'s open flag on ``post``, if any (the report form then changes it)."""
    if user is None or not user.is_authenticated:
        return None
    return open_flags().filter(member=user, post=post).first()


def forum_index(user: Actor) -> list[FocusArea]:
    visible = Q(threads__hidden=False) if not can_moderate(user) else Q()
    return list(
        FocusArea.objects.order_by("position").annotate(
            thread_count=Count("threads", filter=visible)
        )
    )
