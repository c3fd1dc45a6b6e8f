"""Load the agreements on record from ``agreements/seed/agreements.yaml``. Idempotent.

An agreement is linked to the meeting where it was signed when that meeting is loaded
(``manage.py load_meetings``); otherwise the link stays empty until the next run.
"""

import datetime as dt
from pathlib import Path

from ascn.agreements.models import Agreement
from ascn.agreements.services import agreement_upsert_seed
from ascn.core.seed import LoadCommand, upsert_each
from ascn.meetings.models import Meeting
from ascn.partners.models import Organisation

SEED = Path(__file__).resolve().parents[2] / "seed" / "agreements.yaml"


def _meeting(slug: str | None):
    if not slug:
        return None

    return Meeting.objects.filter(slug=slug).first()


def _parties(parties: list[dict]) -> list[dict]:
    """A party's ``organisation: <slug>`` is the partner record, once ``load_partners`` ran."""

    out = []
    for party in parties:
        party = dict(party)
        slug = party.pop("organisation", None)
        party["organisation"] = Organisation.objects.filter(slug=slug).first() if slug else None
        out.append(party)
    return out


def _agreement(slug: str, item: dict) -> tuple[Agreement, bool]:
    parties = _parties(item.pop("parties"))
    item["meeting"] = _meeting(item.pop("meeting", None))
    if isinstance(item.get("signed_date"), str):
        item["signed_date"] = dt.date.fromisoformat(item["signed_date"])
    return agreement_upsert_seed(slug=slug, values=item, parties=parties)


def load_agreements() -> int:
    return upsert_each(SEED, _agreement)


class Command(LoadCommand):
    help = "Load (or update) the agreements on record."

    def load(self) -> str:
        return f"Agreements loaded ({load_agreements()} written)."
