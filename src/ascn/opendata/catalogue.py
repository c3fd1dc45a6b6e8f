"""The open-data catalogue (SPEC C9): every public dataset, its downloads, and DCAT.

A dataset is what anonymous may see of one kind of record, as a table: one header row and
one row per record. The same table is served as CSV, XLSX and JSON (``/data/<key>.<fmt>``),
so the three never disagree; the catalogue page and the DCAT description
(``/data/catalog.jsonld``) list them with the API and the standard formats (OC4IDS,
iCalendar) that already exist.

The projects table has exactly the columns of the bulk-import template
(``imports.COLUMNS``), so a downloaded file can be read back by the importer.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max, QuerySet
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from ascn.agreements.models import Agreement
from ascn.cooperation.models import CaseStudy, CityPartnership
from ascn.funding.models import Programme
from ascn.meetings.models import Meeting
from ascn.network import queries
from ascn.network.models import Appointment, City, FocusArea, MemberState, Outcome
from ascn.opendata.imports import COLUMN_NAMES
from ascn.opendata.spreadsheets import csv_bytes, xlsx_fit_columns, xlsx_write_rows
from ascn.partners.models import Organisation
from ascn.plans.models import ActionPlan, Project
from ascn.plans.permissions import plan_policy, project_policy

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
OC4IDS_LICENCE_URL = "https://www.apache.org/licenses/LICENSE-2.0"
PUBLISHER = "ASEAN Smart Cities Network (ASCN)"

MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "ics": "text/calendar",
}
FORMAT_NAMES = {"csv": "CSV", "xlsx": "XLSX", "json": "JSON", "ics": "iCalendar"}
FILE_FORMATS = ("csv", "xlsx", "json")


def anonymous() -> AnonymousUser:
    return AnonymousUser()


@dataclass(frozen=True)
class Distribution:
    title: str
    url: str  # a path on this site; made absolute by the caller
    media_type: str
    format: str
    download: bool = True  # a file (dcat:downloadURL) rather than a service (dcat:accessURL)


@dataclass
class Dataset:
    key: str
    title: Any
    description: Any
    table: Callable[[], tuple[list[str], list[list[Any]]]]
    modified: Callable[[], dt.datetime | None]
    page: str = ""  # the human page of these records
    api: str = ""  # the API list path, when the API serves them
    extra: list[Distribution] = field(default_factory=list)
    note: Any = ""
    records: Callable[[], QuerySet] | None = None  # the public records, for the sample flag
    tracks_updates: bool = True  # False: its tables keep no update time

    def includes_sample(self) -> bool:
        """Whether any public record of the dataset is illustrative sample data."""
        return bool(self.records and self.records().filter(sample=True).exists())

    @property
    def page_url(self) -> str:
        return self.page if self.page and _exists(self.page) else ""

    def distributions(self) -> list[Distribution]:
        items = [
            Distribution(
                f"{self.title} ({FORMAT_NAMES[fmt]})",
                f"/data/{self.key}.{fmt}",
                MEDIA_TYPES[fmt],
                FORMAT_NAMES[fmt],
            )
            for fmt in FILE_FORMATS
        ]
        if self.api and _exists(self.api):
            items.append(
                Distribution(
                    f"{self.title} (API)", self.api, "application/json", "JSON", download=False
                )
            )
        items += [d for d in self.extra if _exists(d.url)]
        return items


def _exists(path: str) -> bool:
    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def _max_updated(qs: QuerySet) -> Callable[[], dt.datetime | None]:
    return lambda: qs.order_by().aggregate(at=Max("updated_at"))["at"]


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ";".join(str(item) for item in value)
    return value


# --- the tables -----------------------------------------------------------------------------


def member_states_table():

    header = ["code", "name", "official_name", "asean_member_since", "ascn_cities"]
    rows = [
        [s.code, s.name, s.official_name, s.asean_member_since, s.cities_count]
        for s in queries.member_states()
    ]
    return header, rows


def cities_table():

    header = [
        "slug",
        "name",
        "member_state",
        "cohort",
        "population",
        "population_year",
        "population_source",
        "size_class",
        "lat",
        "lon",
    ]
    rows = [
        [
            c.slug,
            c.name,
            c.member_state.code,
            c.cohort,
            c.population,
            c.population_year,
            c.population_source,
            c.size_class or "",
            float(c.latitude),
            float(c.longitude),
        ]
        for c in City.objects.select_related("member_state").order_by("name")
    ]
    return header, rows


def officers_table():
    """The current officers' public fields: never their e-mail or phone."""

    header = ["name", "role", "member_state", "city", "designation", "start_date", "source"]
    rows = [
        [
            a.person.full_name,
            a.role,
            a.member_state.code if a.member_state_id else "",
            a.city.slug if a.city_id else "",
            a.designation,
            a.start_date,
            a.source,
        ]
        for a in queries.directory()
    ]
    return header, rows


