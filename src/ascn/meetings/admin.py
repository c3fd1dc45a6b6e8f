"""The Secretariat's back office for meetings: meetings and decisions are saved through the
audited back-office services, agenda items through the agenda's own services (placed by day
and time, as on the desk). Registrations are read-only here: people register themselves,
and check-in has its own page (``/meetings/<slug>/check-in/``).

Documents are uploaded on the meeting's page (an inline): each new one goes through
``meeting_document_upload`` (PDF by content, at most 10 MB, audited), each one ticked for
deletion through ``meeting_document_delete``. A stored document is not edited in place."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction

from ascn.core.admin import AuditedAdmin, ReadOnlyAdmin
from ascn.core.documents import check_pdf
from ascn.core.errors import InvalidInput
from ascn.meetings.models import AgendaItem, Decision, Meeting, MeetingDocument, Registration
from ascn.meetings.services import meeting_document_delete, meeting_document_upload
from ascn.meetings.services.agenda import (
    agenda_days_follow,
    agenda_item_add,
    agenda_item_delete,
    agenda_item_update,
    meeting_days,
)


class MeetingDocumentInlineForm(forms.ModelForm):
    title = forms.CharField(max_length=200, required=False)

    class Meta:
        model = MeetingDocument
        fields = ["title", "kind", "file"]

    def clean_file(self):
        # the service checks again; checking here shows the reason next to the file
        file = self.cleaned_data.get("file")
        try:
            check_pdf(file)
        except InvalidInput as exc:
            raise ValidationError(exc.message) from exc
        return file

    def clean(self):
        data = super().clean()
        if not (data.get("title") or "").strip() and data.get("file") is not None:
            data["title"] = (data["file"].name or "document")[:200]
        return data


class MeetingDocumentInline(admin.TabularInline):
    model = MeetingDocument
    form = MeetingDocumentInlineForm
    extra = 1
    fields = ["title", "kind", "file", "size", "uploaded_by", "created_at"]
    readonly_fields = ["size", "uploaded_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False  # a stored document is replaced (delete, upload), not edited


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ["title", "kind", "start_date", "date_precision", "place", "uncertain"]
    list_filter = ["kind", "uncertain", "registration_open"]
    search_fields = ["title", "slug", "place"]
    date_hierarchy = "start_date"
    raw_id_fields = ["host_member_state", "host_city"]
    # kept on the meeting's Translations page (core.translations)
    readonly_fields = ["language", "translations"]
    inlines = [MeetingDocumentInline]

    def save_model(self, request, obj, form, change):
        # the agenda follows new dates as on the desk (refused when an item would be left on a
        # day the meeting no longer has: nothing is saved then)
        with transaction.atomic():
            days = meeting_days(Meeting.objects.get(pk=obj.pk)) if change else []
            super().save_model(request, obj, form, change)
            if change:
                agenda_days_follow(request.user, obj, days)

    def save_formset(self, request, form, formset, change):
        if formset.model is not MeetingDocument:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # sorts the forms into new and deleted objects
        for document in formset.deleted_objects:
            meeting_document_delete(actor=request.user, document=document)
        for document in formset.new_objects:
            meeting_document_upload(
                actor=request.user,
                meeting=form.instance,
                title=document.title,
                kind=document.kind,
                file=document.file.file,
            )
        formset.new_objects = []
        return None


@admin.register(MeetingDocument)
class MeetingDocumentAdmin(admin.ModelAdmin):
    """The documents of all meetings; they are added on their meeting's page."""

    list_display = ["title", "meeting", "kind", "size", "uploaded_by", "created_at"]
    list_filter = ["kind", "meeting"]
    search_fields = ["title", "meeting__title"]
    readonly_fields = ["meeting", "title", "kind", "file", "size", "uploaded_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        meeting_document_delete(actor=request.user, document=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            meeting_document_delete(actor=request.user, document=obj)


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    """Written through the agenda's services, as on the desk: a new item takes the place its
    day and time give it (the position is not typed), an edited one moves when its new day
    or time no longer fits where it stands, and removing one closes the gap."""

    list_display = ["meeting", "position", "day", "time", "title"]
    list_filter = ["meeting"]
    fields = ["meeting", "position", "day", "time", "title", "description"]

    def get_readonly_fields(self, request, obj=None):
        # an item stays with its meeting; its place follows its day and time, or "Move up/down"
        return ["meeting", "position"] if obj is not None else ["position"]

    def save_model(self, request, obj, form, change):
        values = {field: getattr(obj, field) for field in ("title", "day", "time", "description")}
        if change:
            saved = agenda_item_update(actor=request.user, item=obj, version=obj.version, **values)
        else:
            saved = agenda_item_add(actor=request.user, meeting=obj.meeting, **values)
        obj.pk, obj.position, obj.version = saved.pk, saved.position, saved.version

    def delete_model(self, request, obj):
        agenda_item_delete(actor=request.user, item=obj)

    def delete_queryset(self, request, queryset):
        for item in queryset.order_by("-position"):
            agenda_item_delete(actor=request.user, item=item)


@admin.register(Decision)
class DecisionAdmin(AuditedAdmin):
    list_display = ["meeting", "title", "document_title"]
    list_filter = ["meeting"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "user", "status", "queued_at", "checked_in_at"]
    list_filter = ["meeting", "status"]
