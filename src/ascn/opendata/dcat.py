"""The open-data catalogue in DCAT-AP 3.0.1: JSON-LD (``/data/catalog.jsonld``) and Turtle
(``/data/catalog.ttl``).

The description is written once, as a JSON-LD document: the catalogue first, then every
agent, licence, concept and place it points to, each typed with the class DCAT-AP's range
shapes ask for and labelled, so the document passes the SHACL shapes on its own — with no
background vocabulary loaded (the ITB validator's "zero" profiles) — and a harvester needs
no look-up to show it. The Turtle is the same graph, read and written by rdflib. The
vocabularies are the ones DCAT-AP names: IANA media types, the EU Publications Office's
authority tables (file type, data theme, language, country, frequency, planned
availability) and ADMS (publisher and licence types). docs/dashboards-and-open-data.md
lists them; tests/opendata/test_dcat_ap.py checks the result with pyshacl.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation

from ascn.network.maps import country_features
from ascn.opendata import catalogue

if TYPE_CHECKING:
    from rdflib import Graph

EU = "http://publications.europa.eu/resource/authority"
IANA = "https://www.iana.org/assignments/media-types"
DCAT_AP = "http://data.europa.eu/r5r/"
LANGUAGE = "en"  # the catalogue is written in English (titles, descriptions, keywords)

CONTEXT: dict[str, Any] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatap": DCAT_AP,
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "gsp": "http://www.opengis.net/ont/geosparql#",
    "@language": LANGUAGE,
}

# EU data-theme (the 13 themes of DCAT-AP) used by the catalogue: code → English label.
THEMES = {
    "ECON": "Economy and finance",
    "GOVE": "Government and public sector",
    "INTR": "International issues",
    "REGI": "Regions and cities",
    "SOCI": "Population and society",
    "TECH": "Science and technology",
}
# EU file-type by the media type of a distribution.
FILE_TYPES = {
    "text/csv": ("CSV", "CSV"),
    catalogue.MEDIA_TYPES["xlsx"]: ("XLSX", "XLSX"),
    "application/json": ("JSON", "JSON"),
    "text/calendar": ("ICS", "iCalendar"),
}
# ISO 3166-1 alpha-2 (the platform's member-state codes) → the EU country table's alpha-3.
COUNTRIES = {
    "BN": "BRN",
    "KH": "KHM",
    "ID": "IDN",
    "LA": "LAO",
    "MY": "MYS",
    "MM": "MMR",
    "PH": "PHL",
    "SG": "SGP",
    "TH": "THA",
    "TL": "TLS",
    "VN": "VNM",
}
AVAILABILITY = f"{EU}/planned-availability/STABLE"
FREQUENCY = f"{EU}/frequency/UPDATE_CONT"
ENGLISH = f"{EU}/language/ENG"
ADMS = "http://purl.org/adms"
PUBLISHER_TYPE = f"{ADMS}/publishertype/SupraNationalAuthority"
LICENCE_TYPE = f"{ADMS}/licencetype/Attribution"


def _date(value: dt.date) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def _datetime(value: dt.datetime) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:dateTime"}


def _concept(iri: str, label: str, scheme: str = "", kind: str = "") -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": iri,
        "@type": ["skos:Concept", *([kind] if kind else [])],
        "skos:prefLabel": label,
    }
    if scheme:
        node["skos:inScheme"] = {"@id": scheme}
    return node


def _scheme(iri: str, title: str) -> dict[str, Any]:
    return {"@id": iri, "@type": "skos:ConceptScheme", "dct:title": title}


def _bounds(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    """The (west, south, east, north) of a GeoJSON (multi)polygon."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    points = [point for polygon in polygons for ring in polygon for point in ring]
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def _wkt(value: str) -> dict[str, str]:
    return {"@value": value, "@type": "gsp:wktLiteral"}


def _places() -> list[dict[str, Any]]:
    """The member states as EU country IRIs, each with its bounding box and centre (from the
    map's Natural Earth shapes)."""
    places = []
    for feature in country_features():
        code = COUNTRIES.get(feature["properties"]["code"])
        if code is None:
            continue
        west, south, east, north = _bounds(feature["geometry"])
        box = (
            f"POLYGON(({west} {south}, {east} {south}, {east} {north}, {west} {north}, "
            f"{west} {south}))"
        )
        places.append(
            {
                "@id": f"{EU}/country/{code}",
                "@type": ["dct:Location", "skos:Concept"],
                "skos:prefLabel": feature["properties"]["name"],
                "skos:inScheme": {"@id": f"{EU}/country"},
                "dcat:bbox": _wkt(box),
                "dcat:centroid": _wkt(
                    f"POINT({round((west + east) / 2, 3)} {round((south + north) / 2, 3)})"
                ),
            }
        )
    return places


