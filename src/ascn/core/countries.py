"""Countries named for a person: ISO 3166-1 codes (``PH``) as names in the reader's language
("Philippines", "ฟิลิปปินส์", "Philippines" in English where a language has none, e.g. Tetum).

The names are the Unicode CLDR's — those browsers and phones use — kept in
``data/country-names.json`` (written by ``scripts/build_country_names.py``; its source and
licence are in the file and in ``data/SOURCES.md``). Read once, on first use."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

NAMES_FILE = Path(__file__).with_name("data") / "country-names.json"


@functools.cache
def _names() -> dict[str, dict[str, str]]:
    return json.loads(NAMES_FILE.read_text(encoding="utf-8"))["names"]


def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code the names cover (upper case)."""
    return frozenset(_names()[settings.LANGUAGE_CODE])


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in ``language`` (the active one by default); the code itself when
    it is no country."""
    names = _names()
    code = (code or "").upper()
    english = names[settings.LANGUAGE_CODE]
    if code not in english:
        return code
    own = names.get((language or get_language() or settings.LANGUAGE_CODE).split("-")[0], english)
    return own.get(code) or english[code]
