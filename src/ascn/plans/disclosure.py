"""Disclosure completeness: how many of the CoST Infrastructure Data Standard's proactive-
disclosure data points of the project identification and preparation stages a project holds.

``POINTS`` is the one table that maps each CoST IDS point to the platform's fields. The points
and their order are those of the CoST IDS → OC4IDS mapping published with OC4IDS 0.9.5
(Open Contracting Partnership and CoST, ``mapping/project-level-identification.csv`` and
``mapping/project-level-preparation.csv`` of open-contracting/infrastructure, March 2024; see
``docs/plans.md``). Each point's ``rule`` says what the project must hold for the point to
count, written as a database condition so that one ``UPDATE`` computes it for one project or
for every project at once. The result is stored on the project (``refresh``, kept current by
``plans.subscribers``), and the project page, the API, the open data and the dashboards read
the stored value.

Only what the platform holds is counted, not its quality: a document of type "Environmental
impact" counts whatever it says, as the OC4IDS guidance warns ("It is not possible to fully
automate checks …").
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
    When,
    sql,
)
from django.db.models.functions import Cast
from django.db.models.lookups import Contains, Regex
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ascn.network.models import City
from ascn.plans.models import Milestone, Project, ProjectDocument

IDENTIFICATION = "identification"
PREPARATION = "preparation"
STAGES: dict[str, Promise] = {
    IDENTIFICATION: _("Project identification"),
    PREPARATION: _("Project preparation"),
}


# --- what a point asks of a project ----------------------------------------------------------


class Rule:
    """A condition on a project. ``paths`` are the model fields it reads (``documents__…``
    through a relation): the tests check each still exists, so a renamed field fails them."""

    paths: tuple[str, ...] = ()

    def condition(self) -> Q:
        raise NotImplementedError


@dataclass(frozen=True)
class Filled(Rule):
    """The field holds something: text not blank, a list not empty, an amount above zero,
    a relation set (or at least one linked record)."""

    field: str

    @property
    def paths(self) -> tuple[str, ...]:  # type: ignore[override]
        return (self.field,)

    def condition(self) -> Q:
        field = Project._meta.get_field(self.field)
        if isinstance(field, models.ManyToManyField):
            through = getattr(Project, self.field).through
            return Q(Exists(through.objects.filter(project_id=OuterRef("pk"))))
        if isinstance(field, models.JSONField):
            return ~Q(**{self.field: []})
        if isinstance(field, models.DecimalField):
            return Q(**{f"{self.field}__gt": 0})
        if isinstance(field, models.ForeignKey):
            return Q(**{f"{self.field}__isnull": False})
        return ~Q(**{self.field: ""})


@dataclass(frozen=True)
class Subsector(Rule):
    """One of the sectors is a subsector of the OC4IDS projectSector codelist
    (``transport.urban``: a dotted code)."""

    paths = ("sectors",)

    def condition(self) -> Q:
        return Q(Contains(Cast("sectors", TextField()), "."))


@dataclass(frozen=True)
class ContactWithEmail(Rule):
    """A contact with an e-mail address (the list is stored as JSON text: ``"email": "x…``)."""

    paths = ("contacts",)

    def condition(self) -> Q:
        return Q(Regex(Cast("contacts", TextField()), r'"email": ?"[^"]'))


@dataclass(frozen=True)
class Document(Rule):
    """A document of this OC4IDS documentType."""

    document_type: str
    paths = ("documents__document_type",)

    def condition(self) -> Q:
        return Q(
            Exists(
                ProjectDocument.objects.filter(
                    project_id=OuterRef("pk"), document_type=self.document_type
                )
            )
        )


@dataclass(frozen=True)
class ApprovalMet(Rule):
    """A milestone of type ``approval`` (or code ``projectApproval``) with the date it was met."""

    paths = ("milestones__milestone_type", "milestones__code", "milestones__date_met")

    def condition(self) -> Q:
        approvals = Milestone.objects.filter(
            Q(milestone_type="approval") | Q(code="projectApproval"),
            project_id=OuterRef("pk"),
            date_met__isnull=False,
        )
        return Q(Exists(approvals))


@dataclass(frozen=True)
class AnyOf(Rule):
    rules: tuple[Rule, ...]

    @property
    def paths(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(path for rule in self.rules for path in rule.paths)

    def condition(self) -> Q:
        out = Q(pk__in=[])
        for rule in self.rules:
            out |= rule.condition()
        return out


# --- the table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    code: str
    stage: str
    element: str  # the CoST IDS element's name, in English, as the source writes it
    title: Promise  # the same, for a person, translated
    held_by: Promise  # where the platform keeps it: what to fill in for it to count
    rule: Rule


POINTS: tuple[Point, ...] = (
    Point(
        "projectOwner",
        IDENTIFICATION,
        "Project owner",
        _("Project owner"),
        _("The project's city (its government is the project's public authority)."),
        Filled("city"),
    ),
    Point(
        "sector",
        IDENTIFICATION,
        "Sector",
        _("Sector"),
        _("At least one OC4IDS sector."),
        Filled("sectors"),
    ),
    Point(
        "subsector",
        IDENTIFICATION,
        "Subsector",
        _("Subsector"),
        _("A subsector among the sectors (e.g. “Urban transport”)."),
        Subsector(),
    ),
    Point(
        "projectName",
        IDENTIFICATION,
        "Project name",
        _("Project name"),
        _("The project's title."),
        Filled("title"),
    ),
    Point(
        "projectLocation",
        IDENTIFICATION,
        "Project Location",
        _("Project location"),
        _("At least one location of the project."),
        Filled("locations"),
    ),
    Point(
        "purpose",
        IDENTIFICATION,
        "Purpose",
        _("Purpose"),
        _("The socio-economic purpose: an ASCF strategic outcome or an SDG 11 target."),
        AnyOf((Filled("outcomes"), Filled("sdg_targets"))),
    ),
    Point(
        "projectDescription",
        IDENTIFICATION,
        "Project description",
        _("Project description"),
        _("The project's description."),
        Filled("description"),
    ),
    Point(
        "projectScope",
        PREPARATION,
        "Project Scope (main output)",
        _("Project scope (main output)"),
        _("A document of type “Project scope”."),
        Document("projectScope"),
    ),
    Point(
        "environmentalImpact",
        PREPARATION,
        "Environmental impact",
        _("Environmental impact"),
        _("A document of type “Environmental impact”."),
        Document("environmentalImpact"),
    ),
    Point(
        "landAndSettlementImpact",
        PREPARATION,
        "Land and settlement impact",
        _("Land and settlement impact"),
        _("A document of type “Land and settlement impact assessment”."),
        Document("landAndSettlementImpact"),
    ),
    Point(
        "contactDetails",
        PREPARATION,
        "Contact details",
        _("Contact details"),
        _("A contact with an e-mail address (shown to signed-in members only)."),
        ContactWithEmail(),
    ),
    Point(
        "fundingSources",
        PREPARATION,
        "Funding sources",
        _("Funding sources"),
        _("A document of type “Financial agreement” naming the funders."),
        Document("financialAgreement"),
    ),
    Point(
        "projectBudget",
        PREPARATION,
        "Project Budget",
        _("Project budget"),
        _("A budget above zero."),
        Filled("budget_amount"),
    ),
    Point(
        "projectBudgetApprovalDate",
        PREPARATION,
        "Project budget approval date",
        _("Project budget approval date"),
        _(
            "A document of type “Budget approval”, or an approval milestone "
            "(type “Approval” or code “Project approval”) with the date it was met."
        ),
        AnyOf((Document("budgetApproval"), ApprovalMet())),
    ),
)


@functools.cache
def points(stage: str | None = None) -> tuple[Point, ...]:
    return tuple(p for p in POINTS if stage is None or p.stage == stage)


def point(code: str) -> Point:
    return next(p for p in POINTS if p.code == code)


# --- counting --------------------------------------------------------------------------------
#
# What a project holds is stored on it (``Project.disclosure_points``: bit i set when
# ``POINTS[i]`` is held; ``disclosed_<stage>``: how many of the stage's points it holds), computed
# here from the rules by ``refresh`` — one ``UPDATE`` for one project or for all of them — and
# read back by everything that shows it. ``plans.subscribers`` refreshes a project after every
# write a service announces about it, its documents or milestones; ``refresh_disclosure`` (the
# management command) recomputes every project after a bulk load.

STORED_COUNTS: dict[str, str] = {
    IDENTIFICATION: "disclosed_identification",
    PREPARATION: "disclosed_preparation",
}
STORED_FIELDS = ("disclosure_points", *STORED_COUNTS.values())


def _flag(p: Point) -> str:
    return f"ids_{p.code}"


def _held(p: Point) -> Case:
    return Case(
        When(p.rule.condition(), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def _held_count(stage: str) -> Any:
    """The number of the stage's points a project holds, as one SQL expression."""
    total: Any = Value(0)
    for p in points(stage):
        total = total + Case(When(p.rule.condition(), then=Value(1)), default=Value(0))
    return total


def _held_bits() -> Any:
    """The points a project holds as a bit mask (bit i: ``POINTS[i]``), one SQL expression."""
    total: Any = Value(0)
    for i, p in enumerate(POINTS):
        total = total + Case(When(p.rule.condition(), then=Value(1 << i)), default=Value(0))
    return total


def with_points(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The projects, each with a boolean ``ids_<code>`` per point computed from the rules now
    (one query; what ``refresh`` stores, for checking it)."""
    return projects.annotate(**{_flag(p): _held(p) for p in POINTS})


def _stored_values() -> dict[str, Any]:
    return {
        "disclosure_points": _held_bits(),
        **{column: _held_count(stage) for stage, column in STORED_COUNTS.items()},
    }


def refresh(projects: QuerySet[Project]) -> int:
    """Compute and store what these projects hold, from the rules (one ``UPDATE``); returns
    the number of projects. Every rule is a condition on the project's own columns or an
    ``Exists`` over its rows, so the database evaluates it per row of the update."""
    return projects.order_by().update(**_stored_values())


# The one-project UPDATE, compiled once per database: building and compiling its 28 ``Exists``
# conditions costs the ORM ~60 ms of Python, the database well under a millisecond to run it,
# and every project write runs it. The statement is the ORM's own (``refresh`` on one row),
# with the project's id as its one variable parameter.
_SENTINEL_PK = -7_301_955_113
_ONE_PROJECT_SQL: dict[str, tuple[str, list[Any], int]] = {}


def _one_project_update(using: str) -> tuple[str, list[Any], int]:
    if using not in _ONE_PROJECT_SQL:
        query = Project.objects.using(using).filter(pk=_SENTINEL_PK).query.chain(sql.UpdateQuery)
        query.add_update_values(_stored_values())
        text, params = query.get_compiler(using).as_sql()
        params = list(params)
        if params.count(_SENTINEL_PK) != 1:  # pragma: no cover - a change of Django's SQL
            raise RuntimeError("The project id must be the one variable of the statement.")
        _ONE_PROJECT_SQL[using] = (text, params, params.index(_SENTINEL_PK))
    return _ONE_PROJECT_SQL[using]


def refresh_project(project: Project) -> None:
    """Recompute one project's stored disclosure and update the instance (two queries)."""
    using = router.db_for_write(Project, instance=project)
    text, params, at = _one_project_update(using)
    with connections[using].cursor() as cursor:
        cursor.execute(text, [*params[:at], project.pk, *params[at + 1 :]])
    rows = Project.objects.using(using).filter(pk=project.pk)
    values = rows.values_list(*STORED_FIELDS).first()
    if values is not None:
        for name, value in zip(STORED_FIELDS, values, strict=True):
            setattr(project, name, value)


def stale(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Those of the projects whose stored disclosure is not what the rules give now."""
    computed = projects.annotate(
        computed_points=_held_bits(),
        **{f"computed_{column}": _held_count(stage) for stage, column in STORED_COUNTS.items()},
    )
    return computed.exclude(
        Q(disclosure_points=models.F("computed_points"))
        & Q(**{column: models.F(f"computed_{column}") for column in STORED_COUNTS.values()})
    )


@dataclass(frozen=True)
class StageDisclosure:
    stage: str
    held: int
    total: int
    missing: tuple[Point, ...]

    @property
    def title(self) -> Promise:
        return STAGES[self.stage]

    @property
    def share(self) -> float:
        """Per cent of the stage's points held, to one decimal."""
        return round(100 * self.held / self.total, 1) if self.total else 0.0


@dataclass(frozen=True)
class Disclosure:
    stages: tuple[StageDisclosure, ...]

    def stage(self, code: str) -> StageDisclosure:
        return next(s for s in self.stages if s.stage == code)


def _disclosure(flags: dict[str, Any]) -> Disclosure:
    stages = []
    for stage in STAGES:
        stage_points = points(stage)
        missing = tuple(p for p in stage_points if not flags[_flag(p)])
        stages.append(
            StageDisclosure(stage, len(stage_points) - len(missing), len(stage_points), missing)
        )
    return Disclosure(tuple(stages))


def decode(bits: int) -> Disclosure:
    """The disclosure a stored bit mask stands for."""
    return _disclosure({_flag(p): bool(bits >> i & 1) for i, p in enumerate(POINTS)})


def computed_disclosure_of(project: Project) -> Disclosure:
    """One project's disclosure computed from the rules now (one query): what the stored
    value must equal."""
    flags = with_points(Project.objects.filter(pk=project.pk)).values(*map(_flag, POINTS)).get()
    return _disclosure(flags)


def loaded(project: Project) -> Disclosure:
    """The disclosure stored on a project read in this request (no query): a page reads the
    project after any write it follows, so its stored value is current."""
    return decode(project.disclosure_points)


def disclosure_of(project: Project) -> Disclosure:
    """One project's stored disclosure (one look-up by primary key: the instance may predate
    the last write). The caller has already found the project among those the user may see."""
    bits = Project.objects.filter(pk=project.pk).values_list("disclosure_points", flat=True)
    return decode(bits.get())


def disclosures(projects: QuerySet[Project]) -> Iterable[tuple[dict[str, Any], Disclosure]]:
    """Each project's ``id``, ``title`` and city slug with its stored disclosure (one query)."""
    fields = ("id", "title", "city__slug", "city__member_state__code")
    rows = projects.order_by("city__slug", "title", "id").values(*fields, "disclosure_points")
    for row in rows.iterator(chunk_size=2000):
        yield {name: row[name] for name in fields}, decode(row["disclosure_points"])


@dataclass(frozen=True)
class Completeness:
    """The projects of a city (or of a member state: ``city`` blank) and, per stage, the mean
    number of its points they hold."""

    member_state: str
    city: str
    projects: int
    mean_held: dict[str, float]

    def share(self, stage: str) -> float:
        """Mean per cent of the stage's points held, to one decimal."""
        return round(100 * self.mean_held[stage] / len(points(stage)), 1)


def completeness_by_city(projects: QuerySet[Project]) -> list[Completeness]:
    """Per city, its number of projects and the mean number of each stage's points they hold,
    by member state and city name: one ``GROUP BY city`` summing the stored counts (from the
    index ``project_disclosure_by_city`` alone), then the names of those cities. (The
    dashboards read the same sums kept per city in their tallies.)"""
    rows = (
        projects.order_by()
        .values_list("city_id")
        .annotate(
            # COUNT(*), not COUNT(id): the id is not in the index, and PostgreSQL read every
            # public project's row for it (70 ms at 50,000, 7 ms from the index alone)
            n=Count("*"),
            **held_sums(),
        )
    )
    sums = {pk: rest for pk, *rest in rows}
    # Every city's name, kept for those with projects: ``id IN`` 3,000 ids took PostgreSQL
    # 13 ms to plan and probe, reading the 3,000 cities 2 ms.
    names = City.objects.order_by().values_list("pk", "member_state__name", "name")
    return from_sums((state, city, *sums[pk]) for pk, state, city in names if pk in sums)


def held_sums() -> dict[str, Sum]:
    """The sums of the stored counts, named in ``STORED_COUNTS`` order: what ``from_sums``
    reads after the number of projects (of projects, or of the dashboards' city counts,
    whose columns have the same names)."""
    return {f"held_{stage}": Sum(column) for stage, column in STORED_COUNTS.items()}


def from_sums(rows: Iterable[tuple[Any, ...]]) -> list[Completeness]:
    """``(member state, city, projects, *the sums of the STORED_COUNTS)`` per city (with
    projects) as each city's completeness, by member state and city name. The member state
    is its English name, as stored: it is given in the reader's language (the catalogues
    hold the names)."""
    out = [
        Completeness(
            gettext(state),
            city,
            n,
            {stage: (held or 0) / n for stage, held in zip(STORED_COUNTS, sums, strict=True)},
        )
        for state, city, n, *sums in rows
        if n
    ]
    return sorted(out, key=lambda c: (c.member_state, c.city))


def by_member_state(cities: list[Completeness]) -> list[Completeness]:
    """The cities' means combined per member state, weighted by their numbers of projects:
    the mean over all the state's projects."""
    projects: dict[str, int] = {}
    held: dict[str, dict[str, int]] = {}
    for city in cities:
        projects[city.member_state] = projects.get(city.member_state, 0) + city.projects
        sums = held.setdefault(city.member_state, dict.fromkeys(STAGES, 0))
        for stage in STAGES:
            # the city's whole number of points held (its mean times its projects, to the
            # float's error): the state's mean is then what its sums give, to the last digit
            sums[stage] += round(city.mean_held[stage] * city.projects)
    return [
        Completeness(state, "", n, {stage: held[state][stage] / n for stage in STAGES})
        for state, n in projects.items()
    ]
