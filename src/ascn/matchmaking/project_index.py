"""Matchmaking's in-memory index of projects (issue 21): what an organisation's matches read
of every project, as columns (NumPy arrays), exact on every request.

Heavy organisations have 10,000–25,000 candidates among 100,000 projects. Reading their rows
and bounding them one by one in Python, then reading and scoring the terms of every
candidate whose bound reached the page, cost 100–170 ms a request. Kept here as columns —
member state, stage, focus areas and instruments sought as bit sets, the funding gap in US
dollars, the sample flag, the visibility, the count of terms, and an inverted index of the
terms (for each term, the projects holding it) — the eligibility and the scores of all of
them, text part included, are a few array operations (``candidates``: a few ms), and only
the candidates that could be on the page are read and scored exactly (``scoring.match``).

Exactness, as the organisations' index (``matchmaking.index``): a token (the stamp row
``index.PROJECTS``) that every change to a project's matchmaking row renews in the write's
own transaction (``matchmaking.terms.refresh``, which every announced write to a project,
its city or its focus areas calls, and ``refresh_match_terms`` after bulk loads; it writes,
and renews, only when the row changed: the row holds all the index reads), and a project's
deletion too. A request reads the token first and uses the index only if it was
built under that token and at the exchange rates of the request (the gaps are converted at
them), else builds it again.

What the user may see is the project policy's own rule: the visibility levels whose every
record the user sees (``ScopedPolicy.levels_seen``) tested on the column, and the few other
rows the user may see (their own drafts) asked of the policy's queryset.
"""

from __future__ import annotations

import array
import contextlib
import ctypes
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from django.db.models import QuerySet

from ascn.core.permissions import scopes_of
from ascn.core.queries import raw_rows_streamed
from ascn.matchmaking import index as stamps
from ascn.matchmaking import scoring
from ascn.matchmaking import terms as match_terms
from ascn.matchmaking.models import ProjectTerms
from ascn.matchmaking.scoring import PartnerProfile, ProjectFields
from ascn.plans import money
from ascn.plans.models import Project
from ascn.plans.permissions import project_policy

if TYPE_CHECKING:
    from ascn.core.types import Actor

# The columns read of every project: its matchmaking row's (the project's flags included).
COLUMNS = ["project_id", *match_terms.FIELDS]
# currency → USD per unit, as the gaps were converted
RatesKey = tuple[tuple[str, Decimal], ...]

_BITS = 64  # a bit set holds up to 64 codes (the ASCF has 6 focus areas; instruments ~10)


