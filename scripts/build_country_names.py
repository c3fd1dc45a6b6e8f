"""Write src/ascn/core/data/country-names.json: the name of every ISO 3166-1 country in each
of the platform's languages, from the Unicode CLDR as packaged by Babel.

Usage (Babel is not a dependency of the platform; it is only read here):
    uvx --from babel==2.18.0 --with pycountry python scripts/build_country_names.py

Tetum has no CLDR locale: its pages name countries in English. Portuguese is CLDR's pt_PT
(Timor-Leste writes European Portuguese, as the site's catalogue does).
"""

from __future__ import annotations

import json
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
OUT = Path(__file__).resolve().parents[1] / "src" / "ascn" / "core" / "data" / "country-names.json"


def main() -> None:
    codes = sorted(country.alpha_2 for country in pycountry.countries)
    names: dict[str, dict[str, str]] = {}
    for language, locale in LANGUAGES.items():
        territories = Locale.parse(locale).territories
        missing = [code for code in codes if code not in territories]
        if missing:
            raise SystemExit(f"CLDR {locale} names no {missing}")
        names[language] = {code: territories[code] for code in codes}
    document = {
        "source": f"Unicode CLDR, as packaged by Babel {babel.__version__}",
        "licence": "Unicode License v3 (https://www.unicode.org/license.txt)",
        "countries": f"ISO 3166-1 alpha-2, as listed by pycountry {pycountry.__version__}"
        if hasattr(pycountry, "__version__")
        else "ISO 3166-1 alpha-2, as listed by pycountry",
        "names": names,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    print(f"{OUT}: {len(codes)} countries in {len(names)} languages")


if __name__ == "__main__":
    main()
