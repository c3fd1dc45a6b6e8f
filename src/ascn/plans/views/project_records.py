"""A project's records kept on their own pages: readiness, progress, documents, milestones."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ascn.core.documents import pdf_attachment
from ascn.core.errors import InvalidInput, PermissionDenied
from ascn.core.views import form_page, send_form, sign_in_first
from ascn.plans import codelists, readiness
from ascn.plans.forms import (
    DocumentForm,
    MilestoneForm,
    ProgressForm,
    ReadinessForm,
)
from ascn.plans.models import (
    ReadinessLevel,
)
from ascn.plans.permissions import project_policy
from ascn.plans.services import (
    AssessedMeanwhile,
    document_upload,
    milestone_save,
    progress_add,
    readiness_assess,
)
from ascn.plans.views.common import (
    gaps,
    latest_assessment,
    level_rules,
    project_or_404,
)


def _record_page(action: str, refusal: str) -> Callable:
    """A page of one of a project's records, for whoever may see the project (404 otherwise).
    The view is given the project and whether the user may ``action`` it; a POST from a
    visitor goes to sign in first, from someone who may not, 403 with ``refusal``."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def page(request, pk: int):
            project = project_or_404(request, pk)
            allowed = project_policy.can(request.user, action, project)
            if request.method == "POST":
                if response := sign_in_first(request):
                    return response
                if not allowed:
                    raise PermissionDenied(str(refusal))
            return view(request, project, allowed)

        return page

    return decorate


def _add_page(
    request,
    project,
    form,
    save: Callable[[dict], object],
    *,
    saved_message: str,
    anchor: str,
    template: str,
    context: Callable[[], dict],
) -> HttpResponse:
    """A record page's form that adds to the project: a POST is sent to ``save`` and, saved,
    goes back to the project's page at ``#anchor``; otherwise (or not saved, with why) the
    page ``template`` shows the form with ``context()``."""
    return form_page(
        request,
        form,
        save,
        template=template,
        context=lambda: {"project": project, **context()},
        saved_message=saved_message,
        next_url=f"{project.get_absolute_url()}#{anchor}",
    )


def _readiness_result(answers: dict[str, bool]) -> dict:
    result = readiness.assess(answers)
    return {"score": result.score, "level": result.level, "gaps": list(result.missing)}


