"""The in-process cases: Django's test client against the bench database.

Each case names the route it needs; a case whose route does not resolve (the feature has not
landed) is reported as "not available" instead of failing the run. A case that answers
anything but 200 is reported with its status, not timed.
"""

from __future__ import annotations

import os
import random
import statistics
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from ascn.core import collector

RUNS = int(os.environ.get("BENCH_RUNS", "100"))
WARM_UP = 5
# A case slower than this per request is timed fewer times, so the run stays bounded.
CASE_BUDGET_MS = float(os.environ.get("BENCH_CASE_BUDGET_MS", "60000"))
MIN_RUNS = 3
SLOW_MS = 1000  # a case slower than this warms up with one request only
# One request may take at most this long: its SQL is then interrupted (SQLite) or cancelled
# (PostgreSQL statement_timeout) and the case is reported as over the limit.
REQUEST_LIMIT_S = float(os.environ.get("BENCH_REQUEST_LIMIT_S", "30"))
SEED = 20261128

# Results that are not per-request timings (e.g. the full re-match), filled by run_all.
EXTRA: list[dict] = []


@dataclass
class Result:
    group: str
    name: str
    who: str
    times: list[float] = field(default_factory=list)
    status: str = ""  # "" when timed; else "not available" or "HTTP 4xx"
    queries: int | None = None
    path: str = ""
    target: float | None = None
    size: int | None = None  # bytes of one answer (pages whose size could grow with the data)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        if len(self.times) < 2:
            return self.times[0]
        return statistics.quantiles(self.times, n=20)[-1]


@dataclass
class Case:
    group: str
    name: str
    paths: Callable[[], list[str]] | list[str]
    who: str = "anonymous"
    route: str | None = None  # must appear in the resolved URL pattern, else "not available"
    target: float | None = None  # SPEC §5's p95 target in ms, where it sets one
    # Before every request (untimed): True clears the whole cache; a function forgets only
    # what it names (e.g. the dashboards' figures, not the map drawn in the background).
    cold: bool | Callable[[str], None] = False


def _route_ok(path: str, needle: str | None) -> bool:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return False
    return needle is None or needle in (match.route or "")


# --- who is asking ------------------------------------------------------------------------


@dataclass
class Person:
    client: Client
    headers: dict
    user: object | None = None
    org_slug: str = ""


