"""What agreements add to other apps' pages (core.sections): the agreements signed at a
meeting, on the meeting's page and on its desk (the Secretariat's, with a link to record
one more with the meeting filled in)."""

from __future__ import annotations

from ascn.agreements.queries import agreements_for
from ascn.core.sections import Section, register


def signed_at_meeting(request, meeting) -> dict:
    # only the agreements this person may see (drafts are the Secretariat's)
    return {"agreements": list(agreements_for(request.user).filter(meeting=meeting))}


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
