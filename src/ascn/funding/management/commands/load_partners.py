"""Load the partner organisations (``partners/seed/organisations.yaml``), then their funding
programmes (``funding/seed/programmes.yaml``). Idempotent: a second run writes nothing."""

from pathlib import Path

from django.apps import apps
from django.core.management.base import CommandError

from ascn.core.seed import LoadCommand, read_yaml
from ascn.core.visibility import Visibility
from ascn.funding.services import programme_upsert_seed
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_upsert_seed

SEED = Path(apps.get_app_config("partners").path) / "seed" / "organisations.yaml"
PROGRAMMES_SEED = Path(__file__).resolve().parents[2] / "seed" / "programmes.yaml"


def load_partners() -> int:
    written = 0
    for item in read_yaml(SEED) or []:
        slug = item.pop("slug")
        item.setdefault("visibility", Visibility.PUBLIC)
        _, changed = organisation_upsert_seed(slug=slug, values=item)
        written += int(changed)
    return written


def _organisation(slug: str | None, field: str, programme: str) -> Organisation | None:
    if not slug:
        return None
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"Programme {programme}: unknown {field} organisation {slug!r}.")
    return organisation


def load_programmes() -> int:
    written = 0
    for item in read_yaml(PROGRAMMES_SEED) or []:
        slug = item.pop("slug")
        sponsor = _organisation(item.pop("sponsor"), "sponsor", slug)
        item["implementer"] = _organisation(item.pop("implementer", None), "implementer", slug)
        item.setdefault("visibility", Visibility.PUBLIC)
        _, changed = programme_upsert_seed(slug=slug, sponsor=sponsor, values=item)
        written += int(changed)
    return written


class Command(LoadCommand):
    help = "Load (or update) the real partner organisations of the ASCN and their programmes."

    def load(self) -> str:
        organisations = load_partners()
        programmes = load_programmes()
        return (
            f"Partner organisations loaded ({organisations} written); "
            f"funding programmes loaded ({programmes} written)."
        )
