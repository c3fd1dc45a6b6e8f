"""The bankability readiness checklist: pure functions over ``data/readiness.yaml``."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext

CHECKLIST_FILE = Path(__file__).parent / "data" / "readiness.yaml"


@dataclass(frozen=True)
class Item:
    code: str
    dimension: str
    label: str
    next_step: str
    critical: bool
    evidence: tuple[str, ...] = ()  # documentType codes of the documents that show it done


@dataclass(frozen=True)
class Result:
    score: int  # percent of items met
    level: str  # concept | shaping | investor-ready
    met: tuple[str, ...]
    missing: tuple[Item, ...]


@functools.cache
def _checklist() -> dict:
    with CHECKLIST_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def items() -> tuple[Item, ...]:
    """The checklist, its texts in the reader's language (``readiness_labels.py`` puts them in
    the catalogues)."""
    return tuple(
        Item(
            i["code"],
            i["dimension"],
            gettext(i["label"]),
            gettext(i["next_step"]),
            bool(i.get("critical", False)),
            tuple(i.get("evidence", ())),
        )
        for i in _checklist()["items"]
    )


def on_file(documents: Iterable[Any]) -> dict[str, list[Any]]:
    """The checklist items that documents on file show done: item code → those documents
    (by their OC4IDS ``document_type``, as the checklist's ``evidence`` names them)."""
    found: dict[str, list[Any]] = {}
    for item in items():
        shown = [doc for doc in documents if doc.document_type in item.evidence]
        if shown:
            found[item.code] = shown
    return found


def dimensions() -> dict[str, str]:
    return {code: gettext(name) for code, name in _checklist()["dimensions"].items()}


def levels() -> dict[str, int]:
    """The score thresholds (percent) of the levels above ``concept``."""
    return dict(_checklist()["levels"])


def item_codes() -> frozenset[str]:
    return frozenset(item.code for item in items())


def assess(answers: dict[str, bool]) -> Result:
    """Score the answers. Unknown codes are the caller's error (validated in the service)."""
    all_items = items()
    met = tuple(item.code for item in all_items if answers.get(item.code))
    missing = tuple(item for item in all_items if not answers.get(item.code))
    score = round(100 * len(met) / len(all_items))
    thresholds = levels()
    critical_missing = any(item.critical for item in missing)
    if score >= thresholds["investor_ready"] and not critical_missing:
        level = "investor-ready"
    elif score >= thresholds["shaping"]:
        level = "shaping"
    else:
        level = "concept"
    return Result(score=score, level=level, met=met, missing=missing)


def new_evidence(documents: Iterable[Any], assessment: Any) -> dict[str, list[Any]]:
    """``on_file`` for the items the ``assessment`` (None: never assessed) did not find met,
    from the documents uploaded since it: a document the officer already judged, saving its
    item unticked, is not offered again."""
    if assessment is None:
        return on_file(documents)
    since = [doc for doc in documents if doc.created_at > assessment.created_at]
    return {code: docs for code, docs in on_file(since).items() if not assessment.answers.get(code)}
