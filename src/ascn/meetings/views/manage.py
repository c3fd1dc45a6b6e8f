"""The Secretariat runs a meeting from these pages: its facts (create, edit), the agenda (add,
edit, reorder, remove), decisions, registrations (search, give a seat from the waiting list,
cancel), the check-in on the day (search by name, undo) and the minutes (Markdown, with a
preview). Everyone else finds nothing here (404). Every write goes through a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from ascn.core.errors import InvalidInput, StaleEdit
from ascn.core.queries import found
from ascn.core.services import fields_digest
from ascn.core.views import carry_out, form_page, send_form
from ascn.meetings import queries
from ascn.meetings.forms import AgendaItemForm, DecisionForm, MeetingForm, MinutesForm
from ascn.meetings.markdown import render_markdown
from ascn.meetings.models import AgendaItem, Meeting, Registration
from ascn.meetings.permissions import can_run_meetings
from ascn.meetings.services import (
    agenda_item_add,
    agenda_item_delete,
    agenda_item_move,
    agenda_item_update,
    check_in,
    check_in_undo,
    decision_add,
    meeting_announce,
    meeting_create,
    meeting_update,
    minutes_save,
    registration_cancel_for,
    registration_promote,
    waiting_positions,
)
from ascn.meetings.services.announce import announcement_recipients

REGISTRATIONS_PER_PAGE = 50
Status = Registration.Status


def _runner(request) -> None:
    if not can_run_meetings(request.user):
        raise Http404(_("Meeting not found."))


def _meeting(request, slug: str) -> Meeting:
    _runner(request)
    return found(queries.meeting_for(request.user, slug), _("Meeting not found."))


def _registration(meeting: Meeting, value: str | None) -> Registration:
    pk = value or ""
    registration = (
        Registration.objects.filter(meeting=meeting, pk=int(pk)).select_related("user").first()
        if pk.isdigit()
        else None
    )
    return found(registration, _("Registration not found."))


def _send_edit(request, form, meeting: Meeting, save, *, saved_message: str, next_url: str):
    """Send a form that edits the meeting to ``save`` (``send_form``). After a stale edit
    (409), ``form`` of what it answers is the form again with what was sent and why it was
    not saved, carrying the saved version, so that saving it again is a deliberate choice."""
    sent = send_form(
        request, form, save, saved_message=saved_message, next_url=next_url, stale_edits=True
    )
    if sent.stale:
        saved = Meeting.objects.get(pk=meeting.pk)
        data = request.POST.copy()
        data["version"] = str(saved.version)
        if "opened" in form.fields:  # the fields as saved now: saving again is deliberate
            data["opened"] = fields_digest(saved, form.FIELDS)
        sent.form = type(form)(data)
        sent.form.is_valid()
        sent.form.add_error(None, StaleEdit(saved, form.cleaned_data["version"]).message)
    return sent


def _person(registration: Registration) -> str:
    return registration.user.get_full_name()


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create_view(request):
    _runner(request)
    form = MeetingForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: meeting_create(actor=request.user, values=form.service_values()),
        template="meetings/manage/meeting_form.html",
        context={"meeting": None},
        saved_message=_("The meeting is created. Add its agenda next; it is on the public list."),
        next_url=lambda meeting: reverse("meeting-manage", args=[meeting.slug]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, slug: str):
    meeting = _meeting(request, slug)
    status, stale = 200, False
    if request.method == "POST":
        form = MeetingForm(request.POST)
        sent = _send_edit(
            request,
            form,
            meeting,
            lambda data: meeting_update(
                actor=request.user,
                meeting=meeting,
                version=data["version"],
                values=form.service_values(),
                opened=data["opened"],
            ),
            saved_message=_("The meeting is saved."),
            next_url=reverse("meeting-manage", args=[meeting.slug]),
        )
        if sent.response:
            return sent.response
        form, status, stale = sent.form, sent.status, sent.stale
    else:
        form = MeetingForm(initial=MeetingForm.initial_from(meeting))
    return render(
        request,
        "meetings/manage/meeting_form.html",
        {"form": form, "meeting": meeting, "stale": stale},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_manage(request, slug: str):
    """The meeting's desk: its facts, the agenda (add, edit, reorder, remove) and decisions."""
    meeting = _meeting(request, slug)
    # prefixed: both forms are on one page and share field names
    agenda_form = AgendaItemForm(prefix="agenda", meeting=meeting)
    decision_form = DecisionForm(prefix="decision")
    status = 200
    editing = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "agenda-add":
            agenda_form = AgendaItemForm(request.POST, prefix="agenda", meeting=meeting)
            sent = send_form(
                request,
                agenda_form,
                lambda data: agenda_item_add(
                    actor=request.user,
                    meeting=meeting,
                    title=data["title"],
                    day=data.get("day"),
                    time=data["time"],
                    description=data["description"],
                ),
                saved_message=_("Agenda item added."),
                next_url=reverse("meeting-manage", args=[slug]) + "#agenda",
            )
        elif action == "decision-add":
            decision_form = DecisionForm(request.POST, prefix="decision")
            sent = send_form(
                request,
                decision_form,
                lambda data: decision_add(actor=request.user, meeting=meeting, **data),
                saved_message=_("Decision added."),
                next_url=reverse("meeting-manage", args=[slug]) + "#decisions",
            )
        elif action == "announce":
            return _announce(request, meeting)
        else:
            raise Http404(_("Unknown action."))
        if sent.response:
            return sent.response
        status = sent.status
    edit_pk = request.GET.get("edit", "")
    if edit_pk.isdigit():
        editing = meeting.agenda_items.filter(pk=int(edit_pk)).first()
    return render(
        request,
        "meetings/manage/meeting_manage.html",
        {
            "meeting": meeting,
            "agenda": list(meeting.agenda_items.all()),
            "decisions": list(meeting.decisions.all()),
            "recipients": (0 if meeting.announced_at else len(announcement_recipients())),
            "agenda_form": agenda_form,
            "decision_form": decision_form,
            "editing": editing,
            "edit_form": (
                AgendaItemForm(
                    initial={
                        "version": editing.version,
                        "title": editing.title,
                        "day": editing.day.isoformat() if editing.day else "",
                        "time": editing.time,
                        "description": editing.description,
                    },
                    prefix="edit",
                    meeting=meeting,
                )
                if editing
                else None
            ),
        },
        status=status,
    )


