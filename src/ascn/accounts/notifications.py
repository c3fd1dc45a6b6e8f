"""Notifications (SPEC C5): an in-app notice per person and its e-mail twin.

``notify`` is called by services inside their transaction: the rows are written with the
change that caused them (rolled back with it), the e-mails leave only once it is committed.

Each person reads their notices and e-mails in their own language (``User.language``; none
saved: the site's, English), not in the language of the person whose action caused them
(docs/translation.md, "E-mails and notifications"). So a caller gives the words as a
zero-argument callable — ``title=lambda: _("New interest in “%(project)s”") % {...}`` — that
``notify`` calls once per language, under ``translation.override``: the message, the labels
and the dates and figures formatted in it (``ascn.core.formats``) all follow the reader's
language. A lazy string (``gettext_lazy``) works the same way. A plain string is written as
it is, the same for everyone.

A notice's link is kept without a language prefix (``/engagements/7/``, whatever page the
change was made on); its e-mail links to the page in the reader's language.

Every notice is shown in the app. Whether it is also e-mailed is each person's choice per
kind (``KINDS``; ``NotificationPreference``, none saved: e-mail at once): in the app only,
e-mail at once, or in the daily digest (``send_digests``, run by ``manage.py send_digests``),
one e-mail listing the notices of that kind since the last digest, each sent once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail, send_mass_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ascn.accounts.models import (
    Delivery,
    Membership,
    Notification,
    NotificationPreference,
    NotificationText,
    Role,
    User,
)
from ascn.core import languages, site
from ascn.core.permissions import scopes_of

# Every kind of notification the platform sends, with what a person reads when choosing how
# to receive it (Notifications settings). A kind not listed here cannot be notified.
KINDS: dict[str, Promise] = {
    "plan.submitted": gettext_lazy("An action plan is submitted for your endorsement"),
    "plan.withdrawn": gettext_lazy("An action plan waiting for your endorsement is withdrawn"),
    "plan.returned": gettext_lazy("Your city's action plan is returned"),
    "plan.endorsed": gettext_lazy("Your city's action plan is endorsed"),
    "plan.published": gettext_lazy("Your city's action plan is published"),
    "meeting.announced": gettext_lazy("The Secretariat announces a meeting of the network"),
    "meeting.registered": gettext_lazy("Your registration for a meeting"),
    "meeting.promoted": gettext_lazy("You get a seat from a meeting's waiting list"),
    "application.submitted": gettext_lazy("A city applies to a programme you manage"),
    "application.shortlisted": gettext_lazy("Your funding application is shortlisted"),
    "application.awarded": gettext_lazy("Your funding application is awarded"),
    "application.declined": gettext_lazy("Your funding application is declined"),
    "call.closing": gettext_lazy("A call for applications open to your city closes soon"),
    "engagement.interest": gettext_lazy("A partner expresses interest in your project"),
    "engagement.committed": gettext_lazy("A deal you take part in is committed"),
    "engagement.stage_changed": gettext_lazy("A deal you take part in moves to another stage"),
    "engagement.confirmation_requested": gettext_lazy(
        "A partner's commitment to your city's project waits for your confirmation"
    ),
    "engagement.confirmed": gettext_lazy("The city confirms a commitment in a deal of yours"),
    "engagement.not_confirmed": gettext_lazy(
        "The city declines to confirm a commitment in a deal of yours"
    ),
    "post_hidden": gettext_lazy("Your post is hidden by the Secretariat, with the reason"),
    "post_shown": gettext_lazy("Your hidden post is shown again"),
    "post.flagged": gettext_lazy("A member flags a discussion post (the Secretariat)"),
    "meeting.cancelled": gettext_lazy("The Secretariat cancels your registration for a meeting"),
    "invitation.accepted": gettext_lazy("An invitation you sent is accepted"),
    "indicator.pending": gettext_lazy(
        "A city's indicator values wait for your verification (once until you read it)"
    ),
    "indicator.returned": gettext_lazy(
        "An indicator value of your city is returned to you, with what to correct"
    ),
}

# Kinds only the Secretariat is sent: its members' settings offer them, no one else's.
SECRETARIAT_KINDS = frozenset({"post.flagged"})


def kinds_for(user: Any) -> dict[str, Promise]:
    """The kinds ``user`` may be sent, each with its label (``KINDS``' order)."""
    if scopes_of(user).secretariat:
        return dict(KINDS)
    return {kind: label for kind, label in KINDS.items() if kind not in SECRETARIAT_KINDS}


# What a notice says: a plain string (the same for everyone), a lazy string, or a callable
# returning the words in the active language.
Words = str | Promise | Callable[[], str]


def language_of(user: Any) -> str:
    """The language ``user`` reads their e-mails and notices in: the one saved on their
    account, else the site's (English)."""
    code = getattr(user, "language", "") or ""
    return code if code in languages.codes() else settings.LANGUAGE_CODE


def active_language() -> str:
    """The language of the request being answered (the page's), else the site's."""
    code = translation.get_language() or ""
    return code if code in languages.codes() else settings.LANGUAGE_CODE


def in_language(language: str, words: Words) -> str:
    """``words`` written in ``language``."""
    with translation.override(language):
        return str(words() if callable(words) else words)


def neutral_path(url: str) -> str:
    """A site path without its language prefix (``/th/engagements/7/`` gives
    ``/engagements/7/``); a full address, or a path without a prefix, as it is."""
    return languages.without_language(url) if url.startswith("/") else url


def path_in(language: str, url: str) -> str:
    """A site page's path in ``language`` (``/engagements/7/`` in Thai: ``/th/engagements/7/``;
    English has no prefix). Not a page (the API, a file, a full address): as it is."""
    path = neutral_path(url)
    if (
        language == settings.LANGUAGE_CODE
        or not path.startswith("/")
        or path.startswith(languages.NOT_PAGES)
    ):
        return path
    return f"/{language}{path}"


def by_language(users: Iterable[User]) -> dict[str, list[User]]:
    """``users`` grouped by the language they read (``language_of``), languages in order."""
    groups: dict[str, list[User]] = defaultdict(list)
    for user in users:
        groups[language_of(user)].append(user)
    return dict(sorted(groups.items()))


def deliveries_of(users: Iterable[User], kind: str) -> dict[int, str]:
    """How each of ``users`` receives ``kind`` (their preference, else e-mail at once)."""
    ids = [user.pk for user in users]
    saved = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return {pk: saved.get(pk, Delivery.EMAIL) for pk in ids}


def notify(
    *, users: Iterable[User], kind: str, title: Words, body: Words = "", url: str = ""
) -> int:
    """Tell ``users`` (each once, active accounts only) in the app and, as each chose for
    ``kind``, by e-mail now or in the daily digest, each in their own language (``title``
    and ``body``: see the module's text).

    ``url`` is a site path (``/engagements/12/``); the e-mail carries it as a full address
    on the site's address (``ascn.core.site``). Returns the number of people notified.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of notification: {kind}")
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    if not recipients:
        return 0
    deliveries = deliveries_of(recipients.values(), kind)
    path = neutral_path(url)
    # written once in every language, one row shared by every recipient's notice: the
    # notice is read in the page's language later
    texts = {
        code: [in_language(code, title)[:255], in_language(code, body)]
        for code in languages.codes()
    }
    shared = NotificationText.objects.create(texts=texts)
    rows: list[Notification] = []
    messages: list[tuple[str, str, None, list[str]]] = []
    for language, people in by_language(recipients.values()).items():
        subject, text = texts[language]  # ``language_of`` gives one of the site's
        link = site.absolute(path_in(language, path)) if path else ""
        message = "\n\n".join(part for part in (text, link) if part)
        for user in people:
            delivery = deliveries[user.pk]
            emailed = delivery == Delivery.EMAIL and bool(user.email)
            rows.append(
                Notification(
                    user=user,
                    kind=kind,
                    title=subject,
                    body=text,
                    text=shared,
                    url=path,
                    delivery=delivery,
                    emailed_at=timezone.now() if emailed else None,
                )
            )
            if emailed:
                messages.append((subject, message, None, [user.email]))
    Notification.objects.bulk_create(rows)
    if messages:
        messages.sort(key=lambda m: m[3][0])
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(recipients)


def told_by_email(users: Iterable[User], kind: str) -> list[User]:
    """Those of ``users`` who receive ``kind`` by e-mail (at once or in the digest): what a
    page may say was e-mailed."""
    people = [user for user in users if user is not None and user.is_active and user.email]
    deliveries = deliveries_of(people, kind)
    return [user for user in people if deliveries[user.pk] != Delivery.APP]


# --- preferences -------------------------------------------------------------------------


def preferences_of(user: User) -> dict[str, str]:
    """``user``'s choice for every kind (``KINDS``' order); none saved: e-mail at once."""
    saved = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: saved.get(kind, Delivery.EMAIL) for kind in KINDS}


# --- the daily digest ----------------------------------------------------------------------


def digest_pending() -> QuerySet[Notification]:
    """The notices waiting for a digest: chosen for the digest, not yet e-mailed, of active
    people with an e-mail address."""
    return (
        Notification.objects.filter(
            delivery=Delivery.DIGEST, emailed_at__isnull=True, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("text")
    )


def digest_message(user: User, notices: list[Notification]) -> tuple[str, str]:
    """The digest's subject and text, in ``user``'s language (the notices themselves were
    written in it when they were made)."""
    with translation.override(language_of(user)):
        subject = ngettext(
            "ASCN Platform: %(n)d notification since the last digest",
            "ASCN Platform: %(n)d notifications since the last digest",
            len(notices),
        ) % {"n": len(notices)}
        lines = [
            _("Hello %(name)s,") % {"name": user.full_name or user.email},
            "",
            _("What happened since your last digest, oldest first:"),
        ]
        for notice in notices:
            title, body = notice.in_language(language_of(user))
            lines.append("")
            lines.append(f"* {title}")
            if body:
                lines.extend(f"  {line}" for line in body.splitlines())
            if notice.url:
                lines.append("  " + site.absolute(path_in(language_of(user), notice.url)))
        lines += [
            "",
            _("Choose how you receive each kind of notification: %(url)s")
            % {"url": site.absolute(reverse("notification-settings"))},
        ]
    return subject, "\n".join(lines)


def send_digests(*, now: Any = None) -> int:
    """E-mail each person one digest of their notices waiting for it, and mark them e-mailed;
    returns the number of digests sent. Each person's notices are locked, stamped and
    e-mailed in one transaction, so two runs never send a notice twice, and a digest whose
    e-mail fails is rolled back and sent by the next run."""
    now = now or timezone.now()
    sent = 0
    user_ids = sorted(set(digest_pending().values_list("user_id", flat=True)))
    for user_id in user_ids:
        with transaction.atomic():
            notices = list(
                digest_pending()
                # the notices' rows only: PostgreSQL locks nothing on the nullable side of
                # the join to their shared texts (and refuses to be asked)
                .select_for_update(of=("self",))
                .filter(user_id=user_id)
                .order_by("created_at", "id")
            )
            if not notices:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
            user = User.objects.get(pk=user_id)
            subject, message = digest_message(user, notices)
            send_mail(
                subject=subject, message=message, from_email=None, recipient_list=[user.email]
            )
            sent += 1
    return sent


def members_of(
    *,
    city_id: int | None = None,
    organisation_id: int | None = None,
    member_state_id: int | None = None,
    secretariat: bool = False,
) -> list[User]:
    """The people who currently act for a city (its CSCOs), an organisation (its members), a
    member state (its National Representatives) or the network (the Secretariat)."""
    memberships = Membership.objects.active().select_related("user")
    if secretariat:
        memberships = memberships.filter(role=Role.SECRETARIAT)
    elif city_id is not None:
        memberships = memberships.filter(role=Role.CSO, city_id=city_id)
    elif member_state_id is not None:
        memberships = memberships.filter(
            role=Role.NATIONAL_REPRESENTATIVE, member_state_id=member_state_id
        )
    elif organisation_id is not None:
        memberships = memberships.filter(role=Role.PARTNER_MEMBER, organisation_id=organisation_id)
    else:
        return []
    return list({m.user_id: m.user for m in memberships}.values())


def notifications_for(user) -> QuerySet[Notification]:
    """The person's notices, each with its message in every language (one join)."""
    return Notification.objects.filter(user=user).select_related("text")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(*, user, ids: Iterable[int] | None = None, url: str | None = None) -> int:
    """Mark the user's notifications read (all of them, those of ``ids``, or those linking
    to ``url`` — the page the person has just opened); never another's.

    Reading one's notices is not an audited change: it alters nothing anyone else sees.
    """
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    if url is not None:
        unread = unread.filter(url=neutral_path(url))
    return unread.update(read_at=timezone.now())
