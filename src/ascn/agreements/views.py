"""Agreement pages. Every read starts from what the user may see; the Secretariat records
agreements, edits them, moves their status and attaches their text here."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ascn.agreements import queries
from ascn.agreements.forms import (
    AgreementForm,
    DocumentForm,
    PartyFormSet,
    TransitionForm,
    parties_for_service,
    party_rows,
)
from ascn.agreements.models import Agreement
from ascn.agreements.permissions import agreement_policy
from ascn.agreements.services import (
    TRANSITIONS,
    agreement_attach_document,
    agreement_create,
    agreement_transition,
    agreement_update,
)
from ascn.core.documents import pdf_attachment
from ascn.core.errors import IllegalTransition, InvalidInput, PermissionDenied, StaleEdit
from ascn.core.forms import form_error
from ascn.core.permissions import is_secretariat
from ascn.core.queries import found
from ascn.core.views import edit_again
from ascn.meetings.models import Meeting
from ascn.plans.permissions import project_policy

ONLY_SECRETARIAT = gettext_lazy(  # read in the request's language
    "Only the Secretariat records agreements."
)


@require_GET
def agreement_list(request):
    status = request.GET.get("status") or None
    if status not in Agreement.Status.values:
        status = None
    agreements = queries.agreements_for(request.user, status=status)
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "agreements": agreements,
            "statuses": Agreement.Status.choices,
            "status": status,
            "can_record": is_secretariat(request.user),
        },
    )


def _agreement_or_404(request, slug: str) -> Agreement:
    return found(queries.agreement_for(request.user, slug))


def _moves(agreement: Agreement) -> list[tuple[str, str]]:
    """The statuses the transition table allows from the agreement's, as menu choices."""
    return [(to, Agreement.Status(to).label) for to in sorted(TRANSITIONS[agreement.status])]


def _detail(request, agreement: Agreement, *, status: int = 200, **forms: Any):
    projects = project_policy.visible(request.user, agreement.projects.select_related("city"))
    can_change = agreement_policy.can(request.user, "change", agreement)
    moves = _moves(agreement)
    context = {"agreement": agreement, "projects": projects, "can_change": can_change}
    if can_change:
        context["transition_form"] = forms.get("transition_form") or (
            TransitionForm(
                initial={"version": agreement.version}, agreement=agreement, choices=moves
            )
            if moves
            else None
        )
        context["document_form"] = forms.get("document_form") or DocumentForm()
    return render(request, "agreements/agreement_detail.html", context, status=status)


@require_GET
def agreement_detail(request, slug: str):
    return _detail(request, _agreement_or_404(request, slug))


@require_GET
def agreement_document(request, slug: str):
    agreement = queries.agreement_for(request.user, slug)
    if agreement is None or not agreement.document:
        raise Http404
    # shown in the browser, under the agreement's slug
    return pdf_attachment(
        agreement.document, agreement.slug, default="agreement", as_attachment=False
    )


def _form_page(request, form, formset, *, agreement=None, stale=None, status=200):
    return render(
        request,
        "agreements/agreement_form.html",
        {
            "form": form,
            "formset": formset,
            "agreement": agreement,
            "stale": stale,
            "more_errors": _party_errors(formset) if formset.is_bound else [],
        },
        status=status,
    )


def _party_errors(formset) -> list[dict[str, str]]:
    """The parties' errors for the page's error summary, each linked to its field (a party's
    error alone used to leave no summary: the page came back at the top, looking unchanged,
    the error a screen below)."""
    found = [{"anchor": "", "text": str(error)} for error in formset.non_form_errors()]
    for n, party in enumerate(formset.forms, start=1):
        for field in party:
            for error in field.errors:
                where = _("Party %(n)s") % {"n": n}
                text = f"{where} · {field.label}: {error}"
                found.append({"anchor": field.auto_id, "text": text})
    return found


def _send(request, form, formset, save) -> tuple[int, Any]:
    """Validate the record and its parties and hand them to ``save``: (status, result)."""
    if not (form.is_valid() & formset.is_valid()):
        return 422, None
    parties = parties_for_service(request.user, formset)
    if any(f.errors for f in formset.forms):
        return 422, None
    try:
        return 200, save(parties)
    except StaleEdit:
        return 409, None
    except InvalidInput as exc:
        if (exc.field or "").startswith("parties"):
            form.add_error(None, exc.message)
        else:
            form_error(form, exc)
        return exc.status, None


