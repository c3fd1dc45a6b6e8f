"""The unread-notifications count in the page header: one query, only when signed in."""

from __future__ import annotations

from django import template

from ascn.accounts.notifications import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    return unread_count(getattr(request, "user", None))