class Codes:
    """The codes met in one kind of column, each with its number (its bit, for sets)."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {}
        self.names: list[str] = []

    def of(self, code: str) -> int:
        n = self.number.get(code)
        if n is None:
            n = self.number[code] = len(self.names)
            self.names.append(code)
        return n

    def known(self, codes: Iterable[str]) -> list[int]:
        return [self.number[c] for c in codes if c in self.number]

    def bits(self, codes: Iterable[str]) -> int:
        mask = 0
        for code in codes:
            n = self.of(code)
            if n >= _BITS:
                raise ValueError(f"more than {_BITS} codes of one kind: {self.names[:3]}…")
            mask |= 1 << n
        return mask

    def among(self, column: np.ndarray, codes: Iterable[str]) -> np.ndarray:
        """Whether each number of ``column`` is one of ``codes`` (a table looked up: faster
        than ``np.isin`` for a few codes)."""
        table = np.zeros(len(self.names) + 1, bool)
        table[self.known(codes)] = True
        return table[column]

    def known_bits(self, codes: Iterable[str]) -> int:
        return sum(1 << n for n in self.known(codes))

    def set_of(self, mask: int) -> frozenset[str]:
        return _set_of(tuple(self.names), mask)


@lru_cache(maxsize=4096)
def _set_of(names: tuple[str, ...], mask: int) -> frozenset[str]:
    return frozenset(name for n, name in enumerate(names) if mask >> n & 1)


class ProjectIndex(NamedTuple):
    token: str | None
    rates: RatesKey
    ids: np.ndarray  # project ids (int64)
    country: np.ndarray  # int16: ``codes["country"]``
    status: np.ndarray  # int16: ``codes["status"]``
    focus: np.ndarray  # uint64 bit sets: ``codes["focus"]``
    sought: np.ndarray  # uint64 bit sets: ``codes["instrument"]``
    gap: np.ndarray  # float64, USD; NaN: no rate on record; -inf: no budget (NO_BUDGET)
    sample: np.ndarray  # bool
    visibility: np.ndarray  # int8: ``codes["visibility"]``
    codes: dict[str, Codes]
    # the projects holding term n (``vocabulary``, term → n), an inverted index: a term
    # held by few, as their positions in order, ``holders[holders_at[n]:holders_at[n + 1]]``
    # (int32); a term held by more than one project in 32, as one bit a project
    # (``common[n]``, ``np.packbits``: the smaller of the two)
    holders: np.ndarray
    holders_at: np.ndarray  # int64
    common: dict[int, np.ndarray]
    n_terms: np.ndarray  # int32: each project's count of terms
    vocabulary: dict[str, int]

    def fields(self, at: int) -> ProjectFields:
        """The fields of the project at position ``at`` as ``scoring`` reads them."""
        codes, gap = self.codes, float(self.gap[at])
        return (
            codes["country"].names[self.country[at]],
            codes["status"].names[self.status[at]],
            codes["focus"].set_of(int(self.focus[at])),
            codes["instrument"].set_of(int(self.sought[at])),
            None if gap != gap else gap,  # NaN: none
        )


def rates_key(rates: money.Rates) -> RatesKey:
    return tuple(sorted((c, rate.usd_per_unit) for c, rate in rates.items()))


def gap_of(
    to_usd: Callable[[Decimal, str], Decimal | None], budget: Any, secured: Any, currency: str
) -> float | None:
    """A project's funding gap in USD (None: no rate on record; ``scoring.NO_BUDGET`` where the
    project publishes none, stored without a currency), from its stored amounts (SQLite hands
    numbers back: their shortest text is the value)."""
    if not currency:
        return scoring.NO_BUDGET
    usd = to_usd(max(Decimal(str(budget)) - Decimal(str(secured)), Decimal(0)), currency)
    return None if usd is None else float(usd)


def build(rows: Iterator[tuple], token: str | None, rates: money.Rates) -> ProjectIndex:
    """The index of ``rows`` (``COLUMNS``), the gaps converted at ``rates``."""
    to_usd = money.usd_amounts(rates)
    return from_fields(
        (
            (pk, c, s, areas, sought, gap_of(to_usd, budget, secured, currency), sample, seen_by, t)
            for pk, c, s, sought, budget, currency, secured, areas, t, sample, seen_by in rows
        ),
        token,
        rates_key(rates),
    )


def from_fields(
    rows: Iterable[tuple[int, str, str, str, str, float | None, bool, str, str]],
    token: str | None,
    rates: RatesKey,
) -> ProjectIndex:
    """The index of rows (id, country, status, `` focus areas ``, `` instruments sought ``,
    gap in USD, sample flag, visibility, `` terms ``)."""
    codes = {kind: Codes() for kind in ("country", "status", "focus", "instrument", "visibility")}
    country, status, visibility = codes["country"], codes["status"], codes["visibility"]
    focus_bits, instrument_bits = _wrapped_bits(codes["focus"]), _wrapped_bits(codes["instrument"])
    # the columns, and the counts of terms, as compact arrays while rows are read
    columns: list[array.array[Any]] = [array.array(t) for t in "qhhQQdbbi"]
    add = [c.append for c in columns]
    terms = _Holders()
    for pk, c, s, areas, sought, gap, sample, seen_by, words in rows:
        values = (
            pk,
            country.of(c),
            status.of(s),
            focus_bits(areas),
            instrument_bits(sought),
            np.nan if gap is None else gap,
            bool(sample),
            visibility.of(seen_by),
            terms.add(len(columns[0]), words),
        )
        for append, value in zip(add, values, strict=True):
            append(value)
    ids, cs, ss, fs, ins, gaps, samples, vs, n_terms = (
        np.frombuffer(c, c.typecode) for c in columns
    )
    holders, holders_at, common = terms.arrays(len(columns[0]))
    return ProjectIndex(
        token,
        rates,
        ids,
        cs,
        ss,
        fs,
        ins,
        gaps,
        samples.astype(bool),
        vs,
        codes,
        holders,
        holders_at,
        common,
        n_terms,
        terms.vocabulary,
    )


class _Holders:
    """An inverted index of the projects' terms as it is built, row by row: each term's
    number, and the positions of the projects holding it (compact arrays, in order)."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.holders: list[array.array[int]] = []

    def add(self, position: int, words: str) -> int:
        """The terms of the project at ``position`` (`` term term ``): how many (distinct)."""
        terms = set(words.split())
        for word in terms:
            n = self.vocabulary.get(word)
            if n is None:
                n = self.vocabulary[word] = len(self.holders)
                self.holders.append(array.array("i"))
            self.holders[n].append(position)
        return len(terms)

    def arrays(self, size: int) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]]:
        """The holders of the terms held by few one after the other and where each term's
        start (none for the others), and the others' as bits (``ProjectIndex.common``)."""
        common: dict[int, np.ndarray] = {}
        parts: list[np.ndarray] = []
        for n, held in enumerate(self.holders):
            positions = np.frombuffer(held, np.int32)
            if len(positions) * 32 > size:
                bits = np.zeros(size, bool)
                bits[positions] = True
                common[n] = np.packbits(bits)
                positions = positions[:0]
            parts.append(positions)
        at = np.zeros(len(parts) + 1, np.int64)
        np.cumsum([len(p) for p in parts], out=at[1:])
        holders = np.concatenate(parts) if parts else np.zeros(0, np.int32)
        return holders, at, common


