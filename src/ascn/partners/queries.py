"""Reads of organisations and of matches. Every read starts from what the user may see.

Matchmaking reads only the columns it needs (``values_list``) and leaves eligibility to SQL
where it is portable: an organisation's codes are kept in one derived text column
(``match_keys``, e.g. `` c:VN s:* ``) that ``LIKE`` filters on both databases. The scoring
itself is ``partners.matchmaking`` (pure).
"""

from __future__ import annotations

from collections import defaultdict
from functools import reduce
from operator import and_, or_

from django.db import connections
from django.db.models import FloatField, Prefetch, Q, QuerySet
from django.db.models.functions import Cast

from ascn.core.visibility import Visibility
from ascn.network.models import FocusArea, MemberState
from ascn.partners import matchmaking
from ascn.partners.matchmaking import Labels, Match, PartnerProfile, ProjectProfile
from ascn.partners.models import Organisation, Programme
from ascn.partners.permissions import organisation_policy
from ascn.partners.programme_permissions import programme_policy
from ascn.plans import codelists, money
from ascn.plans.models import FinancingInstrument, Project
from ascn.plans.permissions import project_policy


def organisations_for(
    user, *, kind=None, country=None, focus_area=None, verified=None, q=None
) -> QuerySet[Organisation]:
    qs = organisation_policy.visible(user, Organisation.objects.all())
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(match_keys__contains=f" c:{country.upper()} ")
    if focus_area:
        qs = qs.filter(match_keys__contains=f" f:{focus_area} ")
    if verified is not None:
        qs = qs.filter(verified=verified)
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(description__icontains=q)
            | Q(capability_statement__icontains=q)
        )
    return qs.defer("match_terms").order_by("name", "id")


def organisation_for(user, slug: str) -> Organisation | None:
    return organisation_policy.visible(user, Organisation.objects.all()).filter(slug=slug).first()


def labels() -> Labels:
    """Names for the reasons: member states and focus areas (data), codelists (code)."""
    return Labels(
        countries=dict(MemberState.objects.values_list("code", "name")),
        focus_areas=dict(FocusArea.objects.values_list("code", "name")),
        instruments={k: str(v) for k, v in FinancingInstrument.choices},
        stages=codelists.codelist(codelists.PROJECT_STATUS),
    )


# --- profiles -----------------------------------------------------------------------------


def _usd(amount, currency: str, rates) -> float | None:
    converted = money.to_usd(amount, currency, rates=rates)
    return float(converted.amount) if converted else None


def project_profile(project: Project, rates=None) -> ProjectProfile:
    """The profile of one project (its city and member state already selected)."""
    rates = money.latest_rates() if rates is None else rates
    return matchmaking.project_profile(
        id=project.pk,
        title=project.title,
        country=project.city.member_state.code,
        status=project.status,
        focus_areas=project.focus_areas.values_list("code", flat=True),
        financing_sought=project.financing_sought or [],
        gap_usd=_usd(project.funding_gap, project.budget_currency, rates),
        terms=matchmaking.terms(f"{project.title} {project.description}"),
    )


def _float(amount) -> float | None:
    return None if amount is None else float(amount)


def organisation_profile(org: Organisation) -> PartnerProfile:
    return matchmaking.partner_profile(
        id=org.pk,
        slug=org.slug,
        name=org.name,
        countries=org.countries or [],
        focus_areas=org.focus_areas or [],
        instruments=org.instruments or [],
        stages=org.stages or [],
        ticket_min_usd=_float(org.ticket_min_usd),
        ticket_max_usd=_float(org.ticket_max_usd),
        terms=matchmaking.terms(org.capability_statement or org.description or ""),
        verified=org.verified,
        sample=org.sample,
    )


def _eligible_organisations_q(project: ProjectProfile) -> Q:
    """Eligibility of organisations for ``project``, in SQL (``LIKE`` on ``match_keys``)."""

    def any_of(prefix: str, codes) -> Q:
        tests = [Q(match_keys__contains=f" {prefix}:{matchmaking.ANY} ")]
        tests += [Q(match_keys__contains=f" {prefix}:{code} ") for code in sorted(codes)]
        return reduce(or_, tests)

    parts = [any_of("c", [project.country]), any_of("s", [project.status])]
    if project.financing_sought:
        parts.append(any_of("i", project.financing_sought))
    return reduce(and_, parts)


def _organisation_profiles(user, project: ProjectProfile) -> list[PartnerProfile]:
    visible = organisation_policy.visible(user, Organisation.objects.all())
    # The ORM writes the query; the rows are read straight from the cursor, skipping the
    # per-value converters (the amounts are cast to floats in SQL). Naming every visibility
    # lets SQLite test match_keys in the (visibility, match_keys) index for any caller.
    eligible = (
        visible.filter(_eligible_organisations_q(project), visibility__in=Visibility.values)
        .annotate(
            low=Cast("ticket_min_usd", FloatField()), high=Cast("ticket_max_usd", FloatField())
        )
        .values_list("id", "slug", "name", "match_keys", "low", "high", "match_terms")
    )
    with connections[eligible.db].cursor() as cursor:
        cursor.execute(*eligible.query.sql_with_params())
        rows = cursor.fetchall()
    profiles = [
        PartnerProfile(
            "organisation",
            pk,
            slug,
            name,
            keys,
            low,
            high,
            words if not words or words[0] == " " else f" {words} ",
        )
        for pk, slug, name, keys, low, high, words in rows
    ]
    # Rows inserted without save() (a bulk insert) have no keys yet: profile them the slow
    # way. (Naming every visibility lets the lookup use the (visibility, match_keys) index.)
    unindexed = visible.filter(visibility__in=Visibility.values, match_keys="")
    profiles.extend(organisation_profile(org) for org in unindexed)
    return profiles