def people() -> dict[str, Person]:
    """A CSCO (Bangkok), a partner member (a bench organisation) and the Secretariat, written
    directly into the bench database; API calls use a bearer token, pages a session."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ascn.accounts.models import Membership, User
    from ascn.accounts.services import token_create
    from ascn.network.models import City
    from ascn.partners.models import Organisation

    def user(email: str, **memberships) -> User:
        u, _ = User.objects.get_or_create(email=email, defaults={"full_name": email.split("@")[0]})
        Membership.objects.get_or_create(user=u, **memberships)
        return u

    bangkok = City.objects.get(slug="bangkok")
    org = (
        Organisation.objects.filter(slug__startswith="bench-org-", visibility="public")
        .order_by("pk")
        .first()
    )
    found = {
        "CSCO": user("bench-cso@example.org", role="cso", scope_type="city", city=bangkok),
        "partner member": user(
            "bench-partner@example.org",
            role="partner_member",
            scope_type="organisation",
            organisation=org,
        ),
        "Secretariat": user(
            "bench-secretariat@example.org", role="secretariat", scope_type="network"
        ),
    }
    out = {"anonymous": Person(Client(raise_request_exception=False), {})}
    for who, u in found.items():
        if who == "Secretariat" and not u.is_staff:
            u.is_staff = u.is_superuser = True
            u.save(update_fields=["is_staff", "is_superuser"])
        # The Secretariat must use two-factor sign-in: a confirmed device, and its token and
        # session carry the second factor (as a code checked at sign-in would).
        secretariat = who == "Secretariat"
        if secretariat:
            device, _ = TOTPDevice.objects.get_or_create(
                user=u, name="bench", defaults={"confirmed": True}
            )
        _, secret = token_create(actor=u, name="bench", days=1, two_factor=secretariat)
        session = Client(raise_request_exception=False)
        session.force_login(u, backend="django.contrib.auth.backends.ModelBackend")
        if secretariat:
            # The Secretariat's pages need a two-factor-verified session: mark it verified
            # the way django_otp.login does (as tests/roles.py does).
            store = session.session
            store[DEVICE_ID_SESSION_KEY] = device.persistent_id
            store.save()
        out[who] = Person(
            Client(raise_request_exception=False), {"Authorization": f"Bearer {secret}"}, u
        )
        out[who + " (session)"] = Person(session, {}, u)
    out["partner member"].org_slug = org.slug
    out["partner member (session)"].org_slug = org.slug
    return out


# --- the data the cases vary over ---------------------------------------------------------


def _sample(values: list, k: int) -> list:
    rng = random.Random(SEED)  # noqa: S311
    values = sorted(values)
    return rng.sample(values, min(k, len(values))) if values else []


def public_projects(k: int = RUNS + WARM_UP) -> list[int]:
    from ascn.plans.models import Project

    ids = Project.objects.filter(title__startswith="Bench project", visibility="public")
    return _sample(list(ids.values_list("pk", flat=True)[:20_000]), k)


def bangkok_projects() -> list[int]:
    from ascn.plans.models import Project

    return sorted(Project.objects.filter(city__slug="bangkok").values_list("pk", flat=True))


def public_orgs(k: int = RUNS + WARM_UP) -> list[str]:
    from ascn.partners.models import Organisation

    slugs = Organisation.objects.filter(slug__startswith="bench-org-", visibility="public")
    return _sample(list(slugs.values_list("slug", flat=True)[:20_000]), k)


def indicator_cities(k: int = RUNS + WARM_UP) -> list[str]:
    """Bench cities (each reports 50 indicators over 8 years), sampled."""
    from ascn.network.models import City

    slugs = City.objects.filter(slug__startswith="bench-city-").values_list("slug", flat=True)
    return _sample(list(slugs), k)


def compared(n: int, k: int = RUNS + WARM_UP) -> list[str]:
    """``k`` comparison pages of ``n`` cities each, a different set every request."""
    slugs = indicator_cities(k * n)
    return [
        "/cities/compare/?cities=" + ",".join(slugs[i * n : (i + 1) * n])
        for i in range(len(slugs) // n)
    ]


# --- the cases ------------------------------------------------------------------------------


def cases(people: dict[str, Person]) -> list[Case]:
    partner_org = people["partner member"].org_slug
    projects = "/api/v1/projects?status=implementation&page_size=50"
    return [
        Case("platform", "health", ["/api/v1/health"]),
        # Project list (issue 3's cases, kept for the history in docs/benchmarks.md).
        Case("project list", "status filter", [projects], target=50),
        Case(
            "project list",
            "country + focus area",
            ["/api/v1/projects?country=TH&focus_area=quality-environment&page_size=50"],
            target=50,
        ),
        Case("project list", "status filter", [projects], who="CSCO", target=50),
        Case(
            "project list",
            "text search q",
            ["/api/v1/projects?q=clinics&page_size=50"],
            target=50,
        ),
        # Issue 21, item 3: a common word (~17 % of the projects hold "water"), and the list
        # with no filter (its order from an index, its count exact).
        Case(
            "project list",
            "common word “water”",
            ["/api/v1/projects?q=water&page_size=50"],
            target=50,
        ),
        Case(
            "project list",
            "common word “water”",
            ["/api/v1/projects?q=water&page_size=50"],
            who="CSCO",
            target=50,
        ),
        Case("project list", "no filter, 50 rows", ["/api/v1/projects?page_size=50"], target=50),
        Case(
            "project list",
            "no filter, 50 rows",
            ["/api/v1/projects?page_size=50"],
            who="CSCO",
            target=50,
        ),
        Case("project list", "projects page (HTML), “water”", ["/projects/?q=water"], target=50),
        Case(
            "project list",
            "projects page (HTML), “water”",
            ["/projects/?q=water"],
            who="CSCO (session)",
            target=50,
        ),
        Case("project list", "projects page (HTML), no filter", ["/projects/"], target=50),
        Case("project list", "city list, 50 rows", ["/api/v1/cities?page_size=50"]),
        Case(
            "project list",
            "projects page (HTML), status filter",
            ["/projects/?status=implementation"],
        ),
        # Matchmaking (issue 5): a different project / organisation on every request.
        Case(
            "matches",
            "for one project (varied), all organisations",
            lambda: [f"/api/v1/projects/{pk}/matches" for pk in public_projects()],
            who="Secretariat",
            route="matches",
            target=50,
        ),
        Case(
            "matches",
            "for one project (varied), all organisations",
            lambda: [f"/api/v1/projects/{pk}/matches" for pk in public_projects()],
            who="partner member",
            route="matches",
            target=50,
        ),
        Case(
            "matches",
            "for one Bangkok project (varied), its CSCO",
            lambda: [f"/api/v1/projects/{pk}/matches" for pk in bangkok_projects()],
            who="CSCO",
            route="matches",
            target=50,
        ),
        Case(
            "matches",
            "for one organisation (varied), all projects",
            lambda: [f"/api/v1/organisations/{slug}/matches" for slug in public_orgs()],
            who="Secretariat",
            route="matches",
        ),
        Case(
            "matches",
            "for one organisation, its partner member",
            [f"/api/v1/organisations/{partner_org}/matches"],
            who="partner member",
            route="matches",
        ),
        Case(
            "matches",
            "project page (HTML) matches, its CSCO",
            lambda: [f"/projects/{pk}/matches/" for pk in bangkok_projects()],
            who="CSCO (session)",
            route="matches",
        ),
        # Search (issue 7).
        Case(
            "search",
            "API, common term “water”",
            ["/api/v1/search?q=water"],
            route="search",
            target=50,
        ),
        Case(
            "search",
            "API, rare term “geothermal”",
            ["/api/v1/search?q=geothermal"],
            route="search",
            target=50,
        ),
        Case("search", "API, prefix “sens”", ["/api/v1/search?q=sens"], route="search", target=50),
        Case(
            "search",
            "API, common term + facets (type, country)",
            ["/api/v1/search?q=water&type=project&country=TH"],
            route="search",
            target=50,
        ),
        Case(
            "search",
            "API, common term “water”",
            ["/api/v1/search?q=water"],
            who="CSCO",
            route="search",
            target=50,
        ),
        Case("search", "page (HTML) “water”", ["/search/?q=water"], route="search"),
        Case(
            "search",
            "page (HTML) “water”",
            ["/search/?q=water"],
            who="CSCO (session)",
            route="search",
        ),
        # The pages whose size could grow with the network (issue 21): the home page, the
        # city directory, the member states and a state's page (3,000 cities).
        Case("pages", "home page /", ["/"], target=50),
        Case("pages", "home page /", ["/"], who="CSCO (session)", target=50),
        Case("pages", "city directory /cities/", ["/cities/"], target=50),
        Case("pages", "city directory, page 20", ["/cities/?page=20"], target=50),
        Case("pages", "member states /member-states/", ["/member-states/"], target=50),
        Case("pages", "a member state /member-states/th/", ["/member-states/th/"], target=50),
        Case("pages", "a city /cities/bangkok/", ["/cities/bangkok/"], target=50),
        # Dashboards (issue 7): SPEC asks ≤ 200 ms, issue 21 ≤ 50 ms for every page, these too.
        Case("dashboards", "/dashboards/", ["/dashboards/"], route="dashboards", target=50),
        Case(
            "dashboards",
            "/dashboards/, figures recomputed for each request",
            ["/dashboards/"],
            route="dashboards",
            target=50,
            cold=forget_dashboard_figures,
        ),
        Case(
            "dashboards",
            "filtered: member state + focus area",
            ["/dashboards/?member_state=TH&focus_area=quality-environment"],
            route="dashboards",
            target=50,
        ),
        Case(
            "dashboards",
            "filtered, figures recomputed for each request",
            ["/dashboards/?member_state=TH&focus_area=quality-environment"],
            route="dashboards",
            target=50,
            cold=forget_dashboard_figures,
        ),
        Case(
            "dashboards",
            "/dashboards/",
            ["/dashboards/"],
            who="Secretariat (session)",
            route="dashboards",
            target=50,
        ),
        # The pipeline (issue 5) and the audit trail at 1,000,000 entries.
        Case(
            "pipeline",
            "engagements list, 50 rows",
            ["/api/v1/engagements?page_size=50"],
            who="partner member",
            route="engagements",
        ),
        Case(
            "pipeline",
            "engagements list, 50 rows",
            ["/api/v1/engagements?page_size=50"],
            who="CSCO",
            route="engagements",
        ),
        Case(
            "pipeline",
            "engagements list, stage filter, 50 rows",
            ["/api/v1/engagements?stage=due_diligence&page_size=50"],
            who="Secretariat",
            route="engagements",
        ),
        Case(
            "pipeline",
            "engagement board (HTML)",
            ["/engagements/"],
            who="partner member (session)",
            route="engagements",
        ),
        Case(
            "audit",
            "audit API, newest 50",
            ["/api/v1/audit?page_size=50"],
            who="Secretariat",
            route="audit",
        ),
        Case(
            "audit",
            "audit API, object type filter",
            ["/api/v1/audit?object_type=deals.engagement&page_size=50"],
            who="Secretariat",
            route="audit",
        ),
        Case("audit", "audit page (HTML)", ["/audit/"], who="Secretariat (session)", route="audit"),
        # City indicators (issue 22): 3,000 cities × 50 indicators × 8 years. The city page
        # and its API hold every indicator's network and size-class medians; the comparison
        # page's target is issue 22's (p95 ≤ 100 ms). Bangkok is the CSCO's own city (its
        # drafts count for them).
        *(
            Case(
                "indicators",
                name,
                paths,
                who=who,
                route=route,
                target=target,
            )
            for name, paths, route, target, whos in [
                (
                    "city page (varied city)",
                    lambda: [f"/cities/{slug}/indicators/" for slug in indicator_cities()],
                    "indicators",
                    None,
                    ("anonymous", "CSCO (session)"),
                ),
                (
                    "city page, the CSCO's own city",
                    ["/cities/bangkok/indicators/"],
                    "indicators",
                    None,
                    ("CSCO (session)",),
                ),
                (
                    "compare page, 3 cities (varied)",
                    lambda: compared(3),
                    "compare",
                    100,
                    ("anonymous", "CSCO (session)"),
                ),
                (
                    "compare page, 6 cities (varied)",
                    lambda: compared(6),
                    "compare",
                    100,
                    ("anonymous", "CSCO (session)"),
                ),
                (
                    "catalogue API /api/v1/indicators",
                    ["/api/v1/indicators"],
                    "indicators",
                    None,
                    ("anonymous", "CSCO"),
                ),
                (
                    "city API /api/v1/cities/{slug}/indicators (varied)",
                    lambda: [f"/api/v1/cities/{slug}/indicators" for slug in indicator_cities()],
                    "indicators",
                    None,
                    ("anonymous", "CSCO"),
                ),
                (
                    "city API, the CSCO's own city",
                    ["/api/v1/cities/bangkok/indicators"],
                    "indicators",
                    None,
                    ("CSCO",),
                ),
                (
                    "indicator page, its ranking of 3,000 cities",
                    ["/indicators/bench-ind-07/"],
                    "indicators/<slug",
                    None,
                    ("anonymous", "CSCO (session)"),
                ),
                (
                    "search API, an indicator's name",
                    ["/api/v1/search?q=bench+indicator+7"],
                    "search",
                    None,
                    ("anonymous",),
                ),
            ]
            for who in whos
        ),
    ]


@contextmanager
def time_limit(seconds: float):
    """Stop the SQL of a request that runs longer than ``seconds``."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        timer = threading.Timer(seconds, connection.connection.interrupt)
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
    else:
        yield


