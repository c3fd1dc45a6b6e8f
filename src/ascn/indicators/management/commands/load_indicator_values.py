"""Load the real indicator values that public sources give (``indicators/seed/values.yaml``).

Each value is written through ``published.value_load_published``: public, real (never
``sample``), verified by the Secretariat from its published source. Idempotent: the same
file again writes nothing. A slot held by a sample value or by the city's own value is left
alone and reported. One transaction: a bad entry (unknown city or indicator, a figure the
rules refuse, a source without its title, publisher or link) stops the load and writes
nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from ascn.core.errors import InvalidInput
from ascn.core.seed import LoadCommand, read_yaml
from ascn.core.sources import validate_sources
from ascn.indicators.models import Indicator
from ascn.indicators.published import (
    HELD_BY_CITY,
    HELD_BY_SAMPLE,
    NOTE,
    Published,
    source_text,
    value_load_published,
)
from ascn.network.models import City

VALUES = Path(__file__).resolve().parents[2] / "seed" / "values.yaml"
SOURCE_KEYS = {"title", "publisher", "date", "url"}


class Command(LoadCommand):
    help = "Load the real indicator values public sources give, each with its source."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--file", type=Path, default=None, help="Another data file of the same form."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.path = options.get("file") or VALUES
        super().handle(*args, **options)

    def load(self) -> str:
        outcomes, held = load_indicator_values(self.path)
        for line in held:
            self.stderr.write(line)
        counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
        return f"Published indicator values loaded ({counts or 'none'})."


def _sources(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    sources: dict[str, dict[str, Any]] = {}
    for key, source in (data.get("sources") or {}).items():
        cited = {k: source[k] for k in SOURCE_KEYS if source.get(k)}
        try:
            validate_sources([cited])
        except ValidationError as exc:
            raise CommandError(f"Source {key}: {' '.join(exc.messages)}") from exc
        if source.get("grade") is None:
            raise CommandError(f"Source {key}: give the grade its publisher's method earns.")
        sources[key] = {**cited, "grade": source["grade"]}
    return sources


def load_indicator_values(path: Path | None = None) -> tuple[Counter[str], list[str]]:
    """Write every value of the data file; answers how many had each outcome, and a line for
    each value left alone because another value holds its slot."""
    data = read_yaml(path or VALUES) or {}
    sources = _sources(data)
    cities = {c.slug: c for c in City.objects.all()}
    indicators = {i.code: i for i in Indicator.objects.all()}
    outcomes: Counter[str] = Counter()
    held: list[str] = []
    for n, item in enumerate(data.get("values") or [], start=1):
        where = f"Value {n} ({item.get('city')}, {item.get('indicator')}, {item.get('year')})"
        city = cities.get(item.get("city"))
        indicator = indicators.get(str(item.get("indicator")))
        source = sources.get(item.get("source"))
        if city is None:
            raise CommandError(f"{where}: no city with the slug {item.get('city')!r}.")
        if indicator is None:
            raise CommandError(f"{where}: no indicator {item.get('indicator')!r} in the catalogue.")
        if source is None:
            raise CommandError(f"{where}: no source {item.get('source')!r} in the file.")
        if not str(item.get("method_note") or "").strip():
            raise CommandError(f"{where}: say how the figure was read (method_note).")
        try:
            record, outcome = value_load_published(
                actor=None,
                figure=Published(
                    city=city,
                    indicator=indicator,
                    year=item.get("year"),
                    value=str(item.get("value")),
                    source=source_text(source),
                    method_note=str(item["method_note"]).strip(),
                    grade=source["grade"],
                    note=NOTE % source["title"],
                ),
            )
        except InvalidInput as exc:
            raise CommandError(f"{where}: {exc}") from exc
        outcomes[outcome] += 1
        if outcome in (HELD_BY_SAMPLE, HELD_BY_CITY):
            held.append(f"{where}: left alone, {outcome} (#{record.pk}).")
    return outcomes, held
