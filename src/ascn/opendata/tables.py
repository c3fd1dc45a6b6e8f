"""The public tables of the open-data catalogue: what anonymous may see of one kind of record,
as one header row and one row per record (``catalogue`` lists them, ``spreadsheets`` writes
them as CSV, XLSX and JSON).

Each table's columns are its schema's fields (``dictionary.SCHEMAS``): the header comes from
the schema, so the files and their data dictionary cannot drift apart. The projects table has
exactly the columns of the bulk-import template (``imports.COLUMN_NAMES``), so a downloaded
file can be read back by the importer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import partial
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from ascn.agreements.models import Agreement
from ascn.cooperation.models import CaseStudy, CityPartnership
from ascn.funding.queries import public_programmes
from ascn.indicators.models import IndicatorValue
from ascn.meetings.models import Meeting
from ascn.network import queries
from ascn.network.models import City, FocusArea, Outcome
from ascn.opendata import dictionary
from ascn.opendata.imports import COLUMN_NAMES
from ascn.partners.queries import public_organisations
from ascn.plans import disclosure
from ascn.plans.models import Project
from ascn.plans.queries import public_plans, public_projects

Table = tuple[list[str], list[list[Any]]]
# How to get a column's value when it is not the record's attribute of the column's name: a
# dotted path through relations ("" when one is not set), or a function of the record.
How = str | Callable[[Any], Any]


def table(
    records: Iterable[Any], schema: dictionary.Schema, how: dict[str, How] | None = None
) -> Table:
    """The schema's columns of each record; a list value joined by ``;``."""
    how = how or {}
    if unknown := set(how) - set(schema.names):
        raise ValueError(f"Not columns of the schema: {sorted(unknown)}")
    getters = []
    for name in schema.names:
        way = how.get(name, name)
        getters.append(way if callable(way) else partial(_through, way.split(".")))
    return schema.names, [[_cell(get(record)) for get in getters] for record in records]


def _through(path: list[str], record: Any) -> Any:
    for relation in path[:-1]:
        record = getattr(record, relation)
        if record is None:
            return ""
    return getattr(record, path[-1])


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ";".join(str(item) for item in value)
    return value


def only(records: QuerySet, where: Q | None) -> QuerySet:
    """``records`` narrowed to ``where`` (the rows of one member state, ``catalogue``), or
    all of them."""
    return records if where is None else records.filter(where)


def codes(name: str) -> Callable[[Any], Any]:
    """A many-to-many relation's codes, separated by ``;``."""
    return lambda record: ";".join(item.code for item in getattr(record, name).all())


def public_agreements() -> QuerySet:
    return Agreement.objects.filter(visibility="public")


def public_case_studies() -> QuerySet:
    return CaseStudy.objects.filter(visibility="public")


def public_partnerships() -> QuerySet:
    return CityPartnership.objects.filter(visibility="public")


# --- the tables -----------------------------------------------------------------------------


# A table whose rows belong to member states takes ``where``: the condition on its records
# that keeps one state's rows (``catalogue.Dataset.in_state``); the others take none.


def member_states_table(where: Q | None = None) -> Table:
    states = only(queries.member_states(), where)
    return table(states, dictionary.MEMBER_STATES, {"ascn_cities": "cities_count"})


def cities_table(where: Q | None = None) -> Table:
    how: dict[str, How] = {
        "member_state": "member_state.code",
        "size_class": lambda c: c.size_class or "",
        "lat": lambda c: float(c.latitude),
        "lon": lambda c: float(c.longitude),
    }
    cities = only(City.objects.select_related("member_state"), where).order_by("name")
    return table(cities, dictionary.CITIES, how)


def officers_table(where: Q | None = None) -> Table:
    """The current officers' public fields: never their e-mail or phone."""
    how: dict[str, How] = {
        "name": "person.full_name",
        "member_state": "member_state.code",
        "city": "city.slug",
    }
    return table(only(queries.directory(), where), dictionary.OFFICERS, how)


def framework_table() -> Table:
    items = [("outcome", o) for o in Outcome.objects.all()]
    items += [("focus_area", a) for a in FocusArea.objects.all()]
    how: dict[str, How] = {
        "kind": lambda item: item[0],
        "code": lambda item: item[1].code,
        "name": lambda item: item[1].name,
        "description": lambda item: item[1].description,
    }
    return table(items, dictionary.FRAMEWORK, how)


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
    "sample",
)


def _codes_by_project(relation, projects: QuerySet, code_path: str) -> dict[int, list[str]]:
    """Project id → the codes of one many-to-many relation, in one query."""
    found: dict[int, list[str]] = {}
    rows = (
        relation.through.objects.filter(project_id__in=projects.values("pk"))
        .order_by("project_id", code_path)
        .values_list("project_id", code_path)
    )
    for project_id, code in rows:
        found.setdefault(project_id, []).append(code)
    return found


