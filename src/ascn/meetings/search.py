"""What meetings put in the search: their agenda and decisions are part of their entry."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ascn.core.search import Source, joined, register, translated_titles
from ascn.core.visibility import Visibility
from ascn.meetings.models import Meeting


def _meetings() -> QuerySet:
    return Meeting.objects.select_related("host_member_state", "host_city").prefetch_related(
        "agenda_items", "decisions"
    )


def _meeting(meeting) -> dict[str, Any]:
    return {
        "ref": meeting.slug,
        "title": meeting.title,
        "body": joined(
            meeting.get_kind_display(),
            meeting.dates_display,
            meeting.place,
            meeting.host_city.name if meeting.host_city_id else "",
            meeting.host_member_state.label if meeting.host_member_state_id else "",
            meeting.description,
            *meeting.texts(),
            *(item.title for item in meeting.agenda_items.all()),
            *(decision.title for decision in meeting.decisions.all()),
        ),
        "url": meeting.get_absolute_url(),
        "visibility": Visibility.PUBLIC,  # meetings are public records
        "member_state": meeting.host_member_state.code if meeting.host_member_state_id else "",
        "city_id": meeting.host_city_id,
    }


register(
    Source(
        "meeting",
        _("Meetings"),
        "meetings.Meeting",
        _meetings,
        _meeting,
        titles=translated_titles(Meeting.objects.all, "slug"),
        parts={
            "meetings.agendaitem": lambda item: [item.meeting],
            "meetings.decision": lambda decision: [decision.meeting],
        },
        follows={
            "network.city": lambda city: Q(host_city_id=city.pk),
            "network.memberstate": lambda state: Q(host_member_state_id=state.pk),
        },
    )
)
