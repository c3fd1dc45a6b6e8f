"""What funding programmes put in the search."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ascn.core.search import Source, codes_text, joined, named, register
from ascn.funding.models import Programme


def _programmes() -> QuerySet:
    return Programme.objects.select_related("sponsor", "implementer")


def _programme(programme) -> dict[str, Any]:
    return {
        "ref": programme.slug,
        "title": programme.name,
        # the sponsor and implementer by every name they go by: "ADB" finds the programmes
        # the Asian Development Bank runs, as it finds the bank
        "body": joined(
            programme.description,
            named(programme.sponsor.name, programme.sponsor.alt_names),
            named(programme.implementer.name, programme.implementer.alt_names)
            if programme.implementer_id
            else "",
            programme.period_label,
        ),
        "url": programme.get_absolute_url(),
        "visibility": programme.visibility,
        "owner_organisation_id": programme.sponsor_id,
        "co_owner_organisation_id": programme.implementer_id,
        "organisation_id": programme.sponsor_id,
        "focus_areas": codes_text(programme.eligible_focus_areas or []),
    }


register(
    Source(
        "programme",
        _("Funding programmes"),
        "funding.Programme",
        _programmes,
        _programme,
        # an organisation renamed, or given another name: the programmes it sponsors or runs
        follows={
            "partners.organisation": lambda org: Q(sponsor_id=org.pk) | Q(implementer_id=org.pk)
        },
    )
)
