"""Two versions of an action plan compared on screen, field by field and word by word."""

from __future__ import annotations

import difflib
import re

from django.http import Http404
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ascn.network.models import Outcome
from ascn.network.queries import focus_area_labels
from ascn.plans.models import (
    PlanStatus,
    PlanVersion,
)
from ascn.plans.services import (
    EDITABLE_PLAN_STATUSES,
    plan_snapshot,
)
from ascn.plans.views.common import plan_or_404

CURRENT = "current"


def _mark(tag: str, text: str) -> str:
    """``<ins>``/``<del>`` with words for screen readers (not colour alone)."""
    word = _("added") if tag == "ins" else _("removed")
    return f'<{tag}><span class="visually-hidden">[{word}: </span>{escape(text)}<span class="visually-hidden">]</span></{tag}>'


def _word_diff(old: str, new: str) -> tuple[str, str]:
    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left, right = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            left.append(escape("".join(a[i1:i2])))
            right.append(escape("".join(b[j1:j2])))
        else:
            if i2 > i1:
                left.append(_mark("del", "".join(a[i1:i2])))
            if j2 > j1:
                right.append(_mark("ins", "".join(b[j1:j2])))
    return "".join(left), "".join(right)


def text_sides(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Two texts side by side: removed lines (or words) in ``<del>`` on the left, added in
    ``<ins>`` on the right; unchanged lines plain on both sides."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left: list[str] = []
    right: list[str] = []

    def line(html: str) -> str:
        return f'<span class="diff-line">{html or "&nbsp;"}</span>'

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            left.extend(line(escape(x)) for x in a[i1:i2])
            right.extend(line(escape(x)) for x in b[j1:j2])
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for old_line, new_line in zip(a[i1:i2], b[j1:j2], strict=True):
                if difflib.SequenceMatcher(None, old_line, new_line).ratio() >= 0.4:
                    l_html, r_html = _word_diff(old_line, new_line)
                    left.append(line(l_html))
                    right.append(line(r_html))
                else:
                    left.append(line(_mark("del", old_line)))
                    right.append(line(_mark("ins", new_line)))
            continue
        left.extend(line(_mark("del", x)) for x in a[i1:i2] if x.strip())
        right.extend(line(_mark("ins", x)) for x in b[j1:j2] if x.strip())
    return mark_safe("".join(left)), mark_safe("".join(right))


def set_sides(old: list, new: list, names: dict | None = None) -> tuple[SafeString, SafeString]:
    names = names or {}
    old_set, new_set = set(old or []), set(new or [])

    def item(code, tag=None) -> str:
        label = str(names.get(code, code))
        return f"<li>{_mark(tag, label) if tag else escape(label)}</li>"

    left = "".join(
        item(c, "del" if c not in new_set else None)
        for c in sorted(old_set, key=lambda c: str(names.get(c, c)))
    )
    right = "".join(
        item(c, "ins" if c not in old_set else None)
        for c in sorted(new_set, key=lambda c: str(names.get(c, c)))
    )
    none = escape(_("none"))  # outside the f-string: xgettext reads it
    empty = f'<li class="muted">{none}</li>'
    return (
        mark_safe(f'<ul class="diff-set">{left or empty}</ul>'),
        mark_safe(f'<ul class="diff-set">{right or empty}</ul>'),
    )


def compare_snapshots(old: dict, new: dict, names: dict) -> list[dict]:
    """Field by field, what changed between two snapshots of a plan (``plan_snapshot``)."""
    rows = []

    def add(label, left, right, changed):
        rows.append({"label": label, "left": left, "right": right, "changed": changed})

    for key, label in (("title", _("Title")), ("vision", _("Vision"))):
        o, n = old.get(key) or "", new.get(key) or ""
        add(label, *text_sides(o, n), o != n)
    o = f"{old.get('period_start')}–{old.get('period_end')}"
    n = f"{new.get('period_start')}–{new.get('period_end')}"
    add(_("Period"), *text_sides(o, n), o != n)
    for key, label in (
        ("outcomes", _("ASCF outcomes")),
        ("focus_areas", _("ASCF focus areas")),
        ("projects", _("Priority projects")),
    ):
        o_list, n_list = old.get(key) or [], new.get(key) or []
        add(label, *set_sides(o_list, n_list, names.get(key)), set(o_list) != set(n_list))
    old_sections = {s.get("heading", ""): s.get("body", "") for s in old.get("sections") or []}
    new_sections = {s.get("heading", ""): s.get("body", "") for s in new.get("sections") or []}
    not_here = escape(_("not in this version"))  # outside the f-string: xgettext reads it
    absent = mark_safe(f'<p class="muted">{not_here}</p>')

    for heading in list(dict.fromkeys([*old_sections, *new_sections])):
        o_body, n_body = old_sections.get(heading), new_sections.get(heading)
        label = _("Section “%(heading)s”") % {"heading": heading}
        if o_body is None:
            add(label, absent, text_sides("", f"{n_body}")[1], True)
        elif n_body is None:
            add(label, text_sides(f"{o_body}", "")[0], absent, True)
        else:
            add(label, *text_sides(o_body, n_body), o_body != n_body)
    o_doc, n_doc = old.get("document") or "", new.get("document") or ""
    doc_label = {True: _("a PDF is attached"), False: _("no document")}
    o_text = doc_label[bool(o_doc)]
    new_file = _("a new file")
    n_text = doc_label[bool(n_doc)] + (
        f" ({new_file})" if o_doc and n_doc and o_doc != n_doc else ""
    )

    add(_("Plan document"), *text_sides(o_text, n_text), o_doc != n_doc)
    return rows


def default_pair(
    numbers: list[int], submissions: list[int], editable: bool
) -> tuple[str | None, str | None]:
    """The versions compared when none are asked for: what the National Representative was
    sent each time. The latest submission with the one before it; while the city revises the
    plan (draft, returned), its latest submission with the current text; with no submission,
    nothing."""
    if editable and submissions:
        return str(submissions[-1]), CURRENT
    if len(submissions) >= 2:
        return str(submissions[-2]), str(submissions[-1])
    if submissions:
        return str(submissions[-1]), CURRENT
    if numbers:
        return str(numbers[-1]), CURRENT
    return None, None


@require_GET
def plan_compare(request, pk: int):
    """Two versions side by side. The choices are the plan's submissions; ``all=1`` offers
    every version (withdrawals, returns, endorsement, publication) as well."""
    plan = plan_or_404(request, pk)
    versions = {
        v.number: v for v in PlanVersion.objects.filter(plan=plan).select_related("created_by")
    }
    numbers = sorted(versions)
    submissions = [n for n in numbers if versions[n].status == PlanStatus.SUBMITTED]
    editable = plan.status in EDITABLE_PLAN_STATUSES
    show_all = request.GET.get("all") == "1"
    a, b = request.GET.get("a"), request.GET.get("b")
    if a is None and b is None:
        a, b = default_pair(numbers, submissions, editable)
    sides = []
    for value in (a, b):
        if value == CURRENT:
            sides.append(
                {"label": _("Current text"), "version": None, "snapshot": plan_snapshot(plan)}
            )
        elif value is not None and value.isdigit() and int(value) in versions:
            version = versions[int(value)]
            sides.append(
                {
                    "label": _("Version %(n)s") % {"n": version.number},
                    "version": version,
                    "snapshot": version.snapshot,
                }
            )
        elif value is not None:
            raise Http404(_("No such version of this plan."))
    names = {  # in the reader's language, as the framework's names are everywhere
        "outcomes": {o.code: o.label for o in Outcome.objects.only("code", "name")},
        "focus_areas": focus_area_labels(),
    }
    rows = (
        compare_snapshots(sides[0]["snapshot"], sides[1]["snapshot"], names)
        if len(sides) == 2
        else []
    )
    # The versions offered: the submissions, and the ones on screen (a link may name any).
    chosen = {a, b}
    offered = [
        versions[n]
        for n in numbers
        if show_all or versions[n].status == PlanStatus.SUBMITTED or str(n) in chosen
    ]
    return render(
        request,
        "plans/plan_compare.html",
        {
            "plan": plan,
            "sides": sides,
            "rows": rows,
            "changed": [row["label"] for row in rows if row["changed"]],
            "versions": offered,
            "show_all": show_all,
            "hidden_versions": len(numbers) - len(offered),
            "a": a,
            "b": b,
            "can_compare_current": editable,
        },
    )
