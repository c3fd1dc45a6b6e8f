"""The charts and maps vl-convert draws, named for assistive technology."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from types import ModuleType

from django.conf import settings

# Attributes the platform sets on a drawing's <svg> itself (Vega may write some of them).
_OWN_ATTRIBUTES = ("class", "aria-label", "role", "aria-roledescription", "style")


# The fonts charts and maps name, as the site's CSS does: the Noto fonts the site serves for
# Thai, Khmer, Lao and Burmese (each covers only its script), then the system's.
FONT_STACK = (
    '"Noto Sans Thai", "Noto Sans Khmer", "Noto Sans Lao", "Noto Sans Myanmar", system-ui, '
    '"Noto Sans", sans-serif'
)


# The Vega-Lite specs the browser draws (the dashboards, the city comparison): the schema the
# Vega bundle reads (``build_vega_bundle``), the charts' blue (8.6:1 on white) and the style
# they share.
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
BLUE = "#0b4f8a"


def page_chart_config(*, label_limit: int) -> dict:
    """A browser-drawn chart's ``config``: no ARIA labels of Vega's own (English, whatever
    the page's language: the drawing is hidden from assistive technology, the data table
    says its figures), the site's fonts at 12 px, names cut at ``label_limit`` px."""
    return {
        "aria": False,
        "font": FONT_STACK,
        "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": label_limit},
        "view": {"stroke": None},
    }


def drawing_fonts() -> Path:
    """Where ``build_fonts`` writes TrueType copies of those Noto fonts for the drawings."""
    return Path(settings.VAR_DIR) / "fonts"


def vega() -> ModuleType:
    """vl-convert, told where the Noto fonts are (once a process, as soon as they are
    there: a worker started before ``make fonts`` finds them at its next drawing). It
    measures each word to size what holds it: without the script's font it took Thai and
    Khmer words for shorter than the reader's browser draws them, and a map legend's title
    ran out of its box."""
    import vl_convert  # noqa: PLC0415 - start-up: vl-convert loads only in the task worker

    fonts = drawing_fonts()
    if fonts.is_dir():
        _register_fonts(str(fonts))
    return vl_convert


@functools.cache
def _register_fonts(folder: str) -> None:
    import vl_convert  # noqa: PLC0415 - start-up: vl-convert loads only in the task worker

    vl_convert.register_font_directory(folder)


def label_svg(svg: str, *, attributes: str, head: str, presentational: bool = False) -> str:
    """``svg`` with ``attributes`` (each with its leading space) on its opening tag in place
    of the ones Vega wrote, and ``head`` (its ``<title>`` and ``<desc>``) first inside it.
    ``presentational``: the marks inside lose their own roles and labels (inside a
    ``role="img"`` they are read as one image)."""
    match = re.search(r"<svg\b[^>]*>", svg)
    if match is None:  # pragma: no cover - vl-convert always returns an <svg>
        return svg
    open_tag = match.group(0)
    for attr in _OWN_ATTRIBUTES:
        open_tag = re.sub(rf'\s{attr}="[^"]*"', "", open_tag)
    open_tag = open_tag[:-1].rstrip("/").rstrip() + attributes + ">"
    body = svg[match.end() :]
    if presentational:
        body = re.sub(r'\s(role|aria-roledescription|aria-label)="[^"]*"', "", body)
    return svg[: match.start()] + open_tag + head + body
