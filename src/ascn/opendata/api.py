"""Open-data API: the OC4IDS export."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema, Status
from pydantic import Field

from ascn.core import site
from ascn.core.api import SAME_FOR_EVERYONE, AppRouter
from ascn.opendata import oc4ids

router = AppRouter(tags=["open data"])


class Publisher(Schema):
    name: str
    uri: str | None = None


class Oc4idsPackageOut(Schema):
    """An OC4IDS 0.9.5 project package (https://standard.open-contracting.org/infrastructure/)."""

    uri: str
    publishedDate: str = Field(..., description="RFC 3339: the latest change to its contents.")
    publisher: Publisher
    version: str = Field(..., description="The OC4IDS schema version, major.minor.")
    license: str | None = Field(
        None, description="Present when the platform's data licence is set."
    )
    projects: list[dict[str, Any]] = Field(..., description="OC4IDS projects; at least one.")


@router.read(
    "/exports/oc4ids",
    Oc4idsPackageOut,
    "The public projects as an OC4IDS 0.9.5 project package",
    description="Every **public** project, whoever asks (a signed-in member gets the same package), "
    "as an OC4IDS 0.9.5 project package that validates against the standard's "
    "`project-package-schema.json`. Project ids are `<prefix>-<project id>`, the same in "
    "every export; the prefix is the deployment's registered OC4IDS project identifier "
    "prefix (`oc4ids-xxxxxx`), or `ascn` until it has one. `additionalClassifications` "
    "carry the ASCF focus areas (scheme `ASCF`), the ASCF strategic outcomes "
    "(`ASCF-outcome`) and the SDG 11 targets (`sdgTarget`).\n\n"
    "OC4IDS requires at least one project in a package, so while no project is public "
    "there is no valid package to serve: the answer is **404** with a `detail` saying "
    "so — never an invalid package with an empty `projects` list.",
    exclude_none=True,
    openapi_extra=SAME_FOR_EVERYONE,
)
def exports_oc4ids(request, response: HttpResponse):
    # opened from the open-data page, it is saved as a file, as the other downloads are
    response["Content-Disposition"] = 'attachment; filename="ascn-oc4ids.json"'
    package = oc4ids.project_package(
        base_url=site.site_url(request), uri=site.absolute(request.path, request)
    )
    if package is None:
        return Status(
            404,
            {
                "detail": _(
                    "No project is public yet, so there is no OC4IDS package to publish "
                    "(a package holds at least one project)."
                )
            },
        )
    return package
