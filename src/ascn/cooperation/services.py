"""Writes to cooperation records (DESIGN convention 1). ``actor=None`` is the system."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ascn.accounts.notifications import notify
from ascn.cooperation.markdown import render_markdown
from ascn.cooperation.models import CaseStudy, CityPartnership, Post, Thread
from ascn.cooperation.permissions import (
    can_moderate,
    is_member,
    partnership_policy,
)
from ascn.core import audit
from ascn.core.errors import InvalidInput, NotFound, PermissionDenied
from ascn.core.services import audit_and_announce, lock, save_fields, save_new, validate
from ascn.network.models import City, FocusArea

if TYPE_CHECKING:
    from ascn.core.types import Actor, User

MAX_POST_CHARS = 20_000
PARTNERSHIP_FIELDS = [
    "city",
    "partner_city",
    "partner_name",
    "partner_country",
    "purpose",
    "start_date",
    "end_date",
    "outcomes",
    "source",
    "sources",
    "visibility",
]
CASE_STUDY_FIELDS = [
    "slug",
    "title",
    "problem",
    "solution",
    "results",
    "focus_area",
    "city",
    "provider_name",
    "provider",
    "source",
    "visibility",
]


def _strip(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


@transaction.atomic
def partnership_create(
    *,
    actor: Actor,
    city: City,
    purpose: str,
    partner_name: str = "",
    partner_city: City | None = None,
    **optional: Any,
) -> CityPartnership:
    """Record a twinning of ``city`` with another city (an ASCN city, or any by name)."""
    unknown = set(optional) - set(PARTNERSHIP_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown field: %s") % sorted(unknown)[0], field=sorted(unknown)[0])
    partnership = CityPartnership(city=city, partner_city=partner_city, **_strip(optional))
    if actor is not None and not partnership_policy.can(actor, "change", partnership):
        raise PermissionDenied(
            _(
                "Only the city's officers, its National Representative and the Secretariat record its partnerships."
            )
        )
    partnership.purpose = (purpose or "").strip()
    partnership.partner_name = (partner_name or "").strip() or (
        partner_city.name if partner_city else ""
    )
    if partner_city is not None:
        partnership.partner_country = partner_city.member_state.name
    if partner_city is not None and partner_city.pk == city.pk:
        raise InvalidInput(_("A city does not twin with itself."), field="partner_city")
    if not partnership.partner_name:
        raise InvalidInput(_("Name the partner city."), field="partner_name")
    if not partnership.purpose:
        raise InvalidInput(_("State the purpose of the partnership."), field="purpose")
    if (
        partnership.start_date
        and partnership.end_date
        and partnership.end_date < partnership.start_date
    ):
        raise InvalidInput(_("The end cannot come before the start."), field="end_date")
    return save_new(actor, "cooperation.partnership.created", partnership, PARTNERSHIP_FIELDS)


@transaction.atomic
def case_study_create(
    *,
    actor: Actor,
    title: str,
    problem: str,
    solution: str,
    focus_area: FocusArea,
    slug: str = "",
    **optional: Any,
) -> CaseStudy:
    """Add a case study to the knowledge bank (the Secretariat curates it)."""
    if actor is not None and not can_moderate(actor):
        raise PermissionDenied(_("Only the Secretariat adds case studies."))
    unknown = set(optional) - set(CASE_STUDY_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown field: %s") % sorted(unknown)[0], field=sorted(unknown)[0])
    study = CaseStudy(focus_area=focus_area, **_strip(optional))
    study.title, study.problem, study.solution = (
        (title or "").strip(),
        (problem or "").strip(),
        (solution or "").strip(),
    )
    for field in ("title", "problem", "solution"):
        if not getattr(study, field):
            raise InvalidInput(_("This field is required."), field=field)
    if study.provider is not None and not study.provider_name:
        study.provider_name = study.provider.name
    study.slug = slugify(slug or title)[:120]
    if CaseStudy.objects.filter(slug=study.slug).exists():
        raise InvalidInput(_("A case study with this slug exists."), field="slug")
    return save_new(actor, "cooperation.casestudy.created", study, CASE_STUDY_FIELDS)


# --- discussions ---------------------------------------------------------------------


def _require_member(actor: Actor) -> User:
    """The actor, who must be a member of the network (a signed-in user with a role)."""
    if actor is None or not actor.is_authenticated or not is_member(actor):
        raise PermissionDenied(_("Discussions are for members of the network."))
    return actor


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write something."), field="body")
    if len(body) > MAX_POST_CHARS:
        raise InvalidInput(_("A post is at most 20,000 characters."), field="body")
    return body


@transaction.atomic
def thread_create(*, actor: Actor, focus_area: FocusArea, title: str, body: str) -> Thread:
    """Open a thread on an ASCF focus area, with its first post."""
    author = _require_member(actor)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the thread a title."), field="title")
    body = _clean_body(body)
    thread = Thread(focus_area=focus_area, title=title, author=author)
    validate(thread)
    thread.save()
    _post(thread, author, body)
    audit_and_announce(actor, "cooperation.thread.created", thread, {"title": {"after": title}})
    return thread


def _post(thread: Thread, author: User, body: str) -> Post:
    post = Post(thread=thread, author=author, body=body, body_html=render_markdown(body))
    post.save()
    return post


@transaction.atomic
def post_create(*, actor: Actor, thread: Thread, body: str) -> Post:
    """Reply in a thread; a locked or hidden thread takes no replies."""
    author = _require_member(actor)
    thread = lock(thread)
    if thread.hidden and not can_moderate(actor):
        raise NotFound(_("Discussion thread not found."))
    if thread.locked:
        raise PermissionDenied(_("This thread is locked."))
    post = _post(thread, author, _clean_body(body))
    thread.updated_at = timezone.now()
    thread.save(update_fields=["updated_at"])
    audit_and_announce(actor, "cooperation.post.created", post, {"thread": {"after": thread.pk}})
    return post


def _require_moderator(actor: Actor) -> None:
    if not can_moderate(actor):
        raise PermissionDenied(_("Only the Secretariat moderates discussions."))


@transaction.atomic
def thread_moderate(
    *, actor: Actor, thread: Thread, locked: bool | None = None, hidden: bool | None = None
) -> Thread:
    """Lock or hide (and undo either) a thread."""
    _require_moderator(actor)
    thread = lock(thread)
    before = audit.snapshot(thread, ["locked", "hidden"])
    if locked is not None:
        thread.locked = locked
    if hidden is not None:
        thread.hidden = hidden
    changes = audit.diff(before, audit.snapshot(thread, ["locked", "hidden"]))
    if changes:
        thread.save(update_fields=["locked", "hidden", "updated_at"])
        audit_and_announce(actor, "cooperation.thread.moderated", thread, changes)
    return thread


HIDE_REASON_MAX = 1_000


@transaction.atomic
def post_hide(*, actor: Actor, post: Post, hidden: bool = True, reason: str = "") -> Post:
    """Hide a post (with the reason, which its author is told) or show it again (the author
    is told too). Both are audited with the reason."""
    _require_moderator(actor)
    post = lock(post)
    reason = (reason or "").strip()
    if hidden and not reason:
        raise InvalidInput(_("Say why the post is hidden: its author is told."), field="reason")
    if len(reason) > HIDE_REASON_MAX:
        raise InvalidInput(
            _("A reason is at most %(n)d characters.") % {"n": HIDE_REASON_MAX}, field="reason"
        )
    if post.hidden == hidden and post.hidden_reason == (reason if hidden else ""):
        return post
    post = save_fields(
        actor,
        "cooperation.post.moderated",
        post,
        hidden=hidden,
        hidden_reason=reason if hidden else "",
    )
    thread = post.thread
    author = post.author
    if author is not None and author.pk != getattr(actor, "pk", None):
        # Written in the author's language (notify calls these under it).
        if hidden:
            notify(
                users=[author],
                kind="post_hidden",
                title=lambda: (
                    _("Your post in “%(thread)s” was hidden by the Secretariat")
                    % {"thread": thread.title}
                ),
                body=lambda: _("The reason given: %(reason)s") % {"reason": reason},
                url=f"{thread.get_absolute_url()}#post-{post.pk}",
            )
        else:
            notify(
                users=[author],
                kind="post_shown",
                title=lambda: (
                    _("Your post in “%(thread)s” is shown again") % {"thread": thread.title}
                ),
                body=lambda: _("The Secretariat undid the hiding of your post."),
                url=f"{thread.get_absolute_url()}#post-{post.pk}",
            )
    return post
