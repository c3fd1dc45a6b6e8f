"""Reads of agreements: every read starts from what the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from ascn.agreements.models import Agreement, AgreementParty
from ascn.agreements.permissions import agreement_policy
from ascn.core.errors import InvalidInput
from ascn.core.queries import filter_given
from ascn.network.models import City, MemberState
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy
from ascn.partners.queries import named

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
            | Q(organisation__alt_names__icontains=party)
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


def party_record(user: Actor, reference: str) -> Organisation | City | MemberState | None:
    """The record a party names: an organisation (its slug or exact name, among those
    ``user`` may see), an ASCN city (slug or exact name) or a member state (ISO code or
    name). None when nothing matches; ``InvalidInput`` when the name fits several."""
    text = reference.strip()
    if not text:
        return None
    organisations = organisation_policy.visible(user, Organisation.objects.all())
    candidates: list[Organisation | City | MemberState] = [
        *organisations.filter(named(text))[:2],
        *City.objects.filter(Q(slug=text) | Q(name__iexact=text)).select_related("member_state")[
            :2
        ],
        *MemberState.objects.filter(Q(code__iexact=text) | Q(name__iexact=text))[:2],
    ]
    if len(candidates) > 1:
        raise InvalidInput(
            _("“%(text)s” names more than one record: give its code instead (%(codes)s).")
            % {"text": text, "codes": ", ".join(_code(record) for record in candidates)}
        )
    return candidates[0] if candidates else None


def _code(record: Organisation | City | MemberState) -> str:
    return record.code if isinstance(record, MemberState) else record.slug
