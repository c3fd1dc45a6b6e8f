"""What agreements add to other apps' pages (core.sections): the agreements signed at a
meeting, on the meeting's page."""

from __future__ import annotations

from ascn.agreements.queries import agreements_for
from ascn.core.sections import Section, register


def signed_at_meeting(request, meeting) -> dict:
    # only the agreements this person may see (drafts are the Secretariat's)
    return {"agreements": list(agreements_for(request.user).filter(meeting=meeting))}


register("meetings.meeting", Section("agreements/_signed_at_meeting.html", signed_at_meeting))
