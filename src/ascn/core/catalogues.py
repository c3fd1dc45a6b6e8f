"""The translation catalogues' languages and the checks every translation must pass.

Shared by the catalogue tool (scripts/catalogue.py), the test that fails on a missing or
broken translation, and the languages page (how complete each catalogue is).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

# gettext plural rules of each catalogue (CLDR's cardinal rules, as gettext writes them).
LANGUAGE_PLURALS = {
    "id": "nplurals=1; plural=0;",
    "ms": "nplurals=1; plural=0;",
    "th": "nplurals=1; plural=0;",
    "vi": "nplurals=1; plural=0;",
    "km": "nplurals=1; plural=0;",
    "lo": "nplurals=1; plural=0;",
    "my": "nplurals=1; plural=0;",
    "fil": "nplurals=2; plural=(n != 1 && n != 2 && n != 3 && (n % 10 == 4 || n % 10 == 6 || n % 10 == 9));",
    "tet": "nplurals=2; plural=(n != 1);",
    "pt": "nplurals=2; plural=(n != 1);",
}

CATALOGUE_HEADER = """The ASCN Platform's interface in the language "{lang}".
This catalogue was first written by the platform's engineers with machine assistance, using
the glossary in docs/translation.md, and has not yet been reviewed by a native speaker.
Corrections from native speakers are welcome: see docs/translation.md for how to send them.
Distributed under the same licence as the ASCN Platform (Apache-2.0)."""

_PYTHON = re.compile(r"%(?:\((\w+)\))?[-+ #0]*\d*(?:\.\d+)?[sdifr]")
_BRACE = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def _placeholders(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for match in _PYTHON.finditer(text.replace("%%", "")):
        kind = match.group(0)[-1]
        found[f"%({match.group(1)}){kind}" if match.group(1) else "%" + kind] += 1
    for match in _BRACE.finditer(text):
        found["{" + match.group(1) + "}"] += 1
    return found


def _tags(text: str) -> Counter[str]:
    return Counter(tag.lower() for tag in _TAG.findall(text))


def mismatches(msgid: str, msgid_plural: str | None, translation: str) -> list[str]:
    """What a translation of msgid breaks: a placeholder or an HTML tag dropped, added or
    changed. A plural form may leave out a placeholder the English singular leaves out
    (e.g. "One token" for "%(count)d token")."""
    problems = []
    theirs = _placeholders(translation)
    if msgid_plural:
        allowed = _placeholders(msgid) | _placeholders(msgid_plural)
        extra = set(theirs) - set(allowed)
        required = set(_placeholders(msgid)) & set(_placeholders(msgid_plural))
        required -= {"%(count)d", "%(count)s", "%d", "%s"}
        missing = required - set(theirs)
    else:
        ours = _placeholders(msgid)
        extra = set((theirs - ours).elements())
        missing = set((ours - theirs).elements())
    if missing:
        problems.append("drops " + ", ".join(sorted(missing)))
    if extra:
        problems.append("adds " + ", ".join(sorted(extra)))
    if _tags(translation) != _tags(msgid_plural or msgid) and _tags(translation) != _tags(msgid):
        problems.append("changes the HTML tags")
    if translation.startswith("\n") != msgid.startswith("\n") or translation.endswith(
        "\n"
    ) != msgid.endswith("\n"):
        problems.append("starts or ends with a line break where the English does not")
    return problems
