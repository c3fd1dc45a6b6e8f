from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ascn.core.errors import DomainError
from ascn.core.models import AuditEntry
from ascn.core.services import back_office_delete, back_office_save

if TYPE_CHECKING:
    from ascn.core.types import Actor


class ReadOnly:
    """Shown in the back office, never added, edited or deleted there: these rows move only
    through the services (their locks, rules and audit entries)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes through the back-office services so each is permission-checked and audited."""

    def save_model(
        self, request: HttpRequest, obj: Model, form: ModelForm[Any], change: bool
    ) -> None:
        back_office_save(actor=request.user, obj=obj, changed_fields=list(form.changed_data))

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        back_office_delete(actor=request.user, obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            back_office_delete(actor=request.user, obj=obj)


def service_action(
    description: str, write: Callable[[Actor, Any], object]
) -> Callable[[admin.ModelAdmin[Any], HttpRequest, QuerySet[Any]], None]:
    """An admin action that writes each selected record through a service,
    ``write(actor, record)``: a write the service refuses is shown as an error naming the
    record, and the others go on."""

    @admin.action(description=description)
    def action(
        modeladmin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
    ) -> None:
        for obj in queryset:
            try:
                write(request.user, obj)
            except DomainError as exc:
                modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)

    return action


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail is append-only, even for superusers."""

    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "client_ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id", "request_id"]
    date_hierarchy = "at"


admin.site.site_header = _("ASCN Platform — Secretariat")
admin.site.site_title = _("ASCN Secretariat")
