"""Forms of the portal's pages: whom to invite, to which role, over which scope — chosen
among the registry's member states, cities and officers and the partners' organisations.
Writes go through ``accounts.services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ascn.accounts.models import ROLE_SCOPE, SCOPE_FIELD, Role, ScopeType
from ascn.network import queries as network_queries
from ascn.network.forms import CityChoiceField
from ascn.network.models import City, MemberState, Person
from ascn.partners.models import Organisation


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        offices = "; ".join(
            f"{a.get_role_display()}, {a.city.name if a.city_id else a.member_state.name}"
            for a in obj.current_appointments
        )
        return f"{obj.full_name} — {offices}" if offices else obj.full_name


def _scope_choice(label, queryset, help_text, field=forms.ModelChoiceField):
    """One of the scope choosers: optional here, the role decides which one counts."""
    return field(label=label, queryset=queryset, required=False, help_text=help_text)


CITIES = City.objects.select_related("member_state").order_by("member_state__name", "name")


class InvitationForm(forms.Form):
    """Whom to invite, to which role and over which scope.

    Works without JavaScript: every scope chooser is shown and the role picks the one used.
    A National Representative invites Chief Smart City Officers of their own state's cities only.
    """

    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    member_state = _scope_choice(
        _("Member state"), MemberState.objects.order_by("name"), _("For a National Representative.")
    )
    city = _scope_choice(_("City"), CITIES, _("For a Chief Smart City Officer."), CityChoiceField)
    organisation = _scope_choice(
        _("Organisation"), Organisation.objects.order_by("name"), _("For a partner member.")
    )
    person = _scope_choice(
        _("Registry person (optional)"),
        Person.objects.none(),
        _(
            "The officer in the registry this account belongs to: a CSCO of the chosen city "
            "or the National Representative of the chosen state."
        ),
        PersonChoiceField,
    )

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.secretariat = scopes.secretariat
        if self.secretariat:
            self.fields["person"].queryset = network_queries.officers_without_account()
        else:
            # A National Representative: the role is fixed, the city one of their state's.
            self.fields["role"].choices = [(Role.CSO.value, Role.CSO.label)]
            self.fields["role"].initial = Role.CSO.value
            self.fields["role"].help_text = _(
                "National Representatives invite the Chief Smart City Officers of their state."
            )
            del self.fields["member_state"], self.fields["organisation"]
            self.fields["city"].queryset = CITIES.filter(
                member_state_id__in=scopes.member_state_ids
            )
            self.fields["city"].required = True
            self.fields["city"].help_text = ""
            self.fields["person"].queryset = network_queries.officers_without_account(
                member_state_ids=scopes.member_state_ids
            )
            self.fields["person"].help_text = _(
                "The officer in the registry this account belongs to: a CSCO of the chosen city."
            )

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if not role:
            return data
        scope_type = ROLE_SCOPE[Role(role)]
        scope = None
        if scope_type != ScopeType.NETWORK:
            field = SCOPE_FIELD[scope_type]
            scope = data.get(field)
            if scope is None and field not in self.errors:
                self.add_error(
                    field,
                    _("Choose the %(scope)s this role is held over.")
                    % {"scope": scope_type.label.lower()},
                )
        data["scope"] = scope
        person = data.get("person")
        if person is not None and scope is not None:
            self._check_person(person, role, scope)
        elif person is not None and role not in (Role.CSO, Role.NATIONAL_REPRESENTATIVE):
            self.add_error(
                "person",
                _("Only officers (CSCOs and National Representatives) are in the registry."),
            )
        return data

    def _check_person(self, person, role, scope) -> None:
        offices = person.appointments.current()
        if role == Role.CSO and not offices.filter(city=scope).exists():
            self.add_error("person", _("This person holds no office in that city."))
        elif (
            role == Role.NATIONAL_REPRESENTATIVE
            and not offices.filter(role=Role.NATIONAL_REPRESENTATIVE, member_state=scope).exists()
        ):
            self.add_error(
                "person", _("This person is not a National Representative of that member state.")
            )
        elif role not in (Role.CSO, Role.NATIONAL_REPRESENTATIVE):
            self.add_error(
                "person",
                _("Only officers (CSCOs and National Representatives) are in the registry."),
            )
