"""What partner organisations put in the search."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from ascn.core.search import Source, codes_text, joined, named, register
from ascn.network.models import MemberState
from ascn.partners.models import Organisation


def _organisations() -> QuerySet:
    # Facets are by member state: the headquarters country counts when it is one.
    in_asean = MemberState.objects.filter(code=Upper(OuterRef("headquarters_country")))
    return Organisation.objects.annotate(hq_in_asean=Exists(in_asean))


def _organisation(org) -> dict[str, Any]:
    return {
        "ref": org.slug,
        "title": named(org.name, org.alt_names),
        "body": joined(org.get_kind_display(), org.description, org.capability_statement),
        "url": org.get_absolute_url(),
        "visibility": org.visibility,
        "owner_organisation_id": org.pk,
        "member_state": org.headquarters_country.upper() if org.hq_in_asean else "",
        "organisation_id": org.pk,
        "focus_areas": codes_text(org.focus_areas or []),
    }


register(
    Source(
        "organisation", _("Organisations"), "partners.Organisation", _organisations, _organisation
    )
)
