"""The words of a search, and the names it takes as one.

A query is cut into words (``WORD``), lower-cased, without the letters an apostrophe elides
(``ELIDED``). A run of them that is a country's name in one of the languages the platform
speaks (the Unicode CLDR's names, ``core.countries``) or as the index writes it (the names
apps register, ``registry.register_country_names``: the registry's "Viet Nam", "Lao PDR")
becomes an ``Either``: any one of that country's names matches. So "Vietnam", "Việt Nam" and
"เวียดนาม" find what "Viet Nam" finds, "Laos" what "Lao PDR" finds, and "ญี่ปุ่น" on a Thai
page what "Japan" finds; the other words stay required as they are."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ascn.core import countries
from ascn.core.search import registry
from ascn.core.text import word_pieces

MAX_TERM_LENGTH = 40

# A word: letters and digits, with the combining marks that Thai, Lao, Khmer and Burmese write
# inside their words (vowel signs, tone marks: not "word" characters to Python's re) and the
# combining accents of decomposed Latin text, so "ระบบระบายน้ำ" is one word, not five pieces.
MARKS = (
    "\u0300-\u036f"  # combining diacritical marks
    "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"  # Thai
    "\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd"  # Lao
    "\u17b4-\u17d3\u17dd"  # Khmer
    "\u102b-\u103e\u1056-\u1059\u105e-\u1060\u1062-\u1064\u1067-\u106d"  # Myanmar
    "\u1071-\u1074\u1082-\u108d\u108f\u109a-\u109d"
)
WORD = re.compile(rf"(?:[^\W_]|[{MARKS}])+")

# Thai, Lao, Burmese and Khmer write no space between words: "ไฟถนน" (street lights) stood
# inside "ระบบไฟถนนอัจฉริยะ" as one word of the index, not to be found. ICU's dictionaries find
# their words (``spaced``) in what the index keeps, and a query's word of those scripts is
# found either as typed or as those words in a row (``_as_typed_or_apart``).
UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
# Between two such words: a zero width space, a word's end to SQLite's and PostgreSQL's
# tokenizers, unseen on a page (``unspaced`` takes it out of what a result shows).
BETWEEN_WORDS = "\u200b"


def spaced(text: str) -> str:
    """``text`` with ``BETWEEN_WORDS`` between the words of its unspaced scripts."""
    if not UNSPACED.search(text):
        return text
    pieces = word_pieces(text)
    out = pieces[:1]
    for before, piece in itertools.pairwise(pieces):
        if (
            WORD.match(before)
            and WORD.match(piece)
            and (UNSPACED.search(before) or UNSPACED.search(piece))
        ):
            out.append(BETWEEN_WORDS)
        out.append(piece)
    return "".join(out)


def unspaced(text: str) -> str:
    """What ``spaced`` wrote, as it was."""
    return text.replace(BETWEEN_WORDS, "")


# A letter elided beside an apostrophe: English's "Bangkok's", "don't", the "l'" and "d'" of
# French and Portuguese. Left in, the lone letter is a term every result must hold as a word
# of its own, so "Bangkok's" would find only the texts that say "Bangkok's". Two letters stay
# words ("Xi'an").
ELIDED = re.compile(
    r"\b[^\W\d_]['’ʼ][^\W\d_]\b"  # "I'm", "I'd": both sides
    r"|\b[^\W\d_]['’ʼ](?=[^\W_])"  # "l'eau"
    r"|(?<=[^\W_])['’ʼ][^\W\d_]\b"  # "Bangkok's", "don't"
)

# "Myanmar (Burma)": two names of one country.
ALSO_CALLED = re.compile(r"\(([^)]*)\)")

Run = tuple[str, ...]


def words(text: str) -> list[str]:
    """The words of ``text`` as the search reads them."""
    return [word[:MAX_TERM_LENGTH] for word in WORD.findall(ELIDED.sub(" ", text.lower()))]


@dataclass(frozen=True)
class Either:
    """A run of a query's words that names a country: the words as ``typed`` match as the
    query's other words do (each a word or a word's beginning, anywhere), or one of the
    country's other names (``others``) as a phrase, word for word: "ba lan" (Poland in
    Vietnamese) finds "Ba Lan", never "based on land"."""

    typed: Run
    others: tuple[Run, ...]
    # the others' last word may be a word's beginning, as a word being typed is ("ไฟถนนอัจ":
    # "ไฟ ถนน อัจ…"); a country's other names are whole
    open_end: bool = False

    @property
    def ways(self) -> tuple[Run, ...]:
        return (self.typed, *self.others)


# An other name of one word shorter than this is left out: "Bỉ" (Belgium), "Ý" (Italy), once
# their accents are folded, are syllables of many Vietnamese words.
SHORTEST_OTHER_NAME = 3


Term = str | Either


def flat(terms: Sequence[Term]) -> list[str]:
    """Every word of ``terms``, once each: the words a page marks in what it shows."""
    found: dict[str, None] = {}
    for term in terms:
        for word in [term] if isinstance(term, str) else [w for way in term.ways for w in way]:
            found.setdefault(word, None)
    return list(found)


def _runs(names: Iterable[str]) -> set[Run]:
    runs = set()
    for name in names:
        for each in (ALSO_CALLED.sub(" ", name), *ALSO_CALLED.findall(name)):
            if run := tuple(words(each)):
                runs.add(run)
    return runs


@functools.lru_cache(maxsize=1024)
def _runs_of(names: tuple[str, ...]) -> frozenset[Run]:
    """``_runs`` of names a query reads again and again (a focus area's in every language):
    cut into words once a process."""
    return frozenset(_runs(names))


@functools.cache
def _cldr() -> tuple[dict[Run, str], dict[str, frozenset[Run]], int]:
    """The country each run of words names in the CLDR file, in any of its languages (a run
    that names two countries names neither); each country's names as runs; the longest run."""
    names: dict[str, list[str]] = {}
    for by_code in countries.names_by_language().values():
        for code, name in by_code.items():
            names.setdefault(code, []).append(name)
    ways = {code: frozenset(_runs(each)) for code, each in names.items()}
    named: dict[Run, set[str]] = {}
    for code, runs in ways.items():
        for run in runs:
            named.setdefault(run, set()).add(code)
    unique = {run: codes.pop() for run, codes in named.items() if len(codes) == 1}
    return unique, ways, max(map(len, unique), default=1)


def terms(q: str) -> list[Term]:
    """The terms of ``q``: its words, no repeats, a run that names a country (or a thing an
    app registers, ``registry.register_names``) an ``Either`` of its names (the longest run
    first)."""
    found = words(q)
    if not found:
        return []
    cldr, cldr_ways, longest = _cldr()
    registered = {
        key: _runs_of(tuple(names))
        for key, names in (registry.country_names() | registry.thing_names()).items()
    }
    named = {run: code for code, runs in registered.items() for run in runs}
    longest = max([longest, *map(len, named)])
    out: dict[Term, None] = {}
    at = 0
    while at < len(found):
        for size in range(min(longest, len(found) - at), 0, -1):
            run = tuple(found[at : at + size])
            code = named.get(run) or cldr.get(run)
            ways = (cldr_ways.get(code, frozenset()) | registered.get(code, set())) if code else ()
            others = tuple(
                sorted(
                    way
                    for way in ways
                    if way != run and (len(way) > 1 or len(way[0]) >= SHORTEST_OTHER_NAME)
                )
            )
            if others:
                out.setdefault(Either(run, others), None)
                at += size
                break
        else:
            out.setdefault(_as_typed_or_apart(found[at]), None)
            at += 1
    return list(out)


def _as_typed_or_apart(word: str) -> Term:
    """A word of Thai, Lao, Khmer or Burmese that ICU cuts into several (``spaced``): either
    the word as typed, as the beginning of a word of the index (where the index's text kept
    it whole, as ICU may cut a longer text otherwise: "ရေနုတ်" in "ရေနုတ်မြောင်း"), or its
    words in a row ("ไฟถนน": "ไฟ" "ถนน", in "ระบบไฟถนนอัจฉริยะ")."""
    apart = tuple(WORD.findall(spaced(word)))
    return Either((word,), (apart,), open_end=True) if len(apart) > 1 else word
