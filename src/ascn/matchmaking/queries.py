"""Reads of matches. Every read starts from what the user may see.

Matchmaking reads only the columns it needs (``values_list``) and leaves eligibility to SQL
where it is portable: an organisation's codes are kept in one derived text column
(``match_keys``, e.g. `` c:VN s:* ``) that ``LIKE`` filters on both databases. The scoring
itself is ``matchmaking.scoring`` (pure).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import F, FloatField, Q
from django.db.models.functions import Cast

from ascn.core.permissions import scopes_of
from ascn.core.queries import raw_rows
from ascn.funding.models import Programme
from ascn.funding.permissions import programme_policy
from ascn.matchmaking import index as match_index
from ascn.matchmaking import scoring as matchmaking
from ascn.matchmaking import terms as match_terms
from ascn.matchmaking.index import OrganisationIndex
from ascn.matchmaking.models import ProjectTerms
from ascn.matchmaking.reasons import Labels
from ascn.matchmaking.scoring import Match, PartnerProfile, ProjectProfile
from ascn.network.queries import focus_area_labels, member_state_labels
from ascn.partners import keys
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy
from ascn.plans import codelists, money
from ascn.plans.models import FinancingInstrument, Project
from ascn.plans.permissions import project_policy

if TYPE_CHECKING:
    from ascn.core.types import Actor


def labels() -> Labels:
    """Names for the reasons: member states and focus areas (data), codelists (code)."""
    return Labels(
        countries=member_state_labels(),
        focus_areas=focus_area_labels(),
        instruments={k: str(v) for k, v in FinancingInstrument.choices},
        stages={k: str(v) for k, v in codelists.labels(codelists.PROJECT_STATUS).items()},
    )


# --- profiles -----------------------------------------------------------------------------


def _usd(amount: Decimal, currency: str, rates: money.Rates) -> float | None:
    converted = money.to_usd(amount, currency, rates=rates)
    return float(converted.amount) if converted else None


def _gap_usd(project: Project, rates: money.Rates) -> float | None:
    if project.budget_amount is None or not project.budget_currency:
        return matchmaking.NO_BUDGET
    return _usd(project.funding_gap, project.budget_currency, rates)


def project_profile(project: Project, rates: money.Rates | None = None) -> ProjectProfile:
    """The profile of one project (its city and member state already selected)."""
    rates = money.latest_rates() if rates is None else rates
    return matchmaking.project_profile(
        id=project.pk,
        title=project.title,
        country=project.city.member_state.code,
        status=project.status,
        focus_areas=project.focus_areas.values_list("code", flat=True),
        financing_sought=project.financing_sought or [],
        gap_usd=_gap_usd(project, rates),
        terms=match_terms.project_terms(project.title, project.description),
        sample=project.sample,
    )


def _float(amount: Decimal | None) -> float | None:
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
        terms=keys.terms(org.capability_statement or org.description or ""),
        verified=org.verified,
        sample=org.sample,
    )


def _index_rows(using: str) -> Iterator[tuple[PartnerProfile, str]]:
    """Every organisation as the index keeps it: its profile without its terms, and its
    visibility. The rows are read straight from the cursor (amounts cast to floats in SQL)."""
    rows = (
        Organisation.objects.using(using)
        .exclude(match_keys="")
        .annotate(
            low=Cast("ticket_min_usd", FloatField()), high=Cast("ticket_max_usd", FloatField())
        )
        .values_list(
            "id", "slug", "name", "match_keys", "low", "high", "visibility", "verified", "sample"
        )
        .order_by()
    )
    for pk, slug, name, match_keys, low, high, visibility, verified, sample in raw_rows(rows):
        profile = PartnerProfile(
            "organisation", pk, slug, name, match_keys, low, high, None, False, True
        )
        yield profile._replace(verified=bool(verified), sample=bool(sample)), visibility
    # Rows inserted without save() (a bulk insert) have no keys yet: profile them the slow way.
    for org in Organisation.objects.using(using).filter(match_keys=""):
        yield organisation_profile(org), org.visibility


def _organisation_profiles(
    user: Actor, project: ProjectProfile
) -> tuple[list[PartnerProfile], OrganisationIndex]:
    """The organisations ``user`` may see that could fit ``project`` on country and stage
    (the in-memory index's buckets; the rest of eligibility is ``matchmaking.eligible``)."""
    visible = organisation_policy.visible(user, Organisation.objects.all())
    using = visible.db
    index = match_index.current(using, lambda: _index_rows(using))
    candidates = [
        p
        for country in (project.country, keys.ANY)
        for stage in (project.status, keys.ANY)
        for p in index.buckets.get((country, stage), ())
    ]
    if not visible.query.where:  # the Secretariat: every row
        return candidates, index
    # Others: the rows the policy's own test of one record lets through, asked of the
    # index's visibility with the scopes read once (no query: the same rule as its queryset,
    # ``ScopedPolicy.visible``/``seen_by``).
    visibility, scopes = index.visibility, scopes_of(user)
    seen = organisation_policy.seen_by
    return [
        p
        for p in candidates
        # ``_Visible``: a stand-in holding what the policy reads of an organisation
        if seen(scopes, _Visible(p.id, visibility[p.id]))  # type: ignore[arg-type]
    ], index


class _Visible(NamedTuple):
    """What ``organisation_policy.is_visible`` reads of an organisation."""

    pk: int
    visibility: str


def _with_organisation_terms(
    known: dict[int, str], batch: list[PartnerProfile]
) -> list[PartnerProfile]:
    """The batch with the organisations' terms (``match_terms``): from ``known`` (the
    index's), or read for the batch and kept there."""
    missing = [p.id for p in batch if p.terms_text is None and p.id not in known]
    if missing:
        rows = Organisation.objects.filter(pk__in=missing).values_list("id", "match_terms")
        for pk, words in rows.order_by():
            known[pk] = words if not words or words[0] == " " else f" {words} "
    out: list[PartnerProfile] = []
    for p in batch:
        if p.terms_text is None:
            p = p._replace(terms_text=known.get(p.id, ""))
        out.append(p)
    return out


@lru_cache(maxsize=4096)
def _programme_texts(
    description: str, countries: str, focus_areas: str, instruments: str, stages: str
) -> tuple[str, str]:
    """A programme's keys and terms from its stored texts (JSON lists as text): remembered,
    being a function of those texts alone."""
    codes = keys.match_keys(
        countries=json.loads(countries) or [],
        focus_areas=json.loads(focus_areas) or [],
        instruments=json.loads(instruments) or [],
        stages=json.loads(stages) or [],
    )
    return codes, keys.wrap(keys.terms(description))


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _programmes_that_could_fit(project: ProjectProfile) -> Q:
    """A pre-filter in SQL, wider than eligibility (which ``matchmaking.eligible`` decides):
    a balance left, and the project's country and stage among the programme's or none named
    (the JSON lists as text)."""
    return (
        Q(total_amount__gt=F("awarded_amount"))
        & (Q(eligible_countries=[]) | Q(eligible_countries__icontains=f'"{project.country}"'))
        & (Q(eligible_stages=[]) | Q(eligible_stages__icontains=f'"{project.status}"'))
    )


def _programme_profiles(
    user: Actor, rates: money.Rates, project: ProjectProfile | None = None
) -> list[PartnerProfile]:
    """The programmes ``user`` may see as partners: their eligibility, and what they can
    still award (in USD). Read as plain rows, straight from the cursor; with ``project``,
    only those that could fit it."""
    visible = programme_policy.visible(user, Programme.objects.all())
    if project is not None:
        visible = visible.filter(_programmes_that_could_fit(project))
    rows = visible.values_list(
        "id",
        "slug",
        "name",
        "total_amount",
        "awarded_amount",
        "max_award_amount",
        "currency",
        "sample",
        "description",
        "eligible_countries",
        "eligible_focus_areas",
        "instruments",
        "eligible_stages",
    ).order_by()
    profiles: list[PartnerProfile] = []
    for pk, slug, name, total, awarded, max_award, currency, sample, *texts in raw_rows(rows):
        # amounts as Decimals (SQLite hands back numbers: their shortest text is the value)
        balance = Decimal(str(total)) - Decimal(str(awarded))
        cap = balance if max_award is None else min(balance, Decimal(str(max_award)))
        keys, terms = _programme_texts(*(_json_text(t) for t in texts))
        profiles.append(
            PartnerProfile(
                "programme",
                pk,
                slug,
                name,
                keys,
                None,
                _usd(cap, currency, rates),
                terms,
                True,  # required_focus
                balance > 0,  # balance_left
                False,
                bool(sample),
            )
        )
    return profiles


# --- matches ------------------------------------------------------------------------------


def project_for_matches(user: Actor, pk: int) -> Project | None:
    return (
        project_policy.visible(user, Project.objects.all())
        .select_related("city__member_state")
        .filter(pk=pk)
        .first()
    )


def matches_for_project(
    user: Actor, project: Project, *, rates: money.Rates | None = None
) -> matchmaking.Ranking:
    """The organisations and programmes ``user`` may see that fit ``project``, best first
    (a ``Ranking``: a sequence whose text similarity is computed only for the partners the
    requested page could hold)."""
    rates = money.latest_rates() if rates is None else rates
    profile = project_profile(project, rates)
    organisations, index = _organisation_profiles(user, profile)
    partners = organisations + _programme_profiles(user, rates, profile)
    return matchmaking.rank_partners(
        profile, partners, partial(_with_organisation_terms, index.terms)
    )


def matches_for_organisation(
    user: Actor, organisation: Organisation, *, rates: money.Rates | None = None
) -> matchmaking.Ranking:
    """The projects ``user`` may see that fit ``organisation``, best first (a ``Ranking``).

    The candidates, their eligibility and their upper bounds come from the in-memory index
    of every project's matchmaking fields (``matchmaking.project_index``), what the user may
    see from the project policy; the terms and titles are read, and exact scores computed,
    only for the projects the requested page could hold.
    """
    rates = money.latest_rates() if rates is None else rates
    partner = organisation_profile(organisation)
    if organisation.missing_for_matching:  # too empty to match: nothing fits on nothing
        return matchmaking.Ranking([], lambda batch: [], matchmaking.project_order)
    from ascn.matchmaking import project_index  # noqa: PLC0415 - start-up: NumPy (~25 MB) loads only where an organisation's matches are served

    using = Project.objects.all().db
    index = project_index.current(using, rates)
    seen = project_index.visible(index, user, Project.objects.using(using))
    candidates = project_index.candidates(index, partner, seen)

    def complete(batch: Sequence[int]) -> list[Match]:
        """The exact matches of the projects at the index's positions ``batch``: their
        fields from the index, their titles and terms read."""
        at = {int(index.ids[i]): i for i in batch}
        read = ProjectTerms.objects.using(using).filter(project_id__in=list(at))
        profiles: list[ProjectProfile] = []
        for pk, title, words in read.values_list(
            "project_id", "project__title", "terms"
        ).order_by():
            country, status, areas, sought, gap_usd = index.fields(at[pk])
            profiles.append(
                matchmaking.project_profile(
                    id=pk,
                    title=title,
                    country=country,
                    status=status,
                    focus_areas=areas,
                    financing_sought=sought,
                    gap_usd=gap_usd,
                    terms=words.split(),
                    sample=partner.sample,
                )
            )
        return [m for p in profiles if (m := matchmaking.match(p, partner)) is not None]

    # Candidates are completed in order of their bounds, until no bound left could reach
    # the page (``Ranking``).
    return matchmaking.Ranking(candidates, complete, matchmaking.project_order, ordered=True)


def with_partner_flags(matches: Iterable[Match]) -> list[Match]:
    """The page's matches with their partners' verified and sample flags. The organisations'
    profiles carry them already (the index reads them with the keys), as do programmes'."""
    return list(matches)


# What a row of matches shows of its project (the API's, the pages'): the rest of a project
# (its texts, their translations, its locations and sources) is not read.
ROW_FIELDS = [
    "title",
    "status",
    "budget_amount",
    "budget_currency",
    "funding_secured",
    "financing_sought",
    "sample",
    "visibility",
    "city__slug",
    "city__name",
    "city__member_state__code",
    "city__member_state__name",
]


def projects_by_id(ids: list[int]) -> dict[int, Project]:
    """The projects of one page of matches, with what their rows show."""
    projects = Project.objects.filter(pk__in=ids).select_related("city__member_state")
    return {p.pk: p for p in projects.only(*ROW_FIELDS)}


def organisations_by_id(ids: list[int]) -> dict[int, Organisation]:
    return {o.pk: o for o in Organisation.objects.filter(pk__in=ids).defer("match_terms")}


def programmes_by_id(ids: list[int]) -> dict[int, Programme]:
    return {p.pk: p for p in Programme.objects.filter(pk__in=ids).select_related("sponsor")}
