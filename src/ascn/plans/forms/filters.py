"""The filters of the project and action-plan lists."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ascn.core.forms import FilterForm
from ascn.network.forms import member_states_with_cities
from ascn.network.models import City, MemberState
from ascn.network.queries import focus_area_labels
from ascn.plans.forms.choices import city_filter_choices, status_choices
from ascn.plans.forms.common import search_attrs
from ascn.plans.models import PlanStatus, ReadinessLevel


class PlaceFilterForm(FilterForm):
    """A list filtered by member state and city (the city menu follows the member state)."""

    follows = {"city": "country"}

    country = forms.ChoiceField(label=_("Member state"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = member_states_with_cities()
        self.follow()

    def follow(self) -> None:
        self.fields["city"].choices = city_filter_choices(self.data)

    def stale_note(self, name: str, value: str) -> str:
        city = City.objects.select_related("member_state").filter(slug=value).first()
        state = MemberState.objects.filter(code__iexact=self.data.get("country") or "").first()
        if name == "city" and city and state:
            return _("%(city)s is not in %(state)s, so the city filter was cleared.") % {
                "city": city.name,
                "state": state.label,
            }
        return super().stale_note(name, value)


class ProjectFilterForm(PlaceFilterForm):
    field_order = ["q", "country", "city", "focus_area", "status", "readiness"]

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    focus_area = forms.ChoiceField(label=_("Focus area"), required=False)
    status = forms.ChoiceField(label=_("Stage"), required=False)
    readiness = forms.ChoiceField(
        label=_("Readiness"),
        required=False,
        choices=[("", _("Any readiness")), *ReadinessLevel.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        search_attrs(self.fields["q"], _("Title, description or city"))
        self.fields["focus_area"].choices = [
            ("", _("All focus areas")),
            *focus_area_labels().items(),
        ]
        self.fields["status"].choices = [("", _("Any stage")), *status_choices()]


class PlanFilterForm(PlaceFilterForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *PlanStatus.choices]
    )
