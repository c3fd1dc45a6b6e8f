"""The real server: granian as ``make serve`` runs it (``WEB_WORKERS`` workers, 2, of
``WEB_THREADS`` blocking threads, 4) on the bench database, driven by ``wrk`` (a C load
generator, so the client is not the bottleneck); req/s, median, p95 and p99 for each case,
with ratios to ``/api/v1/health`` in the same run; then the workers' resident memory after
each page kind, and the worst.

The server uses ``bench.settings`` (the site's settings plus ``bench/urls.py``'s bare
Django view) and runs with the anonymous response cache off (``RESPONSE_CACHE_SECONDS=0``
unless set): each request does its work, as in the in-process cases. Signed-in cases send the bearer
token or the session cookie that ``cases.people()`` made."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "10"))
WARM_SECONDS = 2
WORKERS = int(os.environ.get("WEB_WORKERS", "2"))
THREADS = int(os.environ.get("WEB_THREADS", "4"))
# One connection per request thread of the server: every thread busy, none queued behind
# another connection's keep-alive.
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", str(WORKERS * THREADS)))
LUA = Path(__file__).with_name("wrk_report.lua")
# the web workers' environment as ``make serve`` and deploy/ascn-web.service set it (the
# Makefile's WEB_ENV; tests/core/test_bench_server.py holds them equal)
WEB_ENV = {"MALLOC_MMAP_THRESHOLD_": "131072"}


@dataclass
class ServerCase:
    name: str
    path: str
    who: str = "anonymous"  # a key of cases.people()


CASES = [
    ServerCase("health", "/api/v1/health"),
    ServerCase("bare Django view", "/bench/bare"),
    ServerCase(
        "project list API, status filter", "/api/v1/projects?status=implementation&page_size=50"
    ),
    ServerCase(
        "project list API, status filter",
        "/api/v1/projects?status=implementation&page_size=50",
        "CSCO",
    ),
    ServerCase("projects page", "/projects/?status=implementation"),
    ServerCase("projects page", "/projects/?status=implementation", "CSCO (session)"),
    ServerCase("home", "/"),
    ServerCase("home", "/", "CSCO (session)"),
    ServerCase("dashboards", "/dashboards/"),
    ServerCase(
        "dashboards, filtered", "/dashboards/?member_state=TH&focus_area=quality-environment"
    ),
    ServerCase("dashboards", "/dashboards/", "Secretariat (session)"),
    ServerCase("city page", "/cities/bangkok/"),
    ServerCase("city page", "/cities/bangkok/", "CSCO (session)"),
    ServerCase("search page “water”", "/search/?q=water"),
    ServerCase("search page “water”", "/search/?q=water", "CSCO (session)"),
    ServerCase("search API “water”", "/api/v1/search?q=water"),
    ServerCase("project page", "/projects/1/"),
    ServerCase("M&E report", "/reports/me/"),
    # every project, drafts included (the most a reader can be shown), and the download
    ServerCase("M&E report", "/reports/me/", "Secretariat (session)"),
    ServerCase("M&E report, CSV", "/reports/me.csv"),
    ServerCase("engagement board", "/engagements/", "partner member (session)"),
    # the page kind that loads NumPy and the projects' columns into a worker (its memory)
    ServerCase(
        "an organisation's matches", "/organisations/{org}/matches/", "partner member (session)"
    ),
    ServerCase("audit page", "/audit/", "Secretariat (session)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(port: int) -> list[str]:
    """The Makefile's ``$(GRANIAN)`` with ``--workers $(WEB_WORKERS)`` (``make serve``)."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--respawn-failed-workers",
        "--respawn-interval",
        "1",
        "--blocking-threads",
        str(THREADS),
        "--workers",
        str(WORKERS),
        "config.wsgi:application",
    ]


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for child in _children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def workers_of(pid: int) -> list[int]:
    """granian's worker processes: its descendants, but the multiprocessing helper."""
    return [p for p in descendants(pid) if "resource_tracker" not in cmdline(p)]


def cpu_ticks(pids: list[int]) -> int:
    """The user and system CPU time the processes have used, in clock ticks."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total


def settle(pids: list[int], limit: float = 120) -> float:
    """Wait until the workers are idle: the requests wrk left in flight when it stopped are
    finished (a slow page's go on for seconds), so the memory read next belongs to this
    case, and the next case does not share the CPU with them. Returns the seconds waited."""
    started = time.perf_counter()
    last = cpu_ticks(pids)
    while time.perf_counter() - started < limit:
        time.sleep(0.5)
        now = cpu_ticks(pids)
        if now - last <= 2:  # under ~4 % of a core for half a second
            break
        last = now
    return time.perf_counter() - started


def headers_for(person) -> dict[str, str]:
    """The bearer token of an API person, or the session cookie of a ``(session)`` one."""
    from django.conf import settings

    if person is None:
        return {}
    headers = dict(person.headers)
    cookie = person.client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is not None and cookie.value:
        headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie.value}"
    return headers


def visit(port: int, path: str, headers: dict[str, str]) -> tuple[int | str, float]:
    """One request (its status and ms), on a connection of its own."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        response.read()
        status: int | str = response.status
    except (OSError, http.client.HTTPException) as exc:
        status = type(exc).__name__
    finally:
        conn.close()
    return status, (time.perf_counter() - started) * 1000


def wrk(port: int, path: str, headers: dict[str, str], seconds: float) -> dict:
    """``wrk`` with ``CONCURRENCY`` keep-alive connections on 2 threads for ``seconds``."""
    cmd = ["wrk", "-t", "2", "-c", str(CONCURRENCY), "-d", f"{seconds:g}s", "--timeout", "30s"]
    cmd += ["-s", str(LUA)]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(x for x in out.splitlines() if x.startswith("WRK-JSON "))
    raw = json.loads(line.removeprefix("WRK-JSON "))
    seconds_run = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds_run if seconds_run else 0.0,
        "median_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": sum(raw[k] for k in ("connect", "read", "write", "status", "timeout")),
    }


