"""No user-facing English left unmarked (issue 18): what ``makemessages`` does not find stays
English in every language. These tests read the code, not the pages: a message, a heading or
a label written as a plain string where a person reads it fails here, naming the file and
line, before it ships untranslated.

What a person reads and the scan covers:

- the message of a refusal (``raise InvalidInput("…")``, ``NotFound(f"…")``, …): an f-string
  cannot be translated, so it is written ``_("… %(name)s …") % {"name": …}``;
- ``messages.success/info/warning/error(request, "…")``, ``HttpResponseBadRequest("…")`` and
  an answer's ``{"detail": "…"}``;
- the words of a chart or map (``title=``, ``"title": …``, ``description=``) and the labels
  of forms and models (``label=``, ``verbose_name=``, ``help_text=``…);
- text in an HTML string built in Python (``<h1>…</h1>``);
- a string marked inside an f-string (``f"{_('…')}"``), which xgettext never reads;
- the text and the ``placeholder``/``aria-label``/``title``/``alt`` of the templates, and the
  e-mail templates, outside ``{% translate %}``/``{% blocktranslate %}``.

Left out on purpose: migrations, management commands' console output, log messages, the
OpenAPI description (``schemas.py``, the routers' ``summary``/``description``) and the
machine formats (OC4IDS, DCAT, the open-data CSVs' documented column names), which stay
English as their standards say.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation

from ascn.core.audit import words as audit_words
from ascn.network import maps
from ascn.opendata import report_files
from ascn.plans.charts import labels as chart_labels

ROOT = Path(settings.BASE_DIR)
CODE = [ROOT / "src" / "ascn", ROOT / "config"]

# A word of at least two letters: what makes a string English text rather than a code,
# a separator or a placeholder.
WORD = re.compile(r"[A-Za-z]{2,}")

GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
# Exceptions whose message reaches a person (a page's form error or message, the API's detail).
REFUSALS = {
    "DomainError",
    "NotFound",
    "PermissionDenied",
    "InvalidInput",
    "IllegalTransition",
    "TooManyRequests",
    "StaleEdit",
    "ValidationError",
    "HttpError",
}
# Answers whose first argument is the text a person reads.
TEXT_RESPONSES = {
    "HttpResponseBadRequest",
    "HttpResponseForbidden",
    "HttpResponseNotFound",
    "HttpResponseGone",
}
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error", "add_message"}
# Keyword arguments that carry words a person reads (forms, models, charts).
LABEL_KEYWORDS = {
    "label",
    "verbose_name",
    "verbose_name_plural",
    "help_text",
    "empty_label",
    "placeholder",
    "title",
}
# Modules that draw: their ``description=`` and a spec's "title"/"description" are read too.
DRAWING_MODULES = re.compile(r"(charts|maps|reports|report_tables|report_files|drawings)\.py$")
# The OpenAPI description and the machine formats: English by design (see the module's text).
NOT_FOR_PEOPLE = re.compile(
    r"(/migrations/|/management/|/locale/|schemas\.py$|/core/openapi\.py$|/opendata/dcat\.py$"
    r"|/opendata/oc4ids\.py$|/opendata/catalogue\.py$|/opendata/datapackage\.py$"
    r"|/opendata/tableschema\.py$|/core/catalogues\.py$)"
)
# Text inside an HTML string built in Python: ``<h1>Some words</h1>``.
HTML_TEXT = re.compile(r"<[a-z][\w-]*(?:\s[^<>]*)?>([^<>{}]*?[A-Za-z]{2,}[^<>{}]*?)</?[a-z]")
# Calls whose keywords document the API (OpenAPI) rather than speak to a person.
API_DOCUMENTATION = {"NinjaAPI", "PlatformAPI", "AppRouter", "Router", "Field", "Query", "Path"}


def _python_files() -> Iterator[Path]:
    for folder in CODE:
        for path in sorted(folder.rglob("*.py")):
            if not NOT_FOR_PEOPLE.search(path.as_posix()):
                yield path


def _name(call: ast.Call) -> str:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return ""


def _english(node: ast.AST | None) -> bool:
    """A literal a person would read as English: a string with a word in it, or an f-string
    whose own text has one (an f-string is never translated)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(WORD.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_english(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):  # "…" + x, "…" % x
        return _english(node.left) or _english(node.right)
    return False


class _Finder(ast.NodeVisitor):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.drawing = bool(DRAWING_MODULES.search(path.name))
        self.found: list[str] = []

    def _found(self, node: ast.AST, what: str) -> None:
        line = getattr(node, "lineno", 0)
        self.found.append(f"{self.path.relative_to(ROOT)}:{line}: {what}")

    def visit_Call(self, node: ast.Call) -> None:
        name = _name(node)
        if name in GETTEXT:
            return  # marked: nothing inside needs a look
        if name in {"getLogger", "debug", "info", "warning", "error", "exception", "critical"} and (
            isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in {"logger", "logging", "log"}
        ):
            return  # log messages are for operators
        if name in REFUSALS:
            position = 1 if name == "HttpError" else 0
            message = node.args[position] if len(node.args) > position else None
            keyword = next((k.value for k in node.keywords if k.arg == "message"), None)
            for argument in (message, keyword):
                if _english(argument):
                    self._found(node, f"{name}({ast.unparse(argument)[:70]})")  # type: ignore[arg-type]
        if name in TEXT_RESPONSES and node.args and _english(node.args[0]):
            self._found(node, f"{name}({ast.unparse(node.args[0])[:70]})")
        if (
            name in MESSAGE_LEVELS
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "messages"
        ):
            for argument in node.args[1:2]:
                if _english(argument):
                    self._found(node, f"messages.{name}({ast.unparse(argument)[:70]})")
        for keyword in node.keywords if name not in API_DOCUMENTATION else ():
            read = keyword.arg in LABEL_KEYWORDS or (self.drawing and keyword.arg == "description")
            if read and _english(keyword.value):
                self._found(node, f"{keyword.arg}={ast.unparse(keyword.value)[:70]}")
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        keys = {"detail"} | ({"title", "description"} if self.drawing else set())
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value in keys and _english(value):
                self._found(node, f'"{key.value}": {ast.unparse(value)[:70]}')
        self.generic_visit(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        # xgettext does not read inside an f-string: a string marked there is never extracted
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                for inner in ast.walk(part.value):
                    if isinstance(inner, ast.Call) and _name(inner) in GETTEXT:
                        self._found(inner, f"marked inside an f-string: {ast.unparse(inner)[:60]}")
        self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        if not isinstance(node.value, ast.Constant):  # a docstring is for programmers
            self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            for text in HTML_TEXT.findall(node.value):
                self._found(node, f"HTML text {text[:70]!r}")


def unmarked_in_python(path: Path, source: str | None = None) -> list[str]:
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    finder = _Finder(path)
    finder.visit(tree)
    return finder.found


@pytest.mark.db_independent
def test_no_unmarked_message_chart_word_or_label_in_the_code():
    found = [hit for path in _python_files() for hit in unmarked_in_python(path)]
    assert not found, (
        f"{len(found)} strings a person reads are not marked for translation "
        "(wrap them in _(…), with %(name)s placeholders for an f-string's values):\n"
        + "\n".join(found)
    )


# --- templates ------------------------------------------------------------------------------

TEMPLATE_SUFFIXES = {".html", ".txt", ".svg", ".xml"}
# Blocks whose text is the translators' (or nobody's) business.
HIDDEN = [
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"<script\b.*?</script>", re.S),
    re.compile(r"<style\b.*?</style>", re.S),
    # a block that holds a CSS class name, e.g. {% block narrow_class %} stack{% endblock %}
    re.compile(r"\{%\s*block\s+\w*class\s*%\}.*?\{%\s*endblock\s*%\}", re.S),
    re.compile(r"\{%.*?%\}", re.S),
    re.compile(r"\{\{.*?\}\}", re.S),
]
READ_ATTRIBUTES = re.compile(r'\b(placeholder|aria-label|title|alt|aria-description)="([^"]*)"')
# Names that are the same in every language: formats, licences, file names, the network's.
NAMES = re.compile(
    r"\S*\.(?:json|jsonld|ttl|csv|xlsx|pdf|ics)\b|\b(?:CSV|PDF|JSON-LD|JSON|XLSX|Turtle|"
    r"CC BY 4\.0|ASCN|ASEAN|OC4IDS|DCAT|API|ISO|URL)\b|&[a-z]+;"
)


def _templates() -> Iterator[Path]:
    for path in sorted((ROOT / "src" / "ascn").rglob("*")):
        if path.suffix in TEMPLATE_SUFFIXES and "templates" in path.parts:
            yield path


def _blank(match: re.Match[str]) -> str:
    """The text out, its lines kept (so that a finding names the right line)."""
    return "\n" * match.group(0).count("\n")


def _visible_english(text: str) -> bool:
    return bool(WORD.search(NAMES.sub(" ", text)))


def unmarked_in_template(path: Path, source: str) -> list[str]:
    text = source
    for pattern in HIDDEN:
        text = pattern.sub(_blank, text)
    found = []
    where = path.relative_to(ROOT)
    if path.suffix == ".txt":  # an e-mail: every line is read
        for number, line in enumerate(text.split("\n"), start=1):
            if _visible_english(line):
                found.append(f"{where}:{number}: {line.strip()[:70]!r}")
        return found
    for match in READ_ATTRIBUTES.finditer(text):
        if _visible_english(match.group(2)):
            number = text.count("\n", 0, match.start()) + 1
            found.append(f"{where}:{number}: {match.group(1)}={match.group(2)[:70]!r}")
    # the text between the tags, line by line
    between = re.sub(r"<[^>]*>", lambda m: "\0" + _blank(m), text)
    for number, line in enumerate(between.split("\n"), start=1):
        for words in line.split("\0"):
            if _visible_english(words):
                found.append(f"{where}:{number}: {words.strip()[:70]!r}")
    return found


@pytest.mark.db_independent
def test_no_unmarked_text_in_the_templates():
    found = [
        hit
        for path in _templates()
        for hit in unmarked_in_template(path, path.read_text(encoding="utf-8"))
    ]
    assert not found, (
        f"{len(found)} texts of the templates are outside {{% translate %}}:\n" + "\n".join(found)
    )


# --- the scan itself finds what it is meant to ------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        'raise InvalidInput("Unknown project.")',
        'raise NotFound(f"No city {slug}.")',
        'raise PermissionDenied(message="Only the Secretariat does this.")',
        'raise HttpError(400, "Bad things.")',
        'messages.success(request, "Saved.")',
        'messages.error(request, f"{n} rows failed.")',
        'HttpResponseBadRequest("Unknown action.")',
        'JsonResponse({"detail": "Invalid token."}, status=401)',
        'forms.CharField(label="Title")',
        'alt.Legend(title="Public projects")',
        'page = "<h1>Busy</h1>"',
        "page = f\"<h1>{_('Busy')}</h1>\"",  # marked, but xgettext never reads it there
    ],
)
@pytest.mark.db_independent
def test_the_scan_finds_an_unmarked_string(source):
    assert unmarked_in_python(ROOT / "src" / "ascn" / "charts.py", source)


