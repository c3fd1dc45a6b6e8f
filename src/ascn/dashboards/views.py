"""The public dashboards: one page (htmx refreshes its results) and a CSV per chart."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ascn.core import prepared
from ascn.core.countries import asked_member_state
from ascn.core.drawings import digest
from ascn.core.errors import InvalidInput
from ascn.core.forms import FilterForm
from ascn.core.views import render_results
from ascn.dashboards import charts, queries
from ascn.network import maps
from ascn.network.models import FocusArea, MemberState
from ascn.network.tasks import map_svg
from ascn.opendata.spreadsheets import csv_bytes

FIRST_YEAR = 2018  # the network's launch: its first cities (the pilot cohort)


def _years() -> list[tuple[str, str]]:
    """The years with figures: from the network's launch to this year, newest first (a
    project planned to run until 2031 gives no figures for 2031 yet)."""
    last = timezone.localdate().year
    return [("", _("All years"))] + [(str(y), str(y)) for y in range(last, FIRST_YEAR - 1, -1)]


class DashboardFilterForm(FilterForm):
    member_state = forms.ModelChoiceField(
        label=_("Member state"),
        queryset=MemberState.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All member states"),
    )
    focus_area = forms.ModelChoiceField(
        label=_("Focus area"),
        queryset=FocusArea.objects.order_by("position", "code"),
        to_field_name="code",
        required=False,
        empty_label=_("All focus areas"),
    )
    year = forms.TypedChoiceField(
        label=_("Year"), choices=_years, coerce=int, empty_value=None, required=False
    )

    def filters(self) -> queries.Filters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return queries.Filters(
            member_state=data.get("member_state"),
            focus_area=data.get("focus_area"),
            year=data.get("year"),
        )


def cache_key(filters: queries.Filters, language: str | None = None) -> str:
    """Where the figures for these filters (in this language) are kept."""
    return "dashboards:v6:" + ":".join(
        [
            language or get_language() or "",
            filters.member_state.code if filters.member_state else "",
            filters.focus_area.code if filters.focus_area else "",
            str(filters.year or ""),
        ]
    )


FIGURES = "dashboards.figures"


def dashboard_cached(filters: queries.Filters) -> dict:
    """The figures for ``filters``, kept in the shared cache and refreshed by the task worker
    once a minute old (``core.prepared``): a page never waits for them but the first time."""
    args = {
        "member_state": filters.member_state.code if filters.member_state else None,
        "focus_area": filters.focus_area.code if filters.focus_area else None,
        "year": filters.year,
    }
    return prepared.kept(
        FIGURES, cache_key(filters), args, lambda: dashboard(filters), queries.cache_seconds()
    )


def figures_for(member_state: str | None, focus_area: str | None, year: int | None) -> dict:
    """The figures for filters given as codes (what the task worker is handed)."""
    return dashboard(
        queries.Filters(
            member_state=MemberState.objects.filter(code=member_state).first()
            if member_state
            else None,
            focus_area=FocusArea.objects.filter(code=focus_area).first() if focus_area else None,
            year=year,
        )
    )


def dashboard(filters: queries.Filters) -> dict:
    """Every figure of the page, from a fixed number of aggregate queries: three over the
    projects' tallies (by member state × status × currency, by city, by focus area), one
    over the deals' tallies, one over the organisations (over the projects and engagements
    themselves when a year is chosen).

    Bounded whatever the number of cities: what is kept holds the cities the page shows —
    the busiest for the map and the cities' table, the member states' disclosure rows past
    ``charts.TABLE_ROWS_SHOWN`` — and each table's CSV reads every city when downloaded
    (``city_table``)."""
    computed_at = timezone.now()
    figures = queries.project_figures(filters)
    counts = queries.city_project_counts(filters)
    funding = queries.funding_by_state(figures, filters)
    deals = queries.deals_by_stage(filters)
    kinds, sample_organisations = queries.organisations_by_kind()
    programmes = queries.programmes()
    network_wide = [charts.organisations_chart(kinds), charts.programmes_chart(programmes)]
    if filters.any:
        # partners and programmes belong to no member state, focus area or year: said, so that
        # "Thailand" above them is not read as theirs
        whole = _("The whole network’s: the filters do not apply here.")
        for chart in network_wide:
            chart.note = " ".join([str(whole), chart.note])
    chart_list = [
        charts.status_chart(queries.projects_by_status(figures)),
        charts.funding_chart(funding),
        charts.focus_chart(queries.projects_by_focus_area(filters)),
        charts.deals_chart(deals),
        *network_wide,
    ]
    overview = queries.overview(
        filters,
        projects=figures.total,
        organisations=sum(n for *_rest, n in kinds),
        engagements=sum(n for *_rest, n in deals),
    )
    busiest = queries.busiest_cities(filters, counts, max(maps.MAP_CITIES, charts.TABLE_ROWS_SHOWN))
    cities_table = charts.cities_table(busiest, total=overview.cities)
    map_shown = maps.clean_cities(busiest)
    if len(counts) > charts.TABLE_ROWS_SHOWN:
        disclosure_table = charts.disclosure_summary(
            queries.disclosure_by_state(filters), len(counts), filtered=filters.any
        )
    else:
        disclosure_table = charts.disclosure_table(
            queries.disclosure_by_city(filters), filtered=filters.any
        )
    # each table's rows kept with the figures (see Chart.table_html)
    for chart in [*chart_list, cities_table, disclosure_table]:
        chart.table_html = str(charts.rows_html(chart))
    return {
        "overview": overview,
        "charts": chart_list,
        "cities_table": cities_table,
        "disclosure_table": disclosure_table,
        # The cities the map draws (the busiest ``maps.MAP_CITIES``), not all 3,000: every
        # page read unpickles what is kept here.
        "map_shown": map_shown,
        "map_total": overview.cities,
        # What the map's SVG is stored under (the digest of every city: the map draws
        # the same ones).
        "map_digest": maps.svg_digest(map_shown),
        "funding": funding,
        "sample": bool(
            figures.samples or sample_organisations or any(p.sample for p in programmes)
        ),
        "last_updated": figures.last_updated,
        "computed_at": computed_at,
    }


CHART_KEYS = (
    "pipeline",
    "funding",
    "focus-areas",
    "deals",
    "partners",
    "programmes",
    "cities",
    "disclosure",
)
TABLE_KEYS = ("cities", "disclosure")


def city_table(key: str, filters: queries.Filters) -> charts.Chart:
    """A per-city table (``TABLE_KEYS``) with every city, for its CSV download (the page
    keeps only the rows it shows): read when asked, from the same tallies as the page."""
    if key == "disclosure":
        return charts.disclosure_table(queries.disclosure_by_city(filters), filtered=filters.any)
    counts = queries.city_project_counts(filters)
    return charts.cities_table(queries.map_cities(queries.cities_by_name(filters), counts))


def _params(request):
    """The filters of the query string; ``country=TH`` (as in the API) means member_state
    (``asked_member_state``: an ``InvalidInput`` when the two name different states)."""
    params = request.GET.copy()
    code = asked_member_state(params)
    params.pop("country", None)
    if code:
        params["member_state"] = code
    return params or None


@require_GET
def index(request):
    form = DashboardFilterForm(_params(request))
    status = 400 if form.is_bound and not form.is_valid() else 200
    filters = form.filters()
    context = {"form": form, "filters": filters, **dashboard_cached(filters)}
    # while a changed map is drawn, the last one of the same filters is shown
    chosen = (getattr(filters.member_state, "pk", None), getattr(filters.focus_area, "pk", None))
    view = "dashboards-" + digest(*chosen, filters.year)
    context["map_svg"] = map_svg(context["map_shown"], digest=context["map_digest"], view=view)
    context["map_note"] = maps.map_note(context["map_total"])
    context["query"] = form.data.urlencode() if status == 200 and form.is_bound else ""
    return render_results(request, "dashboards/index.html", context, status=status)


def _chart_csv_name(key: str, filters: queries.Filters) -> str:
    parts = [f"ascn-{key}"]
    if filters.member_state:
        parts.append(filters.member_state.code.lower())
    if filters.focus_area:
        parts.append(filters.focus_area.code)
    if filters.year:
        parts.append(str(filters.year))
    parts.append(dt.date.today().isoformat())
    return "-".join(parts) + ".csv"


@require_GET
def chart_csv(request, key: str):
    if key not in CHART_KEYS:
        raise Http404
    try:
        form = DashboardFilterForm(_params(request), strict=True)
    except InvalidInput as error:
        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    if form.is_bound and not form.is_valid():
        return HttpResponse(str(form.errors), status=400, content_type="text/plain")
    filters = form.filters()
    if key in TABLE_KEYS:
        chart = city_table(key, filters)
    else:
        chart = next(c for c in dashboard_cached(filters)["charts"] if c.key == key)
    rows = [chart.columns, *chart.rows]
    response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_chart_csv_name(key, filters)}"'
    return response
