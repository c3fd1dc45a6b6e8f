"""Writes to cooperation records (DESIGN convention 1). ``actor=None`` is the system."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ascn.accounts.notifications import members_of, notify
from ascn.cooperation.markdown import render_markdown
from ascn.cooperation.models import (
    CaseStudy,
    CityPartnership,
    FlagReason,
    FlagResolution,
    Post,
    PostFlag,
    Thread,
)
from ascn.cooperation.permissions import (
    can_moderate,
    case_study_policy,
    is_member,
    partnership_policy,
)
from ascn.core import audit, sources
from ascn.core.errors import InvalidInput, NotFound, PermissionDenied
from ascn.core.services import (
    audit_and_announce,
    free_slug,
    lock,
    no_unknown_field,
    require_and_lock,
    save_fields,
    save_new,
    save_version_since,
    user_or_none,
    validate,
)
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
    "sources",
    "visibility",
]


def _strip(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _nulls_cleared(changes: dict[str, Any], texts: tuple[str, ...]) -> dict[str, Any]:
    """An edit's nulls as clearing leaves them: the ``texts`` empty, the sources none."""
    cleared: dict[str, Any] = {key: "" for key in texts if key in changes and changes[key] is None}
    if "sources" in changes and changes["sources"] is None:
        cleared["sources"] = []
    return {**changes, **cleared}


@transaction.atomic
def partnership_create(
    *,
    actor: Actor,
    city: City,
    purpose: str,
    partner_name: str = "",
    partner_city: City | None = None,
    sample: bool = False,
    **optional: Any,
) -> CityPartnership:
    """Record a twinning of ``city`` with another city (an ASCN city, or any by name).
    ``sample``: the demo's illustrative data, never set from a form or the API."""
    no_unknown_field(optional, PARTNERSHIP_FIELDS)
    partnership = CityPartnership(
        city=city, partner_city=partner_city, sample=sample, **_strip(optional)
    )
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
    _check_partnership(partnership)
    return save_new(
        actor, "cooperation.partnership.created", partnership, [*PARTNERSHIP_FIELDS, "sample"]
    )


def _check_partnership(partnership: CityPartnership) -> None:
    if (
        partnership.partner_city_id is not None
        and partnership.partner_city_id == partnership.city_id
    ):
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
    partnership.sources = sources.checked(partnership.sources or [])


PARTNERSHIP_EDITABLE = set(PARTNERSHIP_FIELDS) - {"city"}
_CLEARABLE_TEXT = ("partner_country", "outcomes", "source")


@transaction.atomic
def partnership_update(
    *, actor: Actor, partnership: CityPartnership, version: int, **changes: Any
) -> CityPartnership:
    """Edit a partnership (its ASCN city stays: record a new one for another city). The
    city's officers, its National Representative and the Secretariat; a stale ``version`` is a
    409 and nothing is written."""
    partnership = require_and_lock(partnership_policy, actor, "change", partnership, version)
    no_unknown_field(changes, PARTNERSHIP_EDITABLE)
    before = audit.snapshot(partnership, PARTNERSHIP_FIELDS)
    changes = _strip(changes)
    changes = _nulls_cleared(changes, _CLEARABLE_TEXT)
    for key, value in changes.items():
        setattr(partnership, key, value)
    if "partner_city" in changes and partnership.partner_city is not None:
        if not changes.get("partner_name"):
            partnership.partner_name = partnership.partner_city.name
        partnership.partner_country = partnership.partner_city.member_state.name
    _check_partnership(partnership)
    validate(partnership)
    save_version_since(
        actor, "cooperation.partnership.updated", partnership, before, PARTNERSHIP_FIELDS
    )
    return partnership


@transaction.atomic
def partnership_end(
    *, actor: Actor, partnership: CityPartnership, version: int, end_date: dt.date
) -> CityPartnership:
    """End a partnership on ``end_date``: the record stays, with its period."""
    if end_date is None:
        raise InvalidInput(_("Give the date the partnership ended."), field="end_date")
    if end_date > dt.date.today():
        raise InvalidInput(_("A partnership cannot end in the future."), field="end_date")
    return partnership_update(
        actor=actor, partnership=partnership, version=version, end_date=end_date
    )


