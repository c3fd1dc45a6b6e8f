"""Public pages of the network registry. Server-rendered; htmx refreshes the results only."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ascn.core.views import render_results
from ascn.network import queries
from ascn.network.forms import CityFilterForm, DirectoryFilterForm
from ascn.network.models import (
    City,
)


@require_GET
def member_state_list(request):
    states = queries.member_states().prefetch_related("cities")
    return render(request, "network/member_state_list.html", {"states": states})


@require_GET
def city_list(request):
    form = CityFilterForm(request.GET or None)
    cities = City.objects.none()
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        status = 200
        cities = queries.cities(**(form.filters() if form.is_bound else {}))
    context = {"form": form, "cities": cities}
    return render_results(request, "network/city_list.html", context, status=status)


@require_GET
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    people = queries.directory(**(form.filters() if form.is_valid() else {}))
    return render_results(request, "network/directory.html", {"form": form, "people": people})
