"""The Markdown ``make bench`` prints, ready to paste into ``docs/benchmarks.md``."""

from __future__ import annotations

import os
import platform
import sqlite3
from importlib import metadata
from pathlib import Path

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
    return (
        f"{platform.machine()} {cpu}, {os.cpu_count()} cores, {ram}; Linux {platform.release()}; "
        f"Python {platform.python_version()}, Django {_version('django')}, "
        f"granian {_version('granian')}; {db}"
    )


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _pages(pages: dict) -> str:
    """``name `path` (status, status; ms / ms)`` for each page the server bench visited."""
    parts = []
    for name, visits in pages.items():
        statuses = ", ".join(str(v["status"]) for v in visits)
        times = " / ".join(f"{v['ms']:.0f}" for v in visits)
        parts.append(f"{name} `{visits[0]['path']}` ({statuses}; {times} ms)")
    return "; ".join(parts)


def _verdict(value: float, target: float | None, *, at_most: bool = True) -> str:
    if target is None:
        return "—"
    ok = value <= target if at_most else value >= target
    return "met" if ok else "**NOT met**"


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
        urls = throughput["urls"]
        names = list(urls)
        out.append(
            f"Real server: `{throughput['command']}`, {throughput['concurrency']} concurrent "
            f"keep-alive clients (threads, `http.client`, on the same machine) for "
            f"{throughput['seconds']:.0f} s per URL after a 2 s warm-up.\n"
        )
        out.append("| URL | requests | req/s | median ms | p95 ms | errors |")
        out.append("|---|---:|---:|---:|---:|---:|")
        for name in names:
            u = urls[name]
            out.append(
                f"| {name} (`{u['path']}`) | {u['requests']:,} | {u['rps']:.0f} | "
                f"{_ms(u['median_ms'])} | {_ms(u['p95_ms'])} | {u['errors']} |"
            )
        ratio = urls[names[1]]["rps"] / urls[names[0]]["rps"] if urls[names[0]]["rps"] else 0
        rss = throughput["worker_rss_mb"]
        out.append("")
        out.append("| target | measured | verdict |")
        out.append("|---|---:|---|")
        out.append(
            f"| project list throughput ≥ 40 % of health's | {ratio:.1%} | "
            f"{_verdict(ratio, THROUGHPUT_TARGET, at_most=False)} |"
        )
        out.append(
            f"| memory per worker ≤ {MEMORY_TARGET_MB} MB (VmRSS after the load) | {rss:.0f} MB | "
            f"{_verdict(rss, MEMORY_TARGET_MB)} |"
        )
        pages = throughput.get("pages") or {}
        if pages:
            out.append(
                "\nThe memory is the larger of the worker's VmRSS after the load "
                f"({_ms(throughput.get('worker_rss_after_load_mb'))} MB) and after it then served "
                f"each of these pages twice, anonymous: {_pages(pages)} "
                f"({_ms(throughput.get('worker_rss_after_pages_mb'))} MB)."
            )
        per_page = {k: v for k, v in (throughput.get("page_rss_mb") or {}).items() if v}
        if per_page:
            worst = max(per_page, key=per_page.__getitem__)
            out.append(
                f"\nThe worst page for memory: {worst} ({per_page[worst]:.0f} MB after it); "
                "after each page: "
                + ", ".join(f"{name} {mb:.0f} MB" for name, mb in per_page.items())
                + "."
            )
        main = throughput.get("main_rss_mb")
        out.append(
            f"\n(The granian main process, which holds no application, used "
            f"{_ms(main)} MB; the worker's RSS before the load was "
            + ", ".join(f"{v:.0f} MB" for v in throughput.get("rss_idle_mb", {}).values() if v)
            + ".)\n"
        )
    out.append(
        "Phases of this run: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()) + ".\n"
    )
    return "\n".join(out)
