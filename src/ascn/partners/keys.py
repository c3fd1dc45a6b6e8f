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
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


# --- text ---------------------------------------------------------------------------------


def terms(text: str) -> frozenset[str]:
    """The normalised terms of a text: lower case, words of 3+ letters, no stop-words, a
    plain English plural folded to its singular (``sensors`` → ``sensor``)."""
    out = set()
    for word in set(_WORD.findall(text.lower())) - STOP_WORDS:
        if len(word) < 3 or word.isdigit():
            continue
        if len(word) > 4 and word[-1] == "s" and word[-2] not in "sui":
            word = word[:-1]
        out.add(word)
    return frozenset(out)


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