def programme_profile(programme: Programme, rates) -> PartnerProfile:
    """A programme as a partner: its eligibility, and what it can still award (in USD)."""
    balance = programme.balance
    cap = (
        balance if programme.max_award_amount is None else min(balance, programme.max_award_amount)
    )
    return matchmaking.partner_profile(
        type="programme",
        id=programme.pk,
        slug=programme.slug,
        name=programme.name,
        countries=programme.eligible_countries or [],
        focus_areas=programme.eligible_focus_areas or [],
        instruments=programme.instruments or [],
        stages=programme.eligible_stages or [],
        ticket_max_usd=_usd(cap, programme.currency, rates),
        terms=matchmaking.terms(programme.description),
        required_focus=True,
        balance_left=balance > 0,
        sample=programme.sample,
    )


def _programme_profiles(user, rates) -> list[PartnerProfile]:
    programmes = programme_policy.visible(user, Programme.objects.all()).only(
        "id",
        "slug",
        "name",
        "description",
        "total_amount",
        "awarded_amount",
        "currency",
        "max_award_amount",
        "eligible_countries",
        "eligible_focus_areas",
        "eligible_stages",
        "instruments",
        "sample",
    )
    return [programme_profile(p, rates) for p in programmes]


# --- matches ------------------------------------------------------------------------------


def project_for_matches(user, pk: int) -> Project | None:
    return (
        project_policy.visible(user, Project.objects.all())
        .select_related("city__member_state")
        .filter(pk=pk)
        .first()
    )


def matches_for_project(user, project: Project, *, rates=None) -> list[Match]:
    """The organisations and programmes ``user`` may see that fit ``project``, best first."""
    rates = money.latest_rates() if rates is None else rates
    profile = project_profile(project, rates)
    partners = _organisation_profiles(user, profile) + _programme_profiles(user, rates)
    return matchmaking.matches_for_project(profile, partners)


def matches_for_organisation(user, organisation: Organisation, *, rates=None) -> list[Match]:
    """The projects ``user`` may see that fit ``organisation``, best first.

    Country, stage and instruments are filtered in SQL; the focus areas come from one query
    on the join table; the rest is scored in Python.
    """
    rates = money.latest_rates() if rates is None else rates
    partner = organisation_profile(organisation)
    projects = project_policy.visible(user, Project.objects.all())
    if partner.countries:
        projects = projects.filter(city__member_state__code__in=sorted(partner.countries))
    if partner.stages:
        projects = projects.filter(status__in=sorted(partner.stages))
    if partner.instruments:  # seeks none of them, or one of them (the JSON list as text)
        seeks = [Q(financing_sought__icontains=f'"{code}"') for code in sorted(partner.instruments)]
        projects = projects.filter(reduce(or_, seeks, Q(financing_sought=[])))
    focus: dict[int, set[str]] = defaultdict(set)
    through = Project.focus_areas.through.objects.filter(project__in=projects.values("pk"))
    for project_id, code in through.values_list("project_id", "focusarea__code"):
        focus[project_id].add(code)
    rows = projects.values_list(
        "id",
        "title",
        "description",
        "city__member_state__code",
        "status",
        "financing_sought",
        "budget_amount",
        "budget_currency",
        "funding_secured",
    )
    profiles = []
    offered = partner.instruments
    for pk, title, description, country, status, sought, budget, currency, secured in rows:
        if offered and sought and offered.isdisjoint(sought):
            continue  # ineligible on instruments: spare the tokenising
        gap = max(budget - secured, 0)
        profiles.append(
            matchmaking.project_profile(
                id=pk,
                title=title,
                country=country,
                status=status,
                focus_areas=focus.get(pk, ()),
                financing_sought=sought or [],
                gap_usd=_usd(gap, currency, rates),
                terms=matchmaking.terms(f"{title} {description}"),
            )
        )
    return matchmaking.matches_for_partner(partner, profiles)


def with_partner_flags(matches: list[Match]) -> list[Match]:
    """The page's matches with their partners' verified and sample flags (read for the
    page only: the hot loop leaves them out)."""
    org_ids = [m.partner.id for m in matches if m.partner.type == "organisation"]
    flags = dict(
        (pk, (verified, sample))
        for pk, verified, sample in Organisation.objects.filter(pk__in=org_ids).values_list(
            "id", "verified", "sample"
        )
    )
    out = []
    for m in matches:
        if m.partner.type == "organisation" and m.partner.id in flags:
            verified, sample = flags[m.partner.id]
            m = m._replace(partner=m.partner._replace(verified=verified, sample=sample))
        out.append(m)
    return out


def projects_by_id(ids: list[int]) -> dict[int, Project]:
    """The projects of one page of matches, with what their rows show."""
    projects = Project.objects.filter(pk__in=ids).select_related("city__member_state")
    return {p.pk: p for p in projects.prefetch_related(Prefetch("focus_areas"))}


def organisations_by_id(ids: list[int]) -> dict[int, Organisation]:
    return {o.pk: o for o in Organisation.objects.filter(pk__in=ids).defer("match_terms")}


def programmes_by_id(ids: list[int]) -> dict[int, Programme]:
    return {p.pk: p for p in Programme.objects.filter(pk__in=ids).select_related("sponsor")}
