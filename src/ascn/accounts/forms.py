"""Forms of the account pages. They validate input; writes go through ``accounts.services``."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.db.models import Prefetch
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.models import VerifyNotAllowed

from ascn.accounts.models import ROLE_SCOPE, Role, ScopeType
from ascn.accounts.services import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS

# The form field that holds the scope of each kind of role.
SCOPE_FIELD = {
    ScopeType.MEMBER_STATE: "member_state",
    ScopeType.CITY: "city",
    ScopeType.ORGANISATION: "organisation",
}


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


# --- two-factor ----------------------------------------------------------------------


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app, checked against one TOTP device.

    Throttling is django-otp's own (``verify_is_allowed``): each failure doubles the wait.
    """

    code = forms.CharField(
        label=_("Six-digit code"),
        min_length=6,
        max_length=8,
        strip=True,
        help_text=_("The code your authenticator app shows now for the ASCN Platform."),
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]*",
                "autofocus": True,
                "size": 8,
            }
        ),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit():
            raise forms.ValidationError(_("Enter the digits only."), code="not_digits")
        allowed, info = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(self._not_allowed_message(info), code="throttled")
        with transaction.atomic():
            # Lock the device so concurrent guesses are counted one by one.
            device = type(self.device).objects.select_for_update().get(pk=self.device.pk)
            verified = device.verify_token(code)
        if not verified:
            raise forms.ValidationError(
                _("That code is not right. Check the time on your phone and try the newest code."),
                code="invalid",
            )
        self.device = device
        return code

    @staticmethod
    def _not_allowed_message(info: dict | None) -> str:
        """django-otp's own wording (translated by django-otp)."""
        messages = OTPAuthenticationFormMixin.otp_error_messages
        if info and info.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
            return messages["n_failed_attempts"] % {"failure_count": info["failure_count"]}
        return str(messages["verification_not_allowed"])


# --- invitations ---------------------------------------------------------------------


class CityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.member_state.name})"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        offices = "; ".join(
            f"{a.get_role_display()}, {a.city.name if a.city_id else a.member_state.name}"
            for a in obj.current_appointments
        )
        return f"{obj.full_name} — {offices}" if offices else obj.full_name


def _registry_people(*, member_state_ids=None):
    """People of the registry with a current office and no account yet."""
    from ascn.network.models import Appointment, Person

    offices = Appointment.objects.current().select_related("city", "member_state")
    if member_state_ids is not None:
        offices = offices.filter(role=Appointment.Role.CSO, member_state_id__in=member_state_ids)
    return (
        Person.objects.filter(user__isnull=True, pk__in=offices.values("person_id"))
        .prefetch_related(Prefetch("appointments", offices, to_attr="current_appointments"))
        .order_by("full_name")
    )


class InvitationForm(forms.Form):
    """Whom to invite, to which role and over which scope.

    Works without JavaScript: every scope chooser is shown and the role picks the one used.
    A National Representative invites Chief Smart City Officers of their own state's cities only.
    """

    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    member_state = forms.ModelChoiceField(
        label=_("Member state"),
        queryset=None,
        required=False,
        help_text=_("For a National Representative."),
    )
    city = CityChoiceField(
        label=_("City"),
        queryset=None,
        required=False,
        help_text=_("For a Chief Smart City Officer."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        required=False,
        help_text=_("For a partner member."),
    )
    person = PersonChoiceField(
        label=_("Registry person (optional)"),
        queryset=None,
        required=False,
        help_text=_(
            "The officer in the registry this account belongs to: a CSCO of the chosen city "
            "or the National Representative of the chosen state."
        ),
    )

    def __init__(self, *args, scopes, **kwargs):
        from ascn.network.models import City, MemberState
        from ascn.partners.models import Organisation

        super().__init__(*args, **kwargs)
        self.secretariat = scopes.secretariat
        cities = City.objects.select_related("member_state").order_by("member_state__name", "name")
        if self.secretariat:
            self.fields["member_state"].queryset = MemberState.objects.order_by("name")
            self.fields["organisation"].queryset = Organisation.objects.order_by("name")
            self.fields["city"].queryset = cities
            self.fields["person"].queryset = _registry_people()
        else:
            # A National Representative: the role is fixed, the city one of their state's.
            self.fields["role"].choices = [(Role.CSO.value, Role.CSO.label)]
            self.fields["role"].initial = Role.CSO.value
            self.fields["role"].help_text = _(
                "National Representatives invite the Chief Smart City Officers of their state."
            )
            del self.fields["member_state"], self.fields["organisation"]
            self.fields["city"].queryset = cities.filter(
                member_state_id__in=scopes.member_state_ids
            )
            self.fields["city"].required = True
            self.fields["city"].help_text = ""
            self.fields["person"].queryset = _registry_people(
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


class InvitationAcceptForm(forms.Form):
    """A new account: name and password. The password validators run in the service."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "aria-describedby": "id_password_helptext"}
        ),
    )
    password_confirm = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        first, second = data.get("password"), data.get("password_confirm")
        if first and second and first != second:
            self.add_error("password_confirm", _("The two passwords differ."))
        return data


# --- API tokens ----------------------------------------------------------------------


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("What the token is for, e.g. “nightly export script”."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        initial=TOKEN_DEFAULT_DAYS,
        help_text=lazy(lambda: gettext("From 1 to %(max)d days.") % {"max": TOKEN_MAX_DAYS}, str)(),
    )
