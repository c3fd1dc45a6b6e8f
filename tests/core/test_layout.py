"""Apps of one size (issue 14): no source file of the platform over 600 lines, outside the
migrations (written by Django) — a module that grows past it holds more than one concern
and is split by concern, as plans' views were by page."""

from __future__ import annotations

from pathlib import Path

import ascn

MAX_LINES = 600
SOURCE = Path(ascn.__file__).resolve().parent
KINDS = ("*.py", "*.html", "*.js", "*.css")


def test_no_source_file_is_over_600_lines():
    files = [path for kind in KINDS for path in SOURCE.rglob(kind)]
    too_long = {
        str(path.relative_to(SOURCE)): lines
        for path in files
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert len(files) > 400  # the platform's sources were found
    assert too_long == {}
