"""The open-data catalogue (SPEC C9): every public dataset and its downloads.

A dataset is one of the public tables (``tables``). The same table is served as CSV, XLSX
and JSON (``/data/<key>.<fmt>``, written by ``spreadsheets``), so the three never disagree;
the catalogue page and the DCAT-AP description (``dcat``, ``/data/catalog.jsonld`` and
``/data/catalog.ttl``) list them with the API and the standard formats (OC4IDS, iCalendar)
that already exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Max, Min, Model, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ascn.core import languages
from ascn.meetings.models import Meeting
from ascn.network.models import Appointment, City, MemberState
from ascn.opendata import tables
from ascn.plans.models import ActionPlan, Project

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
OC4IDS_LICENCE_URL = "https://www.apache.org/licenses/LICENSE-2.0"
PUBLISHER = "ASEAN Smart Cities Network (ASCN)"
OC4IDS_STANDARD = "https://standard.open-contracting.org/infrastructure/0.9/en/"
ICALENDAR_STANDARD = "https://www.rfc-editor.org/rfc/rfc5545"

MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "ics": "text/calendar",
}
FORMAT_NAMES = {"csv": "CSV", "xlsx": "XLSX", "json": "JSON", "ics": "iCalendar"}
FILE_FORMATS = ("csv", "xlsx", "json")
# The Frictionless Data Package whose table schemas the CSVs conform to (``datapackage``).
DATAPACKAGE_PATH = "/data/datapackage.json"
FORMAT_DESCRIPTIONS = {
    "csv": _(
        "Comma-separated values, UTF-8 with a byte-order mark, one header row and one row "
        "per record; lists inside a cell are separated by semicolons."
    ),
    "xlsx": _(
        "An Excel workbook: a sheet with the same header and rows as the CSV, and a "
        "“Data dictionary” sheet describing each column."
    ),
    "json": _('JSON: {"items": [...]}, one object per record, keyed by the CSV\'s column names.'),
}
# The span of the ASCN's records when a dataset has no dates of its own: the network was
# launched at the 32nd ASEAN Summit in April 2018 (network/seed/timeline.yaml).
NETWORK_LAUNCHED = dt.date(2018, 4, 1)


@dataclass(frozen=True)
class Distribution:
    title: str
    url: str  # a path on this site; made absolute by the caller
    media_type: str
    format: str
    download: bool = True  # a file (dcat:downloadURL) rather than a service (dcat:accessURL)
    description: Any = ""
    key: str = ""  # names the distribution within its dataset (its DCAT IRI's fragment)
    conforms_to: str = ""  # the IRI of the standard the file follows, if any


@dataclass(frozen=True)
class Span:
    """When a dataset's records were first published and last changed, and the period of
    time they cover (``None`` where unknown)."""

    issued: dt.datetime | None
    modified: dt.datetime | None
    start: dt.date | None
    end: dt.date | None


@dataclass
class Dataset:
    key: str
    title: Any
    description: Any
    # The whole table; a dataset with ``in_state`` also takes ``where=`` (``table_of``).
    table: Callable[..., tables.Table]
    # The records whose latest update is the dataset's (None: its tables keep no update time).
    updated: Callable[[], QuerySet] | None = None
    page: str = ""  # the human page of these records
    api: str = ""  # the API list path, when the API serves them
    extra: list[Distribution] = field(default_factory=list)
    note: Any = ""
    flags_sample: bool = False  # whether to say when a record of it is sample data
    keywords: tuple[Any, ...] = ()
    themes: tuple[str, ...] = ()  # codes of the EU data-theme vocabulary (dcat.THEMES)
    # The fields of the records giving the period they cover (start, end); a year field
    # counts from 1 January to 31 December. None: from the network's launch.
    coverage: tuple[str, str | None] | None = None
    # For a dataset whose records keep no time: the year its content was published.
    published: str = ""
    # Its rows of one member state: the condition, given the state's code, on the records its
    # table reads (and ``updated`` reads). None: its rows belong to no member state.
    in_state: Callable[[str], Q] | None = None

    @property
    def has_member_state(self) -> bool:
        return self.in_state is not None

    def table_of(self, member_state: str | None = None) -> tables.Table:
        """The table, or only the rows of ``member_state`` (a code; the dataset must have
        ``in_state``)."""
        if member_state is None:
            return self.table()
        if self.in_state is None:
            raise ValueError(f"The dataset {self.key} has no member state.")
        return self.table(where=self.in_state(member_state))

    @property
    def tracks_updates(self) -> bool:
        return self.updated is not None

    def modified(self) -> dt.datetime | None:
        if self.updated is None:
            return None
        return self.updated().order_by().aggregate(at=Max("updated_at"))["at"]

    def span(self) -> Span:
        """Issued, modified and the covered period, in one query over the public records."""
        if self.updated is None:
            return Span(None, None, None, None)
        columns: dict[str, Any] = {"issued": Min("created_at"), "modified": Max("updated_at")}
        if self.coverage:
            first, last = self.coverage
            columns["start"] = Min(first)
            if last:  # else a register: it covers the time up to its last change
                columns["end"] = Max(Coalesce(last, first))
        found = self.updated().order_by().aggregate(**columns)
        start, end = found.get("start"), found.get("end")
        if isinstance(start, int):  # a year
            start = dt.date(start, 1, 1)
        if isinstance(end, int):
            end = dt.date(end, 12, 31)
        modified = found["modified"]
        if end is None and modified is not None:
            end = modified.date()
        return Span(found["issued"], modified, start or NETWORK_LAUNCHED, end)

    def includes_sample(self) -> bool:
        """Whether any public record of the dataset is illustrative sample data."""
        return bool(
            self.flags_sample and self.updated and self.updated().filter(sample=True).exists()
        )

    @property
    def page_url(self) -> str:
        """The dataset's page on the site, in the language of the page reading it; "" when
        the site has none."""
        if not self.page or not _exists(self.page):
            return ""
        return languages.in_language(self.page, translation.get_language() or "")

    def distributions(self) -> list[Distribution]:
        items = [
            Distribution(
                f"{self.title} ({FORMAT_NAMES[fmt]})",
                f"/data/{self.key}.{fmt}",
                MEDIA_TYPES[fmt],
                FORMAT_NAMES[fmt],
                description=FORMAT_DESCRIPTIONS[fmt],
                key=fmt,
            )
            for fmt in FILE_FORMATS
        ]
        if self.api and _exists(self.api):
            items.append(
                Distribution(
                    f"{self.title} (API)",
                    self.api,
                    "application/json",
                    "JSON",
                    download=False,
                    description=_(
                        "The JSON API's list of these records, paginated and filterable; "
                        "described in the OpenAPI document at /api/v1/openapi.json."
                    ),
                    key="api",
                )
            )
        items += [d for d in self.extra if _exists(d.url)]
        return items


def _exists(path: str) -> bool:
    """Whether ``path`` (unprefixed: the English page's) is an address of the site, whatever
    the language of the page asking (a prefix resolves only in its own language)."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            resolve(path.split("?", 1)[0])
        except Resolver404:
            return False
    return True


def _public(model: type[Model]) -> Callable[[], QuerySet]:
    return lambda: model._default_manager.filter(visibility="public")


def _state_is(path: str) -> Callable[[str], Q]:
    """The records whose member state, reached by ``path``, has the given code."""
    return lambda code: Q(**{path: code})


_city_in_state = _state_is("city__member_state__code")


def _either_city_in_state(code: str) -> Q:
    """A city partnership of a state: its ASCN city or its partner city (when an ASCN city)
    is in it."""
    return _city_in_state(code) | Q(partner_city__member_state__code=code)


def _works_in(code: str) -> Q:
    """An organisation "works in" the states of its ``countries``: the organisations list's
    filter (``partners.queries.organisations_for(country=…)``, through the same derived
    column). Its headquarters may be in any country of the world, so it is not used."""
    return Q(match_keys__contains=f" c:{code} ")


# --- the catalogue --------------------------------------------------------------------------


def datasets() -> list[Dataset]:
    return [
        Dataset(
            "member-states",
            _("Member states"),
            _("The ASEAN member states and how many ASCN cities each has."),
            tables.member_states_table,
            updated=MemberState.objects.all,
            page="/member-states/",
            api="/api/v1/member-states",
            keywords=("ASEAN", "member states", "countries"),
            themes=("GOVE", "INTR", "REGI"),
            in_state=_state_is("code"),
        ),
        Dataset(
            "cities",
            _("Cities"),
            _(
                "The ASCN cities: member state, the year each joined (cohort), coordinates, "
                "population with its year and source, and size class."
            ),
            tables.cities_table,
            updated=City.objects.all,
            page="/cities/",
            api="/api/v1/cities",
            keywords=("smart cities", "cities", "population", "ASCN cohort"),
            themes=("REGI", "SOCI"),
            coverage=("cohort", None),
            in_state=_state_is("member_state__code"),
        ),
        Dataset(
            "officers",
            _("Officers"),
            _(
                "The current Chief Smart City Officers and National Representatives: name, "
                "role, city or member state, designation as published. No contact details."
            ),
            tables.officers_table,
            updated=Appointment.objects.all,
            page="/people/",
            keywords=("Chief Smart City Officers", "National Representatives", "public officials"),
            themes=("GOVE",),
            coverage=("start_date", None),
            in_state=_state_is("member_state__code"),
        ),
        Dataset(
            "framework",
            _("ASEAN Smart Cities Framework"),
            _("The framework's three strategic outcomes and six development focus areas."),
            tables.framework_table,
            api="/api/v1/framework",
            keywords=("ASEAN Smart Cities Framework", "strategic outcomes", "focus areas"),
            themes=("GOVE", "REGI"),
            published="2018",  # the ASEAN Smart Cities Framework (2018)
        ),
        Dataset(
            "projects",
            _("Projects"),
            _(
                "The public priority projects of the ASCN cities: focus areas, OC4IDS status, "
                "budget, funding secured, financing sought, period and location."
            ),
            tables.projects_table,
            updated=_public(Project),
            page="/projects/",
            api="/api/v1/projects",
            extra=[
                Distribution(
                    "OC4IDS 0.9.5 project package",
                    "/api/v1/exports/oc4ids",
                    "application/json",
                    "OC4IDS",
                    description=_(
                        "The public projects as an Open Contracting for Infrastructure Data "
                        "Standard (OC4IDS) 0.9.5 project package."
                    ),
                    key="oc4ids",
                    conforms_to=OC4IDS_STANDARD,
                )
            ],
            note=_(
                "The CSV and XLSX have the columns of the bulk-import template, so a file can "
                "be imported again. Codes follow the OC4IDS 0.9.5 codelists."
            ),
            flags_sample=True,
            keywords=("smart city projects", "infrastructure", "OC4IDS", "investment", "financing"),
            themes=("REGI", "ECON", "TECH"),
            coverage=("period_start", "period_end"),
            in_state=_city_in_state,
        ),
        Dataset(
            "project-disclosure",
            _("Project disclosure (CoST IDS)"),
            _(
                "For each public project and each stage of the CoST Infrastructure Data "
                "Standard (identification, preparation): the data points it holds, their "
                "number, the share in per cent and the codes of those missing."
            ),
            tables.project_disclosure_table,
            updated=_public(Project),
            page="/projects/",
            note=_(
                "Each public project's page lists the points of each stage and the ones "
                "missing; the Data Package (datapackage.json) describes every column."
            ),
            keywords=("CoST IDS", "disclosure", "transparency", "infrastructure"),
            themes=("GOVE", "REGI"),
            in_state=_city_in_state,
        ),
        Dataset(
            "action-plans",
            _("Smart City Action Plans"),
            _("The published action plans of the ASCN cities."),
            tables.action_plans_table,
            updated=_public(ActionPlan),
            page="/plans/",
            api="/api/v1/action-plans",
            flags_sample=True,
            keywords=("Smart City Action Plans", "urban planning", "strategy"),
            themes=("REGI", "GOVE"),
            coverage=("period_start", "period_end"),
            in_state=_city_in_state,
        ),
        Dataset(
            "meetings",
            _("Meetings"),
            _("The network's meetings: annual meetings, workshops, summits and roundtables."),
            tables.meetings_table,
            updated=Meeting.objects.all,
            page="/meetings/",
            api="/api/v1/meetings",
            flags_sample=True,
            extra=[
                Distribution(
                    "Meetings calendar (iCalendar)",
                    "/api/v1/meetings.ics",
                    MEDIA_TYPES["ics"],
                    "iCalendar",
                    description=_(
                        "The meetings as an iCalendar feed (RFC 5545) to subscribe to in a "
                        "calendar application."
                    ),
                    key="ics",
                    conforms_to=ICALENDAR_STANDARD,
                )
            ],
            keywords=("meetings", "workshops", "summits", "events"),
            themes=("INTR", "GOVE"),
            coverage=("start_date", "end_date"),
            in_state=_state_is("host_member_state__code"),
        ),
        Dataset(
            "agreements",
            _("Agreements"),
            _("Public agreements of the network: MoUs, grants, loans, partnerships, twinnings."),
            tables.agreements_table,
            updated=tables.public_agreements,
            page="/agreements/",
            api="/api/v1/agreements",
            keywords=("agreements", "memoranda of understanding", "grants", "loans", "twinning"),
            themes=("INTR", "ECON"),
            coverage=("signed_date", "signed_date"),
        ),
        Dataset(
            "organisations",
            _("Partner organisations"),
            _(
                "Public partner organisations: kind, countries, focus areas, financing "
                "instruments, ticket size (USD) and verification."
            ),
            tables.organisations_table,
            updated=tables.public_organisations,
            page="/organisations/",
            api="/api/v1/organisations",
            flags_sample=True,
            keywords=("development partners", "investors", "financing institutions"),
            themes=("ECON", "INTR"),
            in_state=_works_in,
        ),
        Dataset(
            "programmes",
            _("Funding programmes"),
            _("Public funding programmes: sponsor, total, awarded and balance, eligibility."),
            tables.programmes_table,
            updated=tables.public_programmes,
            page="/programmes/",
            api="/api/v1/programmes",
            flags_sample=True,
            keywords=("funding programmes", "grants", "development finance"),
            themes=("ECON",),
            coverage=("period_start", "period_end"),
        ),
        Dataset(
            "case-studies",
            _("Case studies"),
            _("The knowledge bank's public case studies: problem, solution and results."),
            tables.case_studies_table,
            updated=tables.public_case_studies,
            page="/cooperation/",
            api="/api/v1/case-studies",
            flags_sample=True,
            keywords=("case studies", "good practice", "knowledge bank"),
            themes=("REGI", "TECH"),
            in_state=_city_in_state,
        ),
        Dataset(
            "partnerships",
            _("City partnerships"),
            _("Public twinnings and partnerships between ASCN cities and other cities."),
            tables.partnerships_table,
            updated=tables.public_partnerships,
            page="/cooperation/",
            api="/api/v1/partnerships",
            flags_sample=True,
            keywords=("city partnerships", "twinning", "city-to-city cooperation"),
            themes=("REGI", "INTR"),
            coverage=("start_date", "end_date"),
            in_state=_either_city_in_state,
        ),
        Dataset(
            "indicator-values",
            _("City indicator values"),
            _(
                "The cities' public values of the SDG 11 indicators and U4SSC key performance "
                "indicators, by year, with their source, verification and data-quality grade."
            ),
            tables.indicator_values_table,
            updated=tables.public_indicator_values,
            page="/cities/compare/",
            api="/api/v1/indicator-values",
            flags_sample=True,
            keywords=("city indicators", "SDG 11", "U4SSC", "key performance indicators"),
            themes=("REGI", "SOCI"),
            in_state=_city_in_state,
        ),
    ]


def dataset(key: str) -> Dataset | None:
    return next((d for d in datasets() if d.key == key), None)
