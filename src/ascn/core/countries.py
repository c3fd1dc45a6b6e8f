"""Countries named for a person: ISO 3166-1 codes (``PH``) as names in the reader's language,
from pycountry's copy of Debian's iso-codes and its translations (English where a language
has none, e.g. Tetum)."""

from __future__ import annotations

import functools
import gettext

import pycountry
from django.utils.translation import get_language


@functools.lru_cache(maxsize=16)
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1",
        pycountry.LOCALES_DIR,
        languages=[language.replace("-", "_")],
        fallback=True,
    )


def country_name(code: str) -> str:
    """The country's name in the active language; the code itself when it is no country."""
    country = pycountry.countries.get(alpha_2=(code or "").upper())
    if country is None:
        return code
    return _catalogue(get_language() or "en").gettext(country.name)