def framework_table():

    header = ["kind", "code", "name", "description"]
    rows = [["outcome", o.code, o.name, o.description] for o in Outcome.objects.all()]
    rows += [["focus_area", a.code, a.name, a.description] for a in FocusArea.objects.all()]
    return header, rows


def public_projects() -> QuerySet:

    return project_policy.visible(anonymous(), Project.objects.all()).order_by()


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


PROJECT_FIELDS = (
    "id",
    "city__slug",
    "title",
    "description",
    "status",
    "budget_amount",
    "budget_currency",
    "funding_secured",
    "sdg_targets",
    "project_type",
    "sectors",
    "financing_sought",
    "period_start",
    "period_end",
    "locations",
)


def _codes_by_project(relation, projects: QuerySet, code_path: str) -> dict[int, list[str]]:
    """Project id → the codes of one many-to-many relation, in one query."""
    codes: dict[int, list[str]] = {}
    rows = (
        relation.through.objects.filter(project_id__in=projects.values("pk"))
        .order_by("project_id", code_path)
        .values_list("project_id", code_path)
    )
    for project_id, code in rows:
        codes.setdefault(project_id, []).append(code)
    return codes


def project_row(values: dict[str, Any], areas: list[str], outcomes: list[str]) -> list[Any]:
    """A project in the import template's columns (``imports.COLUMN_NAMES``), as text."""
    locations = values["locations"] or []
    location = locations[0] if locations else {}
    start, end = values["period_start"], values["period_end"]
    row = {
        "city": values["city__slug"],
        "title": values["title"],
        "description": values["description"],
        "focus_areas": ";".join(areas),
        "status": values["status"],
        "budget_amount": _money(values["budget_amount"]),
        "budget_currency": values["budget_currency"],
        "funding_secured": _money(values["funding_secured"]),
        "outcomes": ";".join(outcomes),
        "sdg_targets": _cell(values["sdg_targets"] or []),
        "project_type": values["project_type"],
        "sectors": _cell(values["sectors"] or []),
        "financing_sought": _cell(values["financing_sought"] or []),
        "period_start": start.isoformat() if start else "",
        "period_end": end.isoformat() if end else "",
        "location_description": location.get("description", ""),
        "lat": "" if location.get("lat") is None else str(location["lat"]),
        "lon": "" if location.get("lon") is None else str(location["lon"]),
    }
    return [row[name] for name in COLUMN_NAMES]


def projects_table():
    """Three queries whatever the number of projects: the rows, their focus areas, outcomes."""

    projects = public_projects()
    areas = _codes_by_project(Project.focus_areas, projects, "focusarea__code")
    outcomes = _codes_by_project(Project.outcomes, projects, "outcome__code")
    rows = [
        project_row(values, areas.get(values["id"], []), outcomes.get(values["id"], []))
        for values in projects.order_by("city__slug", "title", "id").values(*PROJECT_FIELDS)
    ]
    return list(COLUMN_NAMES), rows


