"""The map of ASEAN with the ASCN cities: a Vega-Lite spec (Altair) and its server-side SVG.

Pure functions, no ORM: callers pass plain city dicts (see ``api.city_out``) with at least
``name``, ``slug``, ``country_name``, ``cohort``, ``lat``, ``lon`` and ``url``, and
optionally ``projects``. Country shapes: Natural Earth (public domain), see data/SOURCES.md.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ascn.core import formats
from ascn.core.seed import read_yaml
from ascn.core.svg import FONT_STACK, label_svg, vega

if TYPE_CHECKING:
    import altair as alt

# Altair (and vl-convert, a V8 runtime) are imported only where a map is drawn: in the
# background task worker (``ascn.network.tasks``), not in the web workers, which serve the
# SVG it stored (docs/operations.md).

DATA_FILE = Path(__file__).parent / "data" / "asean-countries.geojson"
# The member states' names as the network writes them (the shapes' file says "Brunei"), which
# the catalogues translate (framework_labels.py).
MEMBER_STATES_FILE = Path(__file__).parent / "seed" / "member_states.yaml"

# The ASEAN extent, lon 92..142, lat -11..29, as two corner points: a MultiPoint has no
# winding, so (unlike a polygon) it cannot be read by d3-geo as "the globe minus a box".
ASEAN_EXTENT = {
    "type": "Feature",
    "properties": {},
    "geometry": {"type": "MultiPoint", "coordinates": [[92.0, -11.0], [142.0, 29.0]]},
}
PILOT_COHORT = 2018
PILOT_COLOUR = "#1f5f99"
LATER_COLOURS = ["#e07b00", "#2e9e6b", "#b8326b", "#7b5ea7", "#8c6d1f"]
COUNTRY_FILL = "#cfd9e4"
SVG_CACHE_SIZE = 32
COUNTRIES_DATASET = "asean-countries"
# Bumped when the drawing's style changes, so that the stored SVGs are drawn again.
STYLE = "4"
# The smallest dot (its area in px² at the drawing's 720 px): on a phone the map is shown at
# about half that width, where a dot of 70 px² was 2 px across; this one stays ~7 px.
MIN_DOT = 150

# The map draws at most this many cities (each dot is a link, ~400 bytes of SVG): the real
# network has 31; at 3,000 the map alone would weigh over a megabyte in every page.
MAP_CITIES = 100
_CITY_KEYS = ("name", "slug", "country_name", "cohort", "lat", "lon", "url", "projects")


@functools.lru_cache(maxsize=1)
def country_features() -> tuple[dict[str, Any], ...]:
    """The 11 ASEAN member states as GeoJSON features, read once."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        return tuple(json.load(fh)["features"])


@functools.lru_cache(maxsize=1)
def _member_state_names() -> dict[str, str]:
    return {state["code"]: state["name"] for state in read_yaml(MEMBER_STATES_FILE)}


def _countries() -> list[dict[str, Any]]:
    """The shapes, each named in the active language (``properties.label``)."""
    names = _member_state_names()
    return [
        {
            **feature,
            "properties": {
                **feature["properties"],
                "label": translation.gettext(
                    names.get(feature["properties"]["code"], feature["properties"]["name"])
                ),
            },
        }
        for feature in country_features()
    ]


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _city_row(city: dict[str, Any]) -> tuple | None:
    """The values of ``_CITY_KEYS`` the map uses, JSON-friendly (a missing project count as
    None); None if the city cannot be placed."""
    lat, lon = _finite(city.get("lat")), _finite(city.get("lon"))
    if lat is None or lon is None:
        return None
    cohort, projects = city.get("cohort"), city.get("projects")
    return (
        str(city.get("name") or ""),
        str(city.get("slug") or ""),
        str(city.get("country_name") or ""),
        str(cohort) if cohort is not None else "",
        lat,
        lon,
        str(city.get("url") or ""),
        int(projects) if projects is not None else None,
    )


