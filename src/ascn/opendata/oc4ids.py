"""The public projects as an OC4IDS 0.9.5 project package.

Mapping (platform → OC4IDS):

* ``id`` — ``<OC4IDS_PREFIX>-<the project's id>``, the structure OC4IDS asks for
  (``[project identifier prefix]-[local project identifier]``). The prefix is the setting
  ``OC4IDS_PREFIX`` (the old name ``ASCN_OC4IDS_PREFIX`` still works; default ``ascn``, which
  is not registered: set the one the OC4IDS Helpdesk assigns, ``oc4ids-xxxxxx``). The local
  id is the project's primary key, which never changes, so a project keeps its OC4IDS id
  from one export to the next; ``identifiers`` carries the platform's own id;
* ``status``, ``type``, ``sector`` — the OC4IDS codes the project already uses (a subsector
  such as ``transport.urban`` brings its parent ``transport``, as OC4IDS asks);
* ``budget.amount`` — ``{amount: number, currency}``;
* ``period`` — start at 00:00:00Z, end at 23:59:59Z of the dates (RFC 3339);
* ``locations`` — each with a GeoJSON ``Point`` ``[lon, lat]`` when known, and the city as the
  address; a project without locations gets one: its city;
* ``parties`` / ``publicAuthority`` — the city (its government) with the role
  ``publicAuthority``, referenced by id (``<prefix>-city-<city slug>``) and name;
* ``additionalClassifications`` — the ASCF focus areas (scheme ``ASCF``), the ASCF strategic
  outcomes (scheme ``ASCF-outcome``) and the SDG 11 targets (scheme ``sdgTarget``, from the
  OC4IDS classificationScheme codelist, described by their titles in ``plans.codelists``);
* ``milestones`` — status scheduled / met / notMet / partiallyMet, ``dueDate``, ``dateMet``;
* ``documents`` — a link to the document's download page on the platform.

Fields with no value are left out (OC4IDS forbids null and empty arrays in most places).
Sample (demo) projects say so at the start of their description.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import translation

from ascn.network.models import FocusArea, Outcome
from ascn.plans import codelists
from ascn.plans import queries as plans_queries
from ascn.plans.models import Milestone, Project, ProjectDocument

OC4IDS_VERSION = "0.9"
PUBLISHER = "ASEAN Smart Cities Network"
SAMPLE_NOTE = "[Sample data: an illustrative project, not a real one] "


REGISTERED_PREFIX = re.compile(r"^oc4ids-[a-z0-9]{6}$")  # the form the Helpdesk assigns


def id_prefix() -> str:
    """The project identifier prefix, ``OC4IDS_PREFIX`` (a trailing hyphen is not doubled)."""
    return str(settings.OC4IDS_PREFIX).strip().rstrip("-") or "ascn"


def public_projects() -> QuerySet[Project]:
    """What the package holds: the projects the public may see, whoever asks."""
    return (
        plans_queries.public_projects()
        .select_related("city__member_state")
        .prefetch_related(
            Prefetch("focus_areas", queryset=FocusArea.objects.order_by("position", "code")),
            Prefetch("outcomes", queryset=Outcome.objects.order_by("position", "code")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id")),
            Prefetch("documents", queryset=ProjectDocument.objects.order_by("created_at", "id")),
        )
        .order_by("id")
    )


def rfc3339(value: dt.datetime | dt.date, *, end_of_day: bool = False) -> str:
    """A date-time in RFC 3339, in UTC; a bare date is taken at the start (or end) of its day."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value.isoformat()}T{'23:59:59' if end_of_day else '00:00:00'}Z"


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _sectors(codes: list[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        for item in ([code.split(".", 1)[0]] if "." in code else []) + [code]:
            if item not in out:
                out.append(item)
    return out


def _city_party(project: Project) -> dict[str, Any]:
    city, state = project.city, project.city.member_state
    return {
        "id": f"{id_prefix()}-city-{city.slug}",
        "name": city.name,
        "roles": ["publicAuthority"],
        "address": {"locality": city.name, "countryName": state.name},
    }


def _locations(project: Project) -> list[dict[str, Any]]:
    city, state = project.city, project.city.member_state
    address = {"locality": city.name, "countryName": state.name}
    out = []
    for index, location in enumerate(project.locations or [], start=1):
        entry: dict[str, Any] = {"id": str(index)}
        if str(location.get("description") or "").strip():
            entry["description"] = str(location["description"]).strip()
        if location.get("lat") is not None and location.get("lon") is not None:
            entry["geometry"] = {
                "type": "Point",
                "coordinates": [float(location["lon"]), float(location["lat"])],
            }
        entry["address"] = address
        out.append(entry)
    if not out:
        out.append({"id": "1", "description": f"{city.name}, {state.name}", "address": address})
    return out


def _sdg_target(code: str) -> dict[str, str]:
    with translation.override("en"):  # the package's language
        title = str(codelists.SDG11_TARGETS.get(code, code))
    return {"scheme": "sdgTarget", "id": code, "description": title}


def _updated(project: Project) -> dt.datetime:
    moments = [project.updated_at]
    moments += [m.updated_at for m in project.milestones.all()]
    moments += [d.created_at for d in project.documents.all()]
    return max(moments)


def _milestone(milestone: Milestone) -> dict[str, Any]:
    out: dict[str, Any] = {"id": str(milestone.pk)}
    if milestone.title:
        out["title"] = milestone.title
    if milestone.milestone_type:
        out["type"] = milestone.milestone_type
    if milestone.code:
        out["code"] = milestone.code
    out["status"] = milestone.status
    if milestone.due_date:
        out["dueDate"] = rfc3339(milestone.due_date)
    if milestone.date_met:
        out["dateMet"] = rfc3339(milestone.date_met)
    out["dateModified"] = rfc3339(milestone.updated_at)
    return out


def _document(document: ProjectDocument, project: Project, base_url: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": str(document.pk)}
    if document.document_type:
        out["documentType"] = document.document_type
    if document.title:
        out["title"] = document.title
    out["url"] = base_url + reverse("project-document", args=[project.pk, document.pk])
    out["format"] = "application/pdf"
    out["datePublished"] = rfc3339(document.created_at)
    return out


def project_release(project: Project, base_url: str) -> dict[str, Any]:
    """One project in OC4IDS, without empty fields."""
    party = _city_party(project)
    description = project.description.strip()
    if project.sample:
        description = SAMPLE_NOTE + description
    out: dict[str, Any] = {
        "id": f"{id_prefix()}-{project.pk}",
        "identifiers": [{"id": str(project.pk), "scheme": "ASCN Platform"}],
        "updated": rfc3339(_updated(project)),
        "language": project.language,  # of its title and description
        "title": project.title,
        "description": description,
        "status": project.status,
    }
    if project.project_type:
        out["type"] = project.project_type
    if project.sectors:
        out["sector"] = _sectors(project.sectors)
    out["publicAuthority"] = {"id": party["id"], "name": party["name"]}
    if project.budget_amount is not None:  # a real project's sources may publish none
        out["budget"] = {
            "amount": {
                "amount": _number(project.budget_amount),
                "currency": project.budget_currency,
            }
        }
    period = {}
    if project.period_start:
        period["startDate"] = rfc3339(project.period_start)
    if project.period_end:
        period["endDate"] = rfc3339(project.period_end, end_of_day=True)
    if period:
        out["period"] = period
    out["locations"] = _locations(project)
    classifications = [
        {"scheme": "ASCF", "id": area.code, "description": area.name}
        for area in project.focus_areas.all()
    ]
    classifications += [
        {"scheme": "ASCF-outcome", "id": outcome.code, "description": outcome.name}
        for outcome in project.outcomes.all()
    ]
    classifications += [_sdg_target(target) for target in project.sdg_targets or []]
    if classifications:
        out["additionalClassifications"] = classifications
    out["parties"] = [party]
    milestones = [_milestone(m) for m in project.milestones.all()]
    if milestones:
        out["milestones"] = milestones
    documents = [_document(d, project, base_url) for d in project.documents.all()]
    if documents:
        out["documents"] = documents
    return out


def published_date(projects: list[Project]) -> dt.datetime:
    """The latest change to anything in the package (it is generated on demand)."""
    return max(_updated(project) for project in projects)


def project_package(*, base_url: str, uri: str) -> dict[str, Any] | None:
    """The package of every public project, or None when there is none to publish."""
    projects = list(public_projects())
    if not projects:
        return None
    package: dict[str, Any] = {
        "uri": uri,
        "publishedDate": rfc3339(published_date(projects)),
        "publisher": {"name": PUBLISHER, "uri": f"{base_url}/"},
        "version": OC4IDS_VERSION,
    }
    license_uri = settings.ASCN_OPEN_DATA_LICENSE
    if license_uri:
        package["license"] = license_uri
    package["projects"] = [project_release(project, base_url) for project in projects]
    return package
