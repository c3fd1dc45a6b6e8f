"""Account pages: the user's own page, passwords, two-factor, invitations and API tokens.

Writes go through ``accounts.services``; the exceptions are the two-factor device
(django-otp's model) and the audit entries of Django's own password views, kept in the
small ``@transaction.atomic`` functions below.
"""

from __future__ import annotations

import time
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ascn.accounts import services
from ascn.accounts.forms import (
    EmailAuthenticationForm,
    InvitationAcceptForm,
    PasswordResetForm,
    TokenCreateForm,
    TwoFactorCodeForm,
)
from ascn.accounts.lockout import forget_own_failures
from ascn.accounts.models import ApiToken, Delivery, Membership, User
from ascn.accounts.notifications import (
    KINDS,
    kinds_for,
    mark_read,
    notifications_for,
    preferences_of,
)
from ascn.accounts.queries import holds_role
from ascn.accounts.two_factor import needs_second_factor, next_step, request_verified
from ascn.core.errors import InvalidInput, NotFound
from ascn.core.forms import form_error
from ascn.core.languages import codes as language_codes
from ascn.core.languages import language_of_path
from ascn.core.permissions import scopes_of
from ascn.core.views import safe_next


def _next_url(request, default: str = "account") -> str:
    """The ``next`` parameter if it stays on this site, otherwise ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return safe_next(request, target, reverse(default))


# --- the account page ----------------------------------------------------------------


def may_invite(user) -> bool:
    scopes = scopes_of(user)
    return scopes.secretariat or bool(scopes.member_state_ids)


@login_required
@require_GET
def account(request):
    user = request.user
    memberships = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("member_state", "city__member_state", "organisation")
        .order_by("role", "start_date")
    )
    context = {
        "memberships": memberships,
        # the registry's person this account belongs to (the registry links it: Person.user)
        "person": getattr(user, "person", None),
        "two_factor_on": django_otp.user_has_device(user, confirmed=True),
        "is_secretariat": scopes_of(user).secretariat,
        "may_invite": may_invite(user),
        "active_tokens": ApiToken.objects.filter(
            user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).count(),
    }
    return render(request, "accounts/account.html", context)


# --- signing in ----------------------------------------------------------------------


def signed_in_message(request, user: User) -> None:
    """Said once signing in is complete (after the second factor, when one is owed)."""
    messages.success(request, _("Signed in as %(email)s.") % {"email": user.email})


class SignInView(auth_views.LoginView):
    """E-mail and password; then straight on to the second factor when one is owed."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm

    def form_valid(self, form):
        user = form.get_user()
        forget_own_failures(self.request, user.email)
        response = super().form_valid(form)
        # Someone who signs in on a page in a language and has never chosen one reads the
        # site in it: their notices and e-mails are written in it from now on.
        language = translation.get_language()
        if (
            not user.language
            and language in language_codes()
            and language != settings.LANGUAGE_CODE
        ):
            services.language_choose(actor=user, language=language)
        if not needs_second_factor(user, verified=request_verified(self.request)):
            signed_in_message(self.request, user)
        return response

    def get_redirect_url(self):
        """The ``next`` given, unless it leads off the site or back into signing in or out
        (which would nest: ``core.views.safe_next``); also what the form carries on."""
        return safe_next(self.request, super().get_redirect_url(), "")

    def get_success_url(self):
        target = super().get_success_url()
        user = self.request.user
        if needs_second_factor(user, verified=request_verified(self.request)):
            step = "two-factor-verify" if next_step(user) == "verify" else "two-factor-setup"
            return f"{reverse(step)}?{urlencode({'next': target})}"
        return target


class SignOutView(auth_views.LogoutView):
    """Signs out (POST), then on to ``next`` when it is safe and not a page of signing in
    or out, else the home page."""

    def get_redirect_url(self):
        return safe_next(self.request, super().get_redirect_url(), "")


# --- passwords -----------------------------------------------------------------------


def tokens_revoked_message(request, count: int) -> None:
    """Tell the person their API tokens ended with their old password."""
    if count:
        messages.info(
            request,
            ngettext(
                "Your %(count)d API token was revoked with your old password: create a new "
                "one if a script needs it.",
                "Your %(count)d API tokens were revoked with your old password: create new "
                "ones if scripts need them.",
                count,
            )
            % {"count": count},
        )


class PasswordRecordedMixin:
    """A Django password view whose new password is recorded by ``services.password_changed``
    (audit entry ``audit_action``, the user's API tokens revoked) in the same transaction as
    the password itself."""

    audit_action: str

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        revoked = services.password_changed(
            actor=form.user, user=form.user, action=self.audit_action
        )
        tokens_revoked_message(self.request, revoked)
        return response


