"""The full re-match: every organisation against a sample of projects, through the function
the matchmaking module exposes for one project (``matchmaking.queries.matches_for_project``),
as the Secretariat (who may see every organisation). Timed per project and in total.

``matches_for_project`` returns a ranking that scores texts only as far as a page needs; a
re-match wants every match scored, so the whole ranking is read (``list``)."""

from __future__ import annotations

import os
import random
import statistics
import time

SAMPLE = int(os.environ.get("BENCH_REMATCH_PROJECTS", "200"))
BUDGET_S = float(os.environ.get("BENCH_REMATCH_SECONDS", "120"))


def run(log=print) -> list[dict]:
    try:
        from ascn.matchmaking import queries
        from ascn.plans import money

        one = queries.matches_for_project
    except (ImportError, AttributeError) as exc:
        return [{"full re-match": f"not available ({exc})"}]
    from ascn.accounts.models import User
    from ascn.partners.models import Organisation
    from ascn.plans.models import Project

    secretariat = User.objects.get(email="bench-secretariat@example.org")
    ids = sorted(
        Project.objects.filter(
            title__startswith="Bench project", visibility__in=["public", "network"]
        ).values_list("pk", flat=True)
    )
    ids = random.Random(20261129).sample(ids, min(SAMPLE, len(ids)))  # noqa: S311
    started = time.perf_counter()
    rates = money.latest_rates()
    times, found = [], 0
    for pk in ids:
        t = time.perf_counter()
        project = queries.project_for_matches(secretariat, pk)
        found += len(list(one(secretariat, project, rates=rates)))  # every match scored
        times.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() - started > BUDGET_S:
            break
    total = time.perf_counter() - started
    n_orgs = Organisation.objects.count()
    n_projects = Project.objects.count()
    per = statistics.median(times)
    log(f"  full re-match: {len(times)} projects in {total:.1f} s, median {per:.0f} ms per project")
    return [
        {
            "function": "`matchmaking.queries.matches_for_project` (as the Secretariat, exchange rates read once)",
            "organisations considered per project": f"{n_orgs:,} (an in-memory index by country and stage keeps the candidates, Python scores every eligible one)",
            "projects re-matched (sample)": f"{len(times)}",
            "total time": f"{total:.1f} s",
            "per project, median / p95": f"{per:.0f} ms / {statistics.quantiles(times, n=20)[-1] if len(times) > 1 else per:.0f} ms",
            "matches found per project, mean": f"{found / len(times):.0f}",
            f"extrapolated to all {n_projects:,} projects, one worker": f"{per * n_projects / 1000 / 60:.0f} min",
        }
    ]
