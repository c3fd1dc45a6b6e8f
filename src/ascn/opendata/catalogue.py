"""The open-data catalogue (SPEC C9): every public dataset, its downloads, and DCAT.

A dataset is one of the public tables (``tables``). The same table is served as CSV, XLSX
and JSON (``/data/<key>.<fmt>``, written by ``spreadsheets``), so the three never disagree;
the catalogue page and the DCAT description (``/data/catalog.jsonld``) list them with the API
and the standard formats (OC4IDS, iCalendar) that already exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Model, QuerySet
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from ascn.meetings.models import Meeting
from ascn.network.models import Appointment, City, MemberState
from ascn.opendata import tables
from ascn.plans.models import ActionPlan, Project

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
# The Frictionless Data Package whose table schemas the CSVs conform to (``datapackage``).
DATAPACKAGE_PATH = "/data/datapackage.json"


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
    table: Callable[[], tables.Table]
    # The records whose latest update is the dataset's (None: its tables keep no update time).
    updated: Callable[[], QuerySet] | None = None
    page: str = ""  # the human page of these records
    api: str = ""  # the API list path, when the API serves them
    extra: list[Distribution] = field(default_factory=list)
    note: Any = ""
    flags_sample: bool = False  # whether to say when a record of it is sample data

    @property
    def tracks_updates(self) -> bool:
        return self.updated is not None

    def modified(self) -> dt.datetime | None:
        if self.updated is None:
            return None
        return self.updated().order_by().aggregate(at=Max("updated_at"))["at"]

    def includes_sample(self) -> bool:
        """Whether any public record of the dataset is illustrative sample data."""
        return bool(
            self.flags_sample and self.updated and self.updated().filter(sample=True).exists()
        )

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


def _public(model: type[Model]) -> Callable[[], QuerySet]:
    return lambda: model._default_manager.filter(visibility="public")


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
        ),
        Dataset(
            "framework",
            _("ASEAN Smart Cities Framework"),
            _("The framework's three strategic outcomes and six development focus areas."),
            tables.framework_table,
            api="/api/v1/framework",
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
                )
            ],
            note=_(
                "The CSV and XLSX have the columns of the bulk-import template, so a file can "
                "be imported again. Codes follow the OC4IDS 0.9.5 codelists."
            ),
            flags_sample=True,
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
            note=_("The points and how each is counted: docs/plans.md, “Disclosure completeness”."),
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
        ),
        Dataset(
            "meetings",
            _("Meetings"),
            _("The network's meetings: annual meetings, workshops, summits and roundtables."),
            tables.meetings_table,
            updated=Meeting.objects.all,
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
            tables.agreements_table,
            updated=tables.public_agreements,
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
            tables.organisations_table,
            updated=tables.public_organisations,
            page="/organisations/",
            api="/api/v1/organisations",
            flags_sample=True,
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
        ),
        Dataset(
            "case-studies",
            _("Case studies"),
            _("The knowledge bank's public case studies: problem, solution and results."),
            tables.case_studies_table,
            updated=tables.public_case_studies,
            page="/cooperation/",
            api="/api/v1/case-studies",
        ),
        Dataset(
            "partnerships",
            _("City partnerships"),
            _("Public twinnings and partnerships between ASCN cities and other cities."),
            tables.partnerships_table,
            updated=tables.public_partnerships,
            page="/cooperation/",
            api="/api/v1/partnerships",
        ),
    ]


def dataset(key: str) -> Dataset | None:
    return next((d for d in datasets() if d.key == key), None)


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
                    **(
                        {
                            "dct:conformsTo": {
                                "@id": base + DATAPACKAGE_PATH,
                                "@type": "dct:Standard",
                            }
                        }
                        if d.format == "CSV"
                        else {}
                    ),
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