def start(port: int, cache_seconds: str | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        # Off unless the caller asks for it (``RESPONSE_CACHE_SECONDS=60 make bench``).
        "RESPONSE_CACHE_SECONDS": cache_seconds or os.environ.get("RESPONSE_CACHE_SECONDS", "0"),
        "DATABASE_POOL_SIZE": str(THREADS),
        **WEB_ENV,
    }
    logfile = (Path(os.environ["ASCN_VAR_DIR"]) / "granian.log").open("w")
    proc = subprocess.Popen(  # noqa: S603 - our own command line
        command(port),
        cwd=ROOT,
        env=env,
        stdout=logfile,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    logfile.close()
    deadline = time.time() + 90
    while visit(port, "/api/v1/health", {})[0] != 200:
        if proc.poll() is not None or time.time() > deadline:
            stop(proc)
            raise RuntimeError("granian did not start: see granian.log in the bench directory")
        time.sleep(0.3)
    # Every worker up (each answers health) and the start-up map warm-up done.
    deadline = time.time() + 60
    while len(workers_of(proc.pid)) < WORKERS and time.time() < deadline:
        time.sleep(0.3)
    time.sleep(3)
    return proc


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # the process group this run started
        proc.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)


def measure(port: int, proc: subprocess.Popen, case: ServerCase, person, log=print) -> dict:
    """One case under wrk (after a warm-up), and the workers' memory once it is served."""
    headers = headers_for(person)
    path = case.path.format(org=getattr(person, "org_slug", ""))
    row = {"name": case.name, "path": path, "who": case.who}
    status, _ms = visit(port, path, headers)
    if status != 200:
        row["status"] = f"HTTP {status}" if isinstance(status, int) else str(status)
        log(f"  server: {case.name} [{case.who}] — {row['status']}, not loaded")
    else:
        wrk(port, path, headers, WARM_SECONDS)
        log(f"  server: {case.name} [{case.who}] for {LOAD_SECONDS:g} s…")
        measured = wrk(port, path, headers, LOAD_SECONDS)
        if measured["requests"]:
            row.update(measured)
        else:
            row["status"] = f"no request done in {LOAD_SECONDS:g} s"
    # The workers after this page kind (granian balances the connections over them),
    # once they have finished what wrk left in flight.
    row["settle_s"] = settle(workers_of(proc.pid))
    row["rss_mb"] = [rss_mb(p) or 0 for p in workers_of(proc.pid)]
    return row


# With the anonymous response cache on, as production runs (``core/cache.py``): what a
# visitor's list costs when it was asked for in the last minute and nothing was written since.
CACHED_CASES = [CASES[0], CASES[2]]
CACHED_SECONDS = "60"


def run(people: dict | None = None, log=print) -> dict:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: `make wrk` installs Debian's")
    people = people or {}
    port = free_port()
    cache_seconds = os.environ.get("RESPONSE_CACHE_SECONDS", "0")
    proc = start(port)
    result: dict = {
        "command": " ".join(["granian", *command(port)[3:]]).replace(f"--port {port} ", ""),
        "concurrency": CONCURRENCY,
        "seconds": LOAD_SECONDS,
        "warm_seconds": WARM_SECONDS,
        "response_cache": f"{cache_seconds} s" if cache_seconds != "0" else "off",
        "cases": [],
    }
    try:
        workers = workers_of(proc.pid)
        result["workers"] = len(workers)
        result["rss_idle_mb"] = [rss_mb(p) or 0 for p in workers]
        for case in CASES:
            if case.who != "anonymous" and case.who not in people:
                continue
            result["cases"].append(measure(port, proc, case, people.get(case.who), log))
        result["respawned"] = sorted(set(workers_of(proc.pid)) - set(workers))
        result["main_rss_mb"] = rss_mb(proc.pid)
    finally:
        stop(proc)
    if cache_seconds == "0":
        # the same server again with the response cache on, for the anonymous list
        port = free_port()
        proc = start(port, CACHED_SECONDS)
        try:
            result["cached"] = [measure(port, proc, case, None, log) for case in CACHED_CASES]
        finally:
            stop(proc)
    return result
