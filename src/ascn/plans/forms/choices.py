"""The menus of the plans and projects forms: codes from the codelists, in the order a person
in an ASEAN city looks for them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ascn.core.countries import currency_name
from ascn.network.models import City, MemberState
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


def national_currency(city: Any) -> str:
    """The currency a budget of ``city`` (a ``network.City``) is first offered in: its member
    state's (US dollars for a state not listed)."""
    return NATIONAL_CURRENCY.get(city.member_state.code, "USD")


# Codes of ISO 4217's current list that are not a currency a budget is kept in: bond-market
# units, funds (ISO's "Fund" flag), precious metals, supranational units of account, the test
# code and "no currency". Offered on no menu; still valid in stored data, the API and imports.
NOT_BUDGET_CURRENCIES = frozenset(
    {
        *("XBA", "XBB", "XBC", "XBD"),  # bond-market units
        *("BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW"),  # funds
        *("XAG", "XAU", "XPD", "XPT"),  # precious metals
        *("XDR", "XSU", "XUA"),  # supranational units of account
        *("XTS", "XXX"),  # testing; no currency involved
    }
)
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
# The OC4IDS documentType codelist has no category column (Code, Title, Description, Source),
# so the platform groups its codes by the part of a project's life they document. A code the
# standard adds later, in no group here, is offered under "Other documents".
DOCUMENT_TYPE_GROUPS = (
    (
        _("Identification and preparation"),
        (
            "needsAssessment",
            "feasibilityStudy",
            "projectScope",
            "projectPlan",
            "designReport",
            "marketStudies",
            "estimatedDemand",
            "serviceDescription",
            "illustration",
            "policyAlignment",
            "costBenefitAnalysis",
            "valueForMoneyAnalysis",
            "lifeCycleCostMethodology",
            "assetAndLiabilityAssessment",
            "riskProvisions",
        ),
    ),
    (
        _("Environment, society and climate"),
        (
            "environmentalImpact",
            "socialImpact",
            "landAndSettlementImpact",
            "resettlementPlan",
            "climateAndDisasterRiskAssessment",
            "climateMeasures",
            "climateTransformation",
            "conservationMeasures",
            "environmentalMeasures",
            "environmentalExemption",
            "impactMethodology",
            "inclusiveDesign",
            "inclusiveImplementation",
            "ghgEmissionsForecast",
            "ghgEmissionsReduction",
            "ghgEmissions",
            "abatementCostMethodology",
        ),
    ),
    (
        _("Budget and finance"),
        (
            "budgetApproval",
            "budgetAmendmentApproval",
            "financialAgreement",
            "escalationApproval",
            "paymentCertificate",
            "financialAuditReport",
        ),
    ),
    (
        _("Procurement"),
        (
            "procurementPlan",
            "procurementStrategyRiskAssessment",
            "plannedProcurementNotice",
            "requestForQualification",
            "tenderNotice",
            "biddingDocuments",
            "technicalSpecifications",
            "billOfQuantity",
            "eligibilityCriteria",
            "evaluationCriteria",
            "clarifications",
            "shortlistedFirms",
            "bidders",
            "submissionDocuments",
            "evaluationCommittee",
            "evaluationReports",
            "winningBid",
            "awardNotice",
            "negotiationParameters",
            "complaints",
            "conflictOfInterest",
            "debarments",
            "cancellationDetails",
        ),
    ),
    (
        _("Contract"),
        (
            "contractNotice",
            "contractDraft",
            "contractSigned",
            "contractSummary",
            "contractAnnexe",
            "contractGuarantees",
            "contractAmendment",
            "subContract",
            "incorporationCertificate",
            "supplierEnvironmentalCertification",
            "supplierHealthAndSafetyCertification",
            "antiCorruptionCertification",
            "contractArrangements",
            "defaultEvents",
            "termination",
        ),
    ),
    (
        _("Implementation and monitoring"),
        (
            "physicalProgressReport",
            "financialProgressReport",
            "performanceReport",
            "qualityAssuranceReport",
            "technicalAuditReport",
            "buildingInspectionReport",
            "materialTestResults",
            "oversightReport",
            "maintenancePlan",
        ),
    ),
    (
        _("Completion and evaluation"),
        ("completionCertificate", "projectEvaluation", "decommissioningPlans"),
    ),
    (
        _("Consultation and transparency"),
        (
            "hearingNotice",
            "consultationMeetingInvitation",
            "minutes.consultationMeeting",
            "minutes",
            "minutes.lobbyingMeeting",
            "informationRequest",
            "informationRequestResponse",
        ),
    ),
)
CITY_MENU_LIMIT = 300


