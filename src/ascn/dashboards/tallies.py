"""Keeping the dashboards' tallies (``ascn.dashboards.models``) equal to the records.

A city's tally rows are recomputed — deleted and summed again from that city's public
projects and deals, with the very queries the dashboards use when they cannot use the
tallies (``queries.public_projects``, ``queries.public_engagements``) — inside the
transaction of every write that can change them:

* the audit trail's ``recorded`` signal (every audited write, also those done with
  ``QuerySet.update``), for projects, engagements and organisations;
* the models' ``post_save`` / ``post_delete`` and the focus areas' ``m2m_changed``, so a
  write that is saved without the audit trail (fixtures, the shell) keeps them right too.

A city holds some dozens of projects, so a recomputation is a handful of small queries.
Bulk loads (``bulk_create``, raw SQL) send no signal: ``manage.py dashboards_rebuild``
recomputes every city after them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from ascn.core import audit
from ascn.core.visibility import Visibility
from ascn.dashboards import queries
from ascn.dashboards.models import (
    CityCount,
    DealTally,
    OrganisationTally,
    ProjectTally,
    StateTally,
)
from ascn.deals.models import Engagement
from ascn.network.models import City, MemberState
from ascn.partners.models import Organisation
from ascn.plans.models import Project
from ascn.plans.permissions import project_policy

ALL = queries.Filters()
ZERO = queries.ZERO


def _rows(city_ids: set[int] | None) -> tuple[list[ProjectTally], list[DealTally]]:
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
    fields = ("pk", "city_id", "status", "budget_currency", "budget_amount", "funding_secured")
    for pk, city_id, status, currency, budget, secured, sample, updated in projects.values_list(
        *fields, "sample", "updated_at"
    ):
        budget, secured = budget or ZERO, secured or ZERO
        sought = budget - secured if budget > secured else ZERO
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

    counted: dict[tuple, int] = defaultdict(int)
    for city_id, project_id, stage in deals.values_list("project__city_id", "project_id", "stage"):
        for area_id in (None, *areas.get(project_id, ())):
            counted[city_id, area_id, stage] += 1
    deal_rows = [
        DealTally(city_id=city_id, focus_area_id=area_id, stage=stage, deals=n)
        for (city_id, area_id, stage), n in counted.items()
    ]
    return list(tally.values()), deal_rows


def _city_counts(project_rows: list[ProjectTally]) -> list[CityCount]:
    counts: dict[tuple, int] = defaultdict(int)
    for row in project_rows:
        counts[row.city_id, row.focus_area_id] += row.projects
    return [
        CityCount(city_id=city_id, focus_area_id=area_id, projects=n)
        for (city_id, area_id), n in counts.items()
    ]


def _sum_states(state_ids: set[int] | None) -> None:
    """Recompute the member states' rows from their cities' rows."""
    if state_ids is not None:  # one at a time per state, as the cities above
        locked = MemberState.objects.select_for_update(no_key=True).filter(pk__in=state_ids)
        list(locked.order_by("pk"))
    rows = ProjectTally.objects.order_by()
    states = StateTally.objects.all()
    if state_ids is not None:
        rows = rows.filter(city__member_state_id__in=state_ids)
        states = states.filter(member_state_id__in=state_ids)
    grouped = rows.values_list("city__member_state_id", "focus_area_id", "status", "currency")
    states.delete()
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
            for state_id, area_id, status, currency, projects, samples, budget, secured, sought, updated in (
                grouped.annotate(
                    n=Sum("projects"),
                    samples_sum=Sum("samples"),
                    budget_sum=Sum("budget"),
                    secured_sum=Sum("secured"),
                    sought_sum=Sum("sought"),
                    updated=Max("updated_at"),
                )
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
        project_rows, deal_rows = _rows(ids)
        ProjectTally.objects.filter(city_id__in=ids).delete()
        DealTally.objects.filter(city_id__in=ids).delete()
        CityCount.objects.filter(city_id__in=ids).delete()
        ProjectTally.objects.bulk_create(project_rows, batch_size=2_000)
        DealTally.objects.bulk_create(deal_rows, batch_size=2_000)
        CityCount.objects.bulk_create(_city_counts(project_rows), batch_size=2_000)
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
    project_rows, deal_rows = _rows(None)
    for model in (ProjectTally, DealTally, CityCount):
        model.objects.all().delete()
    ProjectTally.objects.bulk_create(project_rows, batch_size=2_000)
    DealTally.objects.bulk_create(deal_rows, batch_size=2_000)
    CityCount.objects.bulk_create(_city_counts(project_rows), batch_size=2_000)
    _sum_states(None)
    refresh_organisations(None)
    return len(project_rows), len(deal_rows)


def _project_cities(project_ids: Iterable[int]) -> set[int]:
    return set(Project.objects.filter(pk__in=list(project_ids)).values_list("city_id", flat=True))


def _organisation_cities(organisation_id: int) -> set[int]:
    return set(
        Engagement.objects.filter(organisation_id=organisation_id)
        .order_by()
        .values_list("project__city_id", flat=True)
        .distinct()
    )


# --- the signals -------------------------------------------------------------------------------


def _remember_before(sender, instance, raw=False, **kwargs) -> None:
    """Before a project or organisation is saved: where it was (a project moved to another
    city leaves its old city's tallies to recompute) and who saw it."""
    if instance.pk is None:
        return
    if sender is Project:
        instance._dashboard_cities = set(
            Project.objects.filter(pk=instance.pk).values_list("city_id", flat=True)
        )
    elif sender is City:
        instance._dashboard_state = (
            City.objects.filter(pk=instance.pk).values_list("member_state_id", flat=True).first()
        )
    elif sender is Organisation:
        instance._dashboard_before = (
            Organisation.objects.filter(pk=instance.pk)
            .values_list("visibility", "kind", "sample")
            .first()
        )


def _city_saved(sender, instance, created=False, **kwargs) -> None:
    """A city moved to another member state takes its figures along."""
    before = getattr(instance, "_dashboard_state", None)
    if not created and before != instance.member_state_id:
        refresh({instance.pk}, states={before} if before else ())


def _city_deleted(sender, instance, **kwargs) -> None:
    refresh((), states={instance.member_state_id})


def _project_changed(sender, instance, **kwargs) -> None:
    refresh({instance.city_id, *getattr(instance, "_dashboard_cities", ())})


def _engagement_changed(sender, instance, **kwargs) -> None:
    refresh(_project_cities([instance.project_id]))


def _organisation_saved(sender, instance, created=False, **kwargs) -> None:
    before = getattr(instance, "_dashboard_before", None)
    if created or before != (instance.visibility, instance.kind, instance.sample):
        refresh_organisations({instance.kind, *([before[1]] if before else [])})
    if not created and before is not None and before[0] != instance.visibility:
        refresh(_organisation_cities(instance.pk))  # its deals count or stop counting


def _organisation_deleted(sender, instance, **kwargs) -> None:
    refresh_organisations({instance.kind})


def _focus_areas_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh({instance.city_id})
    elif pk_set:
        refresh(_project_cities(pk_set))
    else:  # every project lost this area: which they were is no longer known
        rebuild()


def _recorded(sender, action, obj, entry, **kwargs) -> None:
    """Every audited write, including those done with ``QuerySet.update``."""
    if sender is Project:
        refresh({obj.city_id})
    elif sender is Engagement:
        refresh(_project_cities([obj.project_id]))
    elif sender is Organisation:
        refresh_organisations({obj.kind})
        refresh(_organisation_cities(obj.pk))


def connect() -> None:
    uid = "ascn.dashboards.tallies"
    for model in (Project, Organisation, City):
        pre_save.connect(_remember_before, sender=model, dispatch_uid=f"{uid}.before.{model}")
    post_save.connect(_city_saved, sender=City, dispatch_uid=f"{uid}.city.save")
    post_delete.connect(_city_deleted, sender=City, dispatch_uid=f"{uid}.city.delete")
    post_save.connect(_project_changed, sender=Project, dispatch_uid=f"{uid}.project.save")
    post_delete.connect(_project_changed, sender=Project, dispatch_uid=f"{uid}.project.delete")
    post_save.connect(_engagement_changed, sender=Engagement, dispatch_uid=f"{uid}.deal.save")
    post_delete.connect(_engagement_changed, sender=Engagement, dispatch_uid=f"{uid}.deal.delete")
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid=f"{uid}.org.save")
    post_delete.connect(
        _organisation_deleted, sender=Organisation, dispatch_uid=f"{uid}.org.delete"
    )
    m2m_changed.connect(
        _focus_areas_changed, sender=Project.focus_areas.through, dispatch_uid=f"{uid}.areas"
    )
    audit.recorded.connect(_recorded, dispatch_uid=f"{uid}.recorded")
