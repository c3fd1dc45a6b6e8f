"""Forms of the account pages. They validate input; writes go through ``accounts.services``."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.models import VerifyNotAllowed

from ascn.accounts.lockout import ACCOUNT_GUARDED_MESSAGE
from ascn.accounts.services import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS
from ascn.core import ratelimit
from ascn.core.forms import line_field


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def get_invalid_login_error(self):
        if getattr(self.request, "ascn_account_guarded", False):
            return forms.ValidationError(ACCOUNT_GUARDED_MESSAGE, code="account_guarded")
        return super().get_invalid_login_error()


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset form, sending at most one e-mail per address per
    ``ASCN_PASSWORD_RESET_INTERVAL`` seconds. The wait starts whether or not the address has
    an account, and the page answers the same either way: it tells no one who is registered."""

    def save(self, *args, **kwargs) -> None:
        email = self.cleaned_data["email"].strip().lower()
        if ratelimit.once_per("password-reset", email, settings.ASCN_PASSWORD_RESET_INTERVAL):
            super().save(*args, **kwargs)


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
    name = line_field(
        _("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “nightly export script”."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        initial=TOKEN_DEFAULT_DAYS,
        help_text=lazy(lambda: gettext("From 1 to %(max)d days.") % {"max": TOKEN_MAX_DAYS}, str)(),
    )
