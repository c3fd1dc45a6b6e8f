"""Write src/ascn/core/data/country-names.json and currency-names.json: the name of every
ISO 3166-1 country and of every ISO 4217 currency of the OC4IDS currency codelist in each of
the platform's languages, from the Unicode CLDR as packaged by Babel.

Usage (Babel is not a dependency of the platform; it is only read here):
    uvx --from babel==2.18.0 --with pycountry python scripts/build_cldr_names.py

Tetum has no CLDR locale: its pages name countries and currencies in English. Portuguese is
CLDR's pt_PT (Timor-Leste writes European Portuguese, as the site's catalogue does). A
currency CLDR does not name in a language (a historic one) is left out of that language:
the page falls back to the English name, then to the codelist's title.
"""

from __future__ import annotations

import csv
import json
from importlib.metadata import version
from pathlib import Path

import babel
import pycountry
from babel import Locale

LANGUAGES = {
    "en": "en",
    "th": "th",
    "km": "km",
    "my": "my",
    "lo": "lo",
    "vi": "vi",
    "id": "id",
    "ms": "ms",
    "fil": "fil",
    "pt": "pt_PT",
}
SRC = Path(__file__).resolve().parents[1] / "src" / "ascn"
DATA = SRC / "core" / "data"
CURRENCY_CODELIST = SRC / "plans" / "codelists" / "currency.csv"
SOURCE = f"Unicode CLDR, as packaged by Babel {babel.__version__}"
LICENCE = "Unicode License v3 (https://www.unicode.org/license.txt)"


def _write(name: str, document: dict) -> None:
    out = DATA / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    counts = {language: len(names) for language, names in document["names"].items()}
    print(f"{out}: {counts}")


def countries() -> None:
    codes = sorted(country.alpha_2 for country in pycountry.countries)
    names: dict[str, dict[str, str]] = {}
    for language, locale in LANGUAGES.items():
        territories = Locale.parse(locale).territories
        missing = [code for code in codes if code not in territories]
        if missing:
            raise SystemExit(f"CLDR {locale} names no {missing}")
        names[language] = {code: territories[code] for code in codes}
    _write(
        "country-names.json",
        {
            "source": SOURCE,
            "licence": LICENCE,
            "countries": f"ISO 3166-1 alpha-2, as listed by pycountry {version('pycountry')}",
            "names": names,
        },
    )


def currencies() -> None:
    with CURRENCY_CODELIST.open(encoding="utf-8") as rows:
        codes = sorted({row["Code"] for row in csv.DictReader(rows)})
    names: dict[str, dict[str, str]] = {}
    for language, locale in LANGUAGES.items():
        known = Locale.parse(locale).currencies
        names[language] = {code: known[code] for code in codes if code in known}
    _write(
        "currency-names.json",
        {
            "source": SOURCE,
            "licence": LICENCE,
            "currencies": "ISO 4217 codes of the OC4IDS currency codelist (plans/codelists)",
            "names": names,
        },
    )


if __name__ == "__main__":
    countries()
    currencies()
