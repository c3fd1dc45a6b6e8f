"""What the seed and sample loaders (``manage.py load_…``) share: reading a YAML seed file,
and a command that writes in one transaction and reports what it wrote — refusing, for the
illustrative samples, to run outside demo mode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ascn.core import events


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def upsert_each(path: Path, upsert: Callable[[str, dict[str, Any]], tuple[Any, bool]]) -> int:
    """Write each record of the seed file at ``path`` — a list of mappings, each with its
    ``slug`` — through ``upsert(slug, rest)``, which answers ``(record, changed)`` as the
    services' ``…_upsert_seed`` do. Answers how many records were created or changed."""
    written = 0
    for item in read_yaml(path) or []:
        _, changed = upsert(item.pop("slug"), item)
        written += int(changed)
    return written


# The demo's Secretariat account (``load_demo``), by whom the illustrative samples are added.
DEMO_SECRETARIAT = "secretariat@example.org"


def demo_secretariat() -> Any:
    """The demo's Secretariat, or the command stops: ``load_demo`` has not made it yet."""
    user = get_user_model().objects.filter(email=DEMO_SECRETARIAT).first()
    if user is None:
        raise CommandError("Run load_demo first: the samples are added by its Secretariat.")
    return user


class LoadCommand(BaseCommand):
    """A ``load_…`` command: ``load()`` writes in one transaction and returns the line the
    command reports; what follows its writes (tallies, search entries…) is done once at the
    end (``events.batch``). ``demo_only``: sample data, loaded only with ASCN_DEMO=1."""

    demo_only = False

    def load(self) -> str:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        if self.demo_only and not settings.ASCN_DEMO:
            raise CommandError("Sample data is loaded only in demo mode (set ASCN_DEMO=1).")
        with transaction.atomic(), events.batch():
            report = self.load()
        self.stdout.write(self.style.SUCCESS(report))