# Addresses of pages under /cooperation/case-studies/ that a case study's slug must not take.
RESERVED_SLUGS = frozenset({"new"})
CASE_STUDY_EDITABLE = set(CASE_STUDY_FIELDS) - {"slug"}
_REQUIRED_TEXT = ("title", "problem", "solution")
_TEXT_LIMITS = {"problem": 20_000, "solution": 20_000, "results": 20_000}


def _require_curator(actor: Actor) -> None:
    if actor is not None and not can_moderate(actor):
        raise PermissionDenied(_("Only the Secretariat adds case studies."))


def _check_case_study(study: CaseStudy) -> None:
    for field in _REQUIRED_TEXT:
        if not getattr(study, field):
            raise InvalidInput(_("This field is required."), field=field)
    for field, limit in _TEXT_LIMITS.items():
        if len(getattr(study, field) or "") > limit:
            raise InvalidInput(_("At most %(n)d characters.") % {"n": limit}, field=field)
    if study.provider is not None and not study.provider_name:
        study.provider_name = study.provider.name
    study.sources = sources.checked(study.sources or [])


@transaction.atomic
def case_study_create(
    *,
    actor: Actor,
    title: str,
    problem: str,
    solution: str,
    focus_area: FocusArea,
    slug: str = "",
    sample: bool = False,
    **optional: Any,
) -> CaseStudy:
    """Add a case study to the knowledge bank (the Secretariat curates it). Without a
    ``slug``, its address is made from the title (``-2``, ``-3``… when taken). ``sample``:
    the demo's illustrative data, never set from a form or the API."""
    _require_curator(actor)
    no_unknown_field(optional, CASE_STUDY_FIELDS)
    study = CaseStudy(focus_area=focus_area, sample=sample, **_strip(optional))
    study.title, study.problem, study.solution = (
        (title or "").strip(),
        (problem or "").strip(),
        (solution or "").strip(),
    )
    _check_case_study(study)
    if slug:
        study.slug = slugify(slug)[:120]
        if study.slug in RESERVED_SLUGS or CaseStudy.objects.filter(slug=study.slug).exists():
            raise InvalidInput(_("A case study with this slug exists."), field="slug")
    else:
        base = slugify(study.title)[:110] or "case-study"
        study.slug = free_slug(CaseStudy, base, reserved=RESERVED_SLUGS)
    return save_new(actor, "cooperation.casestudy.created", study, [*CASE_STUDY_FIELDS, "sample"])


@transaction.atomic
def case_study_update(*, actor: Actor, study: CaseStudy, version: int, **changes: Any) -> CaseStudy:
    """Edit a case study (the Secretariat); its address stays. A stale ``version`` is a 409
    and nothing is written."""
    study = require_and_lock(case_study_policy, actor, "change", study, version)
    no_unknown_field(changes, CASE_STUDY_EDITABLE)
    before = audit.snapshot(study, CASE_STUDY_FIELDS)
    old_provider = study.provider
    changes = _strip(changes)
    changes = _nulls_cleared(changes, ("results", "provider_name", "source"))
    for key, value in changes.items():
        setattr(study, key, value)
    if (
        study.provider is not None
        and study.provider != old_provider
        and (not study.provider_name or (old_provider and study.provider_name == old_provider.name))
    ):
        # another organisation: its name, unless the source's own wording was given
        study.provider_name = study.provider.name
    _check_case_study(study)
    validate(study)
    save_version_since(actor, "cooperation.casestudy.updated", study, before, CASE_STUDY_FIELDS)
    return study


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
def thread_create(
    *, actor: Actor, focus_area: FocusArea, title: str, body: str, sample: bool = False
) -> Thread:
    """Open a thread on an ASCF focus area, with its first post. ``sample``: the demo's
    illustrative discussion, never set from a form or the API."""
    author = _require_member(actor)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the thread a title."), field="title")
    body = _clean_body(body)
    thread = Thread(focus_area=focus_area, title=title, author=author, sample=sample)
    validate(thread)
    thread.save()
    _post(thread, author, body)
    audit_and_announce(
        actor,
        "cooperation.thread.created",
        thread,
        {"title": {"after": title}, **({"sample": {"after": True}} if sample else {})},
    )
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
    """Lock or hide (and undo either) a thread. Hiding it closes the open flags of its posts
    as "post hidden": the Secretariat has acted on them, and they stay as history."""
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
        if "hidden" in changes and thread.hidden:
            closed = _close_flags(
                actor, PostFlag.objects.filter(post__thread=thread), FlagResolution.HIDDEN
            )
            if closed:
                changes["open_flags"] = {"before": closed, "after": 0}
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
    if hidden:
        _close_flags(actor, _open_flags(post), FlagResolution.HIDDEN)
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