def action_plans_table():

    plans = (
        plan_policy.visible(anonymous(), ActionPlan.objects.all())
        .select_related("city__member_state")
        .prefetch_related("focus_areas", "outcomes")
        .order_by("city__slug", "-period_start", "id")
    )
    header = [
        "id",
        "city",
        "member_state",
        "title",
        "period_start",
        "period_end",
        "status",
        "outcomes",
        "focus_areas",
        "vision",
    ]
    rows = [
        [
            p.pk,
            p.city.slug,
            p.city.member_state.code,
            p.title,
            p.period_start,
            p.period_end,
            p.status,
            ";".join(o.code for o in p.outcomes.all()),
            ";".join(a.code for a in p.focus_areas.all()),
            p.vision,
        ]
        for p in plans
    ]
    return header, rows


def meetings_table():

    header = [
        "slug",
        "title",
        "kind",
        "start_date",
        "end_date",
        "date_precision",
        "host_member_state",
        "host_city",
        "place",
        "format",
        "source",
    ]
    rows = [
        [
            m.slug,
            m.title,
            m.kind,
            m.start_date,
            m.end_date,
            m.date_precision,
            m.host_member_state.code if m.host_member_state_id else "",
            m.host_city.slug if m.host_city_id else "",
            m.place,
            m.format,
            m.source,
        ]
        for m in Meeting.objects.select_related("host_member_state", "host_city").order_by(
            "start_date", "slug"
        )
    ]
    return header, rows


def agreements_table():
    header = [
        "slug",
        "title",
        "kind",
        "status",
        "signed_date",
        "signed_date_precision",
        "signed_place",
        "meeting",
        "description",
        "source",
    ]
    rows = [
        [
            a.slug,
            a.title,
            a.kind,
            a.status,
            a.signed_date,
            a.signed_date_precision,
            a.signed_place,
            a.meeting.slug if a.meeting_id else "",
            a.description,
            a.source,
        ]
        for a in public_agreements().select_related("meeting").order_by("signed_date", "slug")
    ]
    return header, rows


def public_agreements() -> QuerySet:

    return Agreement.objects.filter(visibility="public")


def public_organisations() -> QuerySet:

    return Organisation.objects.filter(visibility="public")


def organisations_table():
    header = [
        "slug",
        "name",
        "kind",
        "headquarters_country",
        "countries",
        "focus_areas",
        "instruments",
        "stages",
        "ticket_min_usd",
        "ticket_max_usd",
        "verified",
        "website",
        "description",
    ]
    rows = [
        [
            o.slug,
            o.name,
            o.kind,
            o.headquarters_country,
            _cell(o.countries),
            _cell(o.focus_areas),
            _cell(o.instruments),
            _cell(o.stages),
            o.ticket_min_usd,
            o.ticket_max_usd,
            o.verified,
            o.website,
            o.description,
        ]
        for o in public_organisations().order_by("name")
    ]
    return header, rows


def public_programmes() -> QuerySet:

    return Programme.objects.filter(visibility="public")


def programmes_table():
    header = [
        "slug",
        "name",
        "sponsor",
        "currency",
        "total_amount",
        "awarded_amount",
        "balance",
        "period_start",
        "period_end",
        "eligible_countries",
        "eligible_focus_areas",
        "instruments",
        "website",
    ]
    rows = [
        [
            p.slug,
            p.name,
            p.sponsor.slug,
            p.currency,
            p.total_amount,
            p.awarded_amount,
            p.total_amount - p.awarded_amount,
            p.period_start,
            p.period_end,
            _cell(p.eligible_countries),
            _cell(p.eligible_focus_areas),
            _cell(p.instruments),
            p.website,
        ]
        for p in public_programmes().select_related("sponsor").order_by("name")
    ]
    return header, rows


def public_case_studies() -> QuerySet:

    return CaseStudy.objects.filter(visibility="public")


def case_studies_table():
    header = [
        "slug",
        "title",
        "city",
        "focus_area",
        "provider",
        "problem",
        "solution",
        "results",
        "source",
    ]
    rows = [
        [
            c.slug,
            c.title,
            c.city.slug if c.city_id else "",
            c.focus_area.code if c.focus_area_id else "",
            c.provider_name,
            c.problem,
            c.solution,
            c.results,
            c.source,
        ]
        for c in public_case_studies().select_related("city", "focus_area").order_by("title")
    ]
    return header, rows