def get(person: Person, path: str, queries: list | None = None) -> tuple[int, float]:
    """One request: its status and how long it took (ms); its SQL queries counted into
    ``queries`` when given."""
    counter = CaptureQueriesContext(connection) if queries is not None else nullcontext([])
    with time_limit(REQUEST_LIMIT_S), counter as captured:
        start = time.perf_counter()
        response = person.client.get(path, headers=person.headers)
        elapsed = (time.perf_counter() - start) * 1000
    if queries is not None:
        queries.append(len(captured))
    if response.status_code == 500 and elapsed > REQUEST_LIMIT_S * 1000 * 0.9:
        return 0, elapsed  # stopped at the limit
    return response.status_code, elapsed


def _failed(status: int) -> str:
    return f"over {REQUEST_LIMIT_S:g} s (stopped)" if status == 0 else f"HTTP {status}"


def forget(case: Case, path: str) -> None:
    if case.cold is True:
        cache.clear()
    elif case.cold:
        case.cold(path)


def forget_dashboard_figures(path: str) -> None:
    """Drop the kept figures of the dashboard at ``path`` (and the city counts), as before
    the first request ever: the page computes every aggregate (afterwards the task worker
    refreshes them, ``core.prepared``: this case measures that work). The map's SVG stays —
    it is stored under a digest of its data and drawn by the task worker, never in a
    request (docs/operations.md)."""
    from django.http import QueryDict

    from ascn.core import prepared
    from ascn.dashboards import queries, views

    form = views.DashboardFilterForm(QueryDict(urlsplit(path).query))
    filters = form.filters()
    prepared.forget(
        views.FIGURES, [views.cache_key(filters, lang) for lang, _name in settings.LANGUAGES]
    )
    cache.delete(queries.CITY_COUNTS_KEY)