@require_http_methods(["GET", "POST"])
@_record_page(
    "assess",
    gettext_lazy(
        "Only the city's Chief Smart City Officers and the Secretariat assess this project."
    ),
)
def project_readiness(request, project, can_assess: bool):
    latest = latest_assessment(project)
    latest_id = latest.pk if latest else 0
    documents = list(project.documents.all())
    on_file = readiness.on_file(documents)
    new_evidence = list(readiness.new_evidence(documents, latest))
    status = 200
    if request.method == "GET" and request.htmx and request.GET.get("preview"):
        form = ReadinessForm(request.GET)
        return render(
            request,
            "plans/project_readiness.html#result",
            {
                "project": project,
                "result": _readiness_result(form.answers()),
                "preview": True,
                "level_rules": level_rules(),
            },
        )
    if request.method == "POST":
        form = ReadinessForm(request.POST, on_file=on_file)
        try:
            assessment = readiness_assess(
                actor=request.user, project=project, answers=form.answers(), read=form.read_id()
            )
        except InvalidInput as exc:
            if isinstance(exc, AssessedMeanwhile):  # theirs, the latest: shown and now read
                form = ReadinessForm({**request.POST.dict(), "read": latest_id}, on_file=on_file)
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(
                request,
                _("Readiness recorded: %(level)s, %(score)s%% of the checklist met.")
                % {"level": ReadinessLevel(assessment.level).label, "score": assessment.score},
            )
            return HttpResponseRedirect(reverse("project-readiness", args=[project.pk]) + "#result")
        result = _readiness_result(form.answers())
    else:
        # an item a document on file shows done starts ticked, for the officer to confirm
        ticked = {code: True for code in new_evidence if can_assess}
        form = ReadinessForm(
            initial={**(latest.answers if latest else {}), **ticked, "read": latest_id},
            on_file=on_file,
        )
        result = (
            {"score": latest.score, "level": latest.level, "gaps": gaps(latest.missing)}
            if latest
            else None
        )
    history = sorted(project.assessments.all(), key=lambda a: (a.created_at, a.pk), reverse=True)
    return render(
        request,
        "plans/project_readiness.html",
        {
            "project": project,
            "form": form,
            "result": result,
            "assessment": latest,
            "history": history,
            "can_assess": can_assess,
            "level_rules": level_rules(),
            "preview": status != 200,  # ticks sent and refused: their result, not saved
            "on_file": on_file,
            # the ticks shown are the documents' only on a page not refused
            "unsaved_evidence": new_evidence if status == 200 else [],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@_record_page(
    "report_progress",
    gettext_lazy("Only the city's Chief Smart City Officers and the Secretariat report progress."),
)
def project_progress(request, project, can_report: bool):
    return _add_page(
        request,
        project,
        ProgressForm(request.POST, project=project) if request.method == "POST" else ProgressForm(),
        lambda data: progress_add(actor=request.user, project=project, **data),
        saved_message=_("Progress update recorded."),
        anchor="progress",
        template="plans/project_progress.html",
        context=lambda: {
            "updates": list(project.progress_updates.all()),
            "can_report": can_report,
        },
    )


@require_http_methods(["GET", "POST"])
@_record_page(
    "upload",
    gettext_lazy("Only the city's Chief Smart City Officers and the Secretariat upload documents."),
)
def project_document_upload(request, project, can_upload: bool):
    document_types = codelists.labels(codelists.DOCUMENT_TYPE)
    return _add_page(
        request,
        project,
        DocumentForm(request.POST, request.FILES)
        if request.method == "POST"
        else DocumentForm(initial={"document_type": request.GET.get("type", "")}),
        lambda data: document_upload(actor=request.user, project=project, **data),
        saved_message=_("Document uploaded."),
        anchor="documents",
        template="plans/project_documents.html",
        context=lambda: {
            "can_upload": can_upload,
            "documents": [
                {"document": d, "type_title": document_types.get(d.document_type, "")}
                for d in project.documents.all()
            ],
        },
    )


@require_GET
def project_document(request, pk: int, doc_pk: int):
    project = project_or_404(request, pk)
    document = next((d for d in project.documents.all() if d.pk == doc_pk), None)
    if document is None:
        raise Http404(_("Document not found."))
    return pdf_attachment(document.file, document.title, default="document")


@require_http_methods(["GET", "POST"])
@_record_page(
    "change",
    gettext_lazy("Only the city's Chief Smart City Officers and the Secretariat edit milestones."),
)
def project_milestone(request, project, can_change: bool):
    milestones = list(project.milestones.all())
    status, failed_form = 200, None
    if request.method == "POST":
        form = MilestoneForm(request.POST, prefix=_milestone_prefix(request.POST))

        def save(data):
            data = dict(data)
            milestone_id = data.pop("milestone")
            target = None
            if milestone_id is not None:
                target = next((m for m in milestones if m.pk == milestone_id), None)
                if target is None:
                    raise Http404(_("Milestone not found."))
            milestone_save(actor=request.user, project=project, milestone=target, **data)

        sent = send_form(
            request,
            form,
            save,
            saved_message=_("Milestone saved."),
            next_url=reverse("project-milestone", args=[project.pk]),
        )
        if sent.response:
            return sent.response
        status, failed_form = sent.status, form
    forms_by_id = {}
    for m in milestones:
        prefix = f"m{m.pk}"
        forms_by_id[m.pk] = (
            failed_form
            if failed_form is not None and failed_form.prefix == prefix
            else MilestoneForm(initial=MilestoneForm.initial_from(m), prefix=prefix)
        )
    new_form = (
        failed_form
        if failed_form is not None and failed_form.prefix == "new"
        else MilestoneForm(prefix="new")
    )
    statuses = codelists.labels(codelists.MILESTONE_STATUS)
    return render(
        request,
        "plans/project_milestones.html",
        {
            "project": project,
            "rows": [
                {
                    "milestone": m,
                    "form": forms_by_id[m.pk],
                    "status_title": statuses.get(m.status, m.status),
                }
                for m in milestones
            ],
            "new_form": new_form,
            "can_change": can_change,
        },
        status=status,
    )


def _milestone_prefix(data) -> str:
    prefix = data.get("form_prefix", "new")
    return prefix if re.fullmatch(r"new|m\d{1,12}", prefix) else "new"
