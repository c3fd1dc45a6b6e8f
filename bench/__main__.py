"""``make bench``: the ASEAN-scale data set of SPEC §5 and its benchmarks, on SQLite or
PostgreSQL, printed as Markdown for ``docs/benchmarks.md``.

* Data set (``bench/dataset.py``): 3,000 cities, 100,000 projects, 20,000 organisations,
  programmes with calls, 200,000 engagements, 1,000,000 audit entries — deterministic (one
  seed), bulk-inserted, kept between runs (a marker row says which data set is there); and
  the city indicators, 50 indicators × 8 years for every city (1,200,000 values), a part
  with its own marker (added to a data set made without it).
* In-process cases (``bench/cases.py``): Django's test client, 5 warm-up requests then
  ``BENCH_RUNS`` (100) timed ones; median, p95 and the ratio to ``/api/v1/health``'s median
  in the same run. A case whose route is not there yet is reported as "not available".
* Real server (``bench/server.py``): granian as ``make serve`` runs it (``WEB_WORKERS``
  workers of ``WEB_THREADS`` threads), driven by ``wrk`` for a fixed time per case; req/s,
  median, p95 and p99, ratios to health and to a bare Django view; the workers' resident
  memory after every page kind (the worst named).

Runs on its own SQLite database in ``var/bench/`` (never the demo's), or on PostgreSQL when
``BENCH_DATABASE_URL`` is set (its database name must contain "bench": it is emptied when
the data set has to be rebuilt), with Redis as the shared cache when ``BENCH_REDIS_URL`` is set. Environment: ``BENCH_SCALE`` (default 1.0),
``BENCH_RUNS`` (100), ``BENCH_LOAD_SECONDS`` (10 per server case), ``BENCH_CONCURRENCY``
(wrk's connections, default workers × threads), ``BENCH_REINDEX=1`` (rebuild the
search index even if the marker says it is current), ``BENCH_SKIP_SERVER=1``,
``BENCH_GENERATE_ONLY=1`` (prepare the data set and stop), ``BENCH_ONLY=search,dashboards``
(only those case groups; see ``cases.selected``), ``BENCH_VAR`` (the SQLite data set's
directory, default ``var/bench``).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
# A scaled-down SQLite data set lives in its own directory, so a quick look never replaces
# the full one.
SCALE = float(os.environ.get("BENCH_SCALE", "1.0"))
# PostgreSQL runs keep their cache apart from SQLite's (same machine, different figures).
# ``BENCH_VAR`` names another directory (e.g. a copy of ``var/bench`` to try a change on).
VAR = (
    Path(os.environ["BENCH_VAR"]).resolve()
    if os.environ.get("BENCH_VAR")
    else (
        ROOT
        / "var"
        / (
            ("bench" if SCALE == 1.0 else f"bench-{SCALE:g}")
            + ("-postgresql" if os.environ.get("BENCH_DATABASE_URL") else "")
        )
    )
)
os.environ["ASCN_VAR_DIR"] = str(VAR)
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)
# The shared cache: Redis, as production runs (``BENCH_REDIS_URL``, e.g. redis://…/15, a
# database of its own), else the file cache in the bench directory (the embedded default).
if os.environ.get("BENCH_REDIS_URL"):
    os.environ["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
else:
    os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["STATICFILES_BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
os.environ.pop("DEBUG", None)
# A local trial server with the demo key: the web server refuses the demo key otherwise.
os.environ["ASCN_DEMO"] = "1"
# The API's rate limits (SPEC: 300 anonymous requests a minute per address) stay checked on
# every request, at limits the benchmark's thousands of requests from one address do not
# reach: it measures answers, not 429s (tests/core/test_rate_limits.py tests the limits).
for _rate in ("ASCN_API_RATE_ANONYMOUS", "ASCN_API_RATE_TOKEN", "ASCN_API_RATE_USER"):
    os.environ.setdefault(_rate, "1000000/60")
VAR.mkdir(parents=True, exist_ok=True)

import django  # noqa: E402


def ensure_postgresql_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet (a fresh
    machine has only ``postgres`` and ``test``)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created the PostgreSQL database {name!r}.", file=sys.stderr)


if os.environ.get("BENCH_DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    ensure_postgresql_database(os.environ["BENCH_DATABASE_URL"])

django.setup()

from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection  # noqa: E402

from bench import cases, dataset, report, server  # noqa: E402


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def reset_database() -> None:
    """Empty the benchmark database (only ever the benchmark's own)."""
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        if path.parent != VAR:
            raise SystemExit(f"Refusing to delete {path}: not in {VAR}")
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        name = connection.settings_dict["NAME"]
        if "bench" not in name:
            raise SystemExit(f"Refusing to empty database {name!r}: its name lacks 'bench'")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")


def stable_fingerprint() -> str:
    """Like ``migrations_fingerprint`` but stable across processes (no hash seed)."""
    import hashlib

    from django.db.migrations.recorder import MigrationRecorder

    names = sorted(f"{a}.{n}" for a, n in MigrationRecorder(connection).applied_migrations())
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def refresh_derived() -> float:
    """Columns the models derive in ``save()``, which ``bulk_create`` skips, filled for bench
    rows that lack them (e.g. after a migration added them to an existing data set)."""
    from ascn.partners.models import Organisation

    started = time.perf_counter()
    if hasattr(Organisation, "refresh_match_index"):
        stale = Organisation.objects.filter(slug__startswith="bench-org-", match_keys="")
        if stale.exists():
            log("  filling the organisations' derived match index…")
            batch = []
            for org in stale.iterator(chunk_size=2_000):
                org.refresh_match_index()
                batch.append(org)
                if len(batch) == 2_000:
                    Organisation.objects.bulk_update(batch, ["match_keys", "match_terms"])
                    batch = []
            if batch:
                Organisation.objects.bulk_update(batch, ["match_keys", "match_terms"])
    # Matchmaking's stored project terms (a migration fills them for the rows there are;
    # the generator's projects come after it).
    if "refresh_match_terms" in get_commands():
        from ascn.matchmaking.models import ProjectTerms
        from ascn.plans.models import Project

        if ProjectTerms.objects.count() < Project.objects.count():
            log("  filling the projects' stored match terms (`refresh_match_terms --missing`)…")
            call_command("refresh_match_terms", "--missing", verbosity=0, stdout=sys.stderr)
    # The dashboards' tallies: the services keep them (core.events), but the generator's bulk
    # inserts bypass both (and a migration that fills them ran before the rows existed).
    if "dashboards_rebuild" in get_commands():
        from ascn.dashboards.models import ProjectTally
        from ascn.plans.models import Project

        if Project.objects.exists() and not ProjectTally.objects.exists():
            log("  computing the dashboards' tallies (`dashboards_rebuild`)…")
            call_command("dashboards_rebuild", verbosity=0, stdout=sys.stderr)
    # Each city's latest indicator value per audience and the stored medians: the services
    # keep them, the generator's bulk inserts bypass them.
    if "indicators_rebuild_latest" in get_commands():
        from ascn.indicators.models import IndicatorMedian, IndicatorValue

        if IndicatorValue.objects.exists() and not (
            IndicatorValue.objects.filter(latest_any=True).exists()
            and IndicatorMedian.objects.exists()
        ):
            log("  marking each city's latest indicator values (`indicators_rebuild_latest`)…")
            call_command("indicators_rebuild_latest", verbosity=0, stdout=sys.stderr)
    return time.perf_counter() - started


def analyze() -> None:
    """PostgreSQL: vacuum and analyze, as autovacuum does on a server left at its defaults.
    (This machine's server runs with ``autovacuum = off``: the bulk loads and the search
    index's rebuild otherwise leave every dead row in place and the GIN indexes' pending
    lists unmerged — a common word's title walk then read 8,092 heap blocks, 4,041 once
    vacuumed, and its GIN scan took 7.4 ms against 1.9 ms.)
    Quick when there is nothing to do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def main() -> None:
    phases: dict[str, float] = {}
    load_start = os.getloadavg()
    t = time.perf_counter()
    log(f"make bench: {connection.vendor}, scale {SCALE}")
    call_command("migrate", verbosity=0)
    phases["migrate"] = time.perf_counter() - t

    marker = dataset.is_current(SCALE)
    if marker is None:
        if dataset.has_bench_rows() or dataset.marker_get("dataset") is not None:
            log("The benchmark database holds another data set: emptying it.")
            reset_database()
            t = time.perf_counter()
            call_command("migrate", verbosity=0)
            phases["migrate"] += time.perf_counter() - t
        log("Generating the data set (bulk inserts, no services)…")
        t = time.perf_counter()
        call_command("load_network", verbosity=0, stdout=sys.stderr)
        call_command("load_exchange_rates", verbosity=0, stdout=sys.stderr)
        parts = dataset.generate(SCALE, log=log)
        analyze()
        marker = {
            **dataset.wanted(SCALE),
            "generated_at": dataset.now_iso(),
            "seconds": round(time.perf_counter() - t, 1),
            "parts": {k: round(v, 1) for k, v in parts.items()},
        }
        dataset.marker_set("dataset", marker)
        phases["generate"] = time.perf_counter() - t
    else:
        log(f"Reusing the data set generated {marker['generated_at']} in {marker['seconds']} s.")
    # The city indicators (issue 22): a part of its own, added to a data set made without it.
    if not dataset.indicators_current(SCALE):
        log("Generating the city indicators' values (bulk inserts, no services)…")
        t = time.perf_counter()
        seconds = dataset.generate_indicators(SCALE, log=log)
        analyze()
        dataset.marker_set(
            "indicators",
            {
                **dataset.indicators_wanted(SCALE),
                "generated_at": dataset.now_iso(),
                "seconds": round(seconds, 1),
            },
        )
        phases["indicators"] = time.perf_counter() - t
    phases["derived columns"] = refresh_derived()

    # The search index, when the search module has its command.
    search_note = "no `rebuild_search_index` command yet"
    if "rebuild_search_index" in get_commands():
        fingerprint = stable_fingerprint()
        done = dataset.marker_get("search_index")
        if (
            os.environ.get("BENCH_REINDEX") == "1"
            or not done
            or done.get("migrations") != fingerprint
            or done.get("dataset") != marker.get("generated_at")
        ):
            log("Rebuilding the search index…")
            t = time.perf_counter()
            call_command("rebuild_search_index", verbosity=0, stdout=sys.stderr)
            analyze()
            seconds = time.perf_counter() - t
            phases["search index rebuild"] = seconds
            done = {
                "migrations": fingerprint,
                "dataset": marker.get("generated_at"),
                "seconds": round(seconds, 1),
                "at": dataset.now_iso(),
            }
            dataset.marker_set("search_index", done)
            search_note = f"`rebuild_search_index` took {seconds:.1f} s in this run"
        else:
            search_note = (
                f"search index current (rebuilt {done['at']} in {done['seconds']} s; "
                "`BENCH_REINDEX=1` rebuilds it)"
            )

    if os.environ.get("BENCH_GENERATE_ONLY") == "1":
        log("Data set ready (BENCH_GENERATE_ONLY=1: no measurements). Phases: " + repr(phases))
        return

    t = time.perf_counter()
    analyze()
    phases["vacuum and analyze"] = time.perf_counter() - t
    t = time.perf_counter()
    people = cases.people()
    results = cases.run_all(people, log=log)
    phases["in-process cases"] = time.perf_counter() - t

    throughput = None
    if os.environ.get("BENCH_SKIP_SERVER") != "1":
        t = time.perf_counter()
        throughput = server.run(people, log=log)
        phases["real server"] = time.perf_counter() - t

    text = report.render(
        scale=SCALE,
        marker=marker,
        counts=dataset.counts(),
        results=results,
        extra=cases.EXTRA,
        throughput=throughput,
        phases=phases,
        search_note=search_note,
        load=(load_start, os.getloadavg()),
    )
    print(text)
    out = VAR / f"results-{connection.vendor}.md"
    out.write_text(text, encoding="utf-8")
    log(f"(also written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out})")


if __name__ == "__main__":
    main()
