"""Public pages of the network registry. Server-rendered; htmx refreshes the results only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.core.views import edit_page, filtered_page, form_page, render_results, updating
from ascn.network import queries
from ascn.network.forms import (
    AppointForm,
    CityFilterForm,
    CityForm,
    CityNewForm,
    DirectoryFilterForm,
    EndForm,
    MemberStateForm,
)
from ascn.network.models import Appointment, City, MemberState
from ascn.network.permissions import can_edit_registry
from ascn.network.services import (
    appointment_end,
    city_create,
    city_update,
    member_state_update,
    officer_appoint,
)

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


def _officers_page(request, state: MemberState, city: City | None):
    if not can_edit_registry(request.user):
        raise PermissionDenied(_("Only the Secretariat keeps the officers' record."))
    role = Appointment.Role.CSO if city else Appointment.Role.NATIONAL_REPRESENTATIVE
    return form_page(
        request,
        AppointForm(request.POST) if request.method == "POST" else AppointForm(),
        lambda data: officer_appoint(
            actor=request.user, role=role, member_state=state, city=city, **data
        ),
        template="network/officers.html",
        context={
            "state": state,
            "city": city,
            "role": Appointment.Role(role),
            "appointments": queries.appointments_of(role, state, city),
            "end_form": EndForm(),
        },
        saved_message=_("The appointment is recorded."),
        next_url=request.path,
    )


@login_required
@require_http_methods(["GET", "POST"])
def city_officers(request, slug: str):
    city = get_object_or_404(City.objects.select_related("member_state"), slug=slug)
    return _officers_page(request, city.member_state, city)


@login_required
@require_http_methods(["GET", "POST"])
def member_state_representatives(request, code: str):
    state = get_object_or_404(MemberState, code=code.upper())
    return _officers_page(request, state, None)


@login_required
@require_POST
def appointment_end_view(request, pk: int):
    appointment = get_object_or_404(
        Appointment.objects.select_related("city", "member_state"), pk=pk
    )
    back = (
        reverse("city-officers", args=[appointment.city.slug])
        if appointment.city_id
        else reverse("member-state-representatives", args=[appointment.member_state.code])
    )
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the officer left office."))
        return HttpResponseRedirect(back)
    try:
        appointment_end(
            actor=request.user, appointment=appointment, end_date=form.cleaned_data["end_date"]
        )
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(back)
    messages.success(request, _("The appointment has ended; it stays in the history."))
    return HttpResponseRedirect(back)


ONLY_SECRETARIAT = gettext_lazy(  # read in the request's language
    "Only the Secretariat keeps the network registry."
)


def _require_registry_editor(request) -> None:
    if not can_edit_registry(request.user):
        raise PermissionDenied(str(ONLY_SECRETARIAT))


def _edit_page(request, record, form_class, save):
    """The edit form of a registry record (a member state, a city): saved → back to its
    page; someone saved it meanwhile → the form again (409) with what differs, ready to be
    saved on purpose."""
    _require_registry_editor(request)
    return edit_page(
        request,
        record,
        form_class,
        save,
        template="network/registry_form.html",
        context={
            "title": _("Edit the record of %(name)s") % {"name": record},
            "back": record.get_absolute_url(),
        },
        saved_message=_("The registry is updated."),
        next_url=record.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_state_edit(request, code: str):
    state = get_object_or_404(MemberState, code=code.upper())
    return _edit_page(
        request,
        state,
        MemberStateForm,
        updating(member_state_update, request.user, member_state=state),
    )


@login_required
@require_http_methods(["GET", "POST"])
def city_edit(request, slug: str):
    city = get_object_or_404(City, slug=slug)
    return _edit_page(
        request,
        city,
        CityForm,
        updating(city_update, request.user, city=city),
    )


@login_required
@require_http_methods(["GET", "POST"])
def city_new(request):
    _require_registry_editor(request)

    def save(data):
        values = {f: data[f] for f in CityForm.record_fields}
        state = MemberState.objects.get(code=data["member_state"])
        return city_create(actor=request.user, member_state=state, **values)

    return form_page(
        request,
        CityNewForm(request.POST) if request.method == "POST" else CityNewForm(),
        save,
        template="network/registry_form.html",
        context={
            "title": _("Add a city to the network"),
            "back": reverse("city-list"),
            "creating": True,
        },
        saved_message=_("The city is added to the network."),
        next_url=lambda city: city.get_absolute_url(),
    )
