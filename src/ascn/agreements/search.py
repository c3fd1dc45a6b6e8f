"""What agreements put in the search, and the names of their statuses."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ascn.agreements.models import Agreement
from ascn.core.search import Source, joined, register, register_facet_labels


def _agreements() -> QuerySet:
    return Agreement.objects.select_related("meeting__host_member_state").prefetch_related(
        "parties__member_state", "parties__city__member_state"
    )


def _agreement(agreement) -> dict[str, Any]:
    parties = list(agreement.parties.all())
    states = [p.member_state or (p.city.member_state if p.city_id else None) for p in parties]
    state = next((s for s in states if s), None)
    if state is None and agreement.meeting_id:
        state = agreement.meeting.host_member_state
    return {
        "ref": agreement.slug,
        "title": agreement.title,
        "body": joined(
            agreement.get_kind_display() if agreement.kind else "",
            agreement.description,
            *(f"{p.name} {p.signatory}" for p in parties),
            agreement.signed_place,
        ),
        "url": agreement.get_absolute_url(),
        # Agreements are the network's record: a draft is the Secretariat's alone.
        "visibility": agreement.visibility,
        "member_state": state.code if state else "",
        "status": agreement.status,
    }


register(
    Source(
        "agreement",
        _("Agreements"),
        "agreements.Agreement",
        _agreements,
        _agreement,
        parts={"agreements.agreementparty": lambda party: [party.agreement]},
    )
)
register_facet_labels("status", lambda: dict(Agreement.Status.choices))
