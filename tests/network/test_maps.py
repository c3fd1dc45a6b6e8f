"""The map of ASEAN with the ASCN cities (ascn.network.maps): no database needed."""

from __future__ import annotations

import pytest

from ascn.network import maps

ASEAN_CODES = {"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN", "TL"}


def city(name, slug, country, cohort, lat, lon, **extra):
    return {
        "name": name,
        "slug": slug,
        "country_name": country,
        "cohort": cohort,
        "lat": lat,
        "lon": lon,
        "url": f"/cities/{slug}/",
        **extra,
    }


CITIES = [
    city("Bangkok", "bangkok", "Thailand", 2018, 13.7563, 100.5018),
    city("Chiang Mai", "chiang-mai", "Thailand", 2023, 18.7883, 98.9853, projects=2),
    city("Singapore", "singapore", "Singapore", 2018, 1.3521, 103.8198),
    city("Sumedang", "sumedang", "Indonesia", 2024, -6.8586, 107.9164),
]


def test_country_shapes_file_has_the_eleven_member_states():
    features = maps.country_features()
    assert {f["properties"]["code"] for f in features} == ASEAN_CODES
    assert all(f["properties"]["name"] for f in features)
    assert maps.DATA_FILE.stat().st_size < 300_000


def test_spec_has_two_layers_and_all_countries_inline():
    spec = maps.asean_map_spec(CITIES)
    assert len(spec["layer"]) == 2
    shapes, dots = spec["layer"]
    assert shapes["mark"]["type"] == "geoshape"
    assert dots["mark"]["type"] == "circle"
    assert dots["encoding"]["href"]["field"] == "url"
    assert dots["encoding"]["color"]["legend"]["title"] == "Joined"
    assert spec["projection"]["type"] == "mercator"
    # Self-contained: every dataset inline, no URLs to fetch.
    data = [spec.get("data"), *(layer.get("data") for layer in spec["layer"])]
    assert all("url" not in d for d in data if d)
    assert all(name in spec["datasets"] for d in data if d and "name" in d for name in [d["name"]])
    codes = {
        f["properties"]["code"]
        for values in spec["datasets"].values()
        for f in values
        if isinstance(f, dict) and f.get("type") == "Feature"
    }
    assert codes == ASEAN_CODES
    assert spec["description"] == "Map of ASEAN with 4 ASCN cities"


def test_svg_has_a_link_to_each_city_and_an_accessible_name():
    svg = maps.asean_map_svg(CITIES)
    for c in CITIES:
        assert f'href="{c["url"]}"' in svg
    assert svg.count("<a ") == len(CITIES)
    assert 'aria-label="Map of ASEAN with 4 ASCN cities"' in svg
    assert 'role="img"' not in svg
    assert 'class="asean-map"' in svg
    assert "<title>Chiang Mai, Thailand (joined 2023), 2 projects</title>" in svg
    assert "vega.github.io" not in svg


def test_svg_is_cached_per_input():
    first = maps.asean_map_svg(CITIES)
    assert maps.asean_map_svg([dict(c) for c in CITIES]) is first
    assert maps.asean_map_svg(CITIES[:2]) is not first


def test_city_outside_asean_and_odd_input_still_render():
    outside = city('Somewhere <&> "Far"', "far-away", "Nowhere", 2030, 48.85, 2.35)
    no_coords = city("Unplaced", "unplaced", "Thailand", 2018, None, None)
    no_url = {**city("No page", "no-page", "Thailand", 2018, 14.0, 100.6), "url": ""}
    svg = maps.asean_map_svg([*CITIES, outside, no_coords, no_url])
    assert svg.count("<a ") == len(CITIES) + 1
    assert "vega.github.io" not in svg
    assert 'href="/cities/far-away/"' in svg
    assert "/cities/unplaced/" not in svg
    assert "<&>" not in svg
    assert "Somewhere &lt;&amp;&gt;" in svg


@pytest.mark.parametrize("cities", [[]])
def test_empty_map_renders(cities):
    svg = maps.asean_map_svg(cities)
    assert "<svg" in svg
    assert 'aria-label="Map of ASEAN with 0 ASCN cities"' in svg


def test_dots_are_sized_by_project_count_with_a_size_legend():
    spec = maps.asean_map_spec(CITIES)
    encoding = spec["layer"][1]["encoding"]
    assert encoding["size"]["field"] == "projects"
    assert encoding["size"]["legend"]["title"] == "Public projects"
    assert encoding["order"]["sort"] == "descending"  # big dots first: small ones stay visible
    points = spec["layer"][1]["data"]["values"]
    assert {p["name"]: p["projects"] for p in points}["Bangkok"] == 0  # no count: no projects
    svg = maps.asean_map_svg(CITIES)
    assert "Public projects" in svg
    assert "its size shows the number of public projects" in svg


def test_without_counts_dots_keep_one_size():
    plain = [{k: v for k, v in c.items() if k != "projects"} for c in CITIES]
    encoding = maps.asean_map_spec(plain)["layer"][1]["encoding"]
    assert encoding["size"] == {"value": maps.MIN_DOT + 40}
    assert encoding["size"]["value"] >= 150  # about 7 px across on a phone
    assert "order" not in encoding
