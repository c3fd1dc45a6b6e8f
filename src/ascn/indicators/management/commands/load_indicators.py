"""Load the indicator catalogue from ``indicators/seed/catalogue.yaml``. Idempotent."""

from __future__ import annotations

from pathlib import Path

from ascn.core.seed import LoadCommand, read_yaml
from ascn.indicators.services import indicator_upsert_seed
from ascn.network.models import FocusArea, Outcome

CATALOGUE = Path(__file__).resolve().parents[2] / "seed" / "catalogue.yaml"


class Command(LoadCommand):
    help = "Load (or update) the city indicator catalogue: SDG 11 indicators and U4SSC KPIs."

    def load(self) -> str:
        written, total = load_indicators()
        return f"Indicator catalogue loaded ({written} of {total} indicators written)."


def load_indicators() -> tuple[int, int]:
    """Write the catalogue through the service; answers (written, total)."""
    data = read_yaml(CATALOGUE)
    focus_areas = {f.code: f for f in FocusArea.objects.all()}
    outcomes = {o.code: o for o in Outcome.objects.all()}
    written = 0
    for position, item in enumerate(data["indicators"], start=1):
        _, changed = indicator_upsert_seed(
            actor=None,
            code=item["code"],
            values={
                "slug": item["slug"],
                "framework": item["framework"],
                "name": item["name"],
                "definition": item["definition"],
                "unit": item["unit"],
                "direction": item["direction"],
                "focus_area": focus_areas[item["focus_area"]],
                "outcome": outcomes[item["outcome"]],
                "references": item.get("references", ""),
                "source_title": item["source"]["title"],
                "source_url": item["source_url"],
                "position": position,
            },
        )
        written += int(changed)
    return written, len(data["indicators"])
