from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ascn.cooperation.models import CaseStudy, CityPartnership, Post, Thread
from ascn.cooperation.services import post_hide, thread_moderate
from ascn.core.admin import AuditedAdmin, ReadOnlyAdmin
from ascn.core.errors import DomainError


@admin.register(CityPartnership)
class CityPartnershipAdmin(AuditedAdmin):
    list_display = ["city", "partner_name", "partner_country", "start_date", "visibility"]
    list_filter = ["visibility"]
    search_fields = ["city__name", "partner_name"]
    raw_id_fields = ["city", "partner_city"]
    readonly_fields = ["version"]


@admin.register(CaseStudy)
class CaseStudyAdmin(AuditedAdmin):
    list_display = ["title", "focus_area", "city", "visibility"]
    list_filter = ["focus_area", "visibility"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["city", "provider"]
    readonly_fields = ["version", "document"]


class ModeratedAdmin(ReadOnlyAdmin):
    """Members write the discussions; the back office only moderates them (through services)."""

    def _each(self, request, queryset, write):
        for obj in queryset:
            try:
                write(obj)
            except DomainError as exc:
                messages.error(request, exc.message)


@admin.register(Thread)
class ThreadAdmin(ModeratedAdmin):
    list_display = ["title", "focus_area", "author", "updated_at", "locked", "hidden"]
    list_filter = ["focus_area", "locked", "hidden"]
    search_fields = ["title"]
    actions = ["lock", "unlock", "hide", "unhide"]

    @admin.action(description=_("Lock"))
    def lock(self, request, queryset):
        self._each(
            request, queryset, lambda t: thread_moderate(actor=request.user, thread=t, locked=True)
        )

    @admin.action(description=_("Unlock"))
    def unlock(self, request, queryset):
        self._each(
            request, queryset, lambda t: thread_moderate(actor=request.user, thread=t, locked=False)
        )

    @admin.action(description=_("Hide from members"))
    def hide(self, request, queryset):
        self._each(
            request, queryset, lambda t: thread_moderate(actor=request.user, thread=t, hidden=True)
        )

    @admin.action(description=_("Show to members"))
    def unhide(self, request, queryset):
        self._each(
            request, queryset, lambda t: thread_moderate(actor=request.user, thread=t, hidden=False)
        )


@admin.register(Post)
class PostAdmin(ModeratedAdmin):
    list_display = ["thread", "author", "created_at", "hidden"]
    list_filter = ["hidden"]
    actions = ["hide", "unhide"]

    @admin.action(description=_("Hide from members"))
    def hide(self, request, queryset):
        self._each(request, queryset, lambda p: post_hide(actor=request.user, post=p, hidden=True))

    @admin.action(description=_("Show to members"))
    def unhide(self, request, queryset):
        self._each(request, queryset, lambda p: post_hide(actor=request.user, post=p, hidden=False))
