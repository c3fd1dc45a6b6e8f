"""Load the real city partnerships of ASCN cities (``cooperation/seed/partnerships.yaml``) and
the real case studies of the knowledge bank (``cooperation/seed/case_studies.yaml``), each
with its published sources. Through ``partnership_create`` and ``case_study_create`` as the
system (audited). Idempotent: a partnership already on record (same city and partner), or a
case study (same slug), is left alone."""

from __future__ import annotations

import copy
from pathlib import Path

from ascn.cooperation.models import CaseStudy, CityPartnership
from ascn.cooperation.services import case_study_create, partnership_create
from ascn.core.seed import LoadCommand, read_yaml
from ascn.core.visibility import Visibility
from ascn.network.models import City, FocusArea

SEED = Path(__file__).resolve().parents[2] / "seed" / "partnerships.yaml"
CASE_STUDIES = SEED.with_name("case_studies.yaml")


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


def load_case_studies() -> int:
    created = 0
    for item in read_yaml(CASE_STUDIES) or []:
        values = copy.deepcopy(item)
        if CaseStudy.objects.filter(slug=values["slug"]).exists():
            continue
        values["city"] = City.objects.get(slug=values["city"])
        values["focus_area"] = FocusArea.objects.get(code=values["focus_area"])
        values.setdefault("visibility", Visibility.PUBLIC)
        case_study_create(actor=None, **values)
        created += 1
    return created


class Command(LoadCommand):
    help = "Load (once) the real city partnerships and case studies, with their sources."

    def load(self) -> str:
        partnerships, studies = load_partnerships(), load_case_studies()
        return (
            f"City partnerships loaded ({partnerships} created); case studies ({studies} created)."
        )
