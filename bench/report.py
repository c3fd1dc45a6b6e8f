"""The Markdown ``make bench`` prints, ready to paste into ``docs/benchmarks.md``."""

from __future__ import annotations

import os
import platform
import sqlite3
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MEMORY_TARGET_MB = 200
THROUGHPUT_TARGET = 0.40


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
        ram = f"{mem_kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        ram = "RAM unknown"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            db = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    else:
        db = f"SQLite {sqlite3.sqlite_version} (WAL)"
    backend = settings.CACHES["default"]["BACKEND"]
    shared = (
        "Redis"
        if "redis" in backend.lower()
        else "the file cache, the rate limits counted in an SQLite file beside it (no Redis)"
    )
    return (
        f"{platform.machine()} {cpu}, {os.cpu_count()} cores, {ram}; Linux {platform.release()}; "
        f"Python {platform.python_version()}, Django {_version('django')}, "
        f"granian {_version('granian')}; {db}; shared cache (rate limits, response cache): "
        f"{shared}"
    )


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _verdict(value: float, target: float | None, *, at_most: bool = True) -> str:
    if target is None:
        return "—"
    ok = value <= target if at_most else value >= target
    return "met" if ok else "**NOT met**"


def _share(value: float | None, base: float | None) -> str:
    return f"{value / base:.2g}" if value and base else "—"


