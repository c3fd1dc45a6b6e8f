"""Template tags of the deal pipeline, for the pages above it that offer a deal (matches)."""

from __future__ import annotations

from django import template

from ascn.deals.permissions import engagement_side_of
from ascn.deals.queries import engagements_for

register = template.Library()


@register.simple_tag(takes_context=True)
def interest_state(context, project, organisation) -> dict:
    """What ``_interest_button.html`` shows for one project × organisation pair.

    ``{"engagement": <the deal the user sees, or None>, "may_express": bool}``. A page that
    lists many pairs passes ``engagements_by_pair`` (``pipeline.pairs_in_pipeline``): then
    this costs no query; without it, one query per pair.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or project is None or organisation is None:
        return {"engagement": None, "may_express": False}
    pairs = context.get("engagements_by_pair")
    if pairs is not None:
        engagement = pairs.get((project.pk, organisation.pk))
    else:
        engagement = (
            engagements_for(user).filter(project=project, organisation=organisation).first()
        )
    may_express = engagement is None and (
        engagement_side_of(user, project=project, organisation=organisation) is not None
    )
    return {"engagement": engagement, "may_express": may_express}