def _announce(request, meeting: Meeting):
    """Announce the meeting to every current CSCO and National Representative (once)."""
    carry_out(
        request,
        lambda: meeting_announce(actor=request.user, meeting=meeting),
        done=lambda announced: (
            ngettext(
                "The meeting is announced: %(count)d person was told in the app and by e-mail.",
                "The meeting is announced: %(count)d people were told in the app and by e-mail.",
                announced.announced_to or 0,
            )
            % {"count": announced.announced_to or 0}
        ),
    )
    return redirect(reverse("meeting-manage", args=[meeting.slug]) + "#announce")


@login_required
@require_POST
def agenda_item_change(request, slug: str, pk: int):
    """Edit, move or remove one agenda item (the buttons and the edit form of the desk)."""
    meeting = _meeting(request, slug)
    item = found(AgendaItem.objects.filter(meeting=meeting, pk=pk).first(), _("Item not found."))
    action = request.POST.get("action", "")
    back = reverse("meeting-manage", args=[slug]) + "#agenda"
    try:
        if action in ("up", "down"):
            agenda_item_move(actor=request.user, item=item, offset=-1 if action == "up" else 1)
            messages.success(request, _("Agenda item moved."))
        elif action == "delete":
            agenda_item_delete(actor=request.user, item=item)
            messages.success(request, _("Agenda item removed."))
        elif action == "edit":
            form = AgendaItemForm(request.POST, prefix="edit", meeting=item.meeting)
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
                return redirect(f"{reverse('meeting-manage', args=[slug])}?edit={item.pk}#agenda")
            data = form.cleaned_data
            agenda_item_update(
                actor=request.user,
                item=item,
                version=data["version"] or 0,
                title=data["title"],
                day=data.get("day"),
                time=data["time"],
                description=data["description"],
            )
            messages.success(request, _("Agenda item saved."))
        else:
            raise Http404(_("Unknown action."))
    except (InvalidInput, StaleEdit) as exc:
        messages.error(request, exc.message)
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_registrations(request, slug: str):
    """Who registered: search by name or e-mail, filter by status; give a waiting person a
    seat, or cancel a registration (the freed seat goes to the first person waiting)."""
    meeting = _meeting(request, slug)
    if request.method == "POST":
        registration = _registration(meeting, request.POST.get("registration"))
        action = request.POST.get("action", "")
        try:
            if action == "promote":
                registration_promote(actor=request.user, registration=registration)
                messages.success(
                    request, _("%(who)s has a seat now.") % {"who": _person(registration)}
                )
            elif action == "cancel":
                registration_cancel_for(actor=request.user, registration=registration)
                messages.success(
                    request,
                    _("The registration of %(who)s is cancelled.") % {"who": _person(registration)},
                )
            else:
                raise Http404(_("Unknown action."))
        except InvalidInput as exc:
            messages.error(request, exc.message)
        return redirect(request.get_full_path())
    words = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    rows = queries.registrations_of(meeting, q=words, status=status)
    page = Paginator(rows, REGISTRATIONS_PER_PAGE).get_page(request.GET.get("page"))
    places = waiting_positions(meeting.pk)
    for registration in page:
        registration.position = places.get(registration.pk)
    return render(
        request,
        "meetings/manage/registrations.html",
        {
            "meeting": meeting,
            "page_obj": page,
            "q": words,
            "status": status if status in Status.values else "",
            "statuses": Status.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_check_in(request, slug: str):
    """On the day: find a person by name or e-mail, check them in, undo a mistake."""
    meeting = _meeting(request, slug)
    if request.method == "POST":
        registration = _registration(meeting, request.POST.get("registration"))
        if request.POST.get("action") == "undo":
            act, done = check_in_undo, _("The check-in of %(who)s is undone.")
        else:
            act, done = check_in, _("%(who)s checked in.")
        carry_out(
            request,
            lambda: act(actor=request.user, registration=registration),
            done=done % {"who": _person(registration)},
        )
        return redirect(request.get_full_path())
    words = request.GET.get("q", "").strip()[:100]
    rows = (
        queries.registrations_of(meeting, q=words)
        .exclude(status=Status.CANCELLED)
        .order_by("user__full_name", "user__email", "id")
    )
    page = Paginator(rows, REGISTRATIONS_PER_PAGE).get_page(request.GET.get("page"))
    present = Registration.objects.filter(meeting=meeting, checked_in_at__isnull=False).count()
    return render(
        request,
        "meetings/meeting_check_in.html",
        {"meeting": meeting, "page_obj": page, "q": words, "present": present},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request, slug: str):
    """The minutes in Markdown: "Preview" shows them as the page will (nothing saved),
    "Save" keeps them (409 when someone saved the meeting meanwhile)."""
    meeting = _meeting(request, slug)
    preview, status = None, 200
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if request.POST.get("action") == "preview":
            if form.is_valid():
                preview = render_markdown(form.cleaned_data["minutes"])
            else:
                status = 422
        else:
            sent = _send_edit(
                request,
                form,
                meeting,
                lambda data: minutes_save(
                    actor=request.user,
                    meeting=meeting,
                    version=data["version"],
                    minutes=data["minutes"],
                    opened=data["opened"],
                ),
                saved_message=_("The minutes are saved."),
                next_url=meeting.get_absolute_url() + "#minutes-h",
            )
            if sent.response:
                return sent.response
            form, status = sent.form, sent.status
    else:
        form = MinutesForm(
            initial={
                "version": meeting.version,
                "minutes": meeting.minutes,
                "opened": fields_digest(meeting, MinutesForm.FIELDS),
            }
        )
    return render(
        request,
        "meetings/manage/minutes.html",
        {"meeting": meeting, "form": form, "preview": preview},
        status=status,
    )
