"""``make soak``: a mixed load against a real server on PostgreSQL, one web worker killed
midway (issue 15, item 12; results in docs/operations.md).

What runs: granian with 2 workers and worker respawn (the ``make serve`` command line), a
task worker (``db_worker``), on its own PostgreSQL database (``SOAK_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/soak``; emptied and migrated at start), with the real
network loaded. ``SOAK_CLIENTS`` threads (default 6) for ``SOAK_SECONDS`` (default 600)
send a mix: public pages and API reads, searches, projects created through the API with a
CSCO's token, and CSV imports through the import page (signed in). At half time one web
worker is killed with SIGKILL.

Checked afterwards: no 5xx; every acknowledged write (a 201 for a project, a redirect to
the import's page for an import) is in the database with its audit entry and its search
entry; the workers' memory, sampled every 15 s, stays flat. A request cut by the kill (a
connection reset, no status) is counted apart: it was never acknowledged.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import requests

from bench.server import descendants, free_port, rss_mb

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "6"))
DATABASE_URL = os.environ.get("SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/soak")
PORT = int(os.environ.get("SOAK_PORT", "0"))  # 0: a free one
WORKERS = int(os.environ.get("SOAK_WORKERS", "2"))
SAMPLE_SECONDS = float(os.environ.get("SOAK_SAMPLE_SECONDS", "5"))
# SOAK_PROBE=1: the workers run bench.memory_probe (tracemalloc on), nothing is killed, and
# what each worker allocated after the warm-up and still holds is written to var/soak/probe-*.json
PROBE = os.environ.get("SOAK_PROBE", "") == "1"
# "Flat" (docs/operations.md): after a worker's first WARMUP_SECONDS, the least-squares slope of
# its resident memory is at most FLAT_SLOPE MB a minute, and the median of its last minute is
# at most FLAT_GROWTH MB above the median of the minute after the warm-up.
WARMUP_SECONDS = float(os.environ.get("SOAK_WARMUP_SECONDS", "120"))
FLAT_SLOPE = 0.3  # MB a minute
FLAT_GROWTH = 3.0  # MB
PASSWORD = "soak-" + "p" * 20
CSCO = "cso.phuket@soak.test"
MARK = "Soak"  # every record the soak writes has it in its title

READS = [
    "/",
    "/projects/",
    "/cities/phuket/",
    "/dashboards/",
    "/api/v1/projects?page_size=50",
    "/api/v1/cities",
    "/api/v1/health",
]
SEARCHES = ["drainage", "water", "phuket", "transport", "soak"]
IMPORT_COLUMNS = [
    "city",
    "title",
    "description",
    "focus_areas",
    "status",
    "budget_amount",
    "budget_currency",
]


def manage(env: dict, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


SETUP = f"""
from ascn.accounts.services import membership_grant, token_create, user_create
from ascn.network.models import City
user = user_create(actor=None, email={CSCO!r}, password={PASSWORD!r}, full_name="Soak CSCO")
membership_grant(actor=None, user=user, role="cso", scope=City.objects.get(slug="phuket"))
print(token_create(actor=user, name="soak")[1])
"""

VERIFY = f"""
import json
from ascn.core.models import AuditEntry, SearchEntry
from ascn.plans.models import Project
projects = {{p.pk: p.title for p in Project.objects.filter(title__startswith={MARK!r})}}
audited = set(AuditEntry.objects.filter(object_type="plans.project")
              .values_list("object_id", flat=True))
indexed = set(SearchEntry.objects.filter(kind="project").values_list("object_id", flat=True))
print(json.dumps({{"projects": {{str(k): v for k, v in projects.items()}},
                  "audited": sorted(audited), "indexed": sorted(indexed)}}))
