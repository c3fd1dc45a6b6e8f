from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ascn.accounts.models import ApiToken, Invitation, Membership, User
from ascn.accounts.services import membership_end, password_changed
from ascn.core.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name",)}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @transaction.atomic
    def user_change_password(self, request, id, form_url=""):
        """Django's form sets the password; ``password_changed`` records it and revokes the
        person's API tokens, in the same transaction."""
        before = User.objects.filter(pk=id).values_list("password", flat=True).first()
        response = super().user_change_password(request, id, form_url)
        user = User.objects.filter(pk=id).first()
        if request.method == "POST" and user is not None and user.password != before:
            revoked = password_changed(
                actor=request.user, user=user, action="accounts.password.set"
            )
            if revoked:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d API token of this person was revoked.",
                        "%(count)d API tokens of this person were revoked.",
                        revoked,
                    )
                    % {"count": revoked},
                )
        return response


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    """Read-only: roles are granted by invitation or `membership_grant`, ended by the action."""

    list_display = [
        "user",
        "role",
        "scope_type",
        "member_state",
        "city",
        "organisation",
        "start_date",
        "end_date",
    ]
    list_filter = ["role", "scope_type"]
    search_fields = ["user__email"]
    actions = ["end_today"]

    @admin.action(description=_("End the selected memberships today"))
    def end_today(self, request, queryset):

        for membership in queryset.filter(end_date__isnull=True):
            membership_end(actor=request.user, membership=membership)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = [
        "email",
        "role",
        "member_state",
        "city",
        "organisation",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
    ]
    list_filter = ["role"]
    search_fields = ["email"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    search_fields = ["user__email", "prefix"]
    exclude = ["key_hash"]
