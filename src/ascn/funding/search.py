"""What funding programmes put in the search."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ascn.core.search import Source, codes_text, joined, register
from ascn.funding.models import Programme


def _programmes() -> QuerySet:
    return Programme.objects.select_related("sponsor", "implementer")


def _programme(programme) -> dict[str, Any]:
    return {
        "ref": programme.slug,
        "title": programme.name,
        "body": joined(
            programme.description,
            programme.sponsor.name,
            programme.implementer.name if programme.implementer_id else "",
            programme.period_label,
        ),
        "url": programme.get_absolute_url(),
        "visibility": programme.visibility,
        "owner_organisation_id": programme.sponsor_id,
        "co_owner_organisation_id": programme.implementer_id,
        "organisation_id": programme.sponsor_id,
        "focus_areas": codes_text(programme.eligible_focus_areas or []),
    }


register(Source("programme", _("Funding programmes"), "funding.Programme", _programmes, _programme))
