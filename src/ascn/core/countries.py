"""Countries named for a person: ISO 3166-1 codes (``PH``) as names in the reader's language
("Philippines", "ฟิลิปปินส์", "Philippines" in English where a language has none, e.g. Tetum).

The names are the Unicode CLDR's — those browsers and phones use — kept in
``data/country-names.json`` (written by ``scripts/build_country_names.py``; its source and
licence are in the file and in ``data/SOURCES.md``). Read once, on first use."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ascn.core.errors import InvalidInput

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
