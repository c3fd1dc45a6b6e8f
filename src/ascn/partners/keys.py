"""An organisation's published mandate as matchmaking and the directory read it.

Its countries, focus areas, instruments and stages are kept as one text of prefixed keys
(``Organisation.match_keys``), its capability statement as normalised terms
(``Organisation.match_terms``); both are derived on every save. The scoring itself is
``matchmaking.scoring``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

ANY = "*"  # in match keys: the partner publishes no restriction of this kind

STOP_WORDS = frozenset(
    """
    a about above after again all also am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further
    had has have having he her here hers him his how i if in into is it its itself just
    more most my no nor not now of off on once only or other our ours out over own same
    she should so some such than that the their theirs them then there these they this
    those through to too under until up very was we were what when where which while who
    whom why will with would you your yours
    city cities project projects smart new use using used based provide provides providing
    including well within across per via one two three etc
    """.split()  # noqa: SIM905 - a word list reads better as prose
)
# The vocabulary nearly every project and capability statement shares (money, time, the
# words of development work): two texts sharing them say nothing about a fit, so they
# carry no weight (issue 17: "shares 2 terms: million, year").
GENERIC_TERMS = frozenset(
    """
    million billion thousand year years month months usd dollar dollars total amount budget
    cost costs fund funds funding funded finance financing financed invest investment
    investor support supports supported service services system systems solution solutions
    platform programme program initiative development develop developing management manage
    public private government local national urban area areas people residents citizen
    citizens community communities improve improving improvement help need needs make
    work works working plan planning phase stage approach access quality better key
    partner partners partnership asean network digital technology technologies innovative
    innovation sustainable infrastructure economic social capacity four five six seven eight
    nine ten twenty hundred first second third technical assistance implement implementation
    implementing implemented action actions strategy strategies whose
    sample samples demo illustrative""".split()  # noqa: SIM905 - the last: the demo's own words
)
_IGNORED = STOP_WORDS | GENERIC_TERMS
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


# --- text ---------------------------------------------------------------------------------


def terms_in_order(text: str) -> dict[str, None]:
    """The normalised terms of a text, each once, in the order they first stand in it: lower
    case, words of 3+ letters, no stop-words and none of the vocabulary every text shares
    (``GENERIC_TERMS``), a plain English plural folded to its singular (``sensors`` →
    ``sensor``)."""
    out: dict[str, None] = {}
    for word in dict.fromkeys(_WORD.findall(text.lower())):
        if word in _IGNORED or len(word) < 3 or word.isdigit():
            continue
        if len(word) > 4 and word[-1] == "s" and word[-2] not in "sui":
            word = word[:-1]
        if word not in _IGNORED:
            out[word] = None
    return out


def terms(text: str) -> frozenset[str]:
    """The normalised terms of a text (``terms_in_order``), as a set."""
    return frozenset(terms_in_order(text))


@lru_cache(maxsize=4096)
def cached_terms(text: str) -> frozenset[str]:
    """``terms``, remembered by text (a pure function): for texts read on every request,
    such as programme descriptions."""
    return terms(text)


# --- keys and terms as text --------------------------------------------------------------
#
# A partner's countries, focus areas, instruments and stages are kept as one text of prefixed
# keys with a space at both ends — `` c:VN f:civic-social i:* s:implementation `` — where
# ``x:*`` stands for an empty list (no restriction); its terms likewise (`` drainage flood ``).
# That is how they are stored (``Organisation.match_keys``/``match_terms``) and read in the
# hot loop: eligibility and focus overlap are substring tests of `` key `` — no set is built
# per partner. The shared terms are counted (``fit``) only for the partners a page could
# hold (``Ranking``), as the intersection of the project's terms with the partner's words.

KINDS = ("c", "f", "i", "s")


def wrap(words: Iterable[str]) -> str:
    """`` a b c ``: sorted, each word findable as `` word ``; empty for none."""
    words = sorted(set(words))
    return f" {' '.join(words)} " if words else ""


def match_keys(
    *,
    countries: Iterable[str] = (),
    focus_areas: Iterable[str] = (),
    instruments: Iterable[str] = (),
    stages: Iterable[str] = (),
) -> str:
    """The stored keys of a partner's lists, e.g. `` c:VN f:civic-social i:* s:* ``."""
    keys = []
    for prefix, codes in zip(KINDS, (countries, focus_areas, instruments, stages), strict=True):
        codes = set(codes)
        keys += [f"{prefix}:{code}" for code in codes] or [f"{prefix}:{ANY}"]
    return wrap(keys)


def codes_of(keys: str, prefix: str) -> frozenset[str]:
    """The codes of one kind back from stored keys (``*`` dropped)."""
    return frozenset(k[2:] for k in keys.split() if k[0] == prefix and k[2:] != ANY)


# --- enough to be matched -------------------------------------------------------------------


def matchable(keys: str, ticket_min: float | None, ticket_max: float | None) -> bool:
    """Whether an organisation publishes enough to be matched: its focus areas, and at
    least one of its countries, instruments, stages or ticket size. Less, and every project
    would "fit" it on nothing (issue 17); its members are shown what to fill in instead."""
    if not keys or " f:* " in keys:
        return False
    if ticket_min is not None or ticket_max is not None:
        return True
    return any(f" {kind}:{ANY} " not in keys for kind in ("c", "i", "s"))


def missing_for_matching(
    *,
    countries: Iterable[str],
    focus_areas: Iterable[str],
    instruments: Iterable[str],
    stages: Iterable[str],
    ticket_min: object,
    ticket_max: object,
) -> list[str]:
    """What an organisation must add to be matched (``matchable``): ``focus_areas``, and
    ``one_more`` (a country, instrument, stage or ticket size). Empty: it is matched."""
    missing = []
    if not list(focus_areas):
        missing.append("focus_areas")
    others = list(countries) or list(instruments) or list(stages)
    if not others and ticket_min is None and ticket_max is None:
        missing.append("one_more")
    return missing
