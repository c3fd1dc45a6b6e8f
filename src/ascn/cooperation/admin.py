from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ascn.cooperation.models import CaseStudy, CityPartnership, Post, Thread
from ascn.cooperation.services import post_hide, thread_moderate
from ascn.core.admin import AuditedAdmin, ReadOnlyAdmin, service_action


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
    readonly_fields = ["version", "document", "language", "translations"]


def _thread_moderation(description: str, **change: bool):
    return service_action(
        description, lambda actor, thread: thread_moderate(actor=actor, thread=thread, **change)
    )


def _post_visibility(description: str, *, hidden: bool):
    return service_action(
        description, lambda actor, post: post_hide(actor=actor, post=post, hidden=hidden)
    )


# Members write the discussions; the back office only moderates them (through services).
@admin.register(Thread)
class ThreadAdmin(ReadOnlyAdmin):
    list_display = ["title", "focus_area", "author", "updated_at", "locked", "hidden"]
    list_filter = ["focus_area", "locked", "hidden"]
    search_fields = ["title"]
    actions = ["lock", "unlock", "hide", "unhide"]
    lock = _thread_moderation(_("Lock"), locked=True)
    unlock = _thread_moderation(_("Unlock"), locked=False)
    hide = _thread_moderation(_("Hide from members"), hidden=True)
    unhide = _thread_moderation(_("Show to members"), hidden=False)


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["thread", "author", "created_at", "hidden"]
    list_filter = ["hidden"]
    # Hiding asks for a reason its author is told: that is done on the thread's page.
    actions = ["unhide"]
    unhide = _post_visibility(_("Show to members"), hidden=False)
