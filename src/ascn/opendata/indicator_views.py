"""The page where a city's Chief Smart City Officer imports indicator values from a
spreadsheet (``opendata.indicator_import``), and its template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ascn.core.errors import InvalidInput
from ascn.core.forms import form_error
from ascn.core.permissions import scopes_of
from ascn.network.models import City
from ascn.opendata import indicator_import
from ascn.opendata.forms import ProjectImportForm


class IndicatorImportForm(ProjectImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = gettext_lazy("Spreadsheet of indicator values (CSV or XLSX)")


def _own_cities(user):
    return City.objects.filter(pk__in=scopes_of(user).city_ids).order_by("name")


@login_required
@require_GET
def template(request):
    city = _own_cities(request.user).first()
    content = indicator_import.template_csv(city.slug if city else None)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="indicator-values-template.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    cities = list(_own_cities(request.user))
    if not cities:  # only a city's officers enter its values
        raise Http404
    form = IndicatorImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = indicator_import.import_values(
                    actor=request.user, data=upload.read(), name=upload.name
                )
            except InvalidInput as exc:
                form_error(form, exc)
            else:
                if not result.errors:
                    messages.success(
                        request,
                        _("%(n)s values imported; they wait for verification.")
                        % {"n": result.written},
                    )
                    return redirect("city-indicators", cities[0].slug)
    return render(
        request,
        "opendata/indicator_import.html",
        {
            "form": form,
            "result": result,
            "cities": cities,
            "columns": indicator_import.COLUMNS,
            "required": indicator_import.LAYOUT.required,
        },
        status=status,
    )