def _contact(base: str) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": f"{base}/data/#contact",
        "@type": ["vcard:Kind", "vcard:Organization"],
        "vcard:fn": f"{catalogue.PUBLISHER} — open data",
        "vcard:hasURL": {"@id": f"{base}/data/"},
    }
    if settings.ASCN_OPEN_DATA_CONTACT_EMAIL:
        node["vcard:hasEmail"] = {"@id": f"mailto:{settings.ASCN_OPEN_DATA_CONTACT_EMAIL}"}
    return node


def _distribution(
    base: str, item: catalogue.Dataset, dist: catalogue.Distribution
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": f"{base}/data/#{item.key}.{dist.key or dist.format.lower()}",
        "@type": "dcat:Distribution",
        "dct:title": str(dist.title),
        "dcat:accessURL": {"@id": base + dist.url},
        "dcat:mediaType": {"@id": f"{IANA}/{dist.media_type}"},
        "dct:format": {"@id": f"{EU}/file-type/{FILE_TYPES[dist.media_type][0]}"},
        "dct:license": {"@id": catalogue.LICENCE_URL},
        "dcatap:availability": {"@id": AVAILABILITY},
    }
    if dist.download:
        node["dcat:downloadURL"] = {"@id": base + dist.url}
    if dist.description:
        node["dct:description"] = str(dist.description)
    if dist.conforms_to:
        node["dct:conformsTo"] = {"@id": dist.conforms_to}
    elif dist.key == "csv":  # its table schema: the Frictionless Data Package (datapackage)
        node["dct:conformsTo"] = {"@id": base + catalogue.DATAPACKAGE_PATH}
    return node


def _dataset(base: str, item: catalogue.Dataset, places: list[dict]) -> dict[str, Any]:
    span = item.span()
    node: dict[str, Any] = {
        "@id": f"{base}/data/#{item.key}",
        "@type": "dcat:Dataset",
        "dct:identifier": {"@value": item.key},  # a code: no language
        "dct:title": str(item.title),
        "dct:description": str(item.description),
        "dct:publisher": {"@id": f"{base}/#publisher"},
        "dcat:contactPoint": {"@id": f"{base}/data/#contact"},
        "dct:license": {"@id": catalogue.LICENCE_URL},
        "dct:language": {"@id": ENGLISH},
        "dct:accrualPeriodicity": {"@id": FREQUENCY},
        "dct:spatial": [{"@id": place["@id"]} for place in places],
        "dcat:keyword": [str(keyword) for keyword in item.keywords],
        "dcat:theme": [{"@id": f"{EU}/data-theme/{code}"} for code in item.themes],
        "dcat:distribution": [_distribution(base, item, d) for d in item.distributions()],
    }
    if span.issued and span.modified:
        node["dct:issued"] = _datetime(span.issued)
        node["dct:modified"] = _datetime(span.modified)
    elif item.published:
        year = {"@value": item.published, "@type": "xsd:gYear"}
        node["dct:issued"] = node["dct:modified"] = year
    if span.start and span.end:
        node["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _date(span.start),
            "dcat:endDate": _date(span.end),
        }
    elif item.published:
        node["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": item.published, "@type": "xsd:gYear"},
            "dcat:endDate": {"@value": item.published, "@type": "xsd:gYear"},
        }
    if item.page_url:
        node["dcat:landingPage"] = {"@id": base + item.page_url}
    return node


