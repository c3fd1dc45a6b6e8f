"""Reads of organisations. Every read starts from what the user may see.

An organisation's codes are kept in one derived text column (``match_keys``, e.g.
`` c:VN s:* ``) that ``LIKE`` filters on both databases (``partners.keys``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from ascn.core.visibility import Visibility
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy

if TYPE_CHECKING:
    from ascn.core.types import Actor


def public_organisations() -> QuerySet[Organisation]:
    """The organisations anyone may see, whoever asks (the open data, the public figures)."""
    return Organisation.objects.filter(visibility=Visibility.PUBLIC)


def organisations_for(
    user: Actor,
    *,
    kind: str | None = None,
    country: str | None = None,
    focus_area: str | None = None,
    verified: bool | None = None,
    q: str | None = None,
) -> QuerySet[Organisation]:
    qs = organisation_policy.visible(user, Organisation.objects.all())
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(match_keys__contains=f" c:{country.upper()} ")
    if focus_area:
        qs = qs.filter(match_keys__contains=f" f:{focus_area} ")
    if verified is not None:
        qs = qs.filter(verified=verified)
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(alt_names__icontains=q)
            | Q(description__icontains=q)
            | Q(capability_statement__icontains=q)
        )
    return qs.defer("match_terms").order_by("name", "id")


def named(text: str) -> Q:
    """The organisations ``text`` names: its slug, its name, or one of its other names (an
    acronym such as ADB), whatever the case. Other names are kept as ``A, B``
    (``validation.clean_organisation_values``)."""
    other_name = (
        Q(alt_names__iexact=text)
        | Q(alt_names__istartswith=f"{text}, ")
        | Q(alt_names__iendswith=f", {text}")
        | Q(alt_names__icontains=f", {text}, ")
    )
    return Q(slug=text) | Q(name__iexact=text) | other_name


def organisation_for(user: Actor, slug: str) -> Organisation | None:
    return organisation_policy.visible(user, Organisation.objects.all()).filter(slug=slug).first()
