"""What the knowledge bank's case studies put in the search."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ascn.cooperation.models import CaseStudy
from ascn.core.search import Source, codes_text, joined, register, translated_titles


def _case_studies() -> QuerySet:
    return CaseStudy.objects.select_related("city__member_state", "focus_area", "provider")


def _case_study(study) -> dict[str, Any]:
    city = study.city
    return {
        "ref": study.slug,
        "title": study.title,
        "body": joined(
            study.problem,
            study.solution,
            study.results,
            *study.texts(),
            study.provider.name if study.provider_id else study.provider_name,
            city.name if city else "",
            study.focus_area.label,
        ),
        "url": study.get_absolute_url(),
        "visibility": study.visibility,
        "owner_city_id": study.city_id,
        "owner_member_state_id": city.member_state_id if city else None,
        "owner_organisation_id": study.provider_id,
        "member_state": city.member_state.code if city else "",
        "city_id": study.city_id,
        "organisation_id": study.provider_id,
        "focus_areas": codes_text([study.focus_area.code]),
    }


register(
    Source(
        "case_study",
        _("Case studies"),
        "cooperation.CaseStudy",
        _case_studies,
        _case_study,
        titles=translated_titles(CaseStudy.objects.all, "slug"),
        follows={
            "network.city": lambda city: Q(city_id=city.pk),
            "network.memberstate": lambda state: Q(city__member_state_id=state.pk),
        },
    )
)