def codelist_choices(name: str, *, empty_label: Any = None) -> list[tuple[str, Any]]:
    """One codelist's ``(code, title)``, after an empty choice when ``empty_label`` is given."""
    empty = [("", empty_label)] if empty_label is not None else []
    return [*empty, *codelists.choices(name)]


def status_choices() -> list[tuple[str, str]]:
    """OC4IDS project statuses with their titles."""
    return codelists.choices(codelists.PROJECT_STATUS)


def budget_currencies() -> dict[str, str]:
    """The currencies a budget may be kept in, ``{code: name}``: ISO 4217's current list
    (the codelist puts it first, in alphabetical order, then the historic list, again from A)
    without its funds, metals, units of account and test codes."""
    current: dict[str, str] = {}
    for code, title in codelists.codelist(codelists.CURRENCY).items():
        if current and code < list(current)[-1]:
            break  # the historic list (ATS, DEM, …) begins
        if code not in NOT_BUDGET_CURRENCIES:
            current[code] = title
    return current


def currency_choices(current: str = "") -> list[tuple[str, Any]]:
    """The currency menu: the ASEAN member states' and their partners' currencies, then every
    other currency in use; ``current`` (a record's, even historic) is kept offered."""
    # named in the reader's language (the CLDR's names), the codelist's English title where
    # the CLDR has none
    names = {code: currency_name(code) or title for code, title in budget_currencies().items()}
    first = [(code, f"{code} — {names[code]}") for code in FIRST_CURRENCIES]
    rest = [
        (code, f"{code} — {title}") for code, title in names.items() if code not in FIRST_CURRENCIES
    ]
    all_names = codelists.codelist(codelists.CURRENCY)
    if current and current not in names and current in all_names:
        rest.append((current, f"{current} — {currency_name(current) or all_names[current]}"))
    return [(_("ASEAN and partner currencies"), first), (_("Other currencies"), rest)]


def document_type_choices() -> list[tuple[str, Any]]:
    """The document-type menu: the types most uploaded first, then every other OC4IDS type
    grouped by the part of a project's life it documents."""
    names = codelists.labels(codelists.DOCUMENT_TYPE)
    groups: list[tuple[str, Any]] = [("", _("— choose a type —"))]
    groups.append((_("Common"), [(code, names[code]) for code in FIRST_DOCUMENT_TYPES]))
    placed = set(FIRST_DOCUMENT_TYPES)
    for label, codes in DOCUMENT_TYPE_GROUPS:
        rest = [(code, names[code]) for code in codes if code in names and code not in placed]
        placed.update(codes)
        if rest:
            groups.append((label, rest))
    others = [(code, title) for code, title in names.items() if code not in placed]
    if others:
        groups.append((_("Other documents"), others))
    return groups


def city_choices(cities) -> list[tuple[str, Any]]:
    """Cities grouped by member state (named in the reader's language), for a <select> with
    <optgroup>s."""
    groups: dict[str, list[tuple[str, str]]] = {}
    rows = cities.order_by("member_state__name", "name")
    for state, slug, name in rows.values_list("member_state__name", "slug", "name"):
        groups.setdefault(MemberState(name=state).label, []).append((slug, name))
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
