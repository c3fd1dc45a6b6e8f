"""Load (or update) the ASCN meetings from ``meetings/seed/meetings.yaml``. Idempotent.

Needs the network registry (``load_network``) for host member states and cities.
"""

from __future__ import annotations

from pathlib import Path

from ascn.core.seed import LoadCommand, read_yaml
from ascn.meetings.models import Decision, Meeting
from ascn.meetings.services import decision_add, meeting_create, meeting_update
from ascn.network.models import City, MemberState

SEED_FILE = Path(__file__).resolve().parents[2] / "seed" / "meetings.yaml"


class Command(LoadCommand):
    help = "Load (or update) the ASCN meetings: annual meetings, workshop, roundtable, ASEAN-Japan meetings."

    def load(self) -> str:
        counts = load_meetings()
        return (
            f"Meetings loaded ({counts['meetings']} meetings and "
            f"{counts['decisions']} decisions written)."
        )


def _values(item: dict, defaults: dict) -> dict:
    source = item.get("source", "")
    source = {"annual": defaults["annual_source"], "japan": defaults["japan_source"]}.get(
        source, source.replace("annual;", defaults["annual_source"] + ";")
    )
    return {
        "title": item["title"],
        "kind": item["kind"],
        "number": item.get("number"),
        "start_date": item["start_date"],
        "end_date": item.get("end_date"),
        "date_precision": item.get("date_precision", Meeting.Precision.DAY),
        "host_member_state": (
            MemberState.objects.get(code=item["host"]) if item.get("host") else None
        ),
        "host_city": City.objects.get(slug=item["city"]) if item.get("city") else None,
        "place": item.get("place", ""),
        "format": item.get("format", ""),
        "description": " ".join(item.get("description", "").split()),
        "uncertain": item.get("uncertain", False),
        "uncertainty_note": item.get("uncertainty_note", ""),
        "source": source,
    }


def load_meetings() -> dict[str, int]:
    seed = read_yaml(SEED_FILE)
    counts = {"meetings": 0, "decisions": 0}
    for item in seed["meetings"]:
        values = _values(item, seed["defaults"])
        meeting = Meeting.objects.filter(slug=item["slug"]).first()
        if meeting is None:
            meeting = meeting_create(actor=None, slug=item["slug"], values=values)
            counts["meetings"] += 1
        else:
            meeting, written = meeting_update(
                actor=None, meeting=meeting, version=None, values=values
            )
            counts["meetings"] += int(written)
        for decision in item.get("decisions", []):
            if not Decision.objects.filter(meeting=meeting, title=decision["title"]).exists():
                decision_add(
                    actor=None,
                    meeting=meeting,
                    title=decision["title"],
                    source=decision.get("source", values["source"]),
                )
                counts["decisions"] += 1
    return counts
