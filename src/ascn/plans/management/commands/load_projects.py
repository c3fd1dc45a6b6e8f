"""Load the real projects of ASCN cities (``plans/seed/projects.yaml``), each with its
published sources, through ``project_upsert_seed`` as the system (audited). Idempotent: a
project already on record as the file gives it (same city and title) is left alone."""

from __future__ import annotations

import copy
from pathlib import Path

from ascn.core.seed import LoadCommand, read_yaml
from ascn.network.models import City
from ascn.plans.services import project_upsert_seed

SEED = Path(__file__).resolve().parents[2] / "seed" / "projects.yaml"


def load_projects(path: Path = SEED) -> int:
    """Write each project of the seed file; answers how many were created or changed."""
    written = 0
    for item in read_yaml(path) or []:
        values = copy.deepcopy(item)  # YAML anchors share their objects
        city = City.objects.get(slug=values.pop("city"))
        _, changed = project_upsert_seed(city=city, values=values)
        written += int(changed)
    return written


class Command(LoadCommand):
    help = "Load the real projects of ASCN cities, with their published sources."

    def load(self) -> str:
        return f"Real projects loaded ({load_projects()} created or changed)."