@pytest.mark.parametrize(
    "source",
    [
        'raise InvalidInput(_("Unknown project."), field="project")',
        'raise NotFound(_("No city %(slug)s.") % {"slug": slug})',
        'raise InvalidInput(f"{field}: {message}", field=field)',
        'messages.success(request, ngettext("%(n)s row", "%(n)s rows", n) % {"n": n})',
        'JsonResponse({"detail": _("Invalid token.")}, status=401)',
        'logger.warning("No database connection free for %s", path)',
        'alt.Legend(title=_("Public projects"))',
        'busy = _("Busy")\npage = f"<h1>{busy}</h1>"',
    ],
)
@pytest.mark.db_independent
def test_the_scan_lets_a_marked_string_or_a_code_pass(source):
    assert not unmarked_in_python(ROOT / "src" / "ascn" / "charts.py", source)


@pytest.mark.db_independent
def test_the_template_scan_finds_text_and_attributes_outside_translate():
    path = ROOT / "src" / "ascn" / "templates" / "example.html"
    source = (
        '{% load i18n %}<h1>{% translate "Projects" %}</h1>\n'
        '<input placeholder="Search projects">\n'
        "<p>Nothing here yet.</p>\n"
        '<a href="/data/projects.csv" aria-label="{{ title }}">CSV</a>\n'
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}"
    )
    found = unmarked_in_template(path, source)
    assert [hit.split(": ", 1)[1] for hit in found] == [
        "placeholder='Search projects'",
        "'Nothing here yet.'",
    ]