def project_row(values: dict[str, Any], areas: list[str], outcomes: list[str]) -> list[Any]:
    """A project: its id, then the import template's columns (``imports.COLUMN_NAMES``) as
    text — a downloaded file imports again (the import ignores the id) — and whether it is
    sample data."""
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
        # nothing secured of a budget not published: not known, not a zero in no currency
        "funding_secured": ""
        if values["budget_amount"] is None and not values["funding_secured"]
        else _money(values["funding_secured"]),
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
    return [values["id"], *(row[name] for name in COLUMN_NAMES), values["sample"]]


def projects_table(where: Q | None = None) -> Table:
    """Three queries whatever the number of projects: the rows, their focus areas, outcomes."""
    return dictionary.PROJECTS.names, [row for _id, row in project_rows_by_id(where)]


def project_rows_by_id(where: Q | None = None) -> list[tuple[int, list[Any]]]:
    """The projects table's rows, each with its project's id (the dated releases key each
    row by it, to tell a changed project from a removed one and an added one)."""
    projects = only(public_projects(), where)
    areas = _codes_by_project(Project.focus_areas, projects, "focusarea__code")
    outcomes = _codes_by_project(Project.outcomes, projects, "outcome__code")
    return [
        (
            values["id"],
            project_row(values, areas.get(values["id"], []), outcomes.get(values["id"], [])),
        )
        for values in projects.order_by("city__slug", "title", "id").values(*PROJECT_FIELDS)
    ]


def project_disclosure_table(where: Q | None = None) -> Table:
    """Per public project and CoST IDS stage, the data points held (one query)."""
    rows = [
        [
            project["id"],
            project["city__slug"],
            project["city__member_state__code"],
            stage.stage,
            stage.held,
            stage.total,
            stage.share,
            ";".join(p.code for p in stage.missing),
        ]
        for project, found in disclosure.disclosures(only(public_projects(), where))
        for stage in found.stages
    ]
    return dictionary.PROJECT_DISCLOSURE.names, rows


def action_plans_table(where: Q | None = None) -> Table:
    plans = (
        only(public_plans(), where)
        .select_related("city__member_state")
        .prefetch_related("focus_areas", "outcomes")
        .order_by("city__slug", "-period_start", "id")
    )
    how: dict[str, How] = {
        "id": "pk",
        "city": "city.slug",
        "member_state": "city.member_state.code",
        "outcomes": codes("outcomes"),
        "focus_areas": codes("focus_areas"),
    }
    return table(plans, dictionary.ACTION_PLANS, how)


def meetings_table(where: Q | None = None) -> Table:
    meetings = only(Meeting.objects.select_related("host_member_state", "host_city"), where)
    how: dict[str, How] = {
        "host_member_state": "host_member_state.code",
        "host_city": "host_city.slug",
    }
    return table(meetings.order_by("start_date", "slug"), dictionary.MEETINGS, how)


def agreements_table() -> Table:
    agreements = (
        public_agreements()
        .select_related("meeting")
        .prefetch_related(
            "parties",
            Prefetch("projects", queryset=public_projects().only("pk").order_by("pk")),
        )
        .order_by("signed_date", "slug")
    )
    how: dict[str, How] = {
        "meeting": "meeting.slug",
        "parties": lambda a: ";".join(party.name for party in a.parties.all()),
        "projects": lambda a: ";".join(str(project.pk) for project in a.projects.all()),
    }
    return table(agreements, dictionary.AGREEMENTS, how)


def organisations_table(where: Q | None = None) -> Table:
    organisations = only(public_organisations(), where).order_by("name")
    return table(organisations, dictionary.ORGANISATIONS)


def programmes_table() -> Table:
    how: dict[str, How] = {
        "sponsor": "sponsor.slug",
        "balance": lambda p: p.total_amount - p.awarded_amount,
    }
    programmes = public_programmes().select_related("sponsor").order_by("name")
    return table(programmes, dictionary.PROGRAMMES, how)


def case_studies_table(where: Q | None = None) -> Table:
    studies = only(public_case_studies(), where).select_related("city", "focus_area")
    studies = studies.order_by("title")
    how: dict[str, How] = {
        "city": "city.slug",
        "focus_area": "focus_area.code",
        "provider": "provider_name",
    }
    return table(studies, dictionary.CASE_STUDIES, how)


def partnerships_table(where: Q | None = None) -> Table:
    partnerships = only(public_partnerships(), where).select_related("city", "partner_city")
    partnerships = partnerships.order_by("id")
    how: dict[str, How] = {
        "id": "pk",
        "city": "city.slug",
        "partner_city": "partner_city.slug",
    }
    return table(partnerships, dictionary.PARTNERSHIPS, how)


def public_indicator_values() -> QuerySet:
    return IndicatorValue.objects.filter(visibility="public")


def indicator_values_table(where: Q | None = None) -> Table:
    values = only(public_indicator_values(), where).select_related("city", "indicator")
    values = values.order_by("id")
    how: dict[str, How] = {
        "id": "pk",
        "city": "city.slug",
        "indicator": "indicator.code",
        "framework": "indicator.framework",
        "indicator_name": "indicator.name",
        "unit": "indicator.unit",
        "direction": "indicator.direction",
        "value": lambda v: f"{v.value.normalize():f}",
    }
    return table(values, dictionary.INDICATOR_VALUES, how)
