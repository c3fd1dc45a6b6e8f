"""Keeping the dashboards' tallies (``ascn.dashboards.models``) equal to the records.

A city's tally rows are recomputed — deleted and summed again from that city's public
projects and deals, with the very queries the dashboards use when they cannot use the
tallies (``queries.public_projects``, ``queries.public_engagements``) — inside the
transaction of every write that can change them:

the changes the services announce (``core.events``; subscribed in
``dashboards.subscribers``) to projects, deals, organisations and cities — and to a
project's documents and milestones and the ASCF outcomes, which change the projects' stored
disclosure counts that the cities' counts sum (``plans.subscribers`` recomputes those
first: it subscribed first, the apps being imported in their layer order).

A city holds some dozens of projects, so a recomputation is a handful of small queries.
Writes that bypass the services (bulk loads, raw SQL) announce nothing:
``manage.py dashboards_rebuild`` recomputes every city after them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum

from ascn.core import events
from ascn.core.visibility import Visibility
from ascn.dashboards import queries
from ascn.dashboards.models import (
    AreaPairTally,
    CityCount,
    DealTally,
    OrganisationTally,
    ProjectTally,
    StateDealTally,
    StateTally,
)
from ascn.deals.models import Engagement
from ascn.deals.queries import counted_stage
from ascn.network.models import City, MemberState, Outcome
from ascn.partners.models import Organisation
from ascn.plans import disclosure
from ascn.plans.models import Milestone, Project, ProjectDocument
from ascn.plans.permissions import project_policy

ALL = queries.Filters()
ZERO = queries.ZERO


def _rows(city_ids: set[int] | None) -> dict[Any, list[Any]]:
    """The tally rows of these cities (all when None), summed here from the projects' and
    deals' own rows: a few dozen per city, and exact decimal sums. (SQLite, without
    statistics, plans a ``GROUP BY status`` of one city's projects over the visibility
    index: every public project.)"""
    projects = queries.public_projects(ALL)
    deals = queries.public_engagements(ALL)
    links = Project.focus_areas.through.objects.order_by()
    if city_ids is None:
        links = links.filter(project__in=projects.values("pk"))
    else:
        projects = projects.filter(city_id__in=city_ids)
        deals = deals.filter(project__city_id__in=city_ids)
        links = links.filter(
            project__city_id__in=city_ids,
            **{f"project__{project_policy.visibility_field}": Visibility.PUBLIC},
        )
    areas: dict[int, list[int]] = defaultdict(list)
    for project_id, area_id in links.values_list("project_id", "focusarea_id"):
        areas[project_id].append(area_id)

    tally: dict[tuple, ProjectTally] = {}
    cities: dict[tuple, CityCount] = {}
    pairs: dict[tuple, int] = defaultdict(int)
    fields = ("pk", "city_id", "status", "budget_currency", "budget_amount", "funding_secured")
    held_fields = tuple(disclosure.STORED_COUNTS.values())
    for (
        pk,
        city_id,
        status,
        currency,
        budget,
        secured,
        sample,
        updated,
        *held,
    ) in projects.values_list(*fields, "sample", "updated_at", *held_fields):
        budget, secured = budget or ZERO, secured or ZERO
        sought = budget - secured if budget > secured else ZERO
        for area_id in areas.get(pk, ()):
            for other_id in areas[pk]:
                pairs[city_id, area_id, other_id] += 1
        for area_id in (None, *areas.get(pk, ())):
            row = tally.get((city_id, area_id, status, currency))
            if row is None:
                row = tally[city_id, area_id, status, currency] = ProjectTally(
                    city_id=city_id,
                    focus_area_id=area_id,
                    status=status,
                    currency=currency,
                    projects=0,
                    samples=0,
                    budget=ZERO,
                    secured=ZERO,
                    sought=ZERO,
                    updated_at=None,
                )
            row.projects += 1
            row.samples += bool(sample)
            row.budget += budget
            row.secured += secured
            row.sought += sought
            if updated and (row.updated_at is None or updated > row.updated_at):
                row.updated_at = updated
            count = cities.get((city_id, area_id))
            if count is None:
                count = cities[city_id, area_id] = CityCount(
                    city_id=city_id, focus_area_id=area_id, projects=0
                )
            count.projects += 1
            for name, value in zip(held_fields, held, strict=True):
                setattr(count, name, getattr(count, name) + value)

    counted: dict[tuple, int] = defaultdict(int)
    deals = deals.annotate(counted=counted_stage())
    for city_id, project_id, stage in deals.values_list(
        "project__city_id", "project_id", "counted"
    ):
        for area_id in (None, *areas.get(project_id, ())):
            counted[city_id, area_id, stage] += 1
    deal_rows = [
        DealTally(city_id=city_id, focus_area_id=area_id, stage=stage, deals=n)
        for (city_id, area_id, stage), n in counted.items()
    ]
    pair_rows = [
        AreaPairTally(city_id=city_id, focus_area_id=area_id, other_area_id=other_id, projects=n)
        for (city_id, area_id, other_id), n in pairs.items()
    ]
    return {
        ProjectTally: list(tally.values()),
        DealTally: deal_rows,
        CityCount: list(cities.values()),
        AreaPairTally: pair_rows,
    }


def _replace(rows: dict[Any, list[Any]], city_ids: set[int] | None) -> None:
    """Each per-city table's rows of these cities (all when None) replaced by ``rows``."""
    for model, new in rows.items():
        old = (
            model.objects.all() if city_ids is None else model.objects.filter(city_id__in=city_ids)
        )
        old.delete()
        model.objects.bulk_create(new, batch_size=2_000)


