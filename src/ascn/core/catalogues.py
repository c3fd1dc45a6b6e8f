"""The translation catalogues' languages and the checks every translation must pass.

Shared by the catalogue tool (scripts/catalogue.py), the test that fails on a missing or
broken translation, and the languages page (how complete each catalogue is).
"""

from __future__ import annotations

import csv
import functools
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polib
import yaml
from django.conf import settings
from django.conf.locale import LANG_INFO

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

_PYTHON = re.compile(r"%(?:\((\w+)\))?[-+#0]*\d*(?:\.\d+)?[sdifr]")
_BRACE = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


@dataclass(frozen=True)
class Completeness:
    code: str
    name: str  # in English
    name_local: str
    translated: int
    total: int
    reviewed: bool  # by a native speaker (the catalogue's header says so)

    @property
    def percent(self) -> float:
        return 100 * self.translated / self.total if self.total else 100.0


@functools.cache
def completeness() -> tuple[Completeness, ...]:
    """How much of the interface each language's catalogue translates (read once: the
    catalogues change only with a new release)."""
    found = []
    for code, _name in settings.LANGUAGES:
        info = LANG_INFO.get(code, {})
        path = catalogue_path(code)
        if code == settings.LANGUAGE_CODE or not path.exists():
            total = translated = _count_source() if code == settings.LANGUAGE_CODE else 0
            reviewed = code == settings.LANGUAGE_CODE
        else:
            po = polib.pofile(str(path))
            entries = [e for e in po if not e.obsolete]
            total = len(entries)
            translated = sum(1 for e in entries if e.translated() and "fuzzy" not in e.flags)
            reviewed = "not yet been reviewed" not in po.header
        found.append(
            Completeness(
                code=code,
                name=info.get("name", code),
                name_local=info.get("name_local", code),
                translated=translated,
                total=total,
                reviewed=reviewed,
            )
        )
    return tuple(found)


def _count_source() -> int:
    """The number of strings the interface has (the English original): any catalogue's."""
    for code in LANGUAGE_PLURALS:
        if catalogue_path(code).exists():
            return len([e for e in polib.pofile(str(catalogue_path(code))) if not e.obsolete])
    return 0


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


# The data files whose labels people read, and the codelists among the OC4IDS ones that a page
# shows (currency names are not translated: the codes are what people use).
_APP_DIR = LOCALE_DIR.parent
SHOWN_CODELISTS = (
    "projectStatus",
    "projectType",
    "projectSector",
    "milestoneStatus",
    "milestoneType",
    "milestoneCode",
    "documentType",
)


def _module(doc: str, strings: list[str]) -> str:
    lines = [
        f'"""{doc}\nWritten by ``scripts/catalogue.py labels``; do not edit by hand."""',
        "",
        "from django.utils.translation import gettext_noop",
        "",
        "LABELS = [",
    ]
    seen: set[str] = set()
    for text in strings:
        if text and text not in seen:
            seen.add(text)
            quoted = json.dumps(text, ensure_ascii=False)
            if text.count('"') > text.count("'"):  # ruff's choice: the quote with fewer escapes
                quoted = "'" + quoted[1:-1].replace('\\"', '"').replace("'", "\\'") + "'"
            line = f"    gettext_noop({quoted}),"
            if "%" in text:  # a unit such as "% of GDP" is text, not a format string
                lines.append("    # xgettext:no-python-format")
            # as ruff formats a call too long for a line (line-length 100)
            lines += (
                [line] if len(line) <= 100 else ["    gettext_noop(", f"        {quoted}", "    ),"]
            )
    lines.append("]")
    return "\n".join(lines) + "\n"


def label_modules() -> dict[Path, str]:
    """The label modules' paths and the text they must hold."""
    codelists = _APP_DIR / "plans" / "codelists"
    titles: list[str] = []
    for name in SHOWN_CODELISTS:
        with (codelists / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            titles += [row["Title"] for row in csv.DictReader(handle)]
    framework = yaml.safe_load(
        (_APP_DIR / "network" / "seed" / "framework.yaml").read_text(encoding="utf-8")
    )
    items = framework["outcomes"] + framework["focus_areas"]
    texts = [item["name"] for item in items] + [item.get("description", "") for item in items]
    states = yaml.safe_load(
        (_APP_DIR / "network" / "seed" / "member_states.yaml").read_text(encoding="utf-8")
    )
    texts += [state["name"] for state in states]
    facts = yaml.safe_load(
        (_APP_DIR / "network" / "seed" / "facts.yaml").read_text(encoding="utf-8")
    )
    texts += [
        text
        for fact in facts
        for text in (fact["figure"], fact["statement"])
        if re.search(r"[A-Za-z]", text)  # a figure such as "40%" stays as it is
    ]
    readiness = yaml.safe_load(
        (_APP_DIR / "plans" / "data" / "readiness.yaml").read_text(encoding="utf-8")
    )
    checklist = list(readiness["dimensions"].values()) + [
        text for item in readiness["items"] for text in (item["label"], item["next_step"])
    ]
    catalogue = yaml.safe_load(
        (_APP_DIR / "indicators" / "seed" / "catalogue.yaml").read_text(encoding="utf-8")
    )
    indicators = [
        text
        for item in catalogue["indicators"]
        for text in (item["name"], item["definition"].strip(), item["unit"])
        if re.search(r"[A-Za-z]", text)  # a unit such as "%" stays as it is
    ]
    return {
        _APP_DIR / "indicators" / "catalogue_labels.py": _module(
            "The indicator catalogue's names, definitions and units, for the catalogues.",
            indicators,
        ),
        _APP_DIR / "plans" / "readiness_labels.py": _module(
            "The readiness checklist's dimensions, items and next steps, for the catalogues.",
            checklist,
        ),
        codelists / "labels.py": _module(
            "The titles of the OC4IDS codelists a page shows, for the translation catalogues.",
            titles,
        ),
        _APP_DIR / "network" / "framework_labels.py": _module(
            "The ASEAN Smart Cities Framework's names and descriptions, the member states' "
            "names and the home page's key facts, for the catalogues.",
            texts,
        ),
    }
