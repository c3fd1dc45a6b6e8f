"""Matchmaking (SPEC C5): which organisations and programmes fit a project, and which
projects fit an organisation. Pure functions over plain profiles — no ORM in here; the
callers (``matchmaking.queries``) fetch what the user may see and build the profiles.

A match rests on what the partner published (issue 17). A pair is first checked against
the hard filters (eligibility); then it must share at least one **published fact**: a
focus area, the project's country or stage named by the partner, an instrument both name,
or a funding gap inside the partner's ticket range. A partner that publishes no
restriction is not thereby a fit: "no restriction" lets a pair through the filters but
earns nothing. Its score is a weighted sum in [0, 100], each part 0 when unpublished:

* ``FOCUS_WEIGHT`` × the share of the project's ASCF focus areas the partner works on;
* ``TICKET_WEIGHT`` × how well the project's funding gap (USD) fits the partner's ticket
  range: 1 inside ``[min, max]``; below the minimum ``gap / min``; above the maximum
  ``max / gap`` (the partner could fund that share); 0 when either side is unknown;
* ``INSTRUMENT_WEIGHT`` when the partner offers an instrument the project seeks;
* ``STAGE_WEIGHT`` when the partner names the project's stage;
* ``COUNTRY_WEIGHT`` when the partner names the project's country;
* ``TEXT_WEIGHT`` × text similarity: the Jaccard index of the project's terms (title and
  description) and the partner's (capability statement), stop-words and the vocabulary
  every text shares removed (``partners.keys``), counted fully from ``TEXT_FULL_AT`` up.
  Words alone never make a match.

Hard filters: real and sample records never match each other; the partner operates in the
project's country (an empty list of countries is no restriction); the project's stage is
one the partner engages at (empty: any); the instruments overlap when both sides name
some; an organisation must publish enough to be matched (``partners.keys.matchable``); a
programme also needs a balance left and, when it names focus areas, one of the project's.
Visibility is the caller's querysets.

Ordering is deterministic: score descending, then name (case-folded), then id.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import Literal, NamedTuple

from ascn.partners.keys import ANY, KINDS, codes_of, match_keys, matchable, wrap

FOCUS_WEIGHT = 35
TICKET_WEIGHT = 20
INSTRUMENT_WEIGHT = 15
STAGE_WEIGHT = 10
COUNTRY_WEIGHT = 5
TEXT_WEIGHT = 15
assert (
    FOCUS_WEIGHT + TICKET_WEIGHT + INSTRUMENT_WEIGHT + STAGE_WEIGHT + COUNTRY_WEIGHT + TEXT_WEIGHT
    == 100
)

TEXT_FULL_AT = 0.25  # a Jaccard index of a quarter or more counts as full similarity


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def _probe(prefix: str, code: str) -> str:
    return f" {prefix}:{code} "


# --- profiles -----------------------------------------------------------------------------


# The gap of a project that publishes no budget (a real project whose sources give none): no
# gap to fit a ticket, as a gap of 0 or less, but its reason says so rather than "fully funded"
# or "no exchange rate". A float, so that the project index keeps it in its column of gaps.
NO_BUDGET = float("-inf")


class ProjectProfile(NamedTuple):
    """A project as matchmaking sees it; build it with ``project_profile``."""

    id: int
    title: str
    country: str
    status: str
    focus_areas: frozenset[str]
    financing_sought: frozenset[str]
    gap_usd: float | None  # None: no exchange rate on record; NO_BUDGET: none published
    terms: frozenset[str]
    # the same, as the substrings looked for in a partner's keys and terms
    country_probe: str
    stage_probe: str
    focus_probes: tuple[str, ...]
    instrument_probes: tuple[str, ...]
    sample: bool = False  # sample projects match sample partners only


def project_profile(
    *,
    id: int,
    title: str,
    country: str,
    status: str,
    focus_areas: Iterable[str],
    financing_sought: Iterable[str] = (),
    gap_usd: float | None,
    terms: Iterable[str],
    sample: bool = False,
) -> ProjectProfile:
    focus_areas, financing_sought = frozenset(focus_areas), frozenset(financing_sought)
    terms = frozenset(terms)
    return ProjectProfile(
        id,
        title,
        country,
        status,
        focus_areas,
        financing_sought,
        gap_usd,
        terms,
        _probe("c", country),
        _probe("s", status),
        tuple(_probe("f", code) for code in sorted(focus_areas)),
        tuple(_probe("i", code) for code in sorted(financing_sought)),
        sample,
    )


class PartnerProfile(NamedTuple):
    """An organisation or a funding programme, as matchmaking sees it; build one with
    ``partner_profile`` (or straight from the stored texts in the hot loop).

    (Named tuples of texts rather than dataclasses of sets: thousands are built per
    request.)"""

    type: Literal["organisation", "programme"]
    id: int
    slug: str
    name: str
    keys: str  # `` c:VN f:… i:* s:* `` (see ``match_keys``)
    ticket_min_usd: float | None
    ticket_max_usd: float | None
    terms_text: str | None  # `` drainage flood … `` (see ``wrap``); None: not read yet
    required_focus: bool = False  # programmes: eligible focus areas are a hard filter
    balance_left: bool = True  # programmes: something left to award
    verified: bool = False
    sample: bool = False

    @property
    def countries(self) -> frozenset[str]:  # empty: no restriction
        return codes_of(self.keys, "c")

    @property
    def focus_areas(self) -> frozenset[str]:
        return codes_of(self.keys, "f")

    @property
    def instruments(self) -> frozenset[str]:  # empty: not stated
        return codes_of(self.keys, "i")

    @property
    def stages(self) -> frozenset[str]:  # empty: any stage
        return codes_of(self.keys, "s")

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(self.terms_text.split())


def partner_profile(
    *,
    type: Literal["organisation", "programme"] = "organisation",
    id: int,
    slug: str,
    name: str,
    countries: Iterable[str] = (),
    focus_areas: Iterable[str] = (),
    instruments: Iterable[str] = (),
    stages: Iterable[str] = (),
    ticket_min_usd: float | None = None,
    ticket_max_usd: float | None = None,
    terms: Iterable[str] = (),
    required_focus: bool = False,
    balance_left: bool = True,
    verified: bool = False,
    sample: bool = False,
) -> PartnerProfile:
    keys = match_keys(
        countries=countries, focus_areas=focus_areas, instruments=instruments, stages=stages
    )
    return PartnerProfile(
        type,
        id,
        slug,
        name,
        keys,
        ticket_min_usd,
        ticket_max_usd,
        wrap(terms),
        required_focus,
        balance_left,
        verified,
        sample,
    )


class Fit(NamedTuple):
    """The parts of a score, each in [0, 1]."""

    focus: float
    ticket: float
    instrument: float
    stage: float
    country: float
    text: float

    @property
    def score(self) -> float:
        return _score(self.focus, self.ticket, self.instrument, self.stage, self.country, self.text)


def _score(
    focus: float, ticket: float, instrument: float, stage: float, country: float, text: float
) -> float:
    total = (
        FOCUS_WEIGHT * focus
        + TICKET_WEIGHT * ticket
        + INSTRUMENT_WEIGHT * instrument
        + STAGE_WEIGHT * stage
        + COUNTRY_WEIGHT * country
        + TEXT_WEIGHT * text
    )
    return round(min(max(total, 0.0), 100.0), 1)


class Match(NamedTuple):
    project: ProjectProfile
    partner: PartnerProfile
    fit: Fit
    score: float


# --- eligibility and score ------------------------------------------------------------------

_ANY_COUNTRY, _ANY_FOCUS, _ANY_INSTRUMENT, _ANY_STAGE = (_probe(k, ANY) for k in KINDS)


# The parts of a score that rest on published facts (everything but the text):
# (focus, ticket, instrument, stage, country).
Facts = tuple[float, float, float, float, float]


def facts(project: ProjectProfile, partner: PartnerProfile) -> Facts | None:
    """The fact parts of the pair's score, or None when the pair is not eligible: it fails
    a hard filter, or shares no published fact (see the module's docstring)."""
    if project.sample != partner.sample:
        return None
    keys = partner.keys
    country = project.country_probe in keys
    if not country and _ANY_COUNTRY not in keys:
        return None
    staged = project.stage_probe in keys
    if not staged and _ANY_STAGE not in keys:
        return None
    offered = any(probe in keys for probe in project.instrument_probes)
    if project.instrument_probes and not offered and _ANY_INSTRUMENT not in keys:
        return None
    probes = project.focus_probes
    shared = sum(probe in keys for probe in probes)
    if partner.required_focus and not shared and _ANY_FOCUS not in keys:
        return None
    if not partner.balance_left:
        return None
    if partner.type == "organisation" and not matchable(
        keys, partner.ticket_min_usd, partner.ticket_max_usd
    ):
        return None
    focus = shared / len(probes) if probes else 0.0
    ticket = ticket_fit(project.gap_usd, partner.ticket_min_usd, partner.ticket_max_usd)
    if not (shared or ticket >= 1.0 or offered or staged or country):
        return None
    return focus, ticket, float(offered), float(staged), float(country)


def eligible(project: ProjectProfile, partner: PartnerProfile) -> bool:
    return facts(project, partner) is not None


def ticket_fit(gap_usd: float | None, low: float | None, high: float | None) -> float:
    if gap_usd is None or (low is None and high is None) or gap_usd <= 0:
        return 0.0
    if low is not None and gap_usd < low:
        return gap_usd / low if low > 0 else 1.0
    if high is not None and gap_usd > high:
        return high / gap_usd
    return 1.0


def _text_part(project: ProjectProfile, partner: PartnerProfile) -> float:
    text = partner.terms_text
    if not text or not project.terms:
        return 0.0
    words = text.split()
    return text_fit(len(project.terms.intersection(words)), len(project.terms), len(words))


def fit(project: ProjectProfile, partner: PartnerProfile) -> Fit:
    """The parts of the pair's score (for an eligible pair: ``match`` checks)."""
    parts = facts(project, partner) or (0.0, 0.0, 0.0, 0.0, 0.0)
    return Fit(*parts, _text_part(project, partner))


def text_fit(shared: int, n_project: int, n_partner: int) -> float:
    """The text part of a score from term counts: the Jaccard index of the two term sets
    (``shared / (|project terms| + |partner terms| − shared)``), full from ``TEXT_FULL_AT``."""
    if not n_project or not n_partner:
        return 0.0
    similarity = shared / (n_project + n_partner - shared)
    return min(similarity / TEXT_FULL_AT, 1.0)


def upper_bound(project: ProjectProfile, partner: PartnerProfile) -> float:
    """The best score the pair could reach whatever the texts say: its score with full text
    similarity (0 for an ineligible pair). No exact score is above it (``fit`` caps the
    text part at 1, and float addition and rounding are monotone), so it can rank pairs
    before their texts are read."""
    parts = facts(project, partner)
    return 0.0 if parts is None else _score(*parts, 1.0)


def match(project: ProjectProfile, partner: PartnerProfile) -> Match | None:
    """The match of one pair, or None when the pair is not eligible."""
    parts = facts(project, partner)
    if parts is None:
        return None
    whole = Fit(*parts, _text_part(project, partner))
    return Match(project, partner, whole, whole.score)


def _partner_order(m: Match):
    return (-m.score, m.partner.name.casefold(), m.partner.type, m.partner.id)


def project_order(m: Match):
    return (-m.score, m.project.title.casefold(), m.project.id)


def matches_for_project(project: ProjectProfile, partners: Iterable[PartnerProfile]) -> list[Match]:
    """The eligible partners of a project, best first."""
    found = [m for p in partners if (m := match(project, p)) is not None]
    found.sort(key=_partner_order)
    return found


def matches_for_partner(partner: PartnerProfile, projects: Iterable[ProjectProfile]) -> list[Match]:
    """The eligible projects of a partner, best first."""
    found = [m for p in projects if (m := match(p, partner)) is not None]
    found.sort(key=project_order)
    return found


# A project's fields as an organisation's matches read them (``matchmaking.project_index``):
# country, status, focus areas, instruments sought, funding gap in USD (None: no rate).
ProjectFields = tuple[str, str, frozenset[str], frozenset[str], float | None]


# --- ranking only as far as a page needs ------------------------------------------------------


class Ranking:
    """Eligible matches, best first, scored exactly only as far as the pages asked for need.

    Built from ``(upper bound, candidate)`` pairs (see ``upper_bound``) and ``complete``, which
    turns a batch of candidates into their exact ``Match``es (reading their texts if it has
    to). Candidates are completed in order of their bounds until the k-th best exact match
    scores strictly above the next bound: no candidate left could then reach the first k
    places, even on a tie (ties go by name). So ``ranking[:k]`` is exactly the first k of the
    fully scored, fully sorted list, and ``len`` is the number of eligible matches.
    Behaves as a read-only sequence for paginators (``len``, slices, iteration).
    """

    FIRST_BATCH = 64

    def __init__(self, candidates, complete, order, *, ordered=False):
        # ``ordered``: a sequence already best bound first (``project_index.Candidates``)
        self._pending = candidates if ordered else sorted(candidates, key=lambda c: -c[0])
        self._next = 0
        self._done: list[Match] = []
        self._complete = complete
        self._order = order

    def __len__(self) -> int:
        return len(self._pending)

    def _first(self, k: int) -> list[Match]:
        pending, done = self._pending, self._done
        batch = max(k, self.FIRST_BATCH)
        while self._next < len(pending):
            if len(done) >= k:
                reach = done[k - 1].score
                if pending[self._next][0] < reach:
                    break
                # every candidate whose bound reaches the k-th score must be completed:
                # all of them at once (the pending are sorted by bound, best first)
                end = bisect_right(pending, -reach, lo=self._next, key=lambda c: -c[0])
            else:
                end, batch = self._next + batch, batch * 2
            chunk = pending[self._next : end]
            self._next += len(chunk)
            done.extend(self._complete([candidate for _, candidate in chunk]))
            done.sort(key=self._order)
        return done

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step < 0 or start >= stop:
                stop = len(self) if step < 0 else 0
            return self._first(stop)[index] if stop else []
        i = index.__index__()
        i = i + len(self) if i < 0 else i
        if not 0 <= i < len(self):
            raise IndexError("ranking index out of range")
        return self._first(i + 1)[i]

    def __iter__(self):
        return iter(self._first(len(self)))

    def __bool__(self) -> bool:
        return bool(self._pending)


def _exact(pairs) -> list[Match]:
    return [Match(project, partner, f, f.score) for project, partner, f in pairs]


def rank_partners(
    project: ProjectProfile, partners: Iterable[PartnerProfile], with_terms=None
) -> Ranking:
    """``matches_for_project`` as a ``Ranking``: the same matches in the same order, the text
    similarity computed only for the partners a requested page could hold. ``partners`` may
    come without their terms (``terms_text`` None); ``with_terms(batch)`` then returns the
    batch's profiles with them, before they are scored."""
    candidates = _bounded(project, partners)

    def complete(batch):
        if with_terms is not None:
            batch = with_terms(batch)
        return _exact((project, p, fit(project, p)) for p in batch)

    return Ranking(candidates, complete, _partner_order)


def _bounded(project: ProjectProfile, partners: Iterable[PartnerProfile]) -> list:
    """``[(upper_bound(project, p), p) for p in partners if eligible(project, p)]``, written
    out for the hot loop (thousands of partners per request): ``facts``' tests and
    arithmetic in the same order, then ``_score`` with a full text part."""
    country_probe, stage_probe = project.country_probe, project.stage_probe
    instruments, probes, sample = project.instrument_probes, project.focus_probes, project.sample
    n_focus, gap = len(probes), project.gap_usd
    out = []
    for p in partners:
        if p.sample != sample:
            continue
        keys = p.keys
        country = country_probe in keys
        if not country and _ANY_COUNTRY not in keys:
            continue
        staged = stage_probe in keys
        if not staged and _ANY_STAGE not in keys:
            continue
        offered = False
        for probe in instruments:
            if probe in keys:
                offered = True
                break
        if instruments and not offered and _ANY_INSTRUMENT not in keys:
            continue
        shared = 0
        for probe in probes:
            if probe in keys:
                shared += 1
        if p.required_focus and not shared and _ANY_FOCUS not in keys:
            continue
        if not p.balance_left:
            continue
        low, high = p.ticket_min_usd, p.ticket_max_usd
        if p.type == "organisation" and not matchable(keys, low, high):
            continue
        ticket = ticket_fit(gap, low, high)
        if not (shared or ticket >= 1.0 or offered or staged or country):
            continue
        focus = shared / n_focus if n_focus else 0.0
        out.append((_score(focus, ticket, float(offered), float(staged), float(country), 1.0), p))
    return out


def rank_projects(partner: PartnerProfile, projects: Iterable[ProjectProfile], with_terms=None):
    """``matches_for_partner`` as a ``Ranking``. ``projects`` may come without their terms
    (the bound does not need them); ``with_terms(batch)`` then returns the batch's profiles
    with their terms, in any order, before they are scored."""
    candidates = [
        (_score(*parts, 1.0), p) for p in projects if (parts := facts(p, partner)) is not None
    ]

    def complete(batch):
        if with_terms is not None:
            batch = with_terms(batch)
        return _exact((p, partner, fit(p, partner)) for p in batch)

    return Ranking(candidates, complete, project_order)
