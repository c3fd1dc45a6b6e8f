"""Load the real network data from ``network/seed/*.yaml``. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ascn.core.models import DatePrecision
from ascn.core.seed import LoadCommand, read_yaml
from ascn.network.models import (
    Appointment,
    City,
    FocusArea,
    KeyFact,
    MemberState,
    Outcome,
    Person,
    TimelineEvent,
)
from ascn.network.services import registry_upsert

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"


def _read(name: str):
    return read_yaml(SEED_DIR / name)


class Command(LoadCommand):
    help = "Load (or update) the ASCN member states, cities, officers, ASCF, timeline and facts."

    def load(self) -> str:
        counts = load_network()
        changed = sum(counts.values())
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        return f"Network data loaded ({changed} records written — {summary})."


def load_network() -> dict[str, int]:
    counts = dict.fromkeys(
        ["framework", "member_states", "cities", "officers", "timeline", "facts"], 0
    )

    def upsert(kind: str, model, lookup: dict, values: dict):
        obj, written = registry_upsert(actor=None, model=model, lookup=lookup, values=values)
        counts[kind] += int(written)
        return obj

    framework = _read("framework.yaml")
    for model, key in ((Outcome, "outcomes"), (FocusArea, "focus_areas")):
        for position, item in enumerate(framework[key], start=1):
            upsert(
                "framework",
                model,
                {"code": item["code"]},
                {
                    "name": item["name"],
                    "description": item.get("description", ""),
                    "position": position,
                    "source": framework["source"],
                },
            )

    states = {}
    for item in _read("member_states.yaml"):
        states[item["code"]] = upsert(
            "member_states",
            MemberState,
            {"code": item["code"]},
            {
                "name": item["name"],
                "official_name": item.get("official_name", ""),
                "asean_member_since": item.get("asean_member_since"),
                "note": item.get("note", ""),
                "source": item.get("source", ""),
            },
        )

    data = _read("cities.yaml")
    defaults = data["defaults"]
    for item in data["cities"]:
        city = upsert(
            "cities",
            City,
            {"slug": item["slug"]},
            {
                "name": item["name"],
                "alt_names": item.get("alt_names", ""),
                "member_state": states[item["country"]],
                "cohort": item["cohort"],
                "cohort_source": item.get("cohort_source")
                or (defaults["pilot_cohort_source"] if item["cohort"] == 2018 else ""),
                "cohort_note": item.get("cohort_note", ""),
                "latitude": _decimal(item["lat"]),
                "longitude": _decimal(item["lon"]),
                "population": item.get("population"),
                "population_year": item.get("population_year"),
                "population_source": item.get("population_source", ""),
                "population_note": item.get("population_note", ""),
            },
        )
        for position, officer in enumerate(item.get("officers", []), start=1):
            person = Person.objects.filter(
                full_name=officer["name"], appointments__city=city
            ).first() or upsert("officers", Person, {"full_name": officer["name"]}, {})
            upsert(
                "officers",
                Appointment,
                {"person": person, "role": Appointment.Role.CSO, "city": city},
                {
                    "member_state": city.member_state,
                    "designation": officer["designation"].strip(),
                    "position": position,
                    "source": defaults["officers_source"],
                    "start_date": dt.date(defaults["officers_listed_in"], 1, 1),
                    "start_date_precision": DatePrecision.YEAR,
                },
            )

    for item in _read("timeline.yaml"):
        upsert(
            "timeline",
            TimelineEvent,
            {"key": item["key"]},
            {
                "date": item["date"],
                "date_precision": item.get("precision", "day"),
                "title": item["title"],
                "description": item.get("description", ""),
                "source": item.get("source", ""),
                "uncertain": item.get("uncertain", False),
            },
        )

    for position, item in enumerate(_read("facts.yaml"), start=1):
        upsert(
            "facts",
            KeyFact,
            {"key": item["key"]},
            {
                "figure": item["figure"],
                "statement": item["statement"],
                "source": item["source"],
                "position": position,
            },
        )
    return counts


def _decimal(value: float):

    return Decimal(str(value)).quantize(Decimal("0.00001"))
