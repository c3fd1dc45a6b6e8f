"""What agreements add to other apps' pages (core.sections): the agreements signed at a
meeting, on the meeting's page and on its desk (the Secretariat's, with a link to record
one more with the meeting filled in); and on the page of each record an agreement links to —
a party's city, member state or organisation, a project it covers — the agreements that
name it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from ascn.agreements.models import Agreement
from ascn.agreements.queries import agreements_for
from ascn.core.sections import Section, register


def signed_at_meeting(request, meeting) -> dict:
    # only the agreements this person may see; one still in negotiation was not signed there
    linked = list(agreements_for(request.user).filter(meeting=meeting))
    return {
        "agreements": [a for a in linked if a.status != Agreement.Status.DRAFT],
        "drafts": [a for a in linked if a.status == Agreement.Status.DRAFT],
    }


register("meetings.meeting", Section("agreements/_signed_at_meeting.html", signed_at_meeting))


def on_meeting_desk(request, meeting) -> dict:
    return {
        "meeting": meeting,
        "agreements": list(agreements_for(request.user).filter(meeting=meeting)),
    }


register(
    "meetings.meeting",
    Section("agreements/_meeting_desk.html", on_meeting_desk, slot="desk"),
)


def _naming(field: str) -> Callable[[HttpRequest, Model], dict[str, Any] | None]:
    """The section of the agreements this person may see whose parties or projects name
    the page's record (``field``: the lookup from an agreement to it)."""

    def context(request: HttpRequest, obj: Model) -> dict[str, Any] | None:
        agreements = list(
            agreements_for(request.user)
            .filter(**{field: obj})
            .distinct()  # its parties come prefetched (agreements_for)
            .order_by("-signed_date", "title")[:MAX_LISTED]
        )
        return {"agreements": agreements} if agreements else None

    return context


MAX_LISTED = 50
for model, field in (
    ("network.city", "parties__city"),
    ("network.memberstate", "parties__member_state"),
    ("partners.organisation", "parties__organisation"),
    ("plans.project", "projects"),
):
    register(model, Section("agreements/_naming.html", _naming(field), order=200))