def server_section(t: dict) -> list[str]:
    """The real-server phase: a table of the wrk cases, the targets, the memory."""
    rows = t["cases"]
    timed = [r for r in rows if "rps" in r]
    health = next((r for r in timed if r["path"] == "/api/v1/health"), None)
    h_rps = health["rps"] if health else None
    h_p99 = health["p99_ms"] if health else None
    out = [
        f"Real server: `{t['command']}` ({t.get('workers', '?')} workers found), the anonymous "
        f"response cache off, driven by wrk (`-t 2 -c {t['concurrency']}`, keep-alive, on the "
        f"same 2 cores) for {t['seconds']:g} s per case after a {t['warm_seconds']:g} s "
        "warm-up. *÷ health*: req/s as a share of health's, p99 as a multiple of health's, "
        "in this run. *RSS after* is each worker's VmRSS (MB) once the case was served and "
        "the requests wrk left in flight were done.\n",
        "| request | as | req/s | ÷ health | median ms | p95 ms | p99 ms | p99 ÷ health "
        "| errors | RSS after (MB) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        rss = " / ".join(f"{mb:.0f}" for mb in r["rss_mb"])
        if "rps" not in r:
            out.append(
                f"| {r['name']} `{r['path']}` | {r['who']} | {r['status']} | | | | | | | {rss} |"
            )
            continue
        p99_ratio = f"{r['p99_ms'] / h_p99:.2g}×" if h_p99 else "—"
        rps = f"{r['rps']:,.0f}" if r["rps"] >= 10 else f"{r['rps']:.1f}"
        out.append(
            f"| {r['name']} `{r['path']}` | {r['who']} | {rps} | "
            f"{_share(r['rps'], h_rps)} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {p99_ratio} | {r['errors']} | {rss} |"
        )
    out.append("")
    project_list = next(
        (r for r in timed if r["path"].startswith("/api/v1/projects") and r["who"] == "anonymous"),
        None,
    )
    peak = max((max(r["rss_mb"], default=0), i) for i, r in enumerate(rows)) if rows else (0, 0)
    # The page kind that grew a worker most: its rise over the same worker before it.
    rises = []
    before = t.get("rss_idle_mb") or []
    for r in rows:
        after = r["rss_mb"]
        if len(after) == len(before):
            rises.append((max((a - b for a, b in zip(after, before, strict=True)), default=0), r))
        before = after
    out.append("| target | measured | verdict |")
    out.append("|---|---:|---|")
    if project_list and h_rps:
        share = project_list["rps"] / h_rps
        out.append(
            f"| project list API throughput ≥ 40 % of health's | {share:.1%} | "
            f"{_verdict(share, THROUGHPUT_TARGET, at_most=False)} |"
        )
    cached = {r["path"]: r for r in t.get("cached") or [] if "rps" in r}
    c_health = cached.get("/api/v1/health")
    c_list = next((r for p, r in cached.items() if p.startswith("/api/v1/projects")), None)
    if c_health and c_list:
        share = c_list["rps"] / c_health["rps"]
        out.append(
            f"| the same, an anonymous visitor's list with the response cache on (as production "
            f"serves it; the server below) | {share:.1%} | "
            f"{_verdict(share, THROUGHPUT_TARGET, at_most=False)} |"
        )
    final = max(rows[-1]["rss_mb"], default=0) if rows else 0
    out.append(
        f"| memory per worker ≤ {MEMORY_TARGET_MB} MB after every page kind | {final:.0f} MB "
        f"(peak {peak[0]:.0f} MB) | {_verdict(max(final, peak[0]), MEMORY_TARGET_MB)} |"
    )
    out.append("")
    idle = ", ".join(f"{mb:.0f}" for mb in t.get("rss_idle_mb") or [])
    text = f"Workers' memory before the load: {idle} MB"
    if rises:
        rise, worst = max(rises, key=lambda x: x[0])
        text += (
            f"; the page kind that grew a worker most: {worst['name']} [{worst['who']}] "
            f"(+{rise:.0f} MB); the largest worker after all cases: {final:.0f} MB"
        )
    if t.get("respawned"):
        text += f"; **workers respawned during the run: {t['respawned']}**"
    out.append(text + f". (The granian main process: {_ms(t.get('main_rss_mb'))} MB.)\n")
    if t.get("cached"):
        out += [
            "The same server started again with the anonymous response cache on (60 s, as "
            "production runs it: `core/cache.py`), for an anonymous visitor's list: each "
            "answer a cache hit after the first, until a write or the minute is over. A "
            "signed-in member's list is never served from it (the table above).\n",
            "| request | as | req/s | ÷ health | median ms | p95 ms | p99 ms | errors |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        c_rps = c_health["rps"] if c_health else None
        for r in t["cached"]:
            if "rps" not in r:
                out.append(f"| {r['name']} `{r['path']}` | {r['who']} | {r['status']} | | | | | |")
                continue
            out.append(
                f"| {r['name']} `{r['path']}` | {r['who']} | {r['rps']:,.0f} | "
                f"{_share(r['rps'], c_rps)} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | "
                f"{r['p99_ms']:.1f} | {r['errors']} |"
            )
        out.append("")
    return out


def render(*, scale, marker, counts, results, extra, throughput, phases, search_note, load) -> str:
    out = []
    vendor = connection.vendor
    health = next((r for r in results if r.name == "health" and r.times), None)
    health_median = health.median if health else None
    out.append(f"### {vendor} — {timezone.now():%Y-%m-%d %H:%M} UTC, BENCH_SCALE={scale:g}\n")
    out.append(
        f"Machine: {machine()}. Load average (1 min) {load[0][0]:.1f} at the start, "
        f"{load[1][0]:.1f} at the end: the machine is shared, other test runs were active.\n"
    )
    out.append(
        "Data set (deterministic, bulk-inserted, generated "
        f"{marker.get('generated_at', '?')} in {marker.get('seconds', '?')} s: "
        + ", ".join(f"{k} {v} s" for k, v in marker.get("parts", {}).items())
        + "): "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
        + f". Search: {search_note}.\n"
    )
    out.append(
        "In-process (Django test client): 5 warm-up requests, then up to "
        f"{os.environ.get('BENCH_RUNS', '100')} timed (fewer, shown in *n*, when one request "
        "takes longer than the case's budget); *varied* cases ask for a different project or "
        "organisation each time. *queries* is the count of SQL queries of one request. The "
        "anonymous response cache is off in these cases (each request does its work); the "
        "dashboards keep their one-minute figure cache except where a case recomputes them.\n"
    )
    out.append(
        "| group | request | as | median ms | p95 ms | ÷ health | queries | n | target (p95) |"
    )
    out.append("|---|---|---|---:|---:|---:|---:|---:|---|")
    for r in results:
        if not r.times:
            out.append(
                f"| {r.group} | {r.name} | {r.who} | {r.status.replace('|', '/')} | | | | | "
                f"{f'≤ {r.target:g} ms' if r.target else '—'} |"
            )
            continue
        ratio = f"{r.median / health_median:.0f}×" if health_median else "—"
        target = f"≤ {r.target:g} ms: {_verdict(r.p95, r.target)}" if r.target is not None else "—"
        note = f" ({r.status})" if r.status else ""
        out.append(
            f"| {r.group} | {r.name}{note} | {r.who} | {r.median:.1f} | {r.p95:.1f} | {ratio} | "
            f"{r.queries if r.queries is not None else '—'} | {len(r.times)} | {target} |"
        )
    out.append("")
    if extra:
        out.append("Full re-match (matchmaking over every organisation, in-process):\n")
        out.append("| what | result |")
        out.append("|---|---|")
        for item in extra:
            for key, value in item.items():
                out.append(f"| {key} | {value} |")
        out.append("")
    if throughput:
        out += server_section(throughput)
    out.append(
        "Phases of this run: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()) + ".\n"
    )
    return "\n".join(out)
