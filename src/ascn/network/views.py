"""Public pages of the network registry. Server-rendered; htmx refreshes the results only."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ascn.core.views import filtered_page, render_results
from ascn.network import queries
from ascn.network.forms import CityFilterForm, DirectoryFilterForm

# The member states' table names at most this many cities of each state; the rest are one
# link away, in the city list filtered by the state.
CITIES_PER_STATE = 12
# The city list's page size: the directory stays the same size at 3,000 cities.
CITIES_PER_PAGE = 50


@require_GET
def member_state_list(request):
    groups = {g.state.pk: g for g in queries.cities_by_member_state(CITIES_PER_STATE)}
    states = [(state, groups[state.pk]) for state in queries.member_states()]
    return render(request, "network/member_state_list.html", {"states": states})


@require_GET
def city_list(request):
    form = CityFilterForm(request.GET or None)
    page, status = filtered_page(
        request, form, lambda user, **filters: queries.cities(**filters), CITIES_PER_PAGE
    )
    context = {"form": form, "page": page}
    return render_results(request, "network/city_list.html", context, status=status)


@require_GET
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    people = queries.directory(**(form.filters() if form.is_valid() else {}))
    return render_results(request, "network/directory.html", {"form": form, "people": people})