def _wrapped_bits(codes: Codes) -> Callable[[str], int]:
    """`` code code `` (a stored row's) → its bit set, computed once per distinct text."""
    return lru_cache(maxsize=None)(lambda text: codes.bits(text.split()))


_indexes: dict[str, ProjectIndex] = {}
_building = threading.Lock()  # its own: a build does not hold up the organisations' index


def current(using: str, rates: money.Rates) -> ProjectIndex:
    """The index in step with the database ``using`` and converted at ``rates``."""
    stamp = stamps.token(using, stamps.PROJECTS)
    key = rates_key(rates)

    def fresh() -> ProjectIndex:
        rows = ProjectTerms.objects.using(using).values_list(*COLUMNS).order_by()
        built = build(raw_rows_streamed(rows), stamp, rates)
        _hand_back_free_memory()
        return built

    return stamps.kept(
        _indexes, using, stamp, fresh, valid=lambda kept: kept.rates == key, lock=_building
    )


def _hand_back_free_memory() -> None:
    """Hand what a build left free in glibc's heap (the rows and words of 100,000 projects
    read to build it: ~13 MB) back to the system, once per build (``malloc_trim``; nothing
    where the C library has none)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def forget() -> None:
    """Drop every kept index (tests)."""
    _indexes.clear()


# --- one organisation's candidates ----------------------------------------------------------


def visible(index: ProjectIndex, user: Actor, projects: QuerySet[Project]) -> np.ndarray | None:
    """Which rows ``user`` may see (None: all): the levels every record of which the user
    sees, and the rows of other levels the policy's queryset lets through (one's drafts)."""
    scopes = scopes_of(user)
    levels = project_policy.levels_seen(scopes)
    if levels is None:
        return None
    seen = index.codes["visibility"].among(index.visibility, levels)
    # of other levels, only records of the user's own scopes (none: no query), as the
    # policy's queryset lets them through
    own = projects.exclude(visibility__in=sorted(levels)).filter(project_policy.owner_q(scopes))
    others = project_policy.visible(user, own)
    pks = list(others.values_list("pk", flat=True).order_by())
    if pks:
        seen |= np.isin(index.ids, pks)
    return seen


def ticket_fit(gap: np.ndarray, low: float | None, high: float | None) -> np.ndarray:
    """``scoring.ticket_fit`` of every gap (NaN: none), in the same order of tests."""
    if low is None and high is None:
        return np.zeros(len(gap))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        below = gap < low if low is not None else np.zeros(len(gap), bool)
        above = ~below & (gap > high) if high is not None else np.zeros(len(gap), bool)
        fit = np.ones(len(gap))
        if low is not None:
            fit = np.where(below, gap / low if low > 0 else 1.0, fit)
        if high is not None:
            fit = np.where(above, high / gap, fit)
    return np.where(np.isnan(gap) | (gap <= 0), 0.0, fit)


def bounds(
    index: ProjectIndex, partner: PartnerProfile, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The rows at positions ``rows`` that ``partner`` could match (``scoring.eligible``,
    the sample flag left to the caller), and a bound of their scores: ``scoring.match``'s
    tests and arithmetic in the same order, text included, before rounding — plus half a
    rounding step (0.05), as NumPy rounds half-way cases otherwise than Python's ``round``:
    never below the exact score, above it by at most 0.1."""
    if not partner.balance_left or (
        partner.type == "organisation"
        and not scoring.matchable(partner.keys, partner.ticket_min_usd, partner.ticket_max_usd)
    ):
        return rows[:0], np.zeros(0)
    codes = index.codes
    country, status = index.country[rows], index.status[rows]
    focus, sought = index.focus[rows], index.sought[rows]
    named = codes["country"].among(country, partner.countries)
    keep = named.copy() if partner.countries else np.ones(len(rows), bool)
    staged = codes["status"].among(status, partner.stages)
    if partner.stages:
        keep &= staged
    offered = (sought & np.uint64(codes["instrument"].known_bits(partner.instruments))) != 0
    if partner.instruments:
        keep &= (sought == 0) | offered
    shared = np.bitwise_count(focus & np.uint64(codes["focus"].known_bits(partner.focus_areas)))
    if partner.required_focus and partner.focus_areas:
        keep &= shared > 0
    ticket = ticket_fit(index.gap[rows], partner.ticket_min_usd, partner.ticket_max_usd)
    keep &= (shared > 0) | (ticket >= 1.0) | offered | staged | named
    rows = rows[keep]
    named, staged, offered = named[keep], staged[keep], offered[keep]
    shared, focus, ticket = shared[keep], focus[keep], ticket[keep]
    n_focus = np.bitwise_count(focus)
    with np.errstate(divide="ignore", invalid="ignore"):
        part = np.where(n_focus > 0, shared / n_focus, 0.0)
    total = (
        scoring.FOCUS_WEIGHT * part
        + scoring.TICKET_WEIGHT * ticket
        + scoring.INSTRUMENT_WEIGHT * offered.astype(float)
        + scoring.STAGE_WEIGHT * staged.astype(float)
        + scoring.COUNTRY_WEIGHT * named.astype(float)
        + scoring.TEXT_WEIGHT * text_fit(index, partner, rows)
    )
    bound = np.minimum(np.maximum(total, 0.0) + 0.05 + 1e-9, 100.0)
    return rows, bound