class PasswordChangeView(PasswordRecordedMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("password-change-done")
    audit_action = "accounts.password.changed"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm  # one e-mail per address per few minutes
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-done")


class PasswordResetConfirmView(PasswordRecordedMixin, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")
    audit_action = "accounts.password.reset"

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever can reset the password may sign in again: lift a sign-in lockout.
        axes_reset(username=form.user.get_username())
        return response


# --- two-factor ----------------------------------------------------------------------


def _unconfirmed_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def _qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline, labelled SVG QR code."""
    import qrcode  # noqa: PLC0415 - start-up: loaded when someone sets up two-factor sign-in
    from qrcode.image.svg import SvgPathImage  # noqa: PLC0415 - start-up: as above

    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=10, border=4)
    svg = image.get_image()
    svg.set("width", "220")
    svg.set("height", "220")
    svg.set("role", "img")
    svg.set("aria-labelledby", "qr-title")
    svg.set("class", "qr-code")
    # qrcode builds the image with lxml when it is installed (the dev tools bring it) and
    # with the standard library's ElementTree otherwise: the title is made, and the markup
    # written, by the image's own element type.
    title = svg.makeelement("title", {"id": "qr-title"})
    title.text = _("QR code that adds the ASCN Platform to your authenticator app")
    svg.insert(0, title)
    # Safe: the markup is built here and the serializer escapes the text in it.
    return mark_safe(image.to_string(encoding="unicode"))


def _grouped_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _demo_code(user: User, device: TOTPDevice) -> str | None:
    """The current code, shown only in demo mode and only for the demo's @example.org accounts."""
    if not settings.ASCN_DEMO or not user.email.lower().endswith("@example.org"):
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    totp.time = now
    if totp.t() <= device.last_t:
        # This step's code was used already; the next one is accepted within the tolerance.
        totp.time = now + device.step * (device.last_t - totp.t() + 1)
    return f"{totp.token():0{device.digits}d}"


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    next_url = _next_url(request)
    if django_otp.user_has_device(user, confirmed=True):
        # Never a second device without the first: an unverified session is sent to verify.
        messages.info(request, _("Two-factor sign-in is already on for your account."))
        return redirect(next_url)
    device = _unconfirmed_device(user)
    form = TwoFactorCodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_enable(actor=user, device=form.device)
        django_otp.login(request, device)
        messages.success(
            request, _("Two-factor sign-in is on. You will be asked for a code when you sign in.")
        )
        return redirect(next_url)
    context = {
        "form": form,
        "qr_svg": _qr_svg(device),
        "secret": _grouped_secret(device),
        "next": next_url,
        "required": scopes_of(user).secretariat and settings.ASCN_SECRETARIAT_REQUIRES_2FA,
        "demo_code": _demo_code(user, device),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    user = request.user
    next_url = _next_url(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return redirect(f"{reverse('two-factor-setup')}?{urlencode({'next': next_url})}")
    if user.is_verified():
        return redirect(next_url)
    form = TwoFactorCodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        django_otp.login(request, form.device)
        signed_in_message(request, user)
        return redirect(next_url)
    context = {"form": form, "next": next_url, "demo_code": _demo_code(user, device)}
    return render(request, "accounts/two_factor_verify.html", context)


@login_required
@require_POST
def two_factor_disable(request):
    user = request.user
    if scopes_of(user).secretariat and settings.ASCN_SECRETARIAT_REQUIRES_2FA:
        messages.error(
            request, _("Two-factor sign-in is required for the Secretariat and stays on.")
        )
        return redirect("account")
    if django_otp.user_has_device(user, confirmed=True) and not user.is_verified():
        # The path is open to sessions that still owe a code: ask for it first.
        return redirect(f"{reverse('two-factor-verify')}?{urlencode({'next': reverse('account')})}")
    if django_otp.user_has_device(user, confirmed=None):
        services.two_factor_disable(actor=user)
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("account")


# --- invitations ---------------------------------------------------------------------


def _invalid_invitation(request):
    return render(request, "accounts/invitation_invalid.html", status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    try:
        invitation = services.invitation_by_token(token)
    except NotFound:
        return _invalid_invitation(request)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    # An existing account accepts signed in as itself; someone else signed in is told so.
    signed_in_as_existing = existing is not None and request.user.pk == existing.pk
    # a role gained since the invitation was sent: accepting it adds nothing
    held = existing is not None and holds_role(existing.email, invitation.role, invitation.scope)
    form = None if existing else InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and (
        signed_in_as_existing or (form is not None and form.is_valid())
    ):
        data = form.cleaned_data if form is not None else {}
        try:
            user = services.invitation_accept(
                token=token,
                password=data.get("password"),
                full_name=data.get("full_name", ""),
                actor=request.user if request.user.is_authenticated else None,
            )
        except NotFound:
            return _invalid_invitation(request)
        except InvalidInput as exc:
            if form is None:
                messages.error(request, exc.message)
            else:
                form_error(form, exc)
        else:
            role = invitation.get_role_display()
            if existing is None:
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request,
                    _("Welcome to the ASCN Platform, %(name)s. You are signed in as %(role)s.")
                    % {"name": user.get_short_name(), "role": role},
                )
                return redirect("workspace")  # where the new role's work is
            if held:
                messages.info(request, _("You already hold the role %(role)s.") % {"role": role})
            else:
                messages.success(
                    request, _("The role %(role)s is added to your account.") % {"role": role}
                )
            return redirect("workspace")
    context = {
        "invitation": invitation,
        "existing": existing,
        "signed_in_as_existing": signed_in_as_existing,
        "held": held,
        "sign_in_url": f"{reverse('login')}?{urlencode({'next': request.path})}",
        # signed out, the person comes back to this invitation (which offers to sign in)
        "invitation_path": request.path,
        "form": form,
        "password_help": password_validators_help_texts(),
    }
    return render(request, "accounts/invitation_accept.html", context)


# --- API tokens ----------------------------------------------------------------------


def _token_status(token: ApiToken, now, owes_second_factor: bool) -> tuple[str, str]:
    """``owes_second_factor``: ``needs_second_factor(owner, verified=False)``."""
    if token.revoked_at is not None:
        return "revoked", _("revoked")
    if token.expires_at <= now:
        return "expired", _("expired")
    if owes_second_factor and not token.two_factor:
        return "refused", _("refused: made without two-factor, create a new one")
    return "active", _("active")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenCreateForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                two_factor=request_verified(request),
            )
        except InvalidInput as exc:
            form_error(form, exc)
        else:
            form = TokenCreateForm()
    now = timezone.now()
    token_list = list(ApiToken.objects.filter(user=request.user).order_by("-created_at", "-pk"))
    owes_second_factor = needs_second_factor(request.user, verified=False)
    for token in token_list:
        token.status, token.status_label = _token_status(token, now, owes_second_factor)
    context = {"form": form, "tokens": token_list, "created": created, "secret": secret}
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        services.token_revoke(actor=request.user, token=token)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    return redirect("tokens")


# --- notifications (appended with the deal pipeline) ----------------------------------


@login_required
@require_GET
def notifications(request):

    page = Paginator(notifications_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_mark_read(request):
    """Mark one notification read (``id``) or all of them; only the user's own."""

    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    mark_read(user=request.user, ids=ids or None)
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Per kind of notification: in the platform only, e-mail at once, or the daily digest."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        changes = {kind: request.POST.get(kind, "") for kind in KINDS if kind in request.POST}
        try:
            services.notification_preferences_update(actor=request.user, changes=changes)
        except InvalidInput as exc:
            errors[exc.field or ""] = exc.message
        else:
            messages.success(request, _("Your notifications settings are saved."))
            return redirect("notification-settings")
    chosen = preferences_of(request.user)
    if request.method == "POST":
        chosen |= {k: v for k, v in request.POST.items() if k in KINDS}
    rows = [
        {"kind": kind, "label": label, "delivery": chosen[kind], "error": errors.get(kind, "")}
        for kind, label in kinds_for(request.user).items()
    ]
    return render(
        request,
        "accounts/notification_settings.html",
        {"rows": rows, "choices": Delivery.choices, "errors": errors},
        status=400 if errors else 200,
    )


# --- language --------------------------------------------------------------------------


@require_POST
def choose_language(request):
    """The language menu: remember the choice in this browser (Django's ``set_language``: the
    cookie, and back to the same page in the new language) and, for a signed-in person, on
    their account."""
    code = request.POST.get("language", "")
    if code not in {language for language, _name in settings.LANGUAGES}:
        return HttpResponseBadRequest(_("Choose one of the platform's languages."))
    # the page to go back to is resolved in its own language, then named in the new one
    with translation.override(language_of_path(request.POST.get("next", ""))):
        response = set_language(request)
    if request.user.is_authenticated:
        services.language_choose(actor=request.user, language=code)
    return response
