"""Reads of agreements: every read starts from what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from ascn.agreements.models import Agreement, AgreementParty
from ascn.agreements.permissions import agreement_policy
from ascn.core.queries import filter_given

if TYPE_CHECKING:
    from ascn.core.types import Actor


def agreements_for(
    user: Actor,
    *,
    kind: str | None = None,
    status: str | None = None,
    year: int | None = None,
    party: str | None = None,
) -> QuerySet[Agreement]:
    qs = filter_given(
        agreement_policy.visible(user, Agreement.objects.all()),
        kind=kind,
        status=status,
        signed_date__year=year,
    )
    if party:
        matching = AgreementParty.objects.filter(
            Q(name__icontains=party)
            | Q(organisation__slug=party)
            | Q(city__slug=party)
            | Q(member_state__code__iexact=party)
        ).values("agreement_id")
        qs = qs.filter(pk__in=matching)
    return qs.select_related("meeting").prefetch_related(
        Prefetch(
            "parties",
            queryset=AgreementParty.objects.select_related("organisation", "city", "member_state"),
        )
    )


def agreement_for(user: Actor, slug: str) -> Agreement | None:
    return agreements_for(user).filter(slug=slug).first()