# --- a marked message reaches the reader in their language -----------------------------------

# A few of the strings marked here, in Thai: a real catalogue, compiled with msgfmt and put
# ahead of the platform's own (whose Thai the lead engineer writes after merging).
THAI = {
    "Invalid, expired or revoked token.": "โทเคนไม่ถูกต้อง หมดอายุ หรือถูกเพิกถอนแล้ว",
    "Public projects": "โครงการสาธารณะ",
    "Joined": "เข้าร่วมเมื่อ",
    "Physical progress": "ความคืบหน้าทางกายภาพ",
    "Latest progress": "ความคืบหน้าล่าสุด",
    "Not a number": "ไม่ใช่ตัวเลข",
}

AUDIT_THAI = {"checked in": "เช็กอินแล้ว", "yes": "ใช่"}


@pytest.fixture
def thai_catalogue(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt is missing: `make messages` installs Debian's gettext")
    folder = tmp_path / "th" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    entries = "".join(
        f"msgid {json.dumps(en)}\nmsgstr {json.dumps(th, ensure_ascii=False)}\n\n"
        for en, th in THAI.items()
    )
    entries += (
        f'msgctxt "audit action"\nmsgid "checked in"\nmsgstr "{AUDIT_THAI["checked in"]}"\n\n'
    )
    entries += f'msgid "yes"\nmsgstr "{AUDIT_THAI["yes"]}"\n\n'
    header = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: th\\n"\n\n'
    )
    (folder / "django.po").write_text(header + entries, encoding="utf-8")
    subprocess.run(  # noqa: S603 - a fixed program on our own file
        [msgfmt, "-o", str(folder / "django.mo"), str(folder / "django.po")], check=True
    )
    with override_settings(LOCALE_PATHS=[tmp_path, *settings.LOCALE_PATHS]):
        yield
    maps._svg_cached.cache_clear()  # the Thai map drawn with this catalogue


