"""The data dictionary of the open data: each public table's columns, written once.

A ``Schema`` per dataset (``SCHEMAS``, by the catalogue's key) names its columns in order, with
each column's Table Schema type, a description for a reuser, its unit, and the codes it allows
— read from where the platform's own code reads them (the OC4IDS codelists of
``plans.codelists``, the models' choices, the member states and the ASCF in the database).
The same schema makes the CSV/XLSX/JSON header (``tables``), the Frictionless Data Package at
``/data/datapackage.json`` (``datapackage``) and the XLSX "Data dictionary" sheet, so a
file and its description cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ascn.agreements.models import Agreement
from ascn.core.models import DatePrecision
from ascn.meetings.models import Meeting
from ascn.network.models import Appointment, FocusArea, MemberState, Outcome, SizeClass
from ascn.opendata.imports.columns import COLUMN_NAMES
from ascn.opendata.indicator_schema import INDICATOR_VALUES
from ascn.opendata.tableschema import Codes, Field, ForeignKey, Schema, choices, fields_in_order
from ascn.partners.models import Organisation
from ascn.plans import codelists, disclosure
from ascn.plans.models import FinancingInstrument, PlanStatus


def codelist(name: str) -> Codes:
    return lambda: [(code, str(title)) for code, title in codelists.choices(name)]


def member_state_codes() -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in MemberState.objects.order_by("code")]


def focus_area_codes() -> list[tuple[str, str]]:
    return [(a.code, a.name) for a in FocusArea.objects.all()]


def outcome_codes() -> list[tuple[str, str]]:
    return [(o.code, o.name) for o in Outcome.objects.all()]


def sdg11_codes() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in codelists.SDG11_TARGETS.items()]


FRAMEWORK_KINDS = {"outcome": _("ASCF strategic outcome"), "focus_area": _("ASCF focus area")}


# --- shared wordings ------------------------------------------------------------------------

SLUG = _("The record's code in the platform's addresses; stable, so a key to join on.")
SOURCE = _("Where the platform's editors found the information (a publication or a link).")
MEMBER_STATE = _("The member state's ISO 3166-1 alpha-2 code.")
CITY = _("The ASCN city's code (see the cities dataset).")
LATITUDE = _("Latitude (WGS 84).")
LONGITUDE = _("Longitude (WGS 84).")
SAMPLE = _(
    "True for an illustrative record of the demo, never real: leave such rows out of any analysis."
)
DEGREES = _("decimal degrees")


def _city(name: str = "city", description: Any = CITY, *, required: bool = False) -> Field:
    return Field(name, "string", description, required=required)


def _state(name: str = "member_state", description: Any = MEMBER_STATE, **kw: Any) -> Field:
    return Field(name, "string", description, **kw)


def _code_list(name: str, description: Any, codes: Codes) -> Field:
    """A column of several codes in one cell (separated by ``;``): focus areas, instruments…"""
    return Field(name, "string", description, codes=codes, several=True)


def _to_cities(name: str = "city") -> ForeignKey:
    return ForeignKey(name, "cities", "slug")


def _to_states(name: str = "member_state") -> ForeignKey:
    return ForeignKey(name, "member-states", "code")


# --- the schemas ----------------------------------------------------------------------------

MEMBER_STATES = Schema(
    (
        Field("code", "string", MEMBER_STATE, required=True, pattern="[A-Z]{2}"),
        Field("name", "string", _("The member state's short name in English."), required=True),
        Field("official_name", "string", _("The member state's official name in English.")),
        Field(
            "asean_member_since",
            "date",
            _("The day the state joined ASEAN (Timor-Leste: 26 October 2025)."),
        ),
        Field(
            "ascn_cities",
            "integer",
            _("How many of the state's cities are in the ASCN."),
            unit=_("cities"),
        ),
    ),
    primary_key=("code",),
)

CITIES = Schema(
    (
        Field("slug", "string", SLUG, required=True),
        Field("name", "string", _("The city's name in English."), required=True),
        _state(required=True),
        Field(
            "cohort",
            "year",
            _("The year the city joined the ASCN (2018 for the 26 pilot cities)."),
            required=True,
        ),
        Field(
            "population",
            "integer",
            _("Population of the city proper; empty when no published figure was found."),
            unit=_("people"),
        ),
        Field("population_year", "year", _("The year the population figure is for.")),
        Field("population_source", "string", _("Where the population figure comes from.")),
        Field(
            "size_class",
            "string",
            _(
                "Size class derived from the population: small (under 200,000), middleweight "
                "(200,000 to 2 million), large (2 to 10 million), megacity (10 million or "
                "more); empty when the population is unknown."
            ),
            codes=choices(SizeClass),
        ),
        Field("lat", "number", LATITUDE, unit=DEGREES, required=True),
        Field("lon", "number", LONGITUDE, unit=DEGREES, required=True),
    ),
    primary_key=("slug",),
    foreign_keys=(_to_states(),),
)

OFFICERS = Schema(
    (
        Field("name", "string", _("The officer's name as published."), required=True),
        Field(
            "role",
            "string",
            _("Chief Smart City Officer of a city, or National Representative of a state."),
            codes=choices(Appointment.Role),
            required=True,
        ),
        _state(required=True),
        _city(description=_("The city of a Chief Smart City Officer; empty for a representative.")),
        Field(
            "designation",
            "string",
            _("The officer's post as published; several posts on separate lines."),
        ),
        Field("start_date", "date", _("The day the appointment started, when known.")),
        Field("source", "string", SOURCE),
    ),
    foreign_keys=(_to_states(), _to_cities()),
)

FRAMEWORK = Schema(
    (
        Field(
            "kind",
            "string",
            _("A strategic outcome or a development focus area of the framework."),
            codes=lambda: [(code, str(label)) for code, label in FRAMEWORK_KINDS.items()],
            required=True,
        ),
        Field(
            "code",
            "string",
            _("The item's code, used by projects, plans and partners to classify themselves."),
            required=True,
        ),
        Field("name", "string", _("The item's name."), required=True),
        Field("description", "string", _("What the item covers, after the framework.")),
    ),
    primary_key=("code",),
)


def _currency_of(column: str) -> Any:
    return format_lazy(_("in the currency of the column {column}"), column=column)


PROJECTS = Schema(
    (
        Field(
            "id",
            "integer",
            _(
                "The project's number on the platform: its page is /projects/<id>/, its API "
                "record /api/v1/projects/<id>, and the other datasets name it project_id. The "
                "import of projects ignores it (its other columns are the import template's)."
            ),
            required=True,
        ),
        *fields_in_order(
            COLUMN_NAMES,
            [
                _city(required=True),
                Field("title", "string", _("The project's title."), required=True),
                Field("description", "string", _("What the project does."), required=True),
                _code_list(
                    "focus_areas",
                    _("The ASCF development focus areas the project serves."),
                    focus_area_codes,
                ),
                Field(
                    "status",
                    "string",
                    _("The project's stage, an OC4IDS 0.9.5 projectStatus code."),
                    codes=codelist(codelists.PROJECT_STATUS),
                    required=True,
                ),
                Field(
                    "budget_amount",
                    "number",
                    _("The project's total budget, two decimals."),
                    unit=_currency_of("budget_currency"),
                ),
                Field(
                    "budget_currency",
                    "string",
                    _("The budget's currency, an ISO 4217 code (OC4IDS currency codelist)."),
                    codes=codelist(codelists.CURRENCY),
                ),
                Field(
                    "funding_secured",
                    "number",
                    _("The part of the budget already funded; at most the budget."),
                    unit=_currency_of("budget_currency"),
                ),
                _code_list(
                    "outcomes",
                    _("The ASCF strategic outcomes the project contributes to."),
                    outcome_codes,
                ),
                _code_list(
                    "sdg_targets",
                    _("The targets of Sustainable Development Goal 11 the project addresses."),
                    sdg11_codes,
                ),
                Field(
                    "project_type",
                    "string",
                    _("What kind of works, an OC4IDS 0.9.5 projectType code."),
                    codes=codelist(codelists.PROJECT_TYPE),
                ),
                _code_list(
                    "sectors",
                    _("The project's sectors, OC4IDS 0.9.5 projectSector codes."),
                    codelist(codelists.PROJECT_SECTOR),
                ),
                _code_list(
                    "financing_sought",
                    _("The kinds of financing the city seeks for the project."),
                    choices(FinancingInstrument),
                ),
                Field("period_start", "date", _("When the project starts or started.")),
                Field("period_end", "date", _("When the project ends or is planned to end.")),
                Field("location_description", "string", _("Where the works are, in words.")),
                Field(
                    "lat",
                    "number",
                    _("Latitude (WGS 84) of the project's first location."),
                    unit=DEGREES,
                ),
                Field(
                    "lon",
                    "number",
                    _("Longitude (WGS 84) of the project's first location."),
                    unit=DEGREES,
                ),
            ],
        ),
        Field("sample", "boolean", SAMPLE, required=True),
    ),
    primary_key=("id",),
    foreign_keys=(_to_cities(),),
)

ACTION_PLANS = Schema(
    (
        Field("id", "integer", _("The plan's number on the platform."), required=True),
        _city(required=True),
        _state(required=True),
        Field("title", "string", _("The plan's title."), required=True),
        Field("period_start", "year", _("The first year the plan covers."), required=True),
        Field("period_end", "year", _("The last year the plan covers."), required=True),
        Field(
            "status",
            "string",
            _("Where the plan is in its workflow; the open data holds published plans."),
            codes=choices(PlanStatus),
            required=True,
        ),
        _code_list("outcomes", _("The ASCF strategic outcomes the plan addresses."), outcome_codes),
        _code_list(
            "focus_areas",
            _("The ASCF development focus areas the plan addresses."),
            focus_area_codes,
        ),
        Field("vision", "string", _("The city's vision, as the plan states it.")),
        Field("sample", "boolean", SAMPLE, required=True),
    ),
    primary_key=("id",),
    foreign_keys=(_to_cities(), _to_states()),
)

_PRECISION = _(
    "How much of the date is known: day, month (the day is a placeholder) or year (the "
    "month and day are placeholders)."
)

MEETINGS = Schema(
    (
        Field("slug", "string", SLUG, required=True),
        Field("title", "string", _("The meeting's title."), required=True),
        Field("kind", "string", _("The kind of meeting."), codes=choices(Meeting.Kind)),
        Field("start_date", "date", _("The first day of the meeting."), required=True),
        Field("end_date", "date", _("The last day, for a meeting of several days.")),
        Field("date_precision", "string", _PRECISION, codes=choices(Meeting.Precision)),
        _state("host_member_state", _("The host member state's ISO 3166-1 alpha-2 code.")),
        _city("host_city", _("The host city, when it is an ASCN city.")),
        Field("place", "string", _("Where the meeting takes place, in words.")),
        Field(
            "format", "string", _("In person, virtual or hybrid."), codes=choices(Meeting.Format)
        ),
        Field("source", "string", SOURCE),
        Field("sample", "boolean", SAMPLE, required=True),
    ),
    primary_key=("slug",),
    foreign_keys=(_to_states("host_member_state"), _to_cities("host_city")),
)

AGREEMENTS = Schema(
    (
        Field("slug", "string", SLUG, required=True),
        Field("title", "string", _("The agreement's title."), required=True),
        Field("kind", "string", _("The kind of agreement."), codes=choices(Agreement.Kind)),
        Field(
            "status",
            "string",
            _("Where the agreement stands."),
            codes=choices(Agreement.Status),
            required=True,
        ),
        Field("signed_date", "date", _("The day the agreement was signed.")),
        Field("signed_date_precision", "string", _PRECISION, codes=choices(DatePrecision)),
        Field("signed_place", "string", _("Where it was signed.")),
        Field("meeting", "string", _("The meeting where it was signed (see meetings).")),
        Field("description", "string", _("What the agreement is about.")),
        Field(
            "parties",
            "string",
            _("The parties, as the agreement names them, in its order, separated by ;."),
        ),
        Field(
            "projects",
            "string",
            _("The public projects it covers, by id (see projects), separated by ;."),
        ),
        Field("source", "string", SOURCE),
    ),
    primary_key=("slug",),
    foreign_keys=(ForeignKey("meeting", "meetings", "slug"),),
)

USD = "USD"

ORGANISATIONS = Schema(
    (
        Field("slug", "string", SLUG, required=True),
        Field("name", "string", _("The organisation's name."), required=True),
        Field(
            "alt_names",
            "string",
            _("Acronyms and other names of the organisation, comma-separated (e.g. ADB)."),
        ),
        Field(
            "kind",
            "string",
            _("What kind of partner the organisation is."),
            codes=choices(Organisation.Kind),
            required=True,
        ),
        Field(
            "headquarters_country",
            "string",
            _("The country of the head office, ISO 3166-1 alpha-2 (any country)."),
            pattern="[A-Z]{2}",
        ),
        _code_list(
            "countries",
            _(
                "The ASEAN member states the organisation works in (ISO 3166-1 alpha-2); "
                "empty: none published."
            ),
            member_state_codes,
        ),
        _code_list(
            "focus_areas", _("The ASCF focus areas the organisation works on."), focus_area_codes
        ),
        _code_list(
            "instruments",
            _("The financing instruments the organisation offers."),
            choices(FinancingInstrument),
        ),
        _code_list(
            "stages",
            _("The project stages (OC4IDS projectStatus) the organisation engages at."),
            codelist(codelists.PROJECT_STATUS),
        ),
        Field("ticket_min_usd", "number", _("The smallest amount it usually invests."), unit=USD),
        Field("ticket_max_usd", "number", _("The largest amount it usually invests."), unit=USD),
        Field(
            "verified",
            "boolean",
            _("Whether the ASCN Secretariat has verified the organisation."),
            required=True,
        ),
        Field("website", "string", _("The organisation's website.")),
        Field("description", "string", _("What the organisation does.")),
        Field("sample", "boolean", SAMPLE, required=True),
    ),
    primary_key=("slug",),
)

_IN_CURRENCY = _currency_of("currency")

PROGRAMMES = Schema(
    (
        Field("slug", "string", SLUG, required=True),
        Field("name", "string", _("The programme's name."), required=True),
        Field(
            "sponsor",
            "string",
            _(
                "The sponsoring organisation's code; it is in the organisations dataset when "
                "that organisation's profile is public."
            ),
            required=True,
        ),
        Field(
            "currency",
            "string",
            _("The programme's currency, ISO 4217."),
            codes=codelist(codelists.CURRENCY),
            required=True,
        ),
        Field("total_amount", "number", _("The programme's total envelope."), unit=_IN_CURRENCY),
        Field("awarded_amount", "number", _("The sum awarded so far."), unit=_IN_CURRENCY),
        Field("balance", "number", _("What is left to award: total − awarded."), unit=_IN_CURRENCY),
        Field("period_start", "date", _("When the programme starts.")),
        Field("period_end", "date", _("When the programme ends.")),
        _code_list(
            "eligible_countries",
            _("The member states whose cities may apply; empty: all."),
            member_state_codes,
        ),
        _code_list(
            "eligible_focus_areas",
            _("The ASCF focus areas a project must serve to apply; empty: any."),
            focus_area_codes,
        ),
        _code_list(
            "instruments",
            _("The financing instruments the programme gives."),
            choices(FinancingInstrument),
        ),
        Field("website", "string", _("The programme's website.")),
        Field("sample", "boolean", SAMPLE, required=True),
    ),
    primary_key=("slug",),
)

CASE_STUDIES = Schema(
    (
        Field("slug", "string", SLUG, required=True),
        Field("title", "string", _("The case study's title."), required=True),
        _city(description=_("The ASCN city of the case, if any.")),
        Field("focus_area", "string", _("The ASCF focus area's code."), required=True),
        Field("provider", "string", _("Who provided the solution.")),
        Field("problem", "string", _("The problem the city faced."), required=True),
        Field("solution", "string", _("What was done."), required=True),
        Field("results", "string", _("What came of it.")),
        Field("source", "string", SOURCE),
        Field("sample", "boolean", SAMPLE, required=True),
    ),
    primary_key=("slug",),
    foreign_keys=(_to_cities(), ForeignKey("focus_area", "framework", "code")),
)

PARTNERSHIPS = Schema(
    (
        Field("id", "integer", _("The partnership's number on the platform."), required=True),
        _city(required=True),
        _city("partner_city", _("The partner city's code when it is an ASCN city too.")),
        Field("partner_name", "string", _("The partner city's name."), required=True),
        Field("partner_country", "string", _("The partner city's country, in words.")),
        Field("purpose", "string", _("What the partnership is for."), required=True),
        Field("start_date", "date", _("When it started.")),
        Field("end_date", "date", _("When it ended or ends.")),
        Field("outcomes", "string", _("What it has achieved.")),
        Field("source", "string", SOURCE),
        Field("sample", "boolean", SAMPLE, required=True),
    ),
    primary_key=("id",),
    foreign_keys=(_to_cities(), _to_cities("partner_city")),
)

PROJECT_DISCLOSURE = Schema(
    (
        Field(
            "project_id",
            "integer",
            _("The project's number on the platform: the projects dataset's id."),
            required=True,
        ),
        _city(required=True),
        _state("country", required=True),
        Field(
            "stage",
            "string",
            _("The CoST Infrastructure Data Standard's stage the points belong to."),
            codes=lambda: [(code, str(title)) for code, title in disclosure.STAGES.items()],
            required=True,
        ),
        Field(
            "held",
            "integer",
            _("How many of the stage's data points the project holds."),
            unit=_("data points"),
            required=True,
        ),
        Field(
            "total",
            "integer",
            _("How many data points the stage has."),
            unit=_("data points"),
            required=True,
        ),
        Field(
            "share",
            "number",
            _("held ÷ total, in per cent, to one decimal."),
            unit=_("per cent"),
            required=True,
        ),
        _code_list(
            "missing",
            _("The codes of the stage's data points the project does not hold yet."),
            lambda: [(p.code, str(p.title)) for p in disclosure.points()],
        ),
    ),
    primary_key=("project_id", "stage"),
    foreign_keys=(
        ForeignKey("project_id", "projects", "id"),
        _to_cities(),
        _to_states("country"),
    ),
)

# Keyed as the catalogue's datasets.
SCHEMAS: dict[str, Schema] = {
    "member-states": MEMBER_STATES,
    "cities": CITIES,
    "officers": OFFICERS,
    "framework": FRAMEWORK,
    "projects": PROJECTS,
    "project-disclosure": PROJECT_DISCLOSURE,
    "action-plans": ACTION_PLANS,
    "meetings": MEETINGS,
    "agreements": AGREEMENTS,
    "organisations": ORGANISATIONS,
    "programmes": PROGRAMMES,
    "case-studies": CASE_STUDIES,
    "partnerships": PARTNERSHIPS,
    "indicator-values": INDICATOR_VALUES,
}