def public_partnerships() -> QuerySet:

    return CityPartnership.objects.filter(visibility="public")


def partnerships_table():
    header = [
        "id",
        "city",
        "partner_city",
        "partner_name",
        "partner_country",
        "purpose",
        "start_date",
        "end_date",
        "outcomes",
        "source",
    ]
    rows = [
        [
            p.pk,
            p.city.slug,
            p.partner_city.slug if p.partner_city_id else "",
            p.partner_name,
            p.partner_country,
            p.purpose,
            p.start_date,
            p.end_date,
            p.outcomes,
            p.source,
        ]
        for p in public_partnerships().select_related("city", "partner_city").order_by("id")
    ]
    return header, rows


# --- the catalogue --------------------------------------------------------------------------


def datasets() -> list[Dataset]:

    return [
        Dataset(
            "member-states",
            _("Member states"),
            _("The ASEAN member states and how many ASCN cities each has."),
            member_states_table,
            _max_updated(MemberState.objects.all()),
            page="/member-states/",
            api="/api/v1/member-states",
        ),
        Dataset(
            "cities",
            _("Cities"),
            _(
                "The ASCN cities: member state, the year each joined (cohort), coordinates, "
                "population with its year and source, and size class."
            ),
            cities_table,
            _max_updated(City.objects.all()),
            page="/cities/",
            api="/api/v1/cities",
        ),
        Dataset(
            "officers",
            _("Officers"),
            _(
                "The current Chief Smart City Officers and National Representatives: name, "
                "role, city or member state, designation as published. No contact details."
            ),
            officers_table,
            _max_updated(Appointment.objects.all()),
            page="/people/",
        ),
        Dataset(
            "framework",
            _("ASEAN Smart Cities Framework"),
            _("The framework's three strategic outcomes and six development focus areas."),
            framework_table,
            lambda: None,
            tracks_updates=False,
            api="/api/v1/framework",
        ),
        Dataset(
            "projects",
            _("Projects"),
            _(
                "The public priority projects of the ASCN cities: focus areas, OC4IDS status, "
                "budget, funding secured, financing sought, period and location."
            ),
            projects_table,
            _max_updated(Project.objects.filter(visibility="public")),
            page="/projects/",
            api="/api/v1/projects",
            extra=[
                Distribution(
                    "OC4IDS 0.9.5 project package",
                    "/api/v1/exports/oc4ids",
                    "application/json",
                    "OC4IDS",
                )
            ],
            note=_(
                "The CSV and XLSX have the columns of the bulk-import template, so a file can "
                "be imported again. Codes follow the OC4IDS 0.9.5 codelists."
            ),
            records=lambda: Project.objects.filter(visibility="public"),
        ),
        Dataset(
            "action-plans",
            _("Smart City Action Plans"),
            _("The published action plans of the ASCN cities."),
            action_plans_table,
            _max_updated(ActionPlan.objects.filter(visibility="public")),
            page="/plans/",
            api="/api/v1/action-plans",
            records=lambda: ActionPlan.objects.filter(visibility="public"),
        ),
        Dataset(
            "meetings",
            _("Meetings"),
            _("The network's meetings: annual meetings, workshops, summits and roundtables."),
            meetings_table,
            _max_updated(Meeting.objects.all()),
            page="/meetings/",
            api="/api/v1/meetings",
            extra=[
                Distribution(
                    "Meetings calendar (iCalendar)",
                    "/api/v1/meetings.ics",
                    MEDIA_TYPES["ics"],
                    "iCalendar",
                )
            ],
        ),
        Dataset(
            "agreements",
            _("Agreements"),
            _("Public agreements of the network: MoUs, grants, loans, partnerships, twinnings."),
            agreements_table,
            _max_updated(public_agreements()),
            page="/agreements/",
            api="/api/v1/agreements",
        ),
        Dataset(
            "organisations",
            _("Partner organisations"),
            _(
                "Public partner organisations: kind, countries, focus areas, financing "
                "instruments, ticket size (USD) and verification."
            ),
            organisations_table,
            _max_updated(public_organisations()),
            page="/organisations/",
            api="/api/v1/organisations",
            records=public_organisations,
        ),
        Dataset(
            "programmes",
            _("Funding programmes"),
            _("Public funding programmes: sponsor, total, awarded and balance, eligibility."),
            programmes_table,
            _max_updated(public_programmes()),
            page="/programmes/",
            api="/api/v1/programmes",
            records=public_programmes,
        ),
        Dataset(
            "case-studies",
            _("Case studies"),
            _("The knowledge bank's public case studies: problem, solution and results."),
            case_studies_table,
            _max_updated(public_case_studies()),
            page="/cooperation/",
            api="/api/v1/case-studies",
        ),
        Dataset(
            "partnerships",
            _("City partnerships"),
            _("Public twinnings and partnerships between ASCN cities and other cities."),
            partnerships_table,
            _max_updated(public_partnerships()),
            page="/cooperation/",
            api="/api/v1/partnerships",
        ),
    ]


