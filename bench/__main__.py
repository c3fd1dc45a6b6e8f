"""``make bench``: the ASEAN-scale data set of SPEC §5 (cities and projects) and the read
benchmarks of the project list, measured in-process against ``/api/v1/health`` in the same run.

Runs on its own SQLite database in ``var/bench/`` (never the demo's), or on PostgreSQL when
``BENCH_DATABASE_URL`` is set. ``BENCH_SCALE`` (default 1.0) scales the data set down for a
quick look. Results are printed as a Markdown table for ``docs/benchmarks.md``.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ["ASCN_VAR_DIR"] = str(ROOT / "var" / "bench")
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["STATICFILES_BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
(ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1.0"))
N_CITIES = int(3_000 * SCALE)
N_PROJECTS = int(100_000 * SCALE)
RUNS = int(os.environ.get("BENCH_RUNS", "200"))
SEED = 20261127


def generate() -> None:
    """Deterministic: the same seed gives the same data set. Bulk inserts: this is a fixture
    for measuring reads, not a path the application takes."""
    from ascn.network.models import City, FocusArea, MemberState
    from ascn.plans import codelists
    from ascn.plans.models import Project

    rng = random.Random(SEED)  # noqa: S311 - a reproducible data set, not a secret
    states = list(MemberState.objects.exclude(code="TL"))
    existing = City.objects.count()
    if existing < N_CITIES:
        City.objects.bulk_create(
            City(
                slug=f"bench-city-{i}",
                name=f"Bench City {i}",
                member_state=rng.choice(states),
                cohort=rng.choice([2018, 2023, 2024, 2025]),
                latitude=Decimal(rng.randint(-900, 2800)) / 100,
                longitude=Decimal(rng.randint(9200, 14100)) / 100,
            )
            for i in range(existing, N_CITIES)
        )
    cities = list(City.objects.values_list("pk", flat=True))
    areas = list(FocusArea.objects.values_list("pk", flat=True))
    statuses = list(codelists.codelist(codelists.PROJECT_STATUS))
    have = Project.objects.count()
    batch = 5_000
    through = Project.focus_areas.through
    for start in range(have, N_PROJECTS, batch):
        with transaction.atomic():
            rows = [
                Project(
                    city_id=rng.choice(cities),
                    title=f"Bench project {i}",
                    description=f"Generated project {i} for the benchmark: flood sensors, buses, clinics.",
                    status=rng.choice(statuses),
                    budget_amount=Decimal(rng.randint(10_000, 50_000_000)),
                    budget_currency=rng.choice(["USD", "THB", "VND", "IDR", "PHP"]),
                    visibility=rng.choices(["public", "network", "draft"], [5, 2, 3])[0],
                    sample=True,
                )
                for i in range(start, min(start + batch, N_PROJECTS))
            ]
            created = Project.objects.bulk_create(rows)
            through.objects.bulk_create(
                through(project_id=p.pk, focusarea_id=a)
                for p in created
                for a in rng.sample(areas, rng.randint(1, 2))
            )


def measure(client: Client, path: str, headers: dict | None = None) -> list[float]:
    for _ in range(5):
        assert client.get(path, headers=headers or {}).status_code == 200, path
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(path, headers=headers or {})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, path
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("load_network", verbosity=0)
    call_command("load_exchange_rates", verbosity=0)
    started = time.perf_counter()
    generate()
    generated_in = time.perf_counter() - started

    from ascn.accounts.models import User
    from ascn.accounts.services import membership_grant, token_create, user_create
    from ascn.network.models import City
    from ascn.plans.models import Project

    user = User.objects.filter(email="bench-cso@example.org").first() or user_create(
        actor=None, email="bench-cso@example.org", password=None
    )
    membership_grant(actor=None, user=user, role="cso", scope=City.objects.get(slug="bangkok"))
    _, secret = token_create(actor=user, name="bench", days=1)
    signed_in = {"Authorization": f"Bearer {secret}"}

    client = Client()
    cases = [
        ("health", "/api/v1/health", None),
        (
            "project list, public, status filter",
            "/api/v1/projects?status=implementation&page_size=50",
            None,
        ),
        (
            "project list, public, country + focus area",
            "/api/v1/projects?country=TH&focus_area=quality-environment&page_size=50",
            None,
        ),
        (
            "project list, signed-in CSCO, status filter",
            "/api/v1/projects?status=implementation&page_size=50",
            signed_in,
        ),
        ("project list, public, text search q", "/api/v1/projects?q=clinics&page_size=50", None),
        ("city list, 50 rows", "/api/v1/cities?page_size=50", None),
        ("projects page (HTML), status filter", "/projects/?status=implementation", None),
    ]
    results = [(name, measure(client, path, headers)) for name, path, headers in cases]
    health = statistics.median(results[0][1])
    vendor = connection.vendor
    print(
        f"\n### {vendor} — {City.objects.count():,} cities, {Project.objects.count():,} projects "
        f"(generated in {generated_in:.0f} s), {RUNS} requests each, in-process\n"
    )
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}\n"
    )
    print("| request | median ms | p95 ms | median ÷ health median |")
    print("|---|---:|---:|---:|")
    for name, times in results:
        print(
            f"| {name} | {statistics.median(times):.1f} | {p95(times):.1f} | {statistics.median(times) / health:.1f}× |"
        )


if __name__ == "__main__":
    main()