def _sent_page(request, form, save, *, saved_message: str, agreement=None):
    """The agreement form sent with its parties to ``save`` (``_send``): saved, the message
    and on to the agreement's page; not saved, the form page again. After a stale edit of
    ``agreement``, with what differs from it as saved now (``edit_again``)."""
    formset = PartyFormSet(request.POST, prefix="parties")
    status, saved = _send(request, form, formset, save)
    if saved is not None:
        messages.success(request, saved_message)
        return HttpResponseRedirect(saved.get_absolute_url())
    stale = None
    if status == 409 and agreement is not None:
        agreement = _agreement_or_404(request, agreement.slug)
        stale, form = edit_again(request, form, agreement, editing=True)
    return _form_page(request, form, formset, agreement=agreement, stale=stale, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request):
    if not is_secretariat(request.user):
        raise PermissionDenied(str(ONLY_SECRETARIAT))
    if request.method == "GET":
        # from a meeting's desk: ?meeting=<slug> fills in the meeting where it was signed
        meeting = Meeting.objects.filter(slug=request.GET.get("meeting", "")[:80]).first()
        initial = {"meeting": meeting.slug} if meeting else {}
        return _form_page(request, AgreementForm(initial=initial), PartyFormSet(prefix="parties"))
    form = AgreementForm(request.POST)
    return _sent_page(
        request,
        form,
        lambda parties: agreement_create(
            actor=request.user, parties=parties, **form.service_values()
        ),
        saved_message=_("The agreement is recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, slug: str):
    agreement = _agreement_or_404(request, slug)
    if not agreement_policy.can(request.user, "change", agreement):
        raise PermissionDenied(str(ONLY_SECRETARIAT))
    if request.method == "GET":
        form = AgreementForm(initial=AgreementForm.initial_from(agreement), editing=True)
        formset = PartyFormSet(prefix="parties", initial=party_rows(agreement))
        return _form_page(request, form, formset, agreement=agreement)
    form = AgreementForm(request.POST, editing=True)
    return _sent_page(
        request,
        form,
        lambda parties: agreement_update(
            actor=request.user,
            agreement=agreement,
            version=form.cleaned_data["version"],
            parties=parties,
            **form.service_values(),
        ),
        saved_message=_("The agreement is saved."),
        agreement=agreement,
    )


@login_required
@require_POST
def agreement_status(request, slug: str):
    agreement = _agreement_or_404(request, slug)
    form = TransitionForm(request.POST, agreement=agreement, choices=_moves(agreement))
    if not form.is_valid():
        return _detail(request, agreement, status=422, transition_form=form)
    try:
        agreement_transition(
            actor=request.user,
            agreement=agreement,
            to=form.cleaned_data["to"],
            version=form.cleaned_data["version"],
            signed_date=form.cleaned_data.get("signed_date"),
        )
    except (StaleEdit, IllegalTransition) as exc:
        messages.error(request, exc.message)
        return _detail(request, _agreement_or_404(request, slug), status=409)
    except InvalidInput as exc:
        form_error(form, exc)
        return _detail(request, agreement, status=exc.status, transition_form=form)
    messages.success(
        request,
        _("The agreement is now “%(status)s”.")
        % {"status": Agreement.Status(form.cleaned_data["to"]).label},
    )
    return HttpResponseRedirect(agreement.get_absolute_url())


@login_required
@require_POST
def agreement_upload(request, slug: str):
    agreement = _agreement_or_404(request, slug)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, agreement, status=422, document_form=form)
    try:
        agreement_attach_document(
            actor=request.user, agreement=agreement, file=form.cleaned_data["file"]
        )
    except InvalidInput as exc:
        form_error(form, exc)
        return _detail(request, agreement, status=exc.status, document_form=form)
    messages.success(request, _("The agreement's text is attached."))
    return HttpResponseRedirect(agreement.get_absolute_url())