@pytest.mark.django_db
def test_a_bad_token_is_refused_in_the_callers_language(thai_catalogue):
    """The token check answers before the language middleware runs: it follows
    Accept-Language itself."""
    headers = {"Authorization": "Bearer not-a-token"}
    thai = Client().get("/api/v1/me", headers={**headers, "Accept-Language": "th"})
    english = Client().get("/api/v1/me", headers=headers)
    assert thai.status_code == english.status_code == 401
    assert thai.json() == {"detail": THAI["Invalid, expired or revoked token."]}
    assert thai["Content-Language"] == "th"
    assert "Accept-Language" in thai["Vary"]

    assert english.json() == {"detail": "Invalid, expired or revoked token."}


@pytest.mark.db_independent
def test_the_map_is_drawn_in_the_readers_language(thai_catalogue):
    cities = [
        {
            "name": "Phuket",
            "slug": "phuket",
            "country_name": "Thailand",
            "cohort": 2018,
            "lat": 7.88,
            "lon": 98.39,
            "url": "/cities/phuket/",
            "projects": 2,
        },
    ]
    english = maps.asean_map_svg(cities)
    with translation.override("th"):
        thai = maps.asean_map_svg(cities)
    assert "Public projects" in english
    assert THAI["Public projects"] in thai and THAI["Joined"] in thai
    assert "Public projects" not in thai
    # drawn once per language: asked again in English, the English map
    assert maps.asean_map_svg(cities) is english


@pytest.mark.db_independent
def test_the_progress_charts_words_follow_the_language(thai_catalogue):
    with translation.override("th"):
        assert chart_labels().physical == THAI["Physical progress"]
        assert (
            report_files.sheet_name(report_files.SHEET_NAMES["progress"]) == THAI["Latest progress"]
        )
    assert chart_labels().physical == "Physical progress"
    assert report_files.sheet_name("Focus area: x/y [z]?" * 3) == "Focus area  x y  z  Focus area"


@pytest.mark.db_independent
def test_the_audit_trail_says_what_happened_in_the_readers_language(thai_catalogue):
    with translation.override("th"):
        assert (
            audit_words.action_words("meetings.registration.checked_in") == AUDIT_THAI["checked in"]
        )
        assert audit_words._shown(True) == AUDIT_THAI["yes"]
    # the code stays English, and so do the words in English; an unknown verb reads as its code
    assert audit_words.action_words("meetings.registration.checked_in") == "checked in"
    assert audit_words.action_words("plans.project.wondered_about") == "wondered about"
