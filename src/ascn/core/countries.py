"""Countries and currencies named for a person: ISO 3166-1 codes (``PH``) and ISO 4217 codes
(``THB``) as names in the reader's language ("Philippines", "ฟิลิปปินส์"; "Bạt Thái Lan"),
in English where a language has none (Tetum, a historic currency).

The names are the Unicode CLDR's — those browsers and phones use — kept in
``data/country-names.json`` and ``data/currency-names.json`` (written by
``scripts/build_cldr_names.py``; their source and licence are in the files and in
``data/SOURCES.md``). Each is read once, on first use."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ascn.core.errors import InvalidInput

DATA = Path(__file__).with_name("data")
NAMES_FILE = DATA / "country-names.json"
CURRENCY_NAMES_FILE = DATA / "currency-names.json"


@functools.cache
def _read(path: Path) -> dict[str, dict[str, str]]:
    return json.loads(path.read_text(encoding="utf-8"))["names"]


def _names() -> dict[str, dict[str, str]]:
    return _read(NAMES_FILE)


def _in_language(names: dict[str, dict[str, str]], code: str, language: str | None) -> str | None:
    """``code``'s name in ``language`` (the active one by default), else in English; None
    when English has none either."""
    english = names[settings.LANGUAGE_CODE]
    own = names.get((language or get_language() or settings.LANGUAGE_CODE).split("-")[0], english)
    return own.get(code) or english.get(code)


def names_by_language() -> dict[str, dict[str, str]]:
    """Every country's name by its code, in each language of the file."""
    return _names()


def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code the names cover (upper case)."""
    return frozenset(_names()[settings.LANGUAGE_CODE])


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in ``language`` (the active one by default); the code itself when
    it is no country."""
    code = (code or "").upper()
    return _in_language(_names(), code, language) or code


def currency_name(code: str, language: str | None = None) -> str | None:
    """The currency's name in ``language`` (the active one by default), else its English
    name; None when the CLDR names it in neither (the caller keeps its own title)."""
    return _in_language(_read(CURRENCY_NAMES_FILE), (code or "").upper(), language)


def asked_member_state(query: Mapping[str, str]) -> str | None:
    """The member state a query string asks for, as an upper-case code: ``member_state``, or
    ``country`` as in the API (``?country=th`` is Thailand); None when neither is given or both
    are empty. The two naming different states is an ``InvalidInput`` rather than one of them
    taken silently."""
    given = {(query.get(name) or "").strip().upper() for name in ("member_state", "country")}
    given.discard("")
    if len(given) > 1:
        raise InvalidInput(
            _(
                "member_state and country name two different member states (%(codes)s): "
                "give one of them."
            )
            % {"codes": ", ".join(sorted(code[:20] for code in given))},
            field="member_state",
        )
    return given.pop() if given else None