def text_fit(index: ProjectIndex, partner: PartnerProfile, rows: np.ndarray) -> np.ndarray:
    """``scoring.text_fit`` of the partner's terms and those of the projects at ``rows``:
    the terms they share counted for every project at once, from the holders of each of
    the partner's terms."""
    words = (partner.terms_text or "").split()
    n_project = index.n_terms[rows]
    known = [n for n in map(index.vocabulary.get, words) if n is not None]
    if not known or not len(rows):
        return np.zeros(len(rows))
    at, holders, size = index.holders_at, index.holders, len(index.ids)
    held = [holders[at[n] : at[n + 1]] for n in known if n not in index.common]
    counts = np.bincount(np.concatenate(held), minlength=size) if held else np.zeros(size, int)
    for n in known:
        if n in index.common:
            counts += np.unpackbits(index.common[n], count=size)
    shared = counts[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        similarity = shared / (n_project + len(words) - shared)
    return np.where(n_project > 0, np.minimum(similarity / scoring.TEXT_FULL_AT, 1.0), 0.0)


class Candidates(Sequence[tuple[float, int]]):
    """``(bound, position)`` pairs, best bound first, as ``scoring.Ranking`` reads them:
    built from the arrays, pairs made only for the slices the ranking takes."""

    def __init__(self, rows: np.ndarray, bound: np.ndarray):
        order = np.argsort(-bound, kind="stable")
        self._rows, self._bound = rows[order], bound[order]

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return list(zip(self._bound[i].tolist(), self._rows[i].tolist(), strict=True))
        return float(self._bound[i]), int(self._rows[i])


def candidates(index: ProjectIndex, partner: PartnerProfile, seen: np.ndarray | None) -> Candidates:
    """The projects ``partner`` could match among those seen (``visible``), of its sample
    flag (real and sample records never match each other), best bound first."""
    mask = index.sample == partner.sample
    if seen is not None:
        mask &= seen
    rows, bound = bounds(index, partner, np.flatnonzero(mask))
    return Candidates(rows, bound)
