"""Pages of meetings, mounted at the site root (full paths here)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ascn.core.documents import pdf_attachment
from ascn.core.errors import InvalidInput, NotFound
from ascn.core.permissions import scopes_of
from ascn.core.queries import found
from ascn.core.views import carry_out
from ascn.meetings import calendar, queries
from ascn.meetings.forms import MeetingDocumentForm
from ascn.meetings.markdown import render_markdown
from ascn.meetings.models import CalendarFeed, MeetingDocument, Registration
from ascn.meetings.permissions import can_register
from ascn.meetings.services import (
    calendar_feed_regenerate,
    calendar_feed_revoke,
    meeting_document_delete,
    meeting_document_upload,
    registration_cancel,
    registration_register,
    waiting_position,
)


def _meeting_or_404(request, slug: str):
    return found(queries.meeting_for(request.user, slug), _("Meeting not found."))


@require_GET
def meeting_list(request):
    upcoming, past = queries.upcoming_and_past(
        queries.meetings_for(request.user), timezone.localdate()
    )
    return render(request, "meetings/meeting_list.html", {"upcoming": upcoming, "past": past})


@require_GET
def meeting_detail(request, slug: str):
    meeting = _meeting_or_404(request, slug)
    mine = queries.own_registration(request.user, meeting)
    runs_meetings = scopes_of(request.user).secretariat
    context = {
        "meeting": meeting,
        "upcoming": meeting.is_upcoming(timezone.localdate()),
        "registration_window": meeting.registration_window_open(timezone.localdate()),
        "registration": mine,
        "waiting_position": waiting_position(mine) if mine else None,
        "may_register": request.user.is_authenticated and can_register(request.user),
        "runs_meetings": runs_meetings,
        "documents": list(meeting.documents.all()),
        "document_form": MeetingDocumentForm() if runs_meetings else None,
        "minutes_html": render_markdown(meeting.minutes) if meeting.minutes else "",
        "ics_url": (
            f"/api/v1/meetings/{meeting.slug}.ics" if calendar.has_calendar_dates(meeting) else None
        ),
    }
    return render(request, "meetings/meeting_detail.html", context)


@login_required
@require_POST
def meeting_register(request, slug: str):
    meeting = _meeting_or_404(request, slug)
    try:
        registration = registration_register(actor=request.user, meeting=meeting)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    else:
        if registration.status == Registration.Status.WAITLISTED:
            messages.warning(
                request,
                _("The meeting is full: you are number %(n)d on the waiting list.")
                % {"n": waiting_position(registration)},
            )
        else:
            messages.success(request, _("You are registered."))
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_cancel(request, slug: str):
    meeting = _meeting_or_404(request, slug)
    carry_out(
        request,
        lambda: registration_cancel(actor=request.user, meeting=meeting),
        done=_("Your registration is cancelled."),
    )
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_document_add(request, slug: str):
    """The Secretariat's upload form on the meeting page. Others find nothing here."""
    if not scopes_of(request.user).secretariat:
        raise Http404(_("Meeting not found."))
    meeting = _meeting_or_404(request, slug)
    form = MeetingDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(meeting.get_absolute_url() + "#documents")
    carry_out(
        request,
        lambda: meeting_document_upload(actor=request.user, meeting=meeting, **form.cleaned_data),
        done=_("Document uploaded."),
    )
    return redirect(meeting.get_absolute_url() + "#documents")


@require_GET
def meeting_document(request, slug: str, pk: int):
    """A meeting's document, downloaded through Django. Meetings are public: anyone may."""
    meeting = _meeting_or_404(request, slug)
    document = found(
        MeetingDocument.objects.filter(meeting=meeting, pk=pk).first(), _("Document not found.")
    )
    return pdf_attachment(document.file, document.title, default="document")


@login_required
@require_POST
def meeting_document_remove(request, slug: str, pk: int):
    if not scopes_of(request.user).secretariat:
        raise Http404(_("Meeting not found."))
    meeting = _meeting_or_404(request, slug)
    document = found(
        MeetingDocument.objects.filter(meeting=meeting, pk=pk).first(), _("Document not found.")
    )
    meeting_document_delete(actor=request.user, document=document)
    messages.success(request, _("Document deleted."))
    return redirect(meeting.get_absolute_url() + "#documents")


@login_required
@require_http_methods(["GET", "POST"])
def my_meetings(request):
    """The person's meetings and their private calendar feed (create, renew, revoke)."""
    feed_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            try:
                calendar_feed_revoke(actor=request.user)
            except NotFound as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Your calendar feed address no longer works."))
            return redirect("my-meetings")
        token = calendar_feed_regenerate(actor=request.user)
        feed_url = calendar.absolute_url(f"/meetings/feed/{token}.ics")
    registrations = {
        r.meeting_id: r
        for r in Registration.objects.filter(user=request.user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("meeting")
    }
    upcoming, past = queries.upcoming_and_past(
        [r.meeting for r in registrations.values()], timezone.localdate()
    )
    return render(
        request,
        "meetings/my_meetings.html",
        {
            "upcoming": [registrations[m.pk] for m in upcoming],
            "past": [registrations[m.pk] for m in past],
            "has_feed": CalendarFeed.objects.filter(user=request.user).exists(),
            "feed_url": feed_url,
        },
    )


@require_GET
def private_feed(request, token: str):
    """The meetings one person registered for, at a secret address (no sign-in: calendar
    apps cannot sign in). An unknown or revoked token is a 404."""
    user, meetings = found(queries.meetings_of_feed(token))
    # a calendar app asks without a language: the calendar's name in the person's own
    with translation.override(user.language or request.LANGUAGE_CODE):
        name = _("My ASCN meetings")
    response = HttpResponse(
        calendar.calendar_of(meetings, name=name),
        content_type="text/calendar; charset=utf-8",
    )

    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