def dcat_catalog(base_url: str) -> dict[str, Any]:
    """The catalogue as DCAT-AP 3.0.1 in JSON-LD, every URL absolute on ``base_url``."""
    base = base_url.rstrip("/")
    with translation.override(LANGUAGE):
        places = _places()
        entries = [_dataset(base, item, places) for item in catalogue.datasets()]
        issued, modified = (
            [
                e[key]["@value"]
                for e in entries
                if e.get(key, {}).get("@type") == "xsd:dateTime"  # not a year
            ]
            for key in ("dct:issued", "dct:modified")
        )
        pages = {e["dcat:landingPage"]["@id"] for e in entries if "dcat:landingPage" in e}
        catalog: dict[str, Any] = {
            "@id": f"{base}/data/#catalogue",
            "@type": "dcat:Catalog",
            "dct:title": "ASCN Platform open data",
            "dct:description": (
                "The public records of the ASEAN Smart Cities Network: member states, cities, "
                "officers, the ASEAN Smart Cities Framework, projects, action plans, meetings, "
                "agreements, partners, funding programmes and cooperation."
            ),
            "dct:publisher": {"@id": f"{base}/#publisher"},
            "dct:license": {"@id": catalogue.LICENCE_URL},
            "dct:language": {"@id": ENGLISH},
            "dct:spatial": [{"@id": place["@id"]} for place in places],
            "dcat:themeTaxonomy": {"@id": f"{EU}/data-theme"},
            "foaf:homepage": {"@id": f"{base}/data/"},
            "dcat:dataset": entries,
        }
        if issued:  # ISO 8601 strings of one time zone sort as the times do
            catalog["dct:issued"] = {"@value": min(issued), "@type": "xsd:dateTime"}
        if modified:
            catalog["dct:modified"] = {"@value": max(modified), "@type": "xsd:dateTime"}
        things = [
            {
                "@id": f"{base}/#publisher",
                "@type": ["foaf:Agent", "foaf:Organization"],
                "foaf:name": catalogue.PUBLISHER,
                "foaf:homepage": {"@id": f"{base}/"},
                "dct:type": {"@id": PUBLISHER_TYPE},
            },
            _concept(PUBLISHER_TYPE, "Supra-national authority", f"{ADMS}/publishertype/1.0"),
            _contact(base),
            {
                "@id": catalogue.LICENCE_URL,
                "@type": "dct:LicenseDocument",
                "rdfs:label": catalogue.LICENCE_NAME,
                "dct:type": {"@id": LICENCE_TYPE},
            },
            _scheme(f"{ADMS}/publishertype/1.0", "Publisher type"),
            _concept(LICENCE_TYPE, "Attribution", f"{ADMS}/licencetype/1.0"),
            _scheme(f"{ADMS}/licencetype/1.0", "Licence type"),
            _concept(ENGLISH, "English", f"{EU}/language", "dct:LinguisticSystem"),
            _scheme(f"{EU}/language", "Language"),
            _scheme(f"{EU}/country", "Country"),
            _concept(FREQUENCY, "continuously updated", f"{EU}/frequency", "dct:Frequency"),
            _scheme(f"{EU}/frequency", "Frequency"),
            _concept(AVAILABILITY, "stable", f"{EU}/planned-availability"),
            _scheme(f"{EU}/planned-availability", "Planned availability"),
            _scheme(f"{EU}/data-theme", "Data theme"),
            *[
                _concept(f"{EU}/data-theme/{code}", label, f"{EU}/data-theme")
                for code, label in THEMES.items()
            ],
            _scheme(f"{EU}/file-type", "File type"),
            *[
                _concept(f"{EU}/file-type/{code}", label, f"{EU}/file-type")
                | {"@type": ["skos:Concept", "dct:MediaTypeOrExtent"]}
                for code, label in FILE_TYPES.values()
            ],
            *[
                {"@id": f"{IANA}/{media_type}", "@type": "dct:MediaType", "rdfs:label": media_type}
                for media_type in FILE_TYPES
            ],
            *[
                {"@id": standard, "@type": "dct:Standard", "rdfs:label": label}
                for standard, label in (
                    (catalogue.OC4IDS_STANDARD, "OC4IDS 0.9"),
                    (catalogue.ICALENDAR_STANDARD, "iCalendar (RFC 5545)"),
                    (
                        base + catalogue.DATAPACKAGE_PATH,
                        "ASCN open data: Frictionless Data Package (table schemas)",
                    ),
                )
            ],
            *places,
            *[{"@id": page, "@type": "foaf:Document"} for page in sorted(pages)],
            {"@id": f"{base}/data/", "@type": "foaf:Document"},
        ]
    return {"@context": CONTEXT, "@graph": [catalog, *things]}


def as_graph(document: dict[str, Any]) -> Graph:
    """The JSON-LD document read into an rdflib graph (its context is inline: no fetch)."""
    from rdflib import Graph  # noqa: PLC0415 - start-up: rdflib (~4 MB) loads for the RDF answers only

    graph = Graph()
    graph.parse(data=json.dumps(document), format="json-ld")
    for prefix, namespace in CONTEXT.items():
        if not prefix.startswith("@"):
            graph.bind(prefix, namespace)
    return graph


def as_turtle(document: dict[str, Any]) -> str:
    return as_graph(document).serialize(format="turtle")
