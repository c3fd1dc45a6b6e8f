"""Public pages of the network registry. Server-rendered; htmx refreshes the results only."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ascn.dashboards.queries import public_project_counts
from ascn.network import queries
from ascn.network.api import city_out
from ascn.network.forms import CityFilterForm, DirectoryFilterForm
from ascn.network.models import (
    Appointment,
    City,
    FocusArea,
    KeyFact,
    MemberState,
    Outcome,
    TimelineEvent,
)
from ascn.network.tasks import map_svg
from ascn.plans.queries import projects_for


def _map_svg(cities) -> str:
    """The stored map, or "" (the template says it is being drawn) while the task worker
    draws it: Altair and vl-convert stay out of the web worker (see ``network.tasks``)."""
    counts = public_project_counts()  # the dots are sized by their public projects
    return map_svg([{**city_out(c), "projects": counts.get(c.pk, 0)} for c in cities])


@require_GET
def home(request):
    cities = list(queries.cities())
    context = {
        "counts": {
            "member_states": MemberState.objects.count(),
            "cities": len(cities),
            "pilot_cities": sum(1 for city in cities if city.cohort == 2018),
            "officers": Appointment.objects.current().filter(role=Appointment.Role.CSO).count(),
        },
        "cities_by_state": sorted(cities, key=lambda c: (c.member_state.name, c.name)),
        "map_svg": _map_svg(cities),
        "facts": KeyFact.objects.all(),
        "outcomes": Outcome.objects.all(),
        "focus_areas": FocusArea.objects.all(),
        "timeline": TimelineEvent.objects.all(),
    }
    return render(request, "network/home.html", context)


@require_GET
def member_state_list(request):
    states = queries.member_states().prefetch_related("cities")
    return render(request, "network/member_state_list.html", {"states": states})


@require_GET
def member_state_detail(request, code: str):
    state = next((s for s in queries.member_states() if s.code.lower() == code.lower()), None)
    if state is None:
        raise Http404
    cities = queries.cities(country=state.code)
    return render(
        request,
        "network/member_state_detail.html",
        {"state": state, "cities": cities, "map_svg": _map_svg(cities) if cities else ""},
    )


@require_GET
def city_list(request):
    form = CityFilterForm(request.GET or None)
    cities = City.objects.none()
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        status = 200
        filters = form.cleaned_data if form.is_bound else {}
        cities = queries.cities(**{k: v or None for k, v in filters.items()})
    template = "network/city_list.html#results" if request.htmx else "network/city_list.html"
    return render(request, template, {"form": form, "cities": cities}, status=status)


@require_GET
def city_detail(request, slug: str):
    try:
        city = queries.city_with_officers(slug)
    except City.DoesNotExist:
        raise Http404 from None
    neighbours = City.objects.filter(member_state=city.member_state).exclude(pk=city.pk)
    projects = projects_for(request.user, city=city.slug)
    return render(
        request,
        "network/city_detail.html",
        {
            "city": city,
            "neighbours": neighbours,
            "projects": projects,
            "project_count": projects.count(),
        },
    )


@require_GET
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = queries.directory(**{k: v or None for k, v in filters.items()})
    template = "network/directory.html#results" if request.htmx else "network/directory.html"
    return render(request, template, {"form": form, "people": people})