def placeable(city: dict[str, Any]) -> bool:
    """Whether the map can place this city (finite coordinates)."""
    return _city_row(city) is not None


def _row_dict(row: tuple) -> dict[str, Any]:
    return {k: v for k, v in zip(_CITY_KEYS, row, strict=True) if v is not None}


def _clean_city(city: dict[str, Any]) -> dict[str, Any] | None:
    """Keep the keys the map uses, as JSON-friendly values; None if it cannot be placed."""
    row = _city_row(city)
    return None if row is None else _row_dict(row)


def _city_label(city: dict[str, Any]) -> str:
    """The accessible name and hover title of a city's dot, in the active language."""
    label = city["name"]
    if city["country_name"] and city["country_name"] != city["name"]:
        label += ", " + translation.gettext(city["country_name"])
    if city["cohort"]:
        label += " " + _("(joined %(year)s)") % {"year": city["cohort"]}
    if "projects" in city:
        label += ", " + ngettext("%(n)s project", "%(n)s projects", city["projects"]) % {
            "n": city["projects"]
        }
    return label


def _size_ticks(most: int) -> list[int]:
    """Up to four whole-number legend entries from 0 to the largest count."""
    if most <= 3:
        return list(range(0, max(most, 1) + 1))
    ticks = sorted({0, round(most / 3), round(2 * most / 3), most})
    return ticks