def _sum_states(state_ids: set[int] | None) -> None:
    """Recompute the member states' rows from their cities' rows."""
    if state_ids is not None:  # one at a time per state, as the cities above
        locked = MemberState.objects.select_for_update(no_key=True).filter(pk__in=state_ids)
        list(locked.order_by("pk"))
    rows = ProjectTally.objects.order_by()
    deals = DealTally.objects.order_by()
    states = StateTally.objects.all()
    state_deals = StateDealTally.objects.all()
    if state_ids is not None:
        rows = rows.filter(city__member_state_id__in=state_ids)
        deals = deals.filter(city__member_state_id__in=state_ids)
        states = states.filter(member_state_id__in=state_ids)
        state_deals = state_deals.filter(member_state_id__in=state_ids)
    grouped = rows.values_list("city__member_state_id", "focus_area_id", "status", "currency")
    states.delete()
    state_deals.delete()
    StateDealTally.objects.bulk_create(
        [
            StateDealTally(member_state_id=state_id, focus_area_id=area_id, stage=stage, deals=n)
            for state_id, area_id, stage, n in deals.values_list(
                "city__member_state_id", "focus_area_id", "stage"
            ).annotate(n=Sum("deals"))
        ],
        batch_size=2_000,
    )
    StateTally.objects.bulk_create(
        [
            StateTally(
                member_state_id=state_id,
                focus_area_id=area_id,
                status=status,
                currency=currency,
                projects=projects,
                samples=samples,
                budget=budget,
                secured=secured,
                sought=sought,
                updated_at=updated,
            )
            for state_id, area_id, status, currency, projects, budget, secured, sought, samples, updated in (
                grouped.annotate(**queries.tally_aggregates())
            )
        ],
        batch_size=2_000,
    )


