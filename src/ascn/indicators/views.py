"""Indicator pages: a city's indicators against the network, the CSCO's entry and edit
forms, the verifier's answer, and the comparison of up to six cities."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape
from itertools import groupby
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ascn.core import display, formats
from ascn.core.errors import PermissionDenied, StaleEdit
from ascn.core.models import url_maker
from ascn.core.permissions import scopes_of
from ascn.core.views import (
    SentEdit,
    edit_again,
    edit_page,
    filtered_page,
    form_page,
    render_results,
    send_edit,
    send_form,
    sign_in_first,
    updating,
)
from ascn.indicators import cells, queries
from ascn.indicators.charts import comparison_spec
from ascn.indicators.forms import (
    CatalogueFilterForm,
    ProjectTargetForm,
    ValueEditForm,
    ValueForm,
    VerifyForm,
)
from ascn.indicators.models import (
    Framework,
    Indicator,
    IndicatorValue,
    ProjectIndicator,
    Verification,
)
from ascn.indicators.permissions import value_policy
from ascn.indicators.services import (
    project_indicator_remove,
    project_indicator_set,
    value_enter,
    value_update,
    value_verify,
)
from ascn.network.models import City
from ascn.plans.permissions import project_policy
from ascn.plans.queries import projects_for

# The whole catalogue fits one page (66 entries today), so that its framework groups are
# never split across pages.
CATALOGUE_PAGE = 500


class FrameworkGroup(NamedTuple):
    grouper: str  # the framework's name, in the reader's language
    list: list[Any]


def by_framework(
    rows: Iterable[Any], indicator: Callable[[Any], Indicator]
) -> list[FrameworkGroup]:
    """Rows already in catalogue order, in runs of one framework (as ``{% regroup %}`` gives
    them, with each framework's name translated once rather than once a row)."""
    names = dict(Framework.choices)
    return [
        FrameworkGroup(str(names.get(code, code)), list(run))
        for code, run in groupby(rows, key=lambda row: indicator(row).framework)
    ]


@require_GET
def catalogue(request):
    """The indicator catalogue for everyone: each indicator's code, definition, unit,
    direction, ASCF focus area and source, grouped by framework; filtered by framework and
    focus area."""
    form = CatalogueFilterForm(request.GET or None)
    page, status = filtered_page(
        request, form, lambda user, **filters: queries.catalogue(**filters), CATALOGUE_PAGE
    )
    return render_results(
        request, "indicators/catalogue.html", {"form": form, "page": page}, status=status
    )


def _city(slug: str) -> City:
    return get_object_or_404(City.objects.select_related("member_state"), slug=slug)


def _enters_for(user, city: City) -> bool:
    return city.pk in scopes_of(user).city_ids


def city_rows(summary: queries.CitySummary) -> list[dict[str, Any]]:
    """A city page's rows as the texts and cells they show: the template only places them
    (50 rows of template tags and an included badge were half of the page's time)."""
    fixed = cells.texts()
    source = cells.Sources()
    edit_url = url_maker("indicator-value-edit")
    return [
        {
            "indicator": row.indicator,
            "code": row.indicator.code,
            "label": row.indicator.label,
            "unit": row.indicator.unit_label,
            "direction": row.indicator.direction_label,
            "value": cells.value(row.latest, fixed),
            "source": source(row.latest.source),
            "verified": row.latest.verification == Verification.VERIFIED,
            "grade": str(cells.GRADES.get(row.latest.grade, row.latest.grade)),
            "badges": display.snippet(
                "components/visibility.html",
                record={"visibility": row.latest.visibility, "sample": row.latest.sample},
            ),
            "edit_url": edit_url(row.latest.pk),
            "network": cells.median(row.network),
            "size_class": cells.median(row.size_class),
            "trend": cells.trend(row.trend),
        }
        for row in summary.rows
    ]


@require_GET
def city_indicators(request, slug: str):
    city = _city(slug)
    summary = queries.city_summary(request.user, city)
    pending = [
        row.latest
        for row in summary.rows
        if row.latest.verification == Verification.PENDING
        and value_policy.can(request.user, "verify", row.latest)
    ]
    return render(
        request,
        "indicators/city.html",
        {
            "city": city,
            "summary": summary,
            "frameworks": by_framework(city_rows(summary), lambda row: row["indicator"]),
            "can_enter": _enters_for(request.user, city),
            "pending": pending,
            "samples": any(row.latest.sample for row in summary.rows),
        },
    )


RANKING_PAGE_SIZE = 50


@require_GET
def indicator_detail(request, slug: str):
    """One indicator of the catalogue and its ranking across every city: each city's latest
    real value the user may see, with its year; sample values (demo) apart, unranked."""
    indicator = get_object_or_404(queries.catalogue(), slug=slug)
    ranking = queries.indicator_ranking(request.user, indicator)
    # 50 cities a page: at ASEAN scale the ranking holds thousands
    page = Paginator(ranking.real, RANKING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/indicator.html",
        {"indicator": indicator, "ranking": ranking, "page": page},
    )


@login_required
@require_http_methods(["GET", "POST"])
def value_new(request, slug: str):
    city = _city(slug)
    if not _enters_for(request.user, city):
        raise Http404
    return form_page(
        request,
        ValueForm(request.POST or None),
        lambda data: value_enter(actor=request.user, city=city, **data),
        template="indicators/value_form.html",
        context={"city": city},
        saved_message=_("The value is recorded; it waits for verification."),
        next_url=reverse("city-indicators", args=[city.slug]),
    )


def _value_to(request, action: str, value_id: int) -> IndicatorValue:
    """The value the user may ``action`` ("change", "verify"), or a 404: a value out of
    their sight, or one they may not act on, is as if it were not there."""
    record = queries.values_for(request.user).filter(pk=value_id).first()
    if record is None or not value_policy.can(request.user, action, record):
        raise Http404
    return record


@login_required
@require_http_methods(["GET", "POST"])
def value_edit(request, value_id: int):
    record = _value_to(request, "change", value_id)
    return edit_page(
        request,
        record,
        ValueEditForm,
        updating(value_update, request.user, record=record),
        template="indicators/value_form.html",
        context={"city": record.city},
        saved_message=_("The value is saved."),
        next_url=reverse("city-indicators", args=[record.city.slug]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def value_verify_page(request, value_id: int):
    record = _value_to(request, "verify", value_id)
    version = int(request.POST.get("version") or 0)
    return form_page(
        request,
        VerifyForm(request.POST or None),
        lambda data: value_verify(
            actor=request.user,
            record=record,
            version=version,
            verified=data["decision"] == "verified",
            grade=data["grade"],
            note=data["note"],
        ),
        template="indicators/verify.html",
        context={
            "record": record,
            "history": record.versions.select_related("by").order_by("-version"),
        },
        saved_message=_("Your answer is recorded."),
        next_url=reverse("city-indicators", args=[record.city.slug]),
    )


# The chooser's lines, built once per state of the city list: (slug, before, after), the
# line being ``before + " checked" + after`` for a chosen city.
_CHOICES: dict[str, list[tuple[str, str, str]]] = {}


def _city_choices(chosen: set[str]) -> SafeString:
    """The chooser's checkboxes, one per city, built in one pass with ``html.escape``: at the
    SPEC's 3,000 cities a form widget's template per checkbox took over a second, and
    ``format_html`` per row a third of one. The lines are kept in the worker between
    requests, under the count of cities and their latest change (one indexed aggregate):
    rebuilding them took ~10 ms a request at 3,000 cities."""
    stamp = City.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    key = f"{stamp['n']}:{stamp['at']}"
    lines = _CHOICES.get(key)
    if lines is None:
        rows = City.objects.order_by("name").values_list("slug", "name", "member_state__code")
        lines = [
            (
                slug,
                f'<li><label><input type="checkbox" name="city" value="{escape(slug)}"',
                f"> {escape(name)} ({escape(code)})</label></li>",
            )
            for slug, name, code in rows
        ]
        _CHOICES.clear()
        _CHOICES[key] = lines
    return mark_safe(
        "\n".join(
            before + (" checked" if slug in chosen else "") + after for slug, before, after in lines
        )
    )


@require_GET
def compare(request):
    chosen = request.GET.getlist("city")
    if chosen:  # the form's checkboxes → the page's one address, ?cities=a,b,c
        # all of them (within reason), so that the page can say which were left out
        query = {"cities": ",".join(chosen[: queries.MAX_COMPARED * 10])}
        if request.GET.get("indicator"):
            query["indicator"] = request.GET["indicator"]
        return HttpResponseRedirect(f"{reverse('city-compare')}?{urlencode(query)}")
    slugs = queries.parse_city_slugs(request.GET.get("cities", ""))
    left_out = slugs[queries.MAX_COMPARED :]
    names = dict(City.objects.filter(slug__in=left_out).values_list("slug", "name"))
    comparison = queries.compare(request.user, slugs)
    # The chart shows the indicator asked for, or the one most of these cities report.
    shown = next(
        (i for i in comparison.indicators if i.slug == request.GET.get("indicator")),
        max(comparison.indicators, key=comparison.reporting, default=None),
    )
    fixed = cells.texts()
    rows = [
        {
            "indicator": i,
            # a row's cells as one HTML text: 300 cells at six cities, each escaped by cells
            "cells": mark_safe(
                "".join(
                    f"<td>{cells.value(comparison.cell(i, c), fixed)}</td>"
                    for c in comparison.cities
                )
            ),
        }
        for i in comparison.indicators
    ]
    return render(
        request,
        "indicators/compare.html",
        {
            "city_choices": _city_choices({c.slug for c in comparison.cities}),
            "comparison": comparison,
            "rows": rows,
            "frameworks": by_framework(rows, lambda row: row["indicator"]),
            "left_out": formats.listed(names.get(slug, slug) for slug in left_out),
            "shown": shown,
            "ranking": comparison.ranking(shown) if shown else [],
            "sample_values": comparison.samples(shown) if shown else [],
            "spec": comparison_spec(comparison, shown) if shown else None,
            "max_compared": queries.MAX_COMPARED,
            "samples": any(v.sample for v in comparison.latest.values()),
        },
    )


@require_http_methods(["GET", "POST"])
def project_indicators(request, pk: int):
    """The indicators a project aims to move (issue 22, item 5): seen by whoever sees the
    project; set, changed (``?change=<indicator slug>``, with the version read) and removed
    by whoever may change it — its city's CSCO, the Secretariat — through the services.
    Someone's change meanwhile gives the form back with what differs (409)."""
    project = projects_for(request.user).filter(pk=pk).select_related("city").first()
    if project is None:
        raise Http404
    can_change = project_policy.can(request.user, "change", project)
    here = reverse("project-indicators", args=[project.pk])
    slug = request.GET.get("change", "") if can_change else ""
    indicator = Indicator.objects.filter(slug=slug).first() if slug else None
    link = project.indicator_targets.filter(indicator=indicator).first() if indicator else None
    form, stale, status = ProjectTargetForm(), None, 200
    if link is not None:
        form = ProjectTargetForm(initial=ProjectTargetForm.initial_from(link), editing=True)
    if request.method == "POST":
        if response := sign_in_first(request):
            return response
        if not can_change:
            raise PermissionDenied(_("Only those who may change the project set its indicators."))
        if "remove" in request.POST:
            return _target_removal(request, project, here)
        sent = _send_target(request, project, indicator, link, here)
        if sent.response:
            return sent.response
        form, stale, status, link = sent.form, sent.stale, sent.status, sent.record
    return render(
        request,
        "indicators/project_targets.html",
        {
            "project": project,
            "targets": queries.project_targets(request.user, project.pk, project.city_id),
            "form": form,
            "stale": stale,
            "changing": link if form.fields.get("indicator") is None else None,
            "can_change": can_change,
        },
        status=status,
    )


def _send_target(request, project, indicator, link, here: str) -> SentEdit:
    """A target's form sent: a change of ``link``'s figures (``send_edit``), or an indicator
    added. Adding one the project has (a colleague's meanwhile, or one listed): the change
    form with both figures (409). Changing one removed meanwhile: the adding form, typed
    figures kept (409)."""
    saved = _("The project's target for this indicator is saved.")
    if link is not None:
        edit = send_edit(
            request,
            link,
            ProjectTargetForm(request.POST, editing=True),
            lambda version, values: project_indicator_set(
                actor=request.user,
                project=project,
                indicator=indicator,
                version=version,
                **values,
            ),
            reload=lambda: ProjectIndicator.objects.filter(pk=link.pk).first() or link,
            saved_message=saved,
            next_url=here,
            form_kwargs={"editing": True},
        )
        return edit
    data = request.POST.copy()
    if indicator is not None:  # ?change= names a target that is no longer there
        data["indicator"], data["version"] = str(indicator.pk), ""
        form = ProjectTargetForm(data)
        form.is_valid()
        form.add_error(
            None,
            _(
                "Someone removed this indicator from the project since you opened the form: "
                "nothing is saved yet. Your figures are in the form; save them to add it again."
            ),
        )
        return SentEdit(None, form, None, None, 409)
    form = ProjectTargetForm(data)
    sent = send_form(
        request,
        form,
        lambda values: project_indicator_set(actor=request.user, project=project, **values),
        saved_message=saved,
        next_url=here,
        stale_edits=True,
    )
    if not sent.stale:
        return SentEdit(sent.response, form, None, None, sent.status)
    current = project.indicator_targets.get(indicator=form.cleaned_data["indicator"])
    stale, again = edit_again(request, form, current, editing=True)
    stale["message"] = _(
        "This indicator already has a target for the project: nothing of yours is saved yet."
    )
    stale["restart"] = f"{here}?change={current.indicator.slug}#set-target"
    return SentEdit(None, again, current, stale, 409)


def _target_removal(request, project, here: str):
    link = project.indicator_targets.filter(indicator__slug=request.POST["remove"]).first()
    if link is None:
        raise Http404
    version = request.POST.get("version", "")
    try:
        project_indicator_remove(
            actor=request.user,
            link=link,
            version=int(version) if version.isascii() and version.isdigit() else None,
        )
    except StaleEdit:
        messages.error(
            request,
            _(
                "Someone changed this indicator's figures since you opened the page: nothing "
                "is removed. Look at them again, then remove it if you still want to."
            ),
        )
        return HttpResponseRedirect(here)
    messages.success(request, _("The indicator is no longer linked to the project."))
    return HttpResponseRedirect(here)
