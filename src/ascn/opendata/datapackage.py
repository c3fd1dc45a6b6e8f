"""The open data as a Frictionless Data Package (v2): ``/data/datapackage.json``.

One resource per dataset of the catalogue: its CSV, with the Table Schema of the data dictionary
(``dictionary.SCHEMAS``) — field types, descriptions, units, codes as enums, primary and foreign
keys between the resources. Resource paths are relative (``cities.csv``): the package sits next
to the CSVs at ``/data/``, so a client reading it by URL finds them there, and so does one that
saved the folder (``frictionless validate datapackage.json``).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ascn.opendata import catalogue, dictionary

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
NAME = "ascn-open-data"
PATH = catalogue.DATAPACKAGE_PATH


def resource(item: catalogue.Dataset) -> dict[str, Any]:
    description = str(item.description)
    if item.note:
        description += " " + str(item.note)
    return {
        "name": item.key,
        "title": str(item.title),
        "description": description,
        "path": f"{item.key}.csv",
        "type": "table",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": dictionary.SCHEMAS[item.key].descriptor(),
    }


def datapackage(base_url: str) -> dict[str, Any]:
    """The package descriptor; ``base_url`` makes the home page and its own id absolute."""
    base = base_url.rstrip("/")
    return {
        "$schema": PROFILE,
        "name": NAME,
        "id": base + PATH,
        "title": "ASCN Platform open data",
        "description": (
            "The public records of the ASEAN Smart Cities Network as CSV files, each described "
            "field by field: member states, cities, officers, the ASEAN Smart Cities "
            "Framework, projects, action plans, meetings, agreements, partners, funding "
            "programmes and cooperation. Lists of codes in one cell are separated by ';'. "
            "A field's 'unit' (an extension of this package) gives its unit of measure."
        ),
        "homepage": f"{base}/data/",
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "keywords": ["ASEAN", "smart cities", "urban development", "infrastructure projects"],
        "licenses": [
            {"name": "CC-BY-4.0", "path": catalogue.LICENCE_URL, "title": catalogue.LICENCE_NAME}
        ],
        "contributors": [{"title": catalogue.PUBLISHER, "roles": ["publisher"]}],
        "resources": [resource(item) for item in catalogue.datasets()],
    }
