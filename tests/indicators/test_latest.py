"""Each city's latest value per audience, kept by the services (``indicators.latest``): after
every write path — entry, edit of the figure, of the year, of the visibility, verification,
return, import — what each person reads as "the latest" is what they would find by looking
at every value they may see, and the medians of the city page follow."""

import random
from collections import defaultdict

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ascn.indicators import latest
from ascn.indicators.latest import median_of
from ascn.indicators.models import Indicator, IndicatorMedian, IndicatorValue
from ascn.indicators.queries import city_summary, latest_values, values_for
from ascn.indicators.services import value_enter, value_update, value_verify
from ascn.network.models import City
from ascn.network.services import registry_upsert
from ascn.opendata.indicator_import import import_values
from tests.races import ON_POSTGRESQL, race
from tests.roles import (
    ANONYMOUS,
    CSO_HANOI,
    CSO_PHUKET,
    NR_TH,
    PARTNER_ADB,
    PRINCIPALS,
    SECRETARIAT,
)

pytest_plugins = ["tests.roles"]


@pytest.fixture
def world(catalogue):
    return {
        "pm25": Indicator.objects.get(code="11.6.2"),
        "transport": Indicator.objects.get(code="11.2.1"),
        "phuket": City.objects.get(slug="phuket"),
        "bangkok": City.objects.get(slug="bangkok"),
        "hanoi": City.objects.get(slug="hanoi"),
    }


def _enter(city, indicator, year, value, visibility, actor=None):
    return value_enter(
        actor=actor,
        city=city,
        indicator=indicator,
        year=year,
        value=value,
        source="Test source",
        visibility=visibility,
    )


def _who(roles, name):
    return AnonymousUser() if name == ANONYMOUS else roles.user(name)


def _expected(user) -> set[int]:
    """Found the slow way: among every value the user may see, each city's latest year."""
    best: dict[tuple[int, int], tuple[int, int]] = {}
    for pk, city_id, indicator_id, year in values_for(user).values_list(
        "pk", "city_id", "indicator_id", "year"
    ):
        key = (city_id, indicator_id)
        if key not in best or year > best[key][0]:
            best[key] = (year, pk)
    return {pk for _year, pk in best.values()}


def _assert_right_for_everyone(roles) -> None:
    for name in PRINCIPALS:
        user = _who(roles, name)
        assert set(latest_values(user).values_list("pk", flat=True)) == _expected(user), name
    # and the flags are what a full rebuild computes
    before = list(IndicatorValue.objects.order_by("pk").values_list("pk", *latest.FLAGS))
    latest.rebuild(IndicatorValue)
    assert list(IndicatorValue.objects.order_by("pk").values_list("pk", *latest.FLAGS)) == before


def test_every_write_path_keeps_the_latest_values_right(roles, world):
    phuket, hanoi, pm25 = world["phuket"], world["hanoi"], world["pm25"]
    cso = roles.user(CSO_PHUKET)
    # entered: public 2021, network 2022, a draft 2023 (Phuket); Hanoi public 2020 and 2022
    old = _enter(phuket, pm25, 2021, "30", "public", cso)
    mid = _enter(phuket, pm25, 2022, "26", "network", cso)
    new = _enter(phuket, pm25, 2023, "22", "draft", cso)
    _enter(hanoi, pm25, 2020, "40", "public")
    _enter(hanoi, pm25, 2022, "38", "public")
    _assert_right_for_everyone(roles)
    assert latest_values(_who(roles, ANONYMOUS)).filter(city=phuket).get().pk == old.pk
    assert latest_values(roles.user(PARTNER_ADB)).filter(city=phuket).get().pk == mid.pk
    assert latest_values(roles.user(CSO_PHUKET)).filter(city=phuket).get().pk == new.pk
    assert latest_values(roles.user(CSO_HANOI)).filter(city=phuket).get().pk == mid.pk

    # verified: nothing moves; returned: withdrawn to a draft, so the public sees no value
    # of Phuket's until it is corrected
    mid = value_verify(
        actor=roles.user(NR_TH), record=mid, version=mid.version, verified=True, grade="measured"
    )
    old = value_verify(
        actor=roles.user(SECRETARIAT),
        record=old,
        version=old.version,
        verified=False,
        note="Which station?",
    )
    _assert_right_for_everyone(roles)
    assert old.visibility == "draft"
    assert not latest_values(_who(roles, ANONYMOUS)).filter(city=phuket).exists()

    # the draft is published: it is everyone's latest
    new = value_update(actor=cso, record=new, version=new.version, visibility="public")
    _assert_right_for_everyone(roles)
    assert latest_values(_who(roles, ANONYMOUS)).filter(city=phuket).get().pk == new.pk

    # its year moves back before the others: still the public's latest (the 2021 value is
    # withdrawn), no longer a member's (the 2022 network value is)
    new = value_update(actor=cso, record=new, version=new.version, year=2019)
    _assert_right_for_everyone(roles)
    assert latest_values(_who(roles, ANONYMOUS)).filter(city=phuket).get().pk == new.pk
    assert latest_values(roles.user(PARTNER_ADB)).filter(city=phuket).get().pk == mid.pk

    # the network value goes back to draft; the returned one is corrected and shared again
    mid = value_update(actor=cso, record=mid, version=mid.version, visibility="draft")
    old = value_update(actor=cso, record=old, version=old.version, value="29", visibility="public")
    _assert_right_for_everyone(roles)
    assert latest_values(roles.user(PARTNER_ADB)).filter(city=phuket).get().pk == old.pk

    # an import adds Phuket's 2024 value of transport and a public 2025 PM2.5
    csv = (
        b"city,indicator,year,value,source,method_note,visibility\n"
        b"phuket,11.2.1,2024,55,Transport survey,,network\n"
        b"phuket,11.6.2,2025,20,PCD 2025,,public\n"
    )
    result = import_values(actor=cso, data=csv, name="values.csv")
    assert not result.errors and result.written == 2
    _assert_right_for_everyone(roles)
    assert (
        latest_values(_who(roles, ANONYMOUS)).filter(city=phuket, indicator=pm25).get().year == 2025
    )


