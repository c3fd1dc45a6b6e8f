"""Money (SPEC C4, §3; issue 4 item 3): Decimal amounts with an ISO 4217 currency, USD
equivalents at the latest dated rate, rates edited only by the Secretariat (or the seed loader),
audited, and loaded idempotently from their cited source."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.core.models import AuditEntry
from ascn.network.models import City
from ascn.plans import money
from ascn.plans.management.commands.load_exchange_rates import load_exchange_rates
from ascn.plans.models import ExchangeRate, Project
from ascn.plans.services import exchange_rate_set, project_create, project_update
from tests import factories
from tests.roles import AuditMark

pytest_plugins = ["tests.roles"]

JANUARY = dt.date(2024, 1, 1)
JULY = dt.date(2024, 7, 1)


@pytest.fixture
def two_baht_rates(roles):
    """Two dated rates for the baht, set by the Secretariat: 0.028 then 0.030 USD per baht."""
    secretariat = roles.user("secretariat")
    exchange_rate_set(
        actor=secretariat, currency="THB", date=JANUARY, usd_per_unit="0.028", source="Bank A"
    )
    exchange_rate_set(
        actor=secretariat, currency="THB", date=JULY, usd_per_unit="0.030", source="Bank B"
    )


# --- to_usd --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "usd", "rate_date"),
    [
        (dt.date(2024, 3, 1), Decimal("28.00"), JANUARY),  # between the two: the January rate
        (JANUARY, Decimal("28.00"), JANUARY),  # on the day itself
        (dt.date(2024, 6, 30), Decimal("28.00"), JANUARY),
        (JULY, Decimal("30.00"), JULY),
        (dt.date(2026, 1, 1), Decimal("30.00"), JULY),  # long after: still the latest
    ],
)
def test_to_usd_uses_the_latest_rate_on_or_before_the_date(two_baht_rates, on, usd, rate_date):
    result = money.to_usd(Decimal("1000"), "THB", on)
    assert result is not None
    assert (result.amount, result.rate_date) == (usd, rate_date)
    assert result.source == ("Bank A" if rate_date == JANUARY else "Bank B")


def test_to_usd_before_any_rate_is_none(two_baht_rates):
    assert money.to_usd(Decimal("1000"), "THB", dt.date(2023, 12, 31)) is None


def test_to_usd_without_a_rate_for_the_currency_is_none(two_baht_rates):
    assert money.to_usd(Decimal("1000"), "CNY") is None


def test_dollars_pass_through_at_one(db):
    result = money.to_usd(Decimal("2400000.00"), "USD", JULY)
    assert result is not None
    assert (result.amount, result.rate, result.rate_date) == (Decimal("2400000.00"), 1, JULY)


def test_the_conversion_is_exact_decimal_arithmetic(roles):
    # given half a dollar per unit of a currency
    exchange_rate_set(
        actor=None, currency="SGD", date=JANUARY, usd_per_unit="0.5", source="Test source"
    )
    # when 1.15 units are converted: exactly 0.575, rounded half up to 0.58 (a float
    # multiplication gives 0.57499999999999995559 and would round to 0.57)
    result = money.to_usd(Decimal("1.15"), "SGD", JULY)
    # then the amount is the exact Decimal, and no float took part
    assert result.amount == Decimal("0.58")
    assert isinstance(result.amount, Decimal)
    assert isinstance(result.rate, Decimal)
    assert result.rate == Decimal("0.5")


def test_a_large_budget_converts_without_losing_cents(roles):
    exchange_rate_set(
        actor=None, currency="IDR", date=JANUARY, usd_per_unit="0.0000656300", source="Test"
    )
    # 45,000,000,000.00 × 0.00006563 = 2,953,350.00 exactly
    result = money.to_usd(Decimal("45000000000.00"), "IDR", JULY)
    assert result.amount == Decimal("2953350.00")
    # 9,999,999,999,999,999.99 (the largest budget) × 0.00006563 = 656,300,000,000.00 (rounded)
    big = money.to_usd(Decimal("9999999999999999.99"), "IDR", JULY)
    assert big.amount == Decimal("656300000000.00")


@pytest.mark.parametrize("amount", ["12345678901234.56", "1234567890123456", "9999999999999999.99"])
def test_a_budget_is_kept_to_the_cent_or_refused(roles, amount):
    # given a budget with more significant digits than a float holds
    try:
        project = project_create(
            actor=roles.user("secretariat"),
            city=City.objects.get(slug="hanoi"),
            title="Metro line",
            description="An urban railway.",
            focus_areas=["built-infrastructure"],
            status="preparation",
            budget_amount=amount,
            budget_currency="VND",
        )
    except InvalidInput as refused:
        # then either it is refused, naming the field
        assert refused.field == "budget_amount"
        assert not Project.objects.exists()
        return
    # or it is kept exactly, to the cent
    assert Project.objects.get(pk=project.pk).budget_amount == Decimal(amount)


def test_latest_rates_reads_every_currency_in_one_query(two_baht_rates, django_assert_num_queries):
    exchange_rate_set(actor=None, currency="SGD", date=JANUARY, usd_per_unit="0.74", source="S")
    with django_assert_num_queries(1):
        rates = money.latest_rates(dt.date(2024, 3, 1))
    assert {c: r.usd_per_unit for c, r in rates.items()} == {
        "THB": Decimal("0.028"),
        "SGD": Decimal("0.74"),
    }
    # and to_usd with them agrees with a look-up of its own
    assert money.to_usd(Decimal("1000"), "THB", rates=rates).amount == Decimal("28.00")
    assert money.to_usd(Decimal("1000"), "CNY", rates=rates) is None


def test_money_has_the_api_shape():
    assert money.money(Decimal("2500000"), "THB") == {"amount": "2500000.00", "currency": "THB"}
    assert money.money(Decimal("0.5"), "USD") == {"amount": "0.50", "currency": "USD"}


# --- the funding gap -------------------------------------------------------------------------


def test_the_funding_gap_is_computed_never_stored_stale(roles):
    # given a 1,000,000 baht project with nothing secured
    actor = roles.user("cso_phuket")
    project = factories.project(actor, title="Drainage", budget="1000000", currency="THB")
    assert project.funding_gap == Decimal("1000000.00")
    # when 400,000.25 is secured, and later the whole budget
    project = project_update(actor=actor, project=project, version=1, funding_secured="400000.25")
    assert project.funding_gap == Decimal("599999.75")
    project = project_update(actor=actor, project=project, version=2, funding_secured="1000000")
    # then the gap follows, down to zero and never below
    assert project.funding_gap == Decimal("0.00")
    assert "funding_gap" not in {f.name for f in Project._meta.get_fields()}  # nothing stored
    with pytest.raises(InvalidInput) as raised:
        project_update(actor=actor, project=project, version=3, budget_amount="999999.99")
    assert raised.value.field == "budget_amount"  # the field the person changed


# --- exchange_rate_set -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["cso_phuket", "nr_th", "partner_adb"])
def test_only_the_secretariat_edits_rates(roles, who):
    mark = AuditMark()
    with pytest.raises(PermissionDenied):
        exchange_rate_set(
            actor=roles.user(who), currency="THB", date=JANUARY, usd_per_unit="1", source="Me"
        )
    assert not ExchangeRate.objects.exists()
    assert mark.actions() == []


def test_the_secretariat_sets_a_rate_and_it_is_audited(roles):
    mark = AuditMark()
    rate = exchange_rate_set(
        actor=roles.user("secretariat"),
        currency="thb",
        date=JANUARY,
        usd_per_unit="0.028",
        source="  Bank of Thailand  ",
    )
    assert (rate.currency, rate.usd_per_unit, rate.source) == (
        "THB",
        Decimal("0.028"),
        "Bank of Thailand",
    )
    entry = mark.only("plans.exchangerate.saved")
    assert entry.actor == roles.user("secretariat")
    assert entry.object_type == "plans.exchangerate"
    assert entry.changes == {
        "usd_per_unit": {"before": None, "after": "0.0280000000"},
        "source": {"before": None, "after": "Bank of Thailand"},
    }


def test_correcting_a_rate_keeps_one_row_per_day_and_audits_before_and_after(two_baht_rates, roles):
    mark = AuditMark()
    exchange_rate_set(
        actor=roles.user("secretariat"),
        currency="THB",
        date=JULY,
        usd_per_unit="0.031",
        source="Bank B",
    )
    assert ExchangeRate.objects.filter(currency="THB").count() == 2
    assert mark.only("plans.exchangerate.saved").changes == {
        "usd_per_unit": {"before": "0.0300000000", "after": "0.0310000000"}
    }
    # and saving the same again changes nothing and records nothing
    mark = AuditMark()
    exchange_rate_set(
        actor=roles.user("secretariat"),
        currency="THB",
        date=JULY,
        usd_per_unit="0.031",
        source="Bank B",
    )
    assert mark.actions() == []


def test_the_system_sets_rates_as_system(db):
    mark = AuditMark()
    exchange_rate_set(actor=None, currency="THB", date=JANUARY, usd_per_unit="0.028", source="Seed")
    entry = mark.only("plans.exchangerate.saved")
    assert (entry.actor, entry.actor_label) == (None, "system")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"currency": "ZZZ"}, "currency"),
        ({"currency": ""}, "currency"),
        ({"usd_per_unit": "0"}, "usd_per_unit"),
        ({"usd_per_unit": "-0.5"}, "usd_per_unit"),
        ({"usd_per_unit": "cheap"}, "usd_per_unit"),
        ({"usd_per_unit": "NaN"}, "usd_per_unit"),
        ({"usd_per_unit": "Infinity"}, "usd_per_unit"),
        ({"source": "   "}, "source"),
    ],
)
def test_a_bad_rate_is_refused_naming_the_field(roles, values, field):
    fields = {"currency": "THB", "date": JANUARY, "usd_per_unit": "0.028", "source": "Bank"}
    with pytest.raises(InvalidInput) as raised:
        exchange_rate_set(actor=roles.user("secretariat"), **(fields | values))
    assert raised.value.field == field
    assert not ExchangeRate.objects.exists()


# --- the seed loader -------------------------------------------------------------------------


def test_load_exchange_rates_loads_real_rates_with_their_source_idempotently(db):
    # when the seed rates are loaded
    mark = AuditMark()
    assert load_exchange_rates() == 12
    # then each currency has its dated rate and its cited source
    assert ExchangeRate.objects.count() == 12
    thb = ExchangeRate.objects.get(currency="THB")
    assert thb.date == dt.date(2023, 12, 31)
    assert thb.usd_per_unit == Decimal("0.0287356322")  # 1 / 34.80, to 10 places
    assert thb.source.startswith("World Bank WDI PA.NUS.FCRF")
    assert set(mark.actions()) == {"plans.exchangerate.saved"}
    assert len(mark.actions()) == 12
    # and loading again writes nothing, audits nothing
    mark = AuditMark()
    assert load_exchange_rates() == 0
    call_command("load_exchange_rates", stdout=io.StringIO())
    assert ExchangeRate.objects.count() == 12
    assert mark.actions() == []
    assert AuditEntry.objects.filter(action="plans.exchangerate.saved").count() == 12


def test_the_api_shows_the_budget_at_the_latest_rate(two_baht_rates, roles):
    response = roles.bearer("cso_phuket").post(
        "/api/v1/projects",
        {
            "city": "phuket",
            "title": "Drainage",
            "description": "Canal gates.",
            "focus_areas": ["quality-environment"],
            "status": "preparation",
            "budget": {"amount": "1000000", "currency": "THB"},
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["budget_usd"] == {
        "amount": "30000.00",
        "currency": "USD",
        "rate": "0.0300000000",
        "rate_date": "2024-07-01",
        "rate_source": "Bank B",
    }
