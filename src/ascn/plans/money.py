"""Money: Decimal amounts with an ISO 4217 currency, and USD equivalents at a dated rate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ascn.plans.models import ExchangeRate

CENT = Decimal("0.01")
# currency → the latest rate on record (``latest_rates``)
Rates = dict[str, ExchangeRate]


@dataclass(frozen=True)
class UsdEquivalent:
    amount: Decimal
    rate: Decimal
    rate_date: dt.date
    source: str


def rate_on(currency: str, on: dt.date | None = None) -> ExchangeRate | None:
    """The latest rate for ``currency`` on or before ``on`` (today by default)."""
    on = on or dt.date.today()
    return ExchangeRate.objects.filter(currency=currency, date__lte=on).order_by("-date").first()


def to_usd(
    amount: Decimal | None,
    currency: str,
    on: dt.date | None = None,
    *,
    rates: dict | None = None,
) -> UsdEquivalent | None:
    """``amount`` in US dollars at the latest known rate, or None when no rate is on record
    (or no amount: a real project whose sources publish no budget).

    ``rates`` (currency → ExchangeRate) lets a caller that converts many amounts look the
    rates up once (see ``latest_rates``).
    """
    if amount is None or not currency:
        return None
    if currency == "USD":
        return UsdEquivalent(
            amount.quantize(CENT, ROUND_HALF_UP), Decimal("1"), on or dt.date.today(), "—"
        )
    rate = rates.get(currency) if rates is not None else rate_on(currency, on)
    if rate is None:
        return None
    return UsdEquivalent(
        (amount * rate.usd_per_unit).quantize(CENT, ROUND_HALF_UP),
        rate.usd_per_unit,
        rate.date,
        rate.source,
    )


def usd_amounts(rates: Rates) -> Callable[[Decimal, str], Decimal | None]:
    """``to_usd(amount, currency, rates=rates).amount`` (None: no rate) as one function for
    converting thousands of amounts: the same arithmetic, without building the dated
    equivalent each time."""
    factors = {currency: rate.usd_per_unit for currency, rate in rates.items()}

    def convert(amount: Decimal, currency: str) -> Decimal | None:
        if currency == "USD":
            return amount.quantize(CENT, ROUND_HALF_UP)
        factor = factors.get(currency)
        return None if factor is None else (amount * factor).quantize(CENT, ROUND_HALF_UP)

    return convert


def latest_rates(on: dt.date | None = None) -> Rates:
    """The latest rate of every currency on or before ``on``, in one query."""
    on = on or dt.date.today()
    rates: Rates = {}
    for rate in ExchangeRate.objects.filter(date__lte=on).order_by("currency", "-date"):
        rates.setdefault(rate.currency, rate)
    return rates


def money(amount: Decimal, currency: str) -> dict[str, str]:
    """The API's money shape: ``{"amount": "<decimal string>", "currency": "<ISO 4217>"}``."""
    return {"amount": str(amount.quantize(CENT, ROUND_HALF_UP)), "currency": currency}
