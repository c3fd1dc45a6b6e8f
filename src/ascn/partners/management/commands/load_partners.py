"""Load the partner organisations from ``partners/seed/organisations.yaml``. Idempotent."""

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand
from django.db import transaction

from ascn.core.visibility import Visibility
from ascn.partners.services import organisation_upsert_seed

SEED = Path(__file__).resolve().parents[2] / "seed" / "organisations.yaml"


def load_partners() -> int:
    written = 0
    with SEED.open(encoding="utf-8") as handle:
        for item in yaml.safe_load(handle):
            slug = item.pop("slug")
            item.setdefault("visibility", Visibility.PUBLIC)
            _, changed = organisation_upsert_seed(slug=slug, values=item)
            written += int(changed)
    return written


class Command(BaseCommand):
    help = "Load (or update) the real partner organisations of the ASCN."

    def handle(self, *args, **options):
        with transaction.atomic():
            written = load_partners()
        self.stdout.write(self.style.SUCCESS(f"Partner organisations loaded ({written} written)."))
