"""Load the dated exchange rates of ``plans/seed/exchange_rates.yaml``. Idempotent."""

from decimal import Decimal
from pathlib import Path

from ascn.core.seed import LoadCommand, read_yaml
from ascn.plans.models import ExchangeRate
from ascn.plans.services import exchange_rate_set

SEED = Path(__file__).resolve().parents[2] / "seed" / "exchange_rates.yaml"


def load_exchange_rates() -> int:
    data = read_yaml(SEED)
    written = 0
    for currency, units in data["units_per_usd"].items():
        usd_per_unit = (Decimal("1") / Decimal(str(units))).quantize(Decimal("0.0000000001"))
        existing = ExchangeRate.objects.filter(currency=currency, date=data["date"]).first()
        if existing and existing.usd_per_unit == usd_per_unit and existing.source == data["source"]:
            continue
        exchange_rate_set(
            actor=None,
            currency=currency,
            date=data["date"],
            usd_per_unit=usd_per_unit,
            source=data["source"],
        )
        written += 1
    return written


class Command(LoadCommand):
    help = "Load the dated exchange rates used for USD equivalents."

    def load(self) -> str:
        return f"Exchange rates loaded ({load_exchange_rates()} written)."