def dataset(key: str) -> Dataset | None:
    return next((d for d in datasets() if d.key == key), None)


# --- the files ------------------------------------------------------------------------------


def _text(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def as_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    return csv_bytes([header, *([_text(v) for v in row] for row in rows)])


def as_xlsx(header: list[str], rows: list[list[Any]], sheet_name: str) -> bytes:
    import openpyxl  # noqa: PLC0415 - start-up: openpyxl loads only when a spreadsheet is written

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]
    xlsx_write_rows(sheet, [header, *([_text(v) for v in row] for row in rows)])
    xlsx_fit_columns(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_json(header: list[str], rows: list[list[Any]]) -> bytes:
    items = [
        {name: _json_value(value) for name, value in zip(header, row, strict=True)} for row in rows
    ]
    return json.dumps({"items": items, "count": len(items)}, ensure_ascii=False).encode()


# --- DCAT -----------------------------------------------------------------------------------

DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def dcat_catalog(base_url: str) -> dict[str, Any]:
    """The catalogue as DCAT 2 in JSON-LD, every URL absolute on ``base_url``."""
    base = base_url.rstrip("/")
    entries = []
    for item in datasets():
        modified = item.modified()
        entry: dict[str, Any] = {
            "@id": f"{base}/data/#{item.key}",
            "@type": "dcat:Dataset",
            "dct:identifier": item.key,
            "dct:title": str(item.title),
            "dct:description": str(item.description),
            "dct:license": {"@id": LICENCE_URL},
            "dct:publisher": {"@type": "foaf:Organization", "foaf:name": PUBLISHER},
            "dcat:distribution": [
                {
                    "@type": "dcat:Distribution",
                    "dct:title": d.title,
                    ("dcat:downloadURL" if d.download else "dcat:accessURL"): {"@id": base + d.url},
                    "dcat:accessURL": {"@id": base + d.url},
                    "dcat:mediaType": d.media_type,
                    "dct:format": d.format,
                    "dct:license": {"@id": LICENCE_URL},
                }
                for d in item.distributions()
            ],
        }
        if modified:
            entry["dct:modified"] = {"@value": modified.isoformat(), "@type": "xsd:dateTime"}
        if item.page_url:
            entry["dcat:landingPage"] = {"@id": base + item.page_url}
        entries.append(entry)
    return {
        "@context": DCAT_CONTEXT,
        "@id": f"{base}/data/catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": "ASCN Platform open data",
        "dct:description": (
            "The public records of the ASEAN Smart Cities Network: member states, cities, "
            "officers, the ASEAN Smart Cities Framework, projects, action plans, meetings, "
            "agreements, partners, funding programmes and cooperation."
        ),
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": PUBLISHER},
        "dct:license": {"@id": LICENCE_URL},
        "foaf:homepage": {"@id": f"{base}/data/"},
        "dcat:dataset": entries,
    }
