"""The menus of the plans and projects forms: codes from the codelists, in the order a person
in an ASEAN city looks for them."""

from __future__ import annotations

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ascn.network.models import City
from ascn.plans import codelists

# The currencies of the ASEAN member states first (Timor-Leste uses the US dollar), then
# those of the network's usual partners; every other ISO 4217 code after them.
FIRST_CURRENCIES = [
    "BND",
    "KHR",
    "IDR",
    "LAK",
    "MYR",
    "MMK",
    "PHP",
    "SGD",
    "THB",
    "VND",
    "USD",
    "EUR",
    "JPY",
    "CNY",
    "KRW",
    "AUD",
    "GBP",
]
# The currency a city's budget is most likely in, by member state (ISO 3166 → ISO 4217).
NATIONAL_CURRENCY = {
    "BN": "BND",
    "KH": "KHR",
    "ID": "IDR",
    "LA": "LAK",
    "MY": "MYR",
    "MM": "MMK",
    "PH": "PHP",
    "SG": "SGD",
    "TH": "THB",
    "VN": "VND",
    "TL": "USD",
}
# Document types a city uploads most while shaping a project, offered first.
FIRST_DOCUMENT_TYPES = (
    "feasibilityStudy",
    "projectPlan",
    "environmentalImpact",
    "socialImpact",
    "costBenefitAnalysis",
    "valueForMoneyAnalysis",
    "needsAssessment",
    "projectScope",
    "designReport",
    "procurementPlan",
    "landAndSettlementImpact",
    "climateAndDisasterRiskAssessment",
    "budgetApproval",
    "physicalProgressReport",
    "financialProgressReport",
)
CITY_MENU_LIMIT = 300


def codelist_choices(name: str, *, empty_label: Any = None) -> list[tuple[str, Any]]:
    """One codelist's ``(code, title)``, after an empty choice when ``empty_label`` is given."""
    empty = [("", empty_label)] if empty_label is not None else []
    return [*empty, *codelists.choices(name)]


def status_choices() -> list[tuple[str, str]]:
    """OC4IDS project statuses with their titles (one of which is lower case upstream)."""
    return [(code, capfirst(title)) for code, title in codelists.choices(codelists.PROJECT_STATUS)]


def currency_choices() -> list[tuple[str, Any]]:
    names = codelists.codelist(codelists.CURRENCY)
    first = [(code, f"{code} — {names[code]}") for code in FIRST_CURRENCIES if code in names]
    rest = [
        (code, f"{code} — {title}") for code, title in names.items() if code not in FIRST_CURRENCIES
    ]
    return [(_("ASEAN and partner currencies"), first), (_("All currencies"), rest)]


def document_type_choices() -> list[tuple[str, Any]]:
    names = codelists.codelist(codelists.DOCUMENT_TYPE)
    first = [(code, names[code]) for code in FIRST_DOCUMENT_TYPES if code in names]
    rest = sorted(
        ((code, title) for code, title in names.items() if code not in FIRST_DOCUMENT_TYPES),
        key=lambda pair: pair[1].lower(),
    )
    return [("", _("— choose a type —")), (_("Common"), first), (_("All OC4IDS types"), rest)]


def city_choices(cities) -> list[tuple[str, Any]]:
    """Cities grouped by member state, for a <select> with <optgroup>s."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for city in cities.select_related("member_state").order_by("member_state__name", "name"):
        groups.setdefault(city.member_state.name, []).append((city.slug, city.name))
    return list(groups.items())


def city_filter_choices(data) -> list[tuple[str, Any]]:
    """The city menu of a filter form: the chosen member state's cities, or all of them
    while they are few enough for a menu (at ASEAN scale, choose a member state first)."""
    data = data or {}
    cities = City.objects.all()
    if data.get("country"):
        cities = cities.filter(member_state__code__iexact=data["country"])
    if cities.count() <= CITY_MENU_LIMIT:
        return [("", _("All cities")), *city_choices(cities)]
    chosen = cities.filter(slug=data.get("city") or "")
    return [("", _("All cities (choose a member state to pick one)")), *city_choices(chosen)]
