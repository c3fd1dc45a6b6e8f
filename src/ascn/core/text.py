"""What counts as text a person gave."""

from __future__ import annotations

import unicodedata

from icu4py.breakers import BaseBreaker, LineBreaker, WordBreaker


def visible(value: str) -> str:
    """``value`` without surrounding white space, or empty when none of its characters shows:
    a title of a zero-width space or a direction mark alone is no title (Unicode's
    separators and control, format, private and unassigned characters: categories Z and C)."""
    value = value.strip()
    if any(unicodedata.category(ch)[0] not in "ZC" for ch in value):
        return value
    return ""


def line_pieces(text: str) -> list[str]:
    """``text`` cut where a line may break (ICU's line breaking: after a space or a hyphen,
    and between the words of Thai, Lao, Khmer and Burmese, which write no space between
    them, as its dictionaries find them); joined, the text again."""
    return _pieces(LineBreaker(text, "en"))


def word_pieces(text: str) -> list[str]:
    """``text`` cut at each word's start and end (ICU's word breaking, with the same
    dictionaries): the words and what stands between them; joined, the text again."""
    return _pieces(WordBreaker(text, "en"))


def _pieces(breaker: BaseBreaker) -> list[str]:
    text = breaker.text
    return [text[start:end] for start, end in breaker.segments()]
