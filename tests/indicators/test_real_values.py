"""Real indicator values from published sources (issue 22, item 3): every value of
``indicators/seed/values.yaml`` loaded with its source, public and verified; a second load
changes nothing; sample values and the cities' own values are never touched; the public
city page shows a real value with a link to its source."""

from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from ascn.core.models import AuditEntry
from ascn.indicators.management.commands.load_indicator_values import (
    VALUES,
    load_indicator_values,
)
from ascn.indicators.models import Indicator, IndicatorValue, IndicatorValueVersion
from ascn.indicators.services import value_enter
from ascn.network.models import City
from tests.conftest import page_text
from tests.roles import CSO_PHUKET

pytest_plugins = ["tests.roles"]

DATA = yaml.safe_load(VALUES.read_text(encoding="utf-8"))


def _key(item):
    return (item["city"], str(item["indicator"]), int(item["year"]))


def _as_entered(pk: int) -> dict:
    """A value as entered and verified; not the flags saying whether it is its city's latest
    (derived: a newer published value of the same city takes them over)."""
    row = IndicatorValue.objects.filter(pk=pk).values().get()
    return {field: value for field, value in row.items() if not field.startswith("latest_")}


def test_the_data_file_cites_a_source_for_every_value():
    sources = DATA["sources"]
    for key, source in sources.items():
        for field in ("title", "publisher", "date", "url", "grade", "read"):
            assert source.get(field), f"source {key} lacks its {field}"
        assert source["url"].startswith(("https://", "http://"))
    assert len(DATA["values"]) >= 10
    assert len({_key(item) for item in DATA["values"]}) == len(DATA["values"])
    for item in DATA["values"]:
        assert item["source"] in sources
        assert item["method_note"].strip()


def test_the_loader_loads_every_value_with_its_source(catalogue):
    outcomes, held = load_indicator_values()
    assert outcomes == {"entered": len(DATA["values"])} and held == []
    for item in DATA["values"]:
        source = DATA["sources"][item["source"]]
        record = IndicatorValue.objects.get(
            city__slug=item["city"], indicator__code=str(item["indicator"]), year=item["year"]
        )
        assert record.value == Decimal(str(item["value"]))
        assert source["title"] in record.source and source["url"] in record.source
        assert source["publisher"] in record.source
        assert record.method_note
        assert record.sample is False
        assert record.visibility == "public"
        assert record.verification == "verified" and record.grade == source["grade"]
        assert "Verified by the Secretariat from the published source" in record.verification_note
    # every write kept its version and its audit entry
    assert IndicatorValueVersion.objects.filter(action="entered").count() == len(DATA["values"])
    assert AuditEntry.objects.filter(action="indicators.value.verified").count() == len(
        DATA["values"]
    )


def test_loading_twice_gives_the_same(catalogue):
    call_command("load_indicator_values")
    before = list(IndicatorValue.objects.order_by("pk").values())
    versions = IndicatorValueVersion.objects.count()
    audits = AuditEntry.objects.count()
    outcomes, _held = load_indicator_values()
    assert outcomes == {"unchanged": len(DATA["values"])}
    assert list(IndicatorValue.objects.order_by("pk").values()) == before
    assert IndicatorValueVersion.objects.count() == versions
    assert AuditEntry.objects.count() == audits


def test_a_corrected_figure_replaces_the_loaders_own_value_with_a_new_version(catalogue, tmp_path):
    load_indicator_values()
    item = DATA["values"][0]
    corrected = {**DATA, "values": [{**item, "value": "1.5"}]}
    path = tmp_path / "values.yaml"
    path.write_text(yaml.safe_dump(corrected, allow_unicode=True), encoding="utf-8")
    outcomes, _held = load_indicator_values(path)
    assert outcomes == {"updated": 1}
    record = IndicatorValue.objects.get(
        city__slug=item["city"], indicator__code=str(item["indicator"]), year=item["year"]
    )
    assert record.value == Decimal("1.5") and record.verification == "verified"
    assert list(record.versions.values_list("action", flat=True)) == [
        "verified",
        "edited",
        "verified",
        "entered",
    ]


def test_the_loader_never_touches_a_sample_value_nor_a_citys_own(catalogue, roles, tmp_path):
    # given a sample value in the slot of the file's first value, and Phuket's CSCO's own
    # value in the slot of a published figure for Phuket
    first = DATA["values"][0]
    indicator = Indicator.objects.get(code=str(first["indicator"]))
    sample = value_enter(
        actor=None,
        city=City.objects.get(slug=first["city"]),
        indicator=indicator,
        year=first["year"],
        value="3",
        source="Sample data for the demo — not a real figure",
        visibility="public",
        sample=True,
    )
    own = value_enter(
        actor=roles.user(CSO_PHUKET),
        city=City.objects.get(slug="phuket"),
        indicator=indicator,
        year=2020,
        value="4",
        source="Phuket's own labour office",
    )
    phuket = {**first, "city": "phuket", "year": 2020}
    path = tmp_path / "values.yaml"
    path.write_text(
        yaml.safe_dump({**DATA, "values": [*DATA["values"], phuket]}, allow_unicode=True),
        encoding="utf-8",
    )
    sample_before = _as_entered(sample.pk)
    own_before = _as_entered(own.pk)
    # when the published values are loaded
    outcomes, held = load_indicator_values(path)
    # then both slots are left as they were, reported, and every other value is entered
    assert outcomes == {
        "entered": len(DATA["values"]) - 1,
        "held by a sample value": 1,
        "held by the city's own value": 1,
    }
    assert _as_entered(sample.pk) == sample_before
    assert _as_entered(own.pk) == own_before
    assert len(held) == 2 and "held by a sample value" in held[0]
    assert not IndicatorValue.objects.filter(
        city=sample.city, indicator=indicator, year=sample.year, sample=False
    ).exists()


def test_a_bad_entry_stops_the_command_and_writes_nothing(catalogue, tmp_path):
    broken = {**DATA, "values": [*DATA["values"], {**DATA["values"][0], "city": "atlantis"}]}
    path = tmp_path / "values.yaml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match="atlantis"):
        call_command("load_indicator_values", file=path)
    assert not IndicatorValue.objects.exists()


def test_the_public_city_page_shows_a_real_value_with_its_source_link(client, catalogue):
    load_indicator_values()
    item = next(i for i in DATA["values"] if i["city"] == "singapore")
    latest_year = max(
        i["year"]
        for i in DATA["values"]
        if i["city"] == "singapore" and str(i["indicator"]) == str(item["indicator"])
    )
    latest = next(
        i for i in DATA["values"] if _key(i) == ("singapore", str(item["indicator"]), latest_year)
    )
    source = DATA["sources"][latest["source"]]
    response = client.get("/cities/singapore/indicators/")
    assert response.status_code == 200
    content = response.content.decode()
    assert f'href="{source["url"]}"' in content
    text = page_text(response)
    assert f"({latest_year})" in text
    assert source["title"] in text
    assert "verified" in text
    assert "Sample data — illustrative, not real." not in text


def test_the_sample_loader_leaves_a_city_indicator_with_real_values_alone(catalogue, settings):
    load_indicator_values()
    settings.ASCN_DEMO = True
    call_command("load_sample_indicators")
    real = {(v.city_id, v.indicator_id) for v in IndicatorValue.objects.filter(sample=False)}
    mixed = IndicatorValue.objects.filter(sample=True).values_list("city_id", "indicator_id")
    assert not real & set(mixed)
    assert IndicatorValue.objects.filter(sample=True).exists()
