"""Work on the platform's translation catalogues (src/ascn/locale/<lang>/LC_MESSAGES/django.po).

    python scripts/catalogue.py headers                 set each catalogue's header (language, plural forms, how produced)
    python scripts/catalogue.py todo LANG [N]           print up to N (default 150) untranslated or fuzzy entries as JSON
    python scripts/catalogue.py fill LANG FILE.json     write translations from FILE.json into the catalogue
    python scripts/catalogue.py check [LANG ...]        count what is missing and every placeholder or markup mismatch
    python scripts/catalogue.py show LANG TEXT          print the entries whose English contains TEXT, with their translation
    python scripts/catalogue.py labels                  rewrite the label modules of the data files' codelists (see below)

Labels that come from data files (the OC4IDS codelists' titles, the ASEAN Smart Cities
Framework's names and descriptions) are not in the code, so `makemessages` cannot find them:
`labels` writes them as `gettext_noop` calls into plans/codelists/labels.py and
network/framework_labels.py (a test fails when those are out of date with the data files).

FILE.json is a list of objects, as `todo` prints them, with "msgstr" filled in: a string, or a
list (one per plural form) where the entry has "msgid_plural". An entry is found by its
"msgctxt" and "msgid"; unknown ones are reported, not added. A translation whose placeholders
(%(name)s, %s, {name}) or HTML tags differ from the English one is refused and reported.

Uses polib (a dev dependency). The checks themselves live in ascn.core.catalogues so the test
suite runs the same ones.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import polib  # noqa: E402

from ascn.core.catalogues import (  # noqa: E402
    CATALOGUE_HEADER,
    LANGUAGE_PLURALS,
    catalogue_path,
    label_modules,
    mismatches,
)

LANG_INFO_NAMES = {
    "id": "Indonesian",
    "ms": "Malay",
    "th": "Thai",
    "vi": "Vietnamese",
    "km": "Khmer",
    "lo": "Lao",
    "my": "Burmese",
    "fil": "Filipino",
    "tet": "Tetum",
    "pt": "Portuguese",
}


def _load(lang: str) -> polib.POFile:
    return polib.pofile(str(catalogue_path(lang)), wrapwidth=100)


def headers() -> None:
    for lang, plurals in LANGUAGE_PLURALS.items():
        po = _load(lang)
        po.header = CATALOGUE_HEADER.format(lang=lang)
        po.metadata.update(
            {
                "Project-Id-Version": "ASCN Platform",
                "Last-Translator": "ASCN Platform engineers (machine-assisted, not yet reviewed)",
                "Language-Team": LANG_INFO_NAMES.get(lang, lang),
                "PO-Revision-Date": po.metadata.get("PO-Revision-Date", "").replace(
                    "YEAR-MO-DA HO:MI+ZONE", "2026-12-05 00:00+0000"
                ),
                "Language": lang,
                "Plural-Forms": plurals,
                "Content-Type": "text/plain; charset=UTF-8",
            }
        )
        po.metadata_is_fuzzy = []
        po.save()
        print(lang, "header set")


def _todo_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def todo(lang: str, limit: int = 150) -> None:
    po = _load(lang)
    pending = _todo_entries(po)
    out = []
    for entry in pending[:limit]:
        item: dict[str, object] = {"msgid": entry.msgid}
        if entry.msgctxt:
            item["msgctxt"] = entry.msgctxt
        if entry.msgid_plural:
            item["msgid_plural"] = entry.msgid_plural
        if entry.comment:
            item["note"] = entry.comment
        item["where"] = [f"{path}:{line}" for path, line in entry.occurrences[:2]]
        if "fuzzy" in entry.flags and entry.msgstr:
            item["previous"] = entry.msgstr
        item["msgstr"] = "" if not entry.msgid_plural else []
        out.append(item)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    print(f"# {len(pending)} entries still to do in {lang}; {len(out)} shown", file=sys.stderr)


def fill(lang: str, source: str) -> int:
    po = _load(lang)
    index = {(e.msgctxt or "", e.msgid): e for e in po if not e.obsolete}
    items = json.loads(Path(source).read_text(encoding="utf-8"))
    written = refused = unknown = 0
    for item in items:
        entry = index.get((item.get("msgctxt") or "", item["msgid"]))
        if entry is None:
            unknown += 1
            print("unknown entry:", item["msgid"][:80], file=sys.stderr)
            continue
        value = item.get("msgstr")
        if not value:
            continue
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            candidate = {i: str(text) for i, text in enumerate(forms)}
        else:
            candidate = {0: value if isinstance(value, str) else str(value[0])}
        problems = [
            problem
            for text in candidate.values()
            for problem in mismatches(entry.msgid, entry.msgid_plural, text)
        ]
        if problems:
            refused += 1
            print(f"refused {entry.msgid[:60]!r}: {'; '.join(problems)}", file=sys.stderr)
            continue
        if entry.msgid_plural:
            nplurals = int(po.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
            entry.msgstr_plural = {
                i: candidate.get(i, candidate[len(candidate) - 1]) for i in range(nplurals)
            }
        else:
            entry.msgstr = candidate[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        # a translated entry keeps no trace of the English it was fuzzy against: a stale
        # "#| msgid_plural" left alone makes msgfmt fail
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
        entry.previous_msgctxt = None
        written += 1
    po.save()
    print(
        f"{lang}: {written} written, {refused} refused, {unknown} unknown; {len(_todo_entries(po))} still to do"
    )
    return 1 if refused or unknown else 0


def check(langs: list[str]) -> int:
    failed = 0
    for lang in langs or list(LANGUAGE_PLURALS):
        po = _load(lang)
        pending = _todo_entries(po)
        bad = []
        for entry in po:
            if entry.obsolete or not entry.translated():
                continue
            texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            for text in texts:
                bad += [(entry.msgid, p) for p in mismatches(entry.msgid, entry.msgid_plural, text)]
        total = len([e for e in po if not e.obsolete])
        print(f"{lang}: {total - len(pending)}/{total} translated, {len(bad)} mismatches")
        for msgid, problem in bad[:20]:
            print(f"   {msgid[:60]!r}: {problem}")
        failed += bool(pending or bad)
    return 1 if failed else 0


def show(lang: str, text: str) -> None:
    for entry in _load(lang):
        if text.lower() in entry.msgid.lower():
            print(
                json.dumps(
                    {"msgid": entry.msgid, "msgstr": entry.msgstr or entry.msgstr_plural},
                    ensure_ascii=False,
                )
            )


def labels() -> None:
    for path, text in label_modules().items():
        path.write_text(text, encoding="utf-8")
        print("wrote", path.relative_to(ROOT))


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, *rest = argv
    if command == "headers":
        headers()
    elif command == "todo":
        todo(rest[0], int(rest[1]) if len(rest) > 1 else 150)
    elif command == "fill":
        return fill(rest[0], rest[1])
    elif command == "check":
        return check(rest)
    elif command == "labels":
        labels()
    elif command == "show":
        show(rest[0], rest[1])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