def _colour_scale(cohorts: list[str]) -> alt.Scale:
    import altair as alt  # noqa: PLC0415 - start-up: Altair and vl-convert stay out of the web workers

    domain = sorted(set(cohorts))
    later = iter(LATER_COLOURS * (len(domain) // len(LATER_COLOURS) + 1))
    colours = [PILOT_COLOUR if c == str(PILOT_COHORT) else next(later) for c in domain]
    return alt.Scale(domain=domain, range=colours)


def asean_map_spec(cities: list[dict], *, width: int = 720, height: int = 520) -> dict:
    """A self-contained Vega-Lite spec (inline data, no URLs) of ASEAN and the given cities."""
    import altair as alt  # noqa: PLC0415 - start-up: Altair and vl-convert stay out of the web workers

    points = [c for c in (_clean_city(city) for city in cities) if c is not None]
    counted = any("projects" in p for p in points)
    if counted:  # a city missing from the counts has no projects (and still gets a dot)
        for point in points:
            point.setdefault("projects", 0)
    for point in points:
        point["label"] = _city_label(point)
    n = len(points)
    countries = (
        alt.Chart(alt.NamedData(name=COUNTRIES_DATASET))
        .mark_geoshape(fill=COUNTRY_FILL, stroke="#7d8fa3", strokeWidth=0.6)
        .encode(
            tooltip=[alt.Tooltip("properties.label:N", title=_("Country"))],
            description=alt.Description("properties.label:N"),
        )
    )

    tooltip = [
        alt.Tooltip("name:N", title=_("City")),
        alt.Tooltip("country_name:N", title=_("Country")),
        alt.Tooltip("cohort:N", title=_("Joined")),
    ]
    if counted:
        tooltip.append(alt.Tooltip("projects:Q", title=_("Projects")))
    # Cities sized by their (public) project count when counts are given; a city without
    # projects keeps the smallest dot, so every city stays visible and clickable.
    most = max((p.get("projects", 0) for p in points), default=0)
    size: Any = (
        alt.Size(
            "projects:Q",
            scale=alt.Scale(domain=[0, max(most, 1)], range=[MIN_DOT, 1000]),
            legend=alt.Legend(
                title=_("Public projects"),
                orient="bottom-right",
                # from the right edge in: a title drawn wider than vl-convert measured it
                # (Burmese, which it does not shape) runs onto the map, not off the drawing
                titleAnchor="end",
                fillColor="white",
                padding=8,
                cornerRadius=4,
                values=_size_ticks(most),
                format="d",
                symbolFillColor="#1f5f99",
            ),
        )
        if counted
        else alt.value(MIN_DOT + 40)
    )
    # outside the f-string below: xgettext does not read a call inside one
    pilot = _("%(year)s (pilot)") % {"year": PILOT_COHORT}
    cities_layer = (
        alt.Chart(alt.Data(values=points))
        .mark_circle(opacity=0.9, stroke="white", strokeWidth=1.5, clip=True, cursor="pointer")
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            color=alt.Color(
                "cohort:N",
                scale=_colour_scale([p["cohort"] for p in points]),
                legend=alt.Legend(
                    title=_("Joined"),
                    orient="bottom-left",
                    labelExpr=(
                        f"datum.label == '{PILOT_COHORT}' ? {json.dumps(pilot)} : datum.label"
                    ),
                    fillColor="white",
                    padding=8,
                    cornerRadius=4,
                ),
            ),
            size=size,
            # Big dots first, so a big city never hides a small neighbour's dot.
            order=alt.Order("projects:Q", sort="descending") if counted else alt.Undefined,
            href="url:N",
            tooltip=tooltip,
            # The accessible name of each city's link in the SVG.
            description=alt.Description("label:N"),
        )
    )

    chart = (
        alt.layer(countries, cities_layer)
        .project(type="mercator", fit=ASEAN_EXTENT)
        .properties(
            width=width,
            height=height,
            description=ngettext(
                "Map of ASEAN with %(n)s ASCN city", "Map of ASEAN with %(n)s ASCN cities", n
            )
            % {"n": n},
        )
        .configure_view(stroke=None)
        .configure(background="#eaf2fa", font=FONT_STACK)
        # no legend descriptions of Vega's own (English): the map's <desc> says what the
        # colours and sizes mean, in the page's language
        # words large enough to read once the map is shrunk to a phone's width (about half
        # its size): Vega's own 10 px came out at 5 px there
        .configure_legend(
            aria=False, labelFontSize=16, titleFontSize=16, symbolSize=200, labelLimit=0
        )
    )
    spec = chart.to_dict()
    # The shapes go in as a top-level inline dataset after Altair has built the spec: passing
    # ~140 KB of coordinates through alt.Data(values=...) makes Altair deep-copy and walk every
    # coordinate pair (~0.6 s a call). The spec stays self-contained: no URLs.
    spec["datasets"] = {**spec.get("datasets", {}), COUNTRIES_DATASET: _countries()}
    return spec


def _svg_key(cities: list[dict]) -> tuple:
    """The placeable cities as tuples of ``_CITY_KEYS`` values, in one pass (3,000 cities
    per dashboard recomputation); past ``MAP_CITIES``, those with the most projects."""
    rows = [row for row in map(_city_row, cities) if row is not None]
    if len(rows) > MAP_CITIES:
        # (name, slug, country, cohort, lat, lon, url, projects): most projects, then by name
        busiest = sorted(rows, key=lambda row: (-(row[7] or 0), row[0], row[1]))[:MAP_CITIES]
        kept = set(busiest)
        rows = [row for row in rows if row in kept]
    return tuple(rows)


def map_note(total: int) -> str:
    """What the map's caption adds when it cannot show every city."""
    if total <= MAP_CITIES:
        return ""
    return _(
        "The map shows the %(shown)s cities with the most public projects, of %(total)s; "
        "the city list has them all."
    ) % {"shown": MAP_CITIES, "total": formats.number(total)}


def clean_cities(cities: list[dict]) -> list[dict]:
    """The cities as the map draws them (JSON-friendly, placeable ones only)."""
    return [_row_dict(row) for row in _svg_key(cities)]


def svg_digest(cities: list[dict]) -> str:
    """A short digest of everything the SVG of these cities depends on (for a cache key)."""
    key = json.dumps(_svg_key(cities), separators=(",", ":"), default=str)
    data = DATA_FILE.stat().st_mtime_ns
    return hashlib.sha256(f"{key}|{data}|{STYLE}".encode()).hexdigest()[:32]


def asean_map_svg(cities: list[dict]) -> str:
    """The map as an inline SVG whose city dots are ``<a href>`` links (works without JS),
    its words in the active language."""
    return _svg_cached(_svg_key(cities), translation.get_language())


@functools.lru_cache(maxsize=SVG_CACHE_SIZE)
def _svg_cached(key: tuple, language: str | None) -> str:
    cities = [_row_dict(row) for row in key]
    with translation.override(language):
        return _drawn(cities)


def _drawn(cities: list[dict]) -> str:
    spec = asean_map_spec(cities)
    svg = vega().vegalite_to_svg(spec)

    svg = _relative_links(svg, [c["url"] for c in cities if c.get("url")])
    svg = _hover_titles(svg)
    svg = _round_paths(svg)
    # Vega's words for its marks ("geoshape", "group mark container") are English whatever
    # the page's language: the marks keep their roles and their names, which are ours.
    svg = re.sub(r'\saria-roledescription="[^"]*"', "", svg)
    counted = any("projects" in city for city in cities)
    return _accessible(svg, spec["description"], len(cities), counted=counted)


def _hover_titles(svg: str) -> str:
    """Static SVG has no Vega tooltips: give each country and city a ``<title>`` instead.

    Vega writes the (escaped) ``description`` of each mark as its ``aria-label``.
    """
    svg = re.sub(
        r'<path aria-label="([^"]*)"([^>]*?)\s*/>',
        r'<path aria-label="\1"\2><title>\1</title></path>',
        svg,
    )
    return svg


def _round_paths(svg: str) -> str:
    """Shorten path data to 1 decimal place of a pixel: about a third off the SVG's size."""

    def shorten(match: re.Match[str]) -> str:
        return re.sub(r"(\.\d)\d+", r"\1", match.group(0))

    return re.sub(r'\sd="[^"]*"', shorten, svg)


def _relative_links(svg: str, urls: list[str]) -> str:
    """Undo the resolution of our relative city URLs against vl-convert's base URL.

    Vega's loader resolves an ``href`` that has no protocol against its ``baseURL``, which
    vl-convert sets to the vega-datasets site and does not let us change; the links must
    stay relative to this site.
    """
    relative = sorted({u for u in urls if "://" not in u}, key=len, reverse=True)

    def fix(match: re.Match[str]) -> str:
        value = html.unescape(match.group(2))
        for url in relative:
            stem = url.lstrip("/")
            if value.endswith(stem) and value[: -len(stem)].rstrip("/").count("://") == 1:
                return f'{match.group(1)}="{html.escape(url)}"'
        return match.group(0)

    return re.sub(r'(xlink:href|href)="([^"]*)"', fix, svg)


def _accessible(svg: str, label: str, n: int, *, counted: bool = False) -> str:
    """Name the SVG, give it a title and desc, and make it a responsive ``.asean-map``."""
    safe = html.escape(label)
    attributes = (
        ' class="asean-map" style="max-width:100%;height:auto"'
        # Not role="img": that would hide the city links inside from assistive technology.
        f' role="graphics-document document" aria-label="{safe}"'
        ' aria-describedby="asean-map-desc"'
    )
    desc = html.escape(
        (
            _(
                "The %(n)s dots are links to the city pages; the colour of a dot shows the "
                "year the city joined the network; its size shows the number of public "
                "projects."
            )
            if counted
            else _(
                "The %(n)s dots are links to the city pages; the colour of a dot shows the "
                "year the city joined the network."
            )
        )
        % {"n": n}
    )

    head = f'<title>{safe}</title><desc id="asean-map-desc">{desc}</desc>'
    return label_svg(svg, attributes=attributes, head=head)
