"""The OC4IDS 0.9.5 codelists the platform speaks, read once from the CSVs beside this file."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

HERE = Path(__file__).parent


@functools.cache
def codelist(name: str) -> dict[str, str]:
    """``{code: title}`` of one codelist, in the file's order, in English: the standard's own
    words, for the machine formats (the Data Package, OC4IDS)."""
    with (HERE / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return {row["Code"]: row["Title"] for row in csv.DictReader(handle)}


@functools.cache
def labels(name: str) -> dict[str, str]:
    """``{code: title}`` for a person: each title in the reader's language (``labels.py``
    puts them in the catalogues), capitalised as a label is (0.9.5 spells "implementation"
    in lower case); the codes never translated."""
    return {code: capfirst(_(title)) for code, title in codelist(name).items()}  # type: ignore[misc]


def choices(name: str) -> list[tuple[str, str]]:
    return list(labels(name).items())


PROJECT_STATUS = "projectStatus"
PROJECT_TYPE = "projectType"
PROJECT_SECTOR = "projectSector"
MILESTONE_STATUS = "milestoneStatus"
MILESTONE_TYPE = "milestoneType"
MILESTONE_CODE = "milestoneCode"
DOCUMENT_TYPE = "documentType"
CURRENCY = "currency"

# The targets of Sustainable Development Goal 11 ("Make cities inclusive, safe, resilient and
# sustainable", UN A/RES/71/313) that a project names in ``sdg_targets``: the codes, and the
# targets in short for a person choosing them. The OC4IDS export names them with the scheme
# ``sdgTarget`` of its classificationScheme codelist.
SDG11_TARGETS = {
    "11.1": _("11.1 Adequate, safe and affordable housing; upgrade slums"),
    "11.2": _("11.2 Safe, affordable, accessible and sustainable transport"),
    "11.3": _("11.3 Inclusive, sustainable urbanisation and participatory planning"),
    "11.4": _("11.4 Protect cultural and natural heritage"),
    "11.5": _("11.5 Fewer deaths and losses from disasters, including floods"),
    "11.6": _("11.6 Less environmental impact of cities: air quality and waste"),
    "11.7": _("11.7 Safe, inclusive and accessible green and public spaces"),
    "11.a": _("11.a Links between urban, peri-urban and rural areas"),
    "11.b": _("11.b Integrated policies for inclusion, resilience and disaster risk"),
    "11.c": _("11.c Support least developed countries to build sustainably"),
}