# --- members flag posts ------------------------------------------------------------------

FLAG_NOTE_MAX = 1_000


def _open_flags(post: Post) -> QuerySet[PostFlag]:
    return PostFlag.objects.filter(post=post, resolved_at__isnull=True)


def _close_flags(actor: Actor, flags: QuerySet[PostFlag], resolution: str) -> int:
    """Close the open ones among ``flags`` (a post's, a thread's) with ``resolution``; they
    stay as history."""
    now = timezone.now()
    flags = flags.filter(resolved_at__isnull=True)
    return flags.update(
        resolution=resolution, resolved_at=now, resolved_by=user_or_none(actor), updated_at=now
    )


@transaction.atomic
def post_flag(*, actor: Actor, post: Post, reason: str, note: str = "") -> PostFlag:
    """A member reports a post they may see, with a reason (``FlagReason``) and an optional
    note. One open flag per member and post: flagging again changes it. Not one's own post,
    nor a hidden one. A new flag tells the Secretariat (kind ``post.flagged``)."""
    member = _require_member(actor)
    post = lock(post)  # flags of one post are written one after another
    thread = post.thread
    out_of_sight = post.hidden or thread.hidden
    if out_of_sight and not can_moderate(member) and post.author_id != member.pk:
        raise NotFound(_("Post not found."))
    if post.author_id == member.pk:
        raise PermissionDenied(_("You cannot flag your own post."))
    if out_of_sight:
        raise InvalidInput(_("This post is hidden: there is nothing to flag."), field="post")
    if reason not in FlagReason.values:
        raise InvalidInput(_("Choose a reason."), field="reason")
    note = (note or "").strip()
    if len(note) > FLAG_NOTE_MAX:
        raise InvalidInput(
            _("A note is at most %(n)d characters.") % {"n": FLAG_NOTE_MAX}, field="note"
        )
    flag = _open_flags(post).select_for_update().filter(member=member).first()
    if flag is not None:
        if (flag.reason, flag.note) != (reason, note):
            save_fields(actor, "cooperation.postflag.updated", flag, reason=reason, note=note)
        return flag
    flag = save_new(
        actor,
        "cooperation.postflag.created",
        PostFlag(post=post, member=member, reason=reason, note=note),
        ["post", "reason", "note"],
    )
    label = FlagReason(reason).label

    def body() -> str:
        text = _("The reason given: %(reason)s") % {"reason": label}
        return f"{text}\n{note}" if note else text

    notify(
        users=[user for user in members_of(secretariat=True) if user.pk != member.pk],
        kind="post.flagged",
        title=lambda: _("A member flagged a post in “%(thread)s”") % {"thread": thread.title},
        body=body,
        url=reverse("moderation-queue"),
    )
    return flag


@transaction.atomic
def post_flags_dismiss(*, actor: Actor, post: Post) -> int:
    """The Secretariat finds nothing wrong with a flagged post: its open flags are closed as
    dismissed (kept, with who dismissed them and when) and the post leaves the queue.
    Returns how many were dismissed."""
    _require_moderator(actor)
    post = lock(post)
    count = _close_flags(actor, _open_flags(post), FlagResolution.DISMISSED)
    if not count:
        raise InvalidInput(_("This post has no open flag."), field="post")
    audit_and_announce(
        actor,
        "cooperation.post.flags_dismissed",
        post,
        {"open_flags": {"before": count, "after": 0}},
    )
    return count
