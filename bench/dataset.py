"""The ASEAN-scale data set of SPEC §5, generated deterministically (one fixed seed).

This is a fixture for measuring reads, not real data: rows are written with ``bulk_create`` in
batches and bypass the services (no policy checks, no audit entries, no signals, no
notifications) on purpose, because going through them would take hours at this size and
would measure the writes, not the reads this benchmark is about.

The data set is kept between runs. A marker row in the table ``bench_dataset`` (created with
plain SQL, not a migration: it belongs to the benchmark database only) records the seed, the
scale and the generator version; when it matches, generation is skipped and a re-run takes
seconds. When it is missing or differs, the benchmark database is emptied and rebuilt.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

SEED = 20261127
# Bump when the generator changes what it writes: an older data set is then rebuilt.
VERSION = 2
BATCH = 2_000
CHUNK = 20_000  # rows per transaction

MARKER_TABLE = "bench_dataset"

FULL = {
    "cities": 3_000,
    "projects": 100_000,
    "organisations": 20_000,
    "programmes": 300,
    "engagements": 200_000,
    "audit_entries": 1_000_000,
}

# Words of each ASCF focus area: project descriptions and capability statements draw on the
# same vocabulary, so text matching and search have something real to find.
_VOCABULARY_TEXT = {
    "civic-social": (
        "citizen portal participatory budgeting e-government services digital identity "
        "community centres heritage conservation public libraries open data inclusion "
        "youth programmes elderly care social housing civic engagement one-stop service"
    ),
    "health-wellbeing": (
        "clinics telemedicine hospital information system health records air quality "
        "monitoring disease surveillance ambulance dispatch nutrition sanitation parks "
        "cycling lanes mental health wellness vaccination logistics"
    ),
    "safety-security": (
        "flood sensors early warning disaster response emergency operations centre "
        "cctv analytics street lighting fire detection landslide monitoring cybersecurity "
        "crowd management resilience evacuation routes"
    ),
    "quality-environment": (
        "solid waste recycling wastewater treatment mangrove restoration urban forest "
        "green buildings energy efficiency solar rooftops water quality river cleanup "
        "circular economy composting emissions inventory"
    ),
    "built-infrastructure": (
        "bus rapid transit light rail smart parking traffic signals water supply "
        "non-revenue water district cooling electric buses ferry terminal bridges "
        "drainage pumping stations broadband fibre"
    ),
    "industry-innovation": (
        "startup incubator innovation district tourism platform e-commerce logistics hub "
        "digital skills fintech payments agritech cold chain data centre living lab "
        "investment promotion"
    ),
}
_GENERIC_TEXT = (
    "city municipality integrated platform pilot scale-up feasibility design procurement "
    "operation maintenance partnership capacity building sensors data analytics dashboard "
    "cloud mobile application network regional national financing technical assistance"
)
VOCABULARY = {area: text.split() for area, text in _VOCABULARY_TEXT.items()}
GENERIC = _GENERIC_TEXT.split()
# Each appears in about one project or organisation in a thousand: the "rare term" of search.
RARE = ["geothermal", "hydrogen", "seaweed", "blockchain", "lidar", "batik"]

KINDS = [
    ("solution_provider", 55),
    ("investor", 12),
    ("development_partner", 8),
    ("external_government", 5),
    ("academia_ngo", 15),
    ("asean_body", 5),
]
# Typical instruments and ticket sizes (USD) per kind of organisation.
PROFILES = {
    "solution_provider": (["ppp", "technical_assistance", "equity"], (50_000, 20_000_000)),
    "investor": (["equity", "loan", "guarantee"], (1_000_000, 200_000_000)),
    "development_partner": (
        ["grant", "loan", "technical_assistance", "guarantee"],
        (200_000, 500_000_000),
    ),
    "external_government": (["grant", "technical_assistance", "loan"], (100_000, 100_000_000)),
    "academia_ngo": (["technical_assistance", "grant"], (10_000, 2_000_000)),
    "asean_body": (["technical_assistance", "grant"], (20_000, 5_000_000)),
}
INSTRUMENTS = ["grant", "loan", "equity", "ppp", "guarantee", "technical_assistance"]
STAGE_WEIGHTS = [
    ("interest", 35),
    ("discussion", 25),
    ("due_diligence", 12),
    ("term_sheet", 6),
    ("committed", 8),
    ("closed", 4),
    ("declined", 10),
]
ACTIONS = [
    ("plans.project.updated", "plans.project", 40),
    ("plans.project.created", "plans.project", 10),
    ("plans.project.progress_reported", "plans.project", 10),
    ("partners.engagement.created", "deals.engagement", 12),
    ("partners.engagement.moved", "deals.engagement", 15),
    ("partners.organisation.updated", "partners.organisation", 6),
    ("accounts.membership.granted", "accounts.membership", 3),
    ("network.city.updated", "network.city", 4),
]
START = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
SPAN_SECONDS = int((dt.datetime(2026, 11, 1, tzinfo=dt.UTC) - START).total_seconds())


def targets(scale: float) -> dict[str, int]:
    return {key: max(1, int(n * scale)) for key, n in FULL.items()}


# --- the marker ------------------------------------------------------------------------


def _ensure_marker_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (key VARCHAR(50) PRIMARY KEY, value TEXT)"
        )


def marker_get(key: str) -> dict | None:
    _ensure_marker_table()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {MARKER_TABLE} WHERE key = %s", [key])  # noqa: S608
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def marker_set(key: str, value: dict) -> None:
    _ensure_marker_table()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER_TABLE} WHERE key = %s", [key])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (key, value) VALUES (%s, %s)",  # noqa: S608
            [key, json.dumps(value)],
        )


def wanted(scale: float) -> dict:
    return {"seed": SEED, "version": VERSION, "scale": scale}


def is_current(scale: float) -> dict | None:
    """The marker of the data set in the database if it is the one asked for, else None."""
    found = marker_get("dataset")
    if found and all(found.get(k) == v for k, v in wanted(scale).items()):
        return found
    return None


def has_bench_rows() -> bool:
    from ascn.network.models import City

    return City.objects.filter(slug__startswith="bench-city-").exists()


# --- helpers ---------------------------------------------------------------------------


@contextmanager
def explicit_timestamps(*models):
    """Let the generator set ``created_at``/``updated_at``/``at`` itself (spread over years,
    as real data is) instead of ``auto_now`` stamping every row with the same instant."""
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _when(rng: random.Random) -> dt.datetime:
    return START + dt.timedelta(seconds=rng.randrange(SPAN_SECONDS))


def _words(rng: random.Random, areas: list[str], low: int, high: int) -> str:
    pool = [w for a in areas for w in VOCABULARY[a]] * 3 + GENERIC
    words = [rng.choice(pool) for _ in range(rng.randint(low, high))]
    if rng.random() < 0.001:
        words.insert(rng.randrange(len(words)), rng.choice(RARE))
    return " ".join(words)


def _insert(model, rows: list, progress: str) -> list:
    created = []
    for start in range(0, len(rows), CHUNK):
        with transaction.atomic():
            created += model.objects.bulk_create(rows[start : start + CHUNK], batch_size=BATCH)
    return created


# --- the generator ---------------------------------------------------------------------


def generate(scale: float, log=print) -> dict:
    """Write the whole data set; return how long each part took (seconds) and the counts."""
    from ascn.core.models import AuditEntry
    from ascn.deals.models import Engagement
    from ascn.funding.models import Call, Programme
    from ascn.network.models import City, FocusArea, MemberState
    from ascn.partners.models import Organisation
    from ascn.plans import codelists, disclosure
    from ascn.plans.models import Project, ReadinessLevel

    n = targets(scale)
    seconds: dict[str, float] = {}
    rng = random.Random(SEED)  # noqa: S311 - a reproducible data set, not a secret

    # Cities: the real ones are loaded by load_network; bench cities top them up to 3,000.
    t = time.perf_counter()
    states = list(MemberState.objects.exclude(code="TL").order_by("code"))
    existing = City.objects.count()
    City.objects.bulk_create(
        (
            City(
                slug=f"bench-city-{i}",
                name=f"Bench City {i}",
                member_state=rng.choice(states),
                cohort=rng.choice([2018, 2023, 2024, 2025]),
                latitude=Decimal(rng.randint(-900, 2800)) / 100,
                longitude=Decimal(rng.randint(9200, 14100)) / 100,
            )
            for i in range(existing, n["cities"])
        ),
        batch_size=BATCH,
    )
    seconds["cities"] = time.perf_counter() - t
    log(f"  cities: {City.objects.count():,} in {seconds['cities']:.1f} s")

    # Projects, with one or two focus areas each and a description from their vocabulary.
    t = time.perf_counter()
    city_ids = list(City.objects.order_by("pk").values_list("pk", flat=True))
    areas = {a.code: a.pk for a in FocusArea.objects.order_by("position", "code")}
    area_codes = list(areas)
    statuses = list(codelists.codelist(codelists.PROJECT_STATUS))
    types = list(codelists.codelist(codelists.PROJECT_TYPE))
    levels = [c for c, _ in ReadinessLevel.choices]
    through = Project.focus_areas.through
    with explicit_timestamps(Project):
        for start in range(0, n["projects"], CHUNK):
            rows, tags = [], []
            for i in range(start, min(start + CHUNK, n["projects"])):
                own = rng.sample(area_codes, rng.randint(1, 2))
                created = _when(rng)
                budget = Decimal(rng.randint(10_000, 50_000_000))
                rows.append(
                    Project(
                        city_id=rng.choice(city_ids),
                        title=f"Bench project {i}: {_words(rng, own, 2, 4)}",
                        description=f"Generated project {i}: {_words(rng, own, 25, 60)}.",
                        status=rng.choice(statuses),
                        project_type=rng.choice(types),
                        budget_amount=budget,
                        budget_currency=rng.choice(["USD", "THB", "VND", "IDR", "PHP"]),
                        funding_secured=(budget * Decimal(rng.randint(0, 60)) / 100).quantize(
                            Decimal("1")
                        ),
                        financing_sought=rng.sample(INSTRUMENTS, rng.randint(0, 3)),
                        readiness_score=rng.randint(0, 100),
                        readiness_level=rng.choice(levels),
                        period_start=created.date(),
                        visibility=rng.choices(["public", "network", "draft"], [5, 2, 3])[0],
                        sample=True,
                        created_at=created,
                        updated_at=created + dt.timedelta(days=rng.randint(0, 400)),
                    )
                )
                tags.append(own)
            with transaction.atomic():
                made = Project.objects.bulk_create(rows, batch_size=BATCH)
                through.objects.bulk_create(
                    (
                        through(project_id=p.pk, focusarea_id=areas[code])
                        for p, own in zip(made, tags, strict=True)
                        for code in own
                    ),
                    batch_size=BATCH,
                )
    seconds["projects"] = time.perf_counter() - t
    log(f"  projects: {Project.objects.count():,} in {seconds['projects']:.1f} s")
    # What save() and the services' subscribers derive, which bulk_create skips: the stored
    # disclosure completeness (one UPDATE from the rules, as `manage.py refresh_disclosure`).
    t = time.perf_counter()
    disclosure.refresh(Project.objects.all())
    seconds["disclosure"] = time.perf_counter() - t
    log(f"  projects' disclosure computed in {seconds['disclosure']:.1f} s")

    # Organisations with realistic profiles.
    t = time.perf_counter()
    country_codes = [s.code for s in states]
    kinds, kind_weights = zip(*KINDS, strict=True)
    orgs = []
    with explicit_timestamps(Organisation):
        for i in range(n["organisations"]):
            kind = rng.choices(kinds, kind_weights)[0]
            instruments, (low, high) = PROFILES[kind]
            own = rng.sample(area_codes, rng.randint(1, 3))
            countries = rng.sample(country_codes, rng.randint(1, 6))
            ticket_min = Decimal(rng.randint(low, max(low, high // 20))).quantize(Decimal("1000"))
            ticket_max = max(
                ticket_min, Decimal(rng.randint(high // 10, high)).quantize(Decimal("1000"))
            )
            created = _when(rng)
            orgs.append(
                Organisation(
                    slug=f"bench-org-{i}",
                    name=f"Bench {kind.replace('_', ' ')} {i}",
                    kind=kind,
                    headquarters_country=rng.choice(country_codes + ["JP", "KR", "AU", "DE", "US"]),
                    countries=countries,
                    focus_areas=own,
                    instruments=rng.sample(instruments, rng.randint(1, len(instruments))),
                    stages=sorted(rng.sample(statuses[:5], rng.randint(1, 3))),
                    ticket_min_usd=ticket_min if rng.random() < 0.9 else None,
                    ticket_max_usd=ticket_max if rng.random() < 0.9 else None,
                    capability_statement=_words(rng, own, 30, 80).capitalize() + ".",
                    description=f"Generated organisation {i} for the benchmark.",
                    verified=rng.random() < 0.3,
                    visibility=rng.choices(["public", "network", "draft"], [7, 2, 1])[0],
                    sample=True,
                    created_at=created,
                    updated_at=created,
                )
            )
        if hasattr(Organisation, "refresh_match_index"):
            for org in orgs:  # what save() derives, which bulk_create skips
                org.refresh_match_index()
        orgs = _insert(Organisation, orgs, "organisations")
    seconds["organisations"] = time.perf_counter() - t
    log(f"  organisations: {len(orgs):,} in {seconds['organisations']:.1f} s")

    # Funding programmes of investors and development partners, with their calls.
    t = time.perf_counter()
    sponsors = [
        o for o in orgs if o.kind in ("investor", "development_partner", "external_government")
    ]
    programmes = [
        Programme(
            slug=f"bench-programme-{i}",
            name=f"Bench programme {i}",
            sponsor=rng.choice(sponsors),
            description=_words(rng, rng.sample(area_codes, 2), 20, 40),
            total_amount=Decimal(rng.randint(1, 500)) * 1_000_000,
            currency="USD",
            period_start=dt.date(rng.randint(2018, 2025), 1, 1),
            eligible_countries=rng.sample(country_codes, rng.randint(1, 10)),
            eligible_focus_areas=rng.sample(area_codes, rng.randint(1, 3)),
            eligible_stages=sorted(rng.sample(statuses[:5], rng.randint(1, 3))),
            instruments=rng.sample(["grant", "loan", "technical_assistance"], rng.randint(1, 2)),
            visibility=rng.choices(["public", "network"], [4, 1])[0],
            sample=True,
        )
        for i in range(n["programmes"])
    ]
    programmes = _insert(Programme, programmes, "programmes")
    calls = []
    for p in programmes:
        for k in range(rng.randint(1, 4)):
            opens = dt.date(rng.randint(2019, 2026), rng.randint(1, 12), 1)
            calls.append(
                Call(
                    programme=p,
                    title=f"{p.name}, call {k + 1}",
                    description=_words(rng, p.eligible_focus_areas, 15, 30),
                    opens_on=opens,
                    closes_on=opens + dt.timedelta(days=rng.randint(30, 120)),
                    sample=True,
                )
            )
    _insert(Call, calls, "calls")
    seconds["programmes"] = time.perf_counter() - t
    log(
        f"  programmes: {len(programmes):,} with {len(calls):,} calls in {seconds['programmes']:.1f} s"
    )

    # Engagements: unique project × organisation pairs on projects partners can see.
    t = time.perf_counter()
    visible = list(
        Project.objects.filter(
            title__startswith="Bench project", visibility__in=["public", "network"]
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    org_ids = [o.pk for o in orgs]
    stages, stage_weights = zip(*STAGE_WEIGHTS, strict=True)
    pairs: set[tuple[int, int]] = set()
    goal = min(n["engagements"], len(visible) * len(org_ids))
    while len(pairs) < goal:
        pairs.add((rng.choice(visible), rng.choice(org_ids)))
    engagements = []
    with explicit_timestamps(Engagement):
        for project_id, org_id in sorted(pairs):
            stage = rng.choices(stages, stage_weights)[0]
            created = _when(rng)
            committed = stage in ("committed", "closed")
            engagements.append(
                Engagement(
                    project_id=project_id,
                    organisation_id=org_id,
                    stage=stage,
                    initiated_by=rng.choice(["city", "partner"]),
                    message=_words(rng, [rng.choice(area_codes)], 8, 20),
                    commitment_amount=Decimal(rng.randint(50, 50_000)) * 1_000
                    if committed
                    else None,
                    commitment_currency="USD" if committed else "",
                    commitment_instrument=rng.choice(INSTRUMENTS) if committed else "",
                    sample=True,
                    created_at=created,
                    updated_at=created + dt.timedelta(days=rng.randint(0, 300)),
                )
            )
        _insert(Engagement, engagements, "engagements")
    del engagements, pairs
    seconds["engagements"] = time.perf_counter() - t
    log(f"  engagements: {Engagement.objects.count():,} in {seconds['engagements']:.1f} s")

    # Audit entries: the trail of years of edits.
    t = time.perf_counter()
    actions, action_types, action_weights = zip(*ACTIONS, strict=True)
    with explicit_timestamps(AuditEntry):
        for start in range(0, n["audit_entries"], CHUNK):
            rows = []
            for i in range(start, min(start + CHUNK, n["audit_entries"])):
                k = rng.choices(range(len(actions)), action_weights)[0]
                rows.append(
                    AuditEntry(
                        at=_when(rng),
                        actor_label=f"bench-user-{rng.randrange(2_000)}@example.org",
                        action=actions[k],
                        object_type=action_types[k],
                        object_id=str(rng.choice(visible)),
                        object_repr=f"Bench object {i}",
                        changes={"status": [rng.choice(statuses), rng.choice(statuses)]},
                        request_id=f"{i:032x}",
                    )
                )
            with transaction.atomic():
                AuditEntry.objects.bulk_create(rows, batch_size=BATCH)
    seconds["audit_entries"] = time.perf_counter() - t
    log(f"  audit entries: {AuditEntry.objects.count():,} in {seconds['audit_entries']:.1f} s")
    return seconds


def counts() -> dict[str, int]:
    from ascn.core.models import AuditEntry
    from ascn.deals.models import Engagement
    from ascn.funding.models import Call, Programme
    from ascn.network.models import City
    from ascn.partners.models import Organisation
    from ascn.plans.models import Project

    return {
        "cities": City.objects.count(),
        "projects": Project.objects.count(),
        "organisations": Organisation.objects.count(),
        "programmes": Programme.objects.count(),
        "calls": Call.objects.count(),
        "engagements": Engagement.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
    }


def now_iso() -> str:
    return timezone.now().isoformat(timespec="seconds")


# --- city indicators (issue 22) -----------------------------------------------------------

# 3,000 cities × 50 indicators × 8 years: 1,200,000 values (at scale 1). A part of its own,
# with its own marker, so a data set generated before it only gains the values.
INDICATORS = 50
INDICATOR_YEARS = list(range(2018, 2026))
INDICATOR_VERSION = 1
# Visibility by year (public, network, draft): older figures are shared, the newest ones are
# often still drafts — so each city's latest value differs by who asks.
_VISIBILITY_WEIGHTS = {2024: (60, 25, 15), 2025: (30, 30, 40)}
_OLDER_WEIGHTS = (80, 15, 5)


def indicators_wanted(scale: float) -> dict:
    return {"seed": SEED, "version": INDICATOR_VERSION, "scale": scale}


def indicators_current(scale: float) -> bool:
    found = marker_get("indicators")
    return bool(found) and all(found.get(k) == v for k, v in indicators_wanted(scale).items())


def generate_indicators(scale: float, log=print) -> float:
    """50 bench indicators (``bench-ind-N``, half of them percentages) and every city's value
    of each for 2018–2025, with a mix of visibility and verification. Replaces any earlier
    bench indicators and values."""
    from ascn.indicators.models import Indicator, IndicatorValue
    from ascn.network.models import City, FocusArea, Outcome

    started = time.perf_counter()
    rng = random.Random(SEED + 22)  # noqa: S311 - a reproducible data set
    IndicatorValue.objects.filter(indicator__slug__startswith="bench-ind-").delete()
    Indicator.objects.filter(slug__startswith="bench-ind-").delete()
    areas = list(FocusArea.objects.order_by("position", "code"))
    outcomes = list(Outcome.objects.order_by("position", "code"))
    indicators = Indicator.objects.bulk_create(
        Indicator(
            code=f"BENCH-{i:02d}",
            slug=f"bench-ind-{i:02d}",
            framework="u4ssc",
            name=f"Bench indicator {i}",
            definition=f"Generated indicator {i} for the benchmark.",
            unit="%" if i % 2 else "per 100,000",
            direction=["higher", "lower", "neutral"][i % 3],
            focus_area=areas[i % len(areas)],
            outcome=outcomes[i % len(outcomes)],
            source_title="Benchmark data set (generated)",
            source_url="https://example.org/bench",
            position=1000 + i,
        )
        for i in range(max(1, int(INDICATORS * min(scale, 1.0))))
    )
    city_ids = list(City.objects.order_by("pk").values_list("pk", flat=True))
    visibilities = ["public", "network", "draft"]
    rows = []
    total = 0
    for city_id in city_ids:
        for indicator in indicators:
            top = 100 if indicator.unit == "%" else 5_000
            level = rng.uniform(0.1, 0.9) * top
            for year in INDICATOR_YEARS:
                visibility = rng.choices(
                    visibilities, _VISIBILITY_WEIGHTS.get(year, _OLDER_WEIGHTS)
                )[0]
                level = min(top, max(0.0, level * rng.uniform(0.95, 1.06)))
                verified = visibility != "draft" and rng.random() < 0.7
                rows.append(
                    IndicatorValue(
                        indicator=indicator,
                        city_id=city_id,
                        year=year,
                        value=Decimal(int(level * 100)) / 100,
                        source="Benchmark data set (generated)",
                        visibility=visibility,
                        # timed as real values: the medians and rankings take real ones only
                        sample=False,
                        verification="verified" if verified else "pending",
                        grade="assumptions" if verified else "",
                    )
                )
        if len(rows) >= CHUNK:
            _insert(IndicatorValue, rows, "indicator values")
            total += len(rows)
            rows = []
    _insert(IndicatorValue, rows, "indicator values")
    total += len(rows)
    seconds = time.perf_counter() - started
    log(f"  indicator values: {total:,} ({len(indicators)} indicators) in {seconds:.1f} s")
    return seconds
