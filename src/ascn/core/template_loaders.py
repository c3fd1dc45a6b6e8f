"""Template loaders that drop the line break ending a template file.

An editor ends every file with a line break, and Django renders it: a partial included in
the middle of a sentence (``{% include "_date_at_precision.html" %}, {{ place }}``) left a
space before the comma — "8 July 2018 , Singapore". Dropping the file's last line break
where templates are read fixes every include, present and future, without asking each file
to end without one (``tests/core/test_template_whitespace.py``).
"""

from __future__ import annotations

from django.template.base import Origin
from django.template.loaders import app_directories, filesystem


def _without_final_line_break(contents: str) -> str:
    if contents.endswith("\r\n"):
        return contents[:-2]
    return contents.removesuffix("\n")


class FilesystemLoader(filesystem.Loader):
    def get_contents(self, origin: Origin) -> str:
        return _without_final_line_break(super().get_contents(origin))


class AppDirectoriesLoader(app_directories.Loader):
    def get_contents(self, origin: Origin) -> str:
        return _without_final_line_break(super().get_contents(origin))