@transaction.atomic
def refresh(city_ids: Iterable[int | None], *, states: Iterable[int] = ()) -> None:
    """Recompute the tallies of these cities (and of their member states, and of
    ``states``: those a city left)."""
    ids = {pk for pk in city_ids if pk is not None}
    state_ids = set(states)
    if ids:
        # Two writes in one city (or member state) recompute in turn, the second from what
        # the first committed: without the lock, both would delete the rows they saw and
        # insert their own (PostgreSQL, READ COMMITTED), counting twice. NO KEY UPDATE
        # leaves inserts of projects that refer to the city free (their FK check shares).
        list(City.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk"))
        _replace(_rows(ids), ids)
        state_ids |= set(City.objects.filter(pk__in=ids).values_list("member_state_id", flat=True))
    if state_ids:
        _sum_states(state_ids)


@transaction.atomic
def refresh_organisations(kinds: Iterable[str] | None) -> None:
    """Recompute the public organisations' counts of these kinds (all when None)."""
    orgs = queries.public_organisations()
    tallies = OrganisationTally.objects.all()
    if kinds is not None:
        kinds = set(kinds)
        # one recomputation per kind at a time (see ``refresh``); the row may not exist yet
        list(tallies.select_for_update().filter(kind__in=kinds).order_by("kind"))
        orgs = orgs.filter(kind__in=kinds)
        tallies = tallies.filter(kind__in=kinds)
    counted = orgs.values_list("kind").annotate(
        n=Count("id"), samples=Count("id", filter=Q(sample=True))
    )
    tallies.delete()
    OrganisationTally.objects.bulk_create(
        [OrganisationTally(kind=kind, organisations=n, samples=s) for kind, n, s in counted]
    )


@transaction.atomic
def rebuild() -> tuple[int, int]:
    """Recompute every tally; returns how many rows of cities' projects and deals."""
    list(City.objects.select_for_update(no_key=True).order_by("pk"))
    list(MemberState.objects.select_for_update(no_key=True).order_by("pk"))
    rows = _rows(None)
    _replace(rows, None)
    _sum_states(None)
    refresh_organisations(None)
    return len(rows[ProjectTally]), len(rows[DealTally])


def _project_cities(project_ids: Iterable[int]) -> frozenset[int]:
    return frozenset(
        Project.objects.filter(pk__in=list(project_ids)).values_list("city_id", flat=True)
    )


def _organisation_cities(organisation_id: int) -> set[int]:
    return set(
        Engagement.objects.filter(organisation_id=organisation_id)
        .order_by()
        .values_list("project__city_id", flat=True)
        .distinct()
    )


# --- following the writes ----------------------------------------------------------------


def on_change(change: events.Change) -> Callable[[], None] | None:
    """The events subscriber (``dashboards.subscribers``): recompute what this write moved.

    A project counts in its city (and the city it left); a deal in its project's city; an
    organisation in its kind's count (and the kind it left), and its deals' cities when its
    visibility changed; a city moved to another member state takes its figures along; a
    document, milestone or outcome changes its projects' disclosure, summed in their
    cities' counts. A project's, deal's, document's or milestone's city is recomputed by
    the ``Then`` returned: at once, once a deletion's rows have gone, or once at the end of
    a ``events.batch`` (a load).
    """
    obj = change.obj
    if isinstance(obj, Project):
        cities = frozenset({obj.city_id, change.before("city")} - {None})
        return events.Then(refresh, (cities,))
    if isinstance(obj, Engagement):
        return events.Then(refresh, (_project_cities([obj.project_id]),))
    if isinstance(obj, Organisation):
        kinds = {obj.kind, change.before("kind")} - {None}
        if change.deleted:
            return events.Then(refresh_organisations, (frozenset(kinds),))
        if change.touched("visibility", "kind", "sample"):
            refresh_organisations(kinds)
        if change.touched("visibility"):
            refresh(_organisation_cities(obj.pk))  # its deals count or stop counting
    elif isinstance(obj, (ProjectDocument, Milestone)):
        # its project's stored disclosure (summed in the city's counts) was recomputed by
        # ``plans.subscribers``, which subscribed first (INSTALLED_APPS order)
        return events.Then(refresh, (_project_cities([obj.project_id]),))
    elif isinstance(obj, Outcome):
        if change.deleted:  # the projects that named it may lose their purpose
            named = Project.objects.filter(outcomes=obj).order_by()
            cities = frozenset(named.values_list("city_id", flat=True).distinct())
            return events.Then(refresh, (cities,))
    elif isinstance(obj, City):
        state = obj.member_state_id
        if change.deleted:
            return events.Then(_refresh_states, (frozenset({state}),))
        if change.touched("member_state"):
            before = change.before("member_state")
            refresh({obj.pk}, states={int(before)} if before else ())
    return None


def _refresh_states(states: frozenset[int]) -> None:
    refresh((), states=states)


FOLLOWED = [
    "plans.project",
    "plans.projectdocument",
    "plans.milestone",
    "deals.engagement",
    "partners.organisation",
    "network.city",
    "network.outcome",
]
