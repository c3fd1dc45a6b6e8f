"""Throughput under a real server: granian (WSGI, one worker) on a free port with the bench
database, driven for a fixed time by concurrent keep-alive HTTP clients (threads with
``http.client``); then the resident memory (VmRSS) of the worker process."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "10"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
URLS = [
    ("health", "/api/v1/health"),
    ("project list, public, status filter", "/api/v1/projects?status=implementation&page_size=50"),
]
# After the load, the worker serves each of these pages twice (anonymous), and its memory is
# measured again: the target is the worker's memory after a visitor's usual pages, not only
# after the two API URLs. (The home map is drawn by the task worker, not by this worker.)
PAGES = [
    ("home", "/"),
    ("city page", "/cities/bangkok/"),
    ("dashboards, filtered", "/dashboards/?member_state=TH&focus_area=quality-environment"),
    ("projects page", "/projects/?status=implementation"),
    ("project list API", "/api/v1/projects?status=implementation&page_size=50"),
    ("M&E report", "/reports/me/"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(port: int) -> list[str]:
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
        "--workers",
        "1",
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


def visit(port: int, path: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        status = get(conn, path)
    except (OSError, http.client.HTTPException) as exc:
        status = type(exc).__name__
    finally:
        conn.close()
    return {"path": path, "status": status, "ms": (time.perf_counter() - started) * 1000}


def get(conn: http.client.HTTPConnection, path: str) -> int:
    conn.request("GET", path, headers={"Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    return response.status


def load(port: int, path: str, seconds: float) -> dict:
    """``CONCURRENCY`` threads, each with its own keep-alive connection, for ``seconds``."""
    stop = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(CONCURRENCY)]
    errors = [0] * CONCURRENCY

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (now := time.perf_counter()) < stop:
            try:
                status = get(conn, path)
            except (OSError, http.client.HTTPException):
                errors[k] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies[k].append((time.perf_counter() - now) * 1000)
            errors[k] += status != 200
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    done = [x for row in latencies for x in row]
    return {
        "requests": len(done),
        "seconds": elapsed,
        "rps": len(done) / elapsed,
        "median_ms": statistics.median(done) if done else None,
        "p95_ms": statistics.quantiles(done, n=20)[-1] if len(done) > 1 else None,
        "errors": sum(errors),
    }


def run(log=print) -> dict:
    port = free_port()
    env = dict(os.environ)
    cmd = command(port)
    logfile = (Path(os.environ["ASCN_VAR_DIR"]) / "granian.log").open("w")
    proc = subprocess.Popen(  # noqa: S603 - our own command line
        cmd, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
    )
    result: dict = {
        "command": "granian --interface wsgi --workers 1 config.wsgi:application",
        "concurrency": CONCURRENCY,
        "seconds": LOAD_SECONDS,
    }
    try:
        deadline = time.time() + 90
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                if get(conn, "/api/v1/health") == 200:
                    conn.close()
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("granian did not start: see granian.log in the bench directory")
            time.sleep(0.3)
        time.sleep(3)  # let the worker's background warm-up (the home map) finish
        workers = [
            p for p in descendants(proc.pid) if "granian" in cmdline(p) or "spawn" in cmdline(p)
        ]
        result["rss_idle_mb"] = {p: rss_mb(p) for p in workers or descendants(proc.pid)}
        result["urls"] = {}
        for name, path in URLS:
            load(port, path, 2)  # warm-up
            log(f"  server: {name} for {LOAD_SECONDS:.0f} s with {CONCURRENCY} connections…")
            result["urls"][name] = {"path": path, **load(port, path, LOAD_SECONDS)}
        pids = descendants(proc.pid)
        # The worker: the descendant holding the application (the largest resident set).
        sized = [(rss_mb(p) or 0, p) for p in pids] or [(rss_mb(proc.pid) or 0, proc.pid)]
        result["worker_rss_after_load_mb"], worker = max(sized)
        result["pages"] = {}
        result["page_rss_mb"] = {}
        for name, path in PAGES:
            log(f"  server: {name} ({path}), twice…")
            result["pages"][name] = [visit(port, path), visit(port, path)]
            result["page_rss_mb"][name] = rss_mb(worker)
        result["processes"] = {p: (cmdline(p)[:120], rss_mb(p)) for p in [proc.pid, *pids]}
        result["worker_rss_after_pages_mb"] = rss_mb(worker)
        result["worker_rss_mb"] = max(
            result["worker_rss_after_load_mb"], result["worker_rss_after_pages_mb"] or 0
        )
        result["worker_pid"] = worker
        result["main_rss_mb"] = rss_mb(proc.pid)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # the process group this run started
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
        logfile.close()
    return result
