"""Load the partner organisations (``partners/seed/organisations.yaml``), then their funding
programmes (``funding/seed/programmes.yaml``). Idempotent: a second run writes nothing."""

from pathlib import Path

from django.apps import apps
from django.core.management.base import CommandError

from ascn.core.seed import LoadCommand, upsert_each
from ascn.core.visibility import Visibility
from ascn.funding.models import Programme
from ascn.funding.services import programme_upsert_seed
from ascn.partners.models import Organisation
from ascn.partners.services import organisation_upsert_seed

SEED = Path(apps.get_app_config("partners").path) / "seed" / "organisations.yaml"
PROGRAMMES_SEED = Path(__file__).resolve().parents[2] / "seed" / "programmes.yaml"


def _organisation_record(slug: str, item: dict) -> tuple[Organisation, bool]:
    item.setdefault("visibility", Visibility.PUBLIC)
    return organisation_upsert_seed(slug=slug, values=item)


def load_partners() -> int:
    return upsert_each(SEED, _organisation_record)


def _organisation(slug: str | None, field: str, programme: str) -> Organisation | None:
    if not slug:
        return None
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"Programme {programme}: unknown {field} organisation {slug!r}.")
    return organisation


def _programme(slug: str, item: dict) -> tuple[Programme, bool]:
    sponsor = _organisation(item.pop("sponsor"), "sponsor", slug)
    item["implementer"] = _organisation(item.pop("implementer", None), "implementer", slug)
    item.setdefault("visibility", Visibility.PUBLIC)
    return programme_upsert_seed(slug=slug, sponsor=sponsor, values=item)


def load_programmes() -> int:
    return upsert_each(PROGRAMMES_SEED, _programme)


class Command(LoadCommand):
    help = "Load (or update) the real partner organisations of the ASCN and their programmes."

    def load(self) -> str:
        organisations = load_partners()
        programmes = load_programmes()
        return (
            f"Partner organisations loaded ({organisations} written); "
            f"funding programmes loaded ({programmes} written)."
        )