def test_an_import_that_fails_changes_no_latest_value(roles, world):
    phuket = world["phuket"]
    cso = roles.user(CSO_PHUKET)
    kept = _enter(phuket, world["pm25"], 2022, "26", "public", cso)
    csv = (
        b"city,indicator,year,value,source,method_note,visibility\n"
        b"phuket,11.6.2,2024,20,PCD 2024,,public\n"
        b"phuket,11.6.2,2023,-5,PCD 2023,,public\n"
    )
    result = import_values(actor=cso, data=csv, name="values.csv")
    assert result.errors
    assert list(latest_values(_who(roles, ANONYMOUS)).values_list("pk", flat=True)) == [kept.pk]
    _assert_right_for_everyone(roles)


def test_the_medians_count_an_owners_own_drafts_and_nobody_elses(roles, world):
    phuket, bangkok, hanoi, pm25 = world["phuket"], world["bangkok"], world["hanoi"], world["pm25"]
    _enter(phuket, pm25, 2022, "20", "public")
    _enter(bangkok, pm25, 2022, "30", "public")
    _enter(bangkok, pm25, 2023, "50", "draft")
    _enter(hanoi, pm25, 2022, "40", "public")

    def network_median(name):
        summary = city_summary(_who(roles, name), phuket)
        return summary.rows[0].network.value, summary.rows[0].network.years

    # everyone else: Bangkok's latest is its public 2022 value (20, 30, 40 → 30)
    assert network_median(ANONYMOUS)[0] == 30
    assert network_median(CSO_HANOI)[0] == 30
    assert network_median(CSO_PHUKET)[0] == 30
    # Thailand's representative and the Secretariat see Bangkok's 2023 draft (20, 40, 50 → 40)
    assert network_median(NR_TH) == (40, (2022, 2023))
    assert network_median(SECRETARIAT)[0] == 40


def test_rebuild_marks_rows_written_around_the_services(world):
    # rows bulk-inserted (the benchmark's generator, a restore) carry no flags until rebuilt
    phuket, pm25 = world["phuket"], world["pm25"]
    rows = IndicatorValue.objects.bulk_create(
        IndicatorValue(
            city=phuket, indicator=pm25, year=year, value=v, source="s", visibility=visibility
        )
        for year, v, visibility in [(2020, 1, "public"), (2021, 2, "network"), (2022, 3, "draft")]
    )
    assert not IndicatorValue.objects.filter(latest_any=True).exists()
    latest.rebuild(IndicatorValue)
    flags = defaultdict(list)
    for row in IndicatorValue.objects.order_by("year"):
        for flag in latest.FLAGS:
            if getattr(row, flag):
                flags[flag].append(row.year)
    assert dict(flags) == {
        "latest_public": [2020],
        "latest_shared": [2021],
        "latest_any": [2022],
    }
    assert len(rows) == 3


def _population(slug: str, population: int) -> None:
    registry_upsert(
        actor=None,
        model=City,
        lookup={"slug": slug},
        values={"population": population, "population_year": 2020, "population_source": "Test"},
    )