"""


def reset_database(env: dict) -> None:
    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    if "soak" not in name:
        raise SystemExit("SOAK_DATABASE_URL's database name must contain 'soak' (it is emptied)")
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True)  # noqa: S603, S607
    for command in ("migrate", "load_network", "load_exchange_rates"):
        manage(env, command, "--verbosity", "0")


class Load:
    def __init__(self, base: str, token: str, deadline: float) -> None:
        self.base, self.token, self.deadline = base, token, deadline
        self.lock = threading.Lock()
        self.statuses: Counter[str] = Counter()
        self.latencies: list[float] = []
        self.server_errors: list[str] = []
        self.created: list[str] = []  # project titles acknowledged with a 201
        self.imported: list[str] = []  # titles in imports acknowledged with a redirect
        self.cut = 0  # requests that got no answer (the killed worker's)

    def record(self, kind: str, response: requests.Response | None, started: float) -> None:
        with self.lock:
            if response is None:
                self.cut += 1
                self.statuses[f"{kind} cut"] += 1
                return
            self.latencies.append(time.perf_counter() - started)
            self.statuses[f"{kind} {response.status_code}"] += 1
            if response.status_code >= 500:
                self.server_errors.append(f"{kind} {response.status_code} {response.url}")

    def send(self, kind: str, session: requests.Session, method: str, path: str, **kw):
        started = time.perf_counter()
        try:
            response = session.request(method, self.base + path, timeout=60, **kw)
        except requests.RequestException:
            response = None
        self.record(kind, response, started)
        return response

    def client(self, number: int) -> None:
        rng = random.Random(number)  # noqa: S311 - a load mix, not a secret
        anonymous, api = requests.Session(), requests.Session()
        api.headers["Authorization"] = f"Bearer {self.token}"
        pages = self.signed_in()
        sequence = 0
        while time.monotonic() < self.deadline:
            sequence += 1
            roll = rng.random()
            if roll < 0.5:
                self.send("read", anonymous, "GET", rng.choice(READS))
            elif roll < 0.7:
                self.send("search", anonymous, "GET", f"/api/v1/search?q={rng.choice(SEARCHES)}")
            elif roll < 0.95:
                self.create_project(api, f"{MARK} {number}-{sequence}")
            elif pages is not None:
                self.import_projects(pages, f"{MARK} import {number}-{sequence}")

    def signed_in(self) -> requests.Session | None:
        session = requests.Session()
        try:
            form = session.get(self.base + "/accounts/sign-in/", timeout=60)
            token = session.cookies.get("csrftoken") or re.search(
                r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text
            ).group(1)
            session.post(
                self.base + "/accounts/sign-in/",
                data={"username": CSCO, "password": PASSWORD, "csrfmiddlewaretoken": token},
                headers={"Referer": self.base + "/accounts/sign-in/"},
                timeout=60,
            )
        except (requests.RequestException, AttributeError):
            return None
        return session if "sessionid" in session.cookies else None

    def create_project(self, api: requests.Session, title: str) -> None:
        body = {
            "city": "phuket",
            "title": title,
            "description": "Written by the soak test.",
            "focus_areas": ["quality-environment"],
            "status": "preparation",
            "budget": {"amount": "1000000", "currency": "USD"},
        }
        response = self.send("write", api, "POST", "/api/v1/projects", json=body)
        if response is not None and response.status_code == 201:
            with self.lock:
                self.created.append(title)

    def import_projects(self, pages: requests.Session, prefix: str) -> None:
        titles = [f"{prefix}-{n}" for n in range(3)]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(IMPORT_COLUMNS)
        for title in titles:
            writer.writerow(
                ["phuket", title, "Imported by the soak test.", "quality-environment"]
                + ["preparation", "250000", "USD"]
            )
        page = self.send("import-form", pages, "GET", "/projects/import/")
        if page is None or page.status_code != 200:
            return
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        response = self.send(
            "import",
            pages,
            "POST",
            "/projects/import/",
            data={"csrfmiddlewaretoken": token.group(1) if token else ""},
            files={"file": ("projects.csv", buffer.getvalue().encode(), "text/csv")},
            headers={"Referer": self.base + "/projects/import/"},
            allow_redirects=False,
        )
        if response is not None and response.status_code in (302, 303):
            with self.lock:
                self.imported.extend(titles)


@dataclass
class Sample:
    seconds: float  # since the load started
    rss_mb: dict[int, float]  # each web worker's resident memory (VmRSS), by process id
    load_average: float  # the machine's, over the last minute


def worker_memory(samples: list[Sample], warmup: float = WARMUP_SECONDS) -> dict[int, dict]:
    """Each worker's memory over the soak: when it was first and last seen, its resident
    memory at the start, in the minute after its warm-up and in its last minute (medians),
    the growth between those two, the least-squares slope after the warm-up, and whether it
    stayed flat (``None`` when it did not live a minute past its warm-up)."""
    series: dict[int, list[tuple[float, float]]] = {}
    for sample in samples:
        for pid, rss in sample.rss_mb.items():
            if rss:
                series.setdefault(pid, []).append((sample.seconds, rss))
    figures = {}
    for pid, points in series.items():
        first, last = points[0][0], points[-1][0]
        settled = [(t, m) for t, m in points if t >= first + warmup]
        after = [m for t, m in settled if t < first + warmup + 60]
        ending = [m for t, m in settled if t > last - 60]
        enough = len(settled) >= 3 and last - first >= warmup + 60
        slope = (
            statistics.linear_regression([t for t, _ in settled], [m for _, m in settled]).slope
            * 60
            if enough
            else None
        )
        growth = statistics.median(ending) - statistics.median(after) if enough else None
        figures[pid] = {
            "first_seen_s": round(first),
            "last_seen_s": round(last),
            "start_mb": round(points[0][1], 1),
            "after_warm_up_mb": round(statistics.median(after), 1) if after else None,
            "end_mb": round(statistics.median(ending), 1) if ending else None,
            "peak_mb": round(max(m for _, m in points), 1),
            "growth_after_warm_up_mb": None if growth is None else round(growth, 1),
            "slope_mb_per_min": None if slope is None else round(slope, 2),
            "flat": None
            if slope is None or growth is None
            else slope <= FLAT_SLOPE and growth <= FLAT_GROWTH,
        }
    return figures


def workers_of(server: subprocess.Popen) -> list[int]:
    def is_worker(pid: int) -> bool:
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        return any(a.endswith(b"granian") for a in argv)

    return [pid for pid in descendants(server.pid) if is_worker(pid)]


def main() -> None:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ASCN_DEMO": "1",
        "ASCN_VAR_DIR": str(ROOT / "var" / "soak"),
        "HTTPS": "0",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "ASCN_WARM_UP_MAP": "0",
        # Every client of the soak comes from 127.0.0.1: the per-address API limit would answer
        # most anonymous reads 429 (it did in the second run). The limits have their own tests.
        "ASCN_API_RATE_ANONYMOUS": "off",
        "ASCN_API_RATE_TOKEN": "off",
        "ASCN_API_RATE_USER": "off",
    }
    (ROOT / "var" / "soak").mkdir(parents=True, exist_ok=True)
    print(f"soak: preparing {DATABASE_URL}", flush=True)
    reset_database(env)
    token = manage(env, "shell", "-c", SETUP).strip().splitlines()[-1]
    port = PORT or free_port()
    app = "bench.memory_probe:application" if PROBE else "config.wsgi:application"
    server = subprocess.Popen(  # noqa: S603 - the make serve command line
        [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1"]
        + ["--port", str(port), "--workers", str(WORKERS), "--blocking-threads", "4"]
        + ["--respawn-failed-workers", "--respawn-interval", "1", app],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    tasks = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "default", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if requests.get(base + "/api/v1/health", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        start = time.monotonic()
        load = Load(base, token, start + SECONDS)
        threads = [threading.Thread(target=load.client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        memory: list[Sample] = []
        killed = None
        probes = iter(range(int(WARMUP_SECONDS), int(SECONDS) + 1, 120))
        probe_at = next(probes) if PROBE else None
        while any(thread.is_alive() for thread in threads):
            now = time.monotonic() - start
            workers = workers_of(server)
            memory.append(
                Sample(now, {pid: rss_mb(pid) or 0 for pid in workers}, os.getloadavg()[0])
            )
            if killed is None and not PROBE and now >= SECONDS / 2 and workers:
                killed = workers[0]
                os.kill(killed, signal.SIGKILL)
                print(f"soak: killed web worker {killed} at {now:.0f} s", flush=True)
            if probe_at is not None and now >= probe_at:
                probe(base, "mark" if probe_at == WARMUP_SECONDS else "diff", now)
                probe_at = next(probes, None)
            time.sleep(SAMPLE_SECONDS)
        for thread in threads:
            thread.join()
        if PROBE:
            probe(base, "diff", time.monotonic() - start)
        time.sleep(5)  # let the task worker finish what was queued
        found = json.loads(manage(env, "shell", "-c", VERIFY).strip().splitlines()[-1])
    finally:
        for process in (server, tasks):
            os.killpg(process.pid, signal.SIGTERM)
    report(load, found, memory, killed)


def probe(base: str, what: str, now: float) -> None:
    """Ask a worker running bench.memory_probe for its baseline or its growth since."""
    answer = requests.get(f"{base}/_probe/{what}", timeout=300).json()
    out = ROOT / "var" / "soak" / f"probe-{what}-{now:04.0f}s.json"
    out.write_text(json.dumps(answer, indent=1))
    print(f"soak: probe {what} at {now:.0f} s: rss {answer['rss_mb']} MB -> {out}", flush=True)


def report(load: Load, found: dict, memory: list, killed: int | None) -> None:
    titles = set(found["projects"].values())
    ids = {title: pk for pk, title in found["projects"].items()}
    acknowledged = load.created + load.imported
    missing = [t for t in acknowledged if t not in titles]
    unaudited = [t for t in acknowledged if t in ids and ids[t] not in found["audited"]]
    unindexed = [t for t in acknowledged if t in ids and ids[t] not in found["indexed"]]
    workers = worker_memory(memory)
    # judged: the workers that lived through the whole soak (not the killed one, whose life
    # ends at half time, nor its replacement, which starts there)
    judged = [
        figures
        for figures in workers.values()
        if figures["first_seen_s"] <= memory[0].seconds + SAMPLE_SECONDS
        and figures["last_seen_s"] >= memory[-1].seconds - SAMPLE_SECONDS
    ]
    flat = bool(judged) and all(figures["flat"] for figures in judged)
    loads = [sample.load_average for sample in memory]
    requests_sent = sum(load.statuses.values())
    result = {
        "seconds": SECONDS,
        "clients": CLIENTS,
        "requests": requests_sent,
        "requests_per_second": round(requests_sent / SECONDS, 1),
        "median_ms": round(statistics.median(load.latencies) * 1000, 1),
        "p95_ms": round(statistics.quantiles(load.latencies, n=20)[-1] * 1000, 1),
        "statuses": dict(sorted(load.statuses.items())),
        "server_errors": len(load.server_errors),
        "cut_by_the_kill": load.cut,
        "killed_worker": killed,
        "acknowledged_writes": len(acknowledged),
        "lost_writes": len(missing),
        "writes_without_audit": len(unaudited),
        "writes_without_search_entry": len(unindexed),
        "load_average": [round(min(loads), 1), round(max(loads), 1)],
        "memory_flat": flat,
        "flat_means": f"after {WARMUP_SECONDS:.0f} s: slope <= {FLAT_SLOPE} MB/min and "
        f"last minute <= {FLAT_GROWTH} MB over the minute after the warm-up",
        "workers": {str(pid): figures for pid, figures in workers.items()},
        "samples": [
            {
                "s": round(sample.seconds),
                "load": round(sample.load_average, 1),
                "rss_mb": {str(pid): round(rss, 1) for pid, rss in sample.rss_mb.items()},
            }
            for sample in memory
        ],
    }
    out = ROOT / "var" / "soak" / "result.json"
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=2))
    print(f"soak: the whole result is in {out}")
    failed = load.server_errors or missing or unaudited or unindexed or not flat
    if failed:
        print("soak: FAILED", load.server_errors[:10], missing[:10], unaudited[:5], unindexed[:5])
        if not flat:
            print("soak: FAILED: a web worker's memory was not flat (see workers)")
        raise SystemExit(1)


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    main()
