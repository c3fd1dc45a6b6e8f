"""Load the real city partnerships of ASCN cities (``cooperation/seed/partnerships.yaml``),
each with its published sources. Through ``partnership_create`` as the system (audited).
Idempotent: a partnership already on record (same city and partner) is left alone."""

from __future__ import annotations

import copy
from pathlib import Path

from ascn.cooperation.models import CityPartnership
from ascn.cooperation.services import partnership_create
from ascn.core.seed import LoadCommand, read_yaml
from ascn.core.visibility import Visibility
from ascn.network.models import City

SEED = Path(__file__).resolve().parents[2] / "seed" / "partnerships.yaml"


def load_partnerships() -> int:
    created = 0
    for item in read_yaml(SEED) or []:
        values = copy.deepcopy(item)  # YAML anchors share their objects
        city = City.objects.get(slug=values.pop("city"))
        if CityPartnership.objects.filter(city=city, partner_name=values["partner_name"]).exists():
            continue
        values.setdefault("visibility", Visibility.PUBLIC)
        partnership_create(actor=None, city=city, **values)
        created += 1
    return created


class Command(LoadCommand):
    help = "Load (once) the real city partnerships of ASCN cities, with their sources."

    def load(self) -> str:
        return f"City partnerships loaded ({load_partnerships()} created)."
