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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise

from ascn.accounts.models import Membership, Notification, Role, User
from ascn.core import languages, site

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
    if not url.startswith("/"):
        return url
    first = url[1:].split("/", 1)[0]
    if first in languages.codes() and first != settings.LANGUAGE_CODE:
        return url[len(first) + 1 :] or "/"
    return url


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


def notify(
    *, users: Iterable[User], kind: str, title: Words, body: Words = "", url: str = ""
) -> int:
    """Tell ``users`` (each once, active accounts only) in the app and by e-mail, each in
    their own language (``title`` and ``body``: see the module's text).

    ``url`` is a site path (``/engagements/12/``); the e-mail carries it as a full address
    on the site's address (``ascn.core.site``). Returns the number of people notified.
    """
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    if not recipients:
        return 0
    path = neutral_path(url)
    rows: list[Notification] = []
    messages: list[tuple[str, str, None, list[str]]] = []
    for language, people in by_language(recipients.values()).items():
        subject, text = in_language(language, title), in_language(language, body)
        link = site.absolute(path_in(language, path)) if path else ""
        message = "\n\n".join(part for part in (text, link) if part)
        for user in people:
            rows.append(
                Notification(user=user, kind=kind, title=subject[:255], body=text, url=path)
            )
            if user.email:
                messages.append((subject, message, None, [user.email]))
    Notification.objects.bulk_create(rows)
    messages.sort(key=lambda m: m[3][0])
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(recipients)


def members_of(*, city_id: int | None = None, organisation_id: int | None = None) -> list[User]:
    """The people who currently act for a city (its CSCOs) or an organisation (its members)."""
    memberships = Membership.objects.active().select_related("user")
    if city_id is not None:
        memberships = memberships.filter(role=Role.CSO, city_id=city_id)
    elif organisation_id is not None:
        memberships = memberships.filter(role=Role.PARTNER_MEMBER, organisation_id=organisation_id)
    else:
        return []
    return list({m.user_id: m.user for m in memberships}.values())


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


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
