"""The codes of the ASEAN Smart Cities Framework, read once from ``seed/framework.yaml``.

The file is the one source of the framework: ``load_network`` writes its outcomes and focus
areas into ``Outcome`` and ``FocusArea`` (the records a page shows and a service links), and
the API's schemas list its codes as the values a body may name.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.utils import translation

FRAMEWORK_FILE = Path(__file__).resolve().parent / "seed" / "framework.yaml"


@functools.cache
def _framework() -> dict[str, Any]:
    with FRAMEWORK_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def outcome_codes() -> tuple[str, ...]:
    """The three strategic outcomes, in the framework's order."""
    return tuple(item["code"] for item in _framework()["outcomes"])


def focus_area_codes() -> tuple[str, ...]:
    """The six development focus areas, in the framework's order."""
    return tuple(item["code"] for item in _framework()["focus_areas"])


@functools.cache
def focus_area_names() -> dict[str, list[str]]:
    """Each focus area's name in every language the platform speaks (the file's, then the
    catalogues'), by ``focus_area:<code>`` (``search.register_names``): "Keselamatan dan
    Keamanan" typed on an Indonesian page finds what the index's "Safety & Security" finds.
    Read once a process: the file and the catalogues change with a release only."""
    names = {f"focus_area:{item['code']}": [item["name"]] for item in _framework()["focus_areas"]}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for item in _framework()["focus_areas"]:
                names[f"focus_area:{item['code']}"].append(translation.gettext(item["name"]))
    return names
