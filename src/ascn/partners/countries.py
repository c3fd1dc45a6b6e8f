"""Every country of ISO 3166-1 as a menu: named in the reader's language as the profile names
it (``core.countries.country_name``, the Unicode CLDR's names; English where a language has
none), sorted by that name. Built once per language and kept (``lru_cache``)."""

from __future__ import annotations

import functools
import re
import unicodedata

from django.conf import settings
from django.utils import translation

from ascn.core.countries import country_codes, country_name

# Thai and Lao write some vowels before the consonant they follow in speech; dictionaries
# sort by that consonant (เวียดนาม under ว), so the pair is swapped for the sort.
_LEADING_VOWEL = re.compile(r"([\u0e40-\u0e44\u0ec0-\u0ec4])([\u0e01-\u0e2e\u0e81-\u0eae])")
# Accents of Latin letters (as decomposed): ignored in the sort (Åland under A, Österreich
# under O), except the marks that make Vietnamese letters of their own, each sorted after its
# plain letter (a ă â, e ê, o ô ơ, u ư; đ after d). Vietnamese tone marks are ignored.
_LATIN_MARKS = range(0x0300, 0x0370)
_VIETNAMESE_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}


def sort_key(name: str, language: str) -> tuple[list[tuple[str, int]], str]:
    """A name's place in a list sorted for readers of ``language``: letter by letter, each
    letter its base and its rank among the letters of that base (0 but in Vietnamese), the
    name itself last to break ties."""
    vietnamese = language.split("-")[0] == "vi"
    letters: list[tuple[str, int]] = []
    for char in unicodedata.normalize("NFD", _LEADING_VOWEL.sub(r"\2\1", name.casefold())):
        if ord(char) in _LATIN_MARKS:
            rank = _VIETNAMESE_LETTER_MARKS.get(char, 0) if vietnamese else 0
            if rank and letters:
                letters[-1] = (letters[-1][0], rank)
        elif char == "đ":
            letters.append(("d", 1 if vietnamese else 0))
        else:
            letters.append((char, 0))
    return letters, name


@functools.lru_cache(maxsize=2 * len(settings.LANGUAGES))
def _menu(language: str) -> tuple[tuple[str, str], ...]:
    named = [(code, country_name(code, language)) for code in country_codes()]
    return tuple(sorted(named, key=lambda choice: sort_key(choice[1], language)))


def country_choices() -> tuple[tuple[str, str], ...]:
    """``(code, name)`` of every ISO 3166-1 country, named and sorted for the active language."""
    return _menu(translation.get_language() or settings.LANGUAGE_CODE)
