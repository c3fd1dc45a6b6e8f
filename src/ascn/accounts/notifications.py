"""Notifications (SPEC C5): an in-app notice per person and its e-mail twin.

``notify`` is called by services inside their transaction: the rows are written with the
change that caused them (rolled back with it), the e-mails leave only once it is committed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ascn.accounts.models import Membership, Notification, Role, User
from ascn.core import site


def notify(*, users: Iterable[User], kind: str, title: str, body: str = "", url: str = "") -> int:
    """Tell ``users`` (each once, active accounts only) in the app and by e-mail.

    ``url`` is a site path (``/engagements/12/``); the e-mail carries it as a full address
    on the site's address (``ascn.core.site``). Returns the number of people notified.
    """
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    if not recipients:
        return 0
    Notification.objects.bulk_create(
        Notification(user=user, kind=kind, title=title[:255], body=body, url=url)
        for user in recipients.values()
    )
    link = site.absolute(url) if url else ""
    message = "\n\n".join(part for part in (body, link) if part)
    messages = [
        (title, message, None, [user.email])
        for user in sorted(recipients.values(), key=lambda u: u.email)
        if user.email
    ]
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
        unread = unread.filter(url=url)
    return unread.update(read_at=timezone.now())