def measure(case: Case, person: Person) -> Result:
    result = Result(case.group, case.name, case.who, target=case.target)
    paths = case.paths() if callable(case.paths) else case.paths
    if not paths:
        result.status = "no data to vary over"
        return result
    result.path = paths[0]
    if not _route_ok(paths[0], case.route):
        result.status = "not available"
        return result
    warm: list[float] = []
    for i in range(WARM_UP):
        # The last warm-up request also counts the SQL queries; a slow case warms up once.
        last = i == WARM_UP - 1 or bool(warm and warm[0] > SLOW_MS)
        forget(case, paths[i % len(paths)])
        queries: list[int] = []
        status, elapsed = get(person, paths[i % len(paths)], queries if last else None)
        warm.append(elapsed)
        if status != 200:
            result.status = _failed(status)
            return result
        if last:
            result.queries = queries[0]
            result.size = len(person.client.get(paths[0], headers=person.headers).content)
            break
    runs = max(MIN_RUNS, min(RUNS, int(CASE_BUDGET_MS / max(statistics.median(warm), 0.01))))
    errors = 0
    started = time.perf_counter()
    for i in range(runs):
        forget(case, paths[(WARM_UP + i) % len(paths)])
        status, elapsed = get(person, paths[(WARM_UP + i) % len(paths)])
        result.times.append(elapsed)
        errors += status != 200
        spent = (time.perf_counter() - started) * 1000
        if spent + statistics.median(result.times) > 2 * CASE_BUDGET_MS:
            break  # a very slow case is timed fewer times than MIN_RUNS (see n)
    if errors:
        result.status = f"{errors} of {len(result.times)} not 200"
    return result


