"""What matchmaking reads of each project, stored in one narrow row (``ProjectTerms``), so
that an organisation's matches read a few thousand small rows from an index instead of
scanning projects, joining their focus areas and tokenising their texts on every request.

``refresh`` recomputes the rows of some projects (or of all); ``matchmaking.subscribers``
calls it after every write announced about a project or a focus area, and
``manage.py refresh_match_terms`` after bulk loads (which announce nothing). It writes only
the rows that changed, and renews the token of the projects' in-memory index
(``matchmaking.project_index``) only when it wrote one: a write to a project that changes
nothing matchmaking reads (a milestone, a contact, a document) leaves every worker's index
as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import router, transaction

from ascn.matchmaking import index
from ascn.matchmaking.models import ProjectTerms
from ascn.partners import keys
from ascn.plans.models import Project

BATCH = 2_000


def project_terms(title: str, description: str) -> frozenset[str]:
    """The terms matchmaking compares for a project: its title's and description's."""
    return keys.terms(f"{title} {description}")


FIELDS = [
    "country",
    "status",
    "financing_sought",
    "budget_amount",
    "budget_currency",
    "funding_secured",
    "focus_areas",
    "terms",
    "sample",
    "visibility",
]


def _write(pks: list[int]) -> int:
    """Write the rows of ``pks`` that are new or differ from the stored ones: how many."""
    areas: dict[int, list[str]] = defaultdict(list)
    through = Project.focus_areas.through.objects.filter(project_id__in=pks)
    for pk, code in through.values_list("project_id", "focusarea__code").order_by():
        areas[pk].append(code)
    projects = Project.objects.filter(pk__in=pks).select_related("city__member_state")
    rows = [
        ProjectTerms(
            project_id=p.pk,
            country=p.city.member_state.code,
            status=p.status,
            financing_sought=keys.wrap(p.financing_sought or ()),
            # none published: no ticket to fit, and no currency (``scoring.NO_BUDGET``)
            budget_amount=p.budget_amount or 0,
            budget_currency=p.budget_currency if p.budget_amount is not None else "",
            funding_secured=p.funding_secured,
            focus_areas=keys.wrap(areas.get(p.pk, ())),
            terms=keys.wrap(project_terms(p.title, p.description)),
            visibility=p.visibility,
            sample=p.sample,
        )
        for p in projects.order_by()
    ]
    stored = ProjectTerms.objects.filter(project_id__in=pks).values_list("project_id", *FIELDS)
    before = {pk: values for pk, *values in stored.order_by()}
    changed = [
        row for row in rows if before.get(row.project_id) != [getattr(row, f) for f in FIELDS]
    ]
    ProjectTerms.objects.bulk_create(
        changed, update_conflicts=True, unique_fields=["project"], update_fields=FIELDS
    )
    return len(changed)


def refresh(project_ids: Iterable[int] | None = None, *, missing_only: bool = False) -> int:
    """Recompute the stored rows of ``project_ids`` (all projects when None; with
    ``missing_only``, only those without a row) and write those that changed. Returns how
    many were written."""
    projects = Project.objects.all()
    if project_ids is not None:
        projects = projects.filter(pk__in=list(project_ids))
    if missing_only:
        projects = projects.filter(matchmaking_terms__isnull=True)
    pks = list(projects.order_by("pk").values_list("pk", flat=True))
    using = router.db_for_write(ProjectTerms)
    written = 0
    for i in range(0, len(pks), BATCH):
        # a batch that changed rows commits with a new token: every process's index of these
        # rows is out of date (``matchmaking.project_index``) the moment they change, even if
        # a long refresh stops half-way
        with transaction.atomic(using=using):
            batch = _write(pks[i : i + BATCH])
            if batch:
                index.renew(using, index.PROJECTS)
        written += batch
    return written