def test_a_citys_new_population_moves_it_between_size_class_medians(world):
    phuket, bangkok, hanoi, pm25 = world["phuket"], world["bangkok"], world["hanoi"], world["pm25"]
    for city, population in [(phuket, 400_000), (bangkok, 5_500_000), (hanoi, 8_000_000)]:
        _population(city.slug, population)
    _enter(phuket, pm25, 2022, "20", "public")
    _enter(bangkok, pm25, 2022, "30", "public")
    _enter(hanoi, pm25, 2022, "40", "public")
    phuket.refresh_from_db()
    size_class = city_summary(AnonymousUser(), phuket).rows[0].size_class
    assert (size_class.value, size_class.cities) == (20, 1)
    # when Hanoi's population is corrected to a middleweight city's
    registry_upsert(
        actor=None, model=City, lookup={"slug": "hanoi"}, values={"population": 1_200_000}
    )
    # then Phuket's size-class median counts it
    size_class = city_summary(AnonymousUser(), phuket).rows[0].size_class
    assert (size_class.value, size_class.cities) == (30, 2)
    network = city_summary(AnonymousUser(), phuket).rows[0].network
    assert (network.value, network.cities) == (30, 3)


@pytest.mark.parametrize(("seed", "window"), [(1, 8), (2, 8), (3, 0), (4, 1)])
def test_the_medians_equal_those_counted_by_hand_for_everyone(
    roles, world, seed, window, monkeypatch
):
    # given: every city of the network with values of PM2.5 over a few years, of every
    # visibility (the owners' drafts among them), some cities with a population; the
    # values kept around each median, wide (an owner's median from them) or narrow (read)
    monkeypatch.setattr(latest, "WINDOW", window)
    rng = random.Random(seed)  # noqa: S311 - test data, not a secret
    pm25 = world["pm25"]
    cities = list(City.objects.order_by("pk"))
    for city in rng.sample(cities, 12):
        _population(city.slug, rng.choice([150_000, 800_000, 3_000_000]))
    for city in cities:
        for year in rng.sample(range(2015, 2025), rng.randint(0, 3)):
            visibility = rng.choice(["public", "network", "draft"])
            _enter(city, pm25, year, str(rng.randint(0, 900) / 10), visibility)
    cities = list(City.objects.order_by("pk"))
    sizes = {city.pk: city.size_class for city in cities}
    # then each person's medians, for every city's page, are those of the latest values
    # they may see, found the slow way
    for name in PRINCIPALS:
        user = _who(roles, name)
        everyone = [
            (row.city_id, row.value, row.year)
            for row in IndicatorValue.objects.filter(pk__in=_expected(user))
        ]
        for city in rng.sample(cities, 8):
            summary = city_summary(user, city)
            if not summary.rows:
                continue
            row = summary.rows[0]
            assert row.network == median_of(everyone), (name, city.slug)
            if city.size_class:
                same = [r for r in everyone if sizes[r[0]] == city.size_class]
                assert row.size_class == median_of(same), (name, city.slug, "size class")


def test_a_cscos_medians_with_their_own_draft_take_no_extra_reads(roles, world):
    # given: ten cities' public values and Phuket's newer draft (its CSCO's latest)
    pm25 = world["pm25"]
    cities = list(City.objects.exclude(pk=world["phuket"].pk).order_by("pk")[:10])
    for i, city in enumerate([*cities, world["phuket"]]):
        _enter(city, pm25, 2022, str(10 + i), "public")
    _enter(world["phuket"], pm25, 2023, "99", "draft")
    cso = roles.user(CSO_PHUKET)
    with CaptureQueriesContext(connection) as queries:
        summary = city_summary(cso, cities[0])
    # then the median counts the draft, from the values stored around the median: the
    # CSCO's memberships, the city's years, its latest values, the CSCO's own latest rows,
    # the stored medians, their cities' sizes — no read of the other cities' values
    everyone = [
        (row.city_id, row.value, row.year)
        for row in IndicatorValue.objects.filter(pk__in=_expected(cso))
    ]
    assert summary.rows[0].network == median_of(everyone)
    assert len(queries) <= 6, [q["sql"][:80] for q in queries]


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_two_cities_entering_the_same_indicator_at_once_both_count(roles, world):
    # given Bangkok's public 2022 value; Phuket and Hanoi enter theirs at the same instant
    pm25 = world["pm25"]
    _enter(world["bangkok"], pm25, 2022, "30", "public")

    def enter(city, value):
        return lambda: _enter(city, pm25, 2023, value, "public")

    outcomes = race(Indicator, pm25.pk, [enter(world["phuket"], "20"), enter(world["hanoi"], "40")])
    # then both are saved, each its city's latest, and the stored medians count all three
    assert outcomes == ["saved", "saved"]
    _assert_right_for_everyone(roles)
    stored = IndicatorMedian.objects.get(indicator=pm25, audience="public", size_class="")
    assert (stored.value, stored.cities) == (30, 3)