def selected(all_cases: list[Case]) -> list[Case]:
    """``BENCH_ONLY`` (comma-separated groups, e.g. ``search,dashboards``) narrows the run to
    those groups (and health, which every ratio needs); the full re-match runs only when
    ``matches`` is among them."""
    only = {g.strip() for g in os.environ.get("BENCH_ONLY", "").split(",") if g.strip()}
    if not only:
        return all_cases
    return [c for c in all_cases if c.group in only or c.group == "platform"]


MAP_PAGES = [
    "/",
    "/member-states/th/",
    "/dashboards/",
    "/dashboards/?member_state=TH&focus_area=quality-environment",
]


def draw_maps(people: dict[str, Person], log=print) -> None:
    """Do what the task worker does in production: the pages with a map queue its drawing
    (network/tasks.py); ``db_worker --batch`` draws them. The cases then time the pages with
    their map, as a visitor sees them, not the "map is being drawn" fallback."""
    from django.core.management import call_command

    for path in MAP_PAGES:
        if _route_ok(path.split("?")[0], None):
            get(people["anonymous"], path)
    started = time.perf_counter()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    log(f"  maps drawn by the task worker in {time.perf_counter() - started:.1f} s")


def run_all(people: dict[str, Person], log=print) -> list[Result]:
    from django.test.utils import override_settings

    results = []
    only = os.environ.get("BENCH_ONLY", "")
    draw_maps(people, log=log)
    # What start-up made is moved out of the garbage collector's way, and later, after a
    # slow full collection, what the process holds when idle, as a served worker does
    # (config/wsgi.py, ``freeze_start_up_objects``; ``ascn.core.collector``).
    collector.keep_long_lived_frozen(settings.ASCN_GC_FREEZE_MS)
    for case in selected(cases(people)):
        try:
            # The anonymous response cache (core/cache.py) is off here: a case measures what
            # a request costs, not a cache hit. The real-server run keeps it on.
            with override_settings(RESPONSE_CACHE_SECONDS=0):
                result = measure(case, people[case.who])
        except Exception as exc:  # a feature still being built must not stop the run
            result = Result(case.group, case.name, case.who, status=f"error: {exc!r}"[:120])
        label = result.status or (
            f"median {result.median:.1f} ms, p95 {result.p95:.1f} ms, "
            f"{result.queries} queries, {result.size:,} bytes"
        )
        log(f"  {case.group}: {case.name} [{case.who}] — {label}")
        results.append(result)
    EXTRA.clear()
    if only and "matches" not in only:
        return results
    try:
        EXTRA.extend(rematch(log=log))
    except Exception as exc:
        EXTRA.append({"full re-match": f"error: {exc!r}"[:200]})
    return results


# --- the full re-match ------------------------------------------------------------------------


def rematch(log=print) -> list[dict]:
    """All organisations against a sample of projects, through whatever the matchmaking
    module exposes; "not available" until it lands."""
    try:
        from bench import rematch as implementation
    except ImportError as exc:
        return [{"name": "full re-match", "status": f"not available ({exc})"}]
    return implementation.run(log=log)
