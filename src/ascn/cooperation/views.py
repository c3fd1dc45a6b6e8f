"""Cooperation pages: partnerships, case studies, the members' discussions, the timeline."""

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ascn.cooperation import queries
from ascn.cooperation.forms import (
    CaseStudyForm,
    EndPartnershipForm,
    FlagForm,
    PartnershipForm,
    ReplyForm,
    ThreadForm,
)
from ascn.cooperation.models import CaseStudy, CityPartnership, Post
from ascn.cooperation.permissions import (
    can_moderate,
    case_study_policy,
    is_member,
    partnership_policy,
)
from ascn.cooperation.services import (
    case_study_create,
    case_study_update,
    partnership_create,
    partnership_end,
    partnership_update,
    post_create,
    post_flag,
    post_flags_dismiss,
    post_hide,
    thread_create,
    thread_moderate,
)
from ascn.cooperation.timeline import timeline_for
from ascn.core import sources
from ascn.core.errors import DomainError, InvalidInput, PermissionDenied, StaleEdit
from ascn.core.forms import form_error
from ascn.core.permissions import ScopedPolicy, scopes_of
from ascn.core.queries import found
from ascn.core.views import edit_page, form_page, send_edit, updating
from ascn.network.models import City, FocusArea


@require_GET
def cooperation_index(request):
    member = is_member(request.user)
    return render(
        request,
        "cooperation/index.html",
        {
            "partnerships": queries.partnerships_for(request.user),
            "case_studies": queries.case_studies_for(request.user),
            "focus_areas": queries.forum_index(request.user)
            if member
            else FocusArea.objects.order_by("position"),
            "member": member,
            # the Secretariat curates the knowledge bank
            "may_add_case_study": can_moderate(request.user),
            "may_record_partnership": _cities_spoken_for(request.user).exists(),
            "editable_partnerships": _editable_partnerships(request.user),
        },
    )


@require_GET
def case_study_detail(request, slug: str):
    study = found(queries.case_studies_for(request.user).filter(slug=slug).first())
    return render(
        request,
        "cooperation/case_study_detail.html",
        {
            "study": study,
            "sources": sources.shown(study.sources, CaseStudy),
            "can_change": case_study_policy.can(request.user, "change", study),
        },
    )


def _require_member(request) -> None:
    if not is_member(request.user):
        raise PermissionDenied(_("Discussions are for members of the network."))


@login_required
@require_http_methods(["GET", "POST"])
def forum(request, code: str):
    _require_member(request)
    focus_area = get_object_or_404(FocusArea, code=code)
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = thread_create(actor=request.user, focus_area=focus_area, **form.cleaned_data)
        except InvalidInput as exc:
            form_error(form, exc)
        else:
            return redirect(thread.get_absolute_url())
    threads = queries.threads_for(request.user).filter(focus_area=focus_area)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "cooperation/forum.html",
        {"focus_area": focus_area, "threads": threads, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_detail(request, pk: int):
    _require_member(request)
    thread = found(queries.threads_for(request.user).filter(pk=pk).first())
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post_create(actor=request.user, thread=thread, body=form.cleaned_data["body"])
        except InvalidInput as exc:
            form_error(form, exc)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(thread.get_absolute_url())
        else:
            return redirect(thread.get_absolute_url())
    posts = list(queries.posts_for(request.user, thread))
    return render(
        request,
        "cooperation/thread_detail.html",
        {
            "thread": thread,
            "posts": posts,
            "form": form,
            "moderator": can_moderate(request.user),
            "flagged": queries.flagged_by(request.user, posts),
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def thread_moderation(request, pk: int):
    _require_member(request)
    thread = found(queries.threads_for(request.user).filter(pk=pk).first())
    action = request.POST.get("action")
    changes = {
        "lock": {"locked": True},
        "unlock": {"locked": False},
        "hide": {"hidden": True},
        "unhide": {"hidden": False},
    }.get(action)
    if changes is None:
        return HttpResponseBadRequest(_("Unknown moderation action."))
    try:
        thread_moderate(actor=request.user, thread=thread, **changes)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    return redirect(thread.get_absolute_url())


@login_required
@require_POST
def post_moderation(request, pk: int):
    _require_member(request)
    post = get_object_or_404(Post.objects.select_related("thread"), pk=pk)
    if not queries.threads_for(request.user).filter(pk=post.thread_id).exists():
        raise Http404
    hidden = request.POST.get("action") != "unhide"
    try:
        post_hide(
            actor=request.user, post=post, hidden=hidden, reason=request.POST.get("reason", "")
        )
    except InvalidInput as exc:
        messages.error(request, exc.message)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    else:
        messages.success(
            request,
            _("The post is hidden; its author is told why.")
            if hidden
            else _("The post is shown again; its author is told."),
        )
    return redirect(f"{post.thread.get_absolute_url()}#post-{post.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def post_flagging(request, pk: int):
    """A member reports a post to the Secretariat, with a reason (no script needed)."""
    _require_member(request)
    post = found(queries.post_for(request.user, pk), _("Post not found."))
    if post.author_id == request.user.pk:
        raise PermissionDenied(_("You cannot flag your own post."))
    # flagging again changes one's open flag: the form shows it as it stands
    mine = queries.my_open_flag(request.user, post)
    initial = {"reason": mine.reason, "note": mine.note} if mine else None
    return form_page(
        request,
        FlagForm(request.POST or None, initial=initial),
        lambda data: post_flag(actor=request.user, post=post, **data),
        template="cooperation/post_flag.html",
        context={"post": post, "mine": mine},
        saved_message=_("Thank you: the Secretariat will look at the post."),
        next_url=f"{post.thread.get_absolute_url()}#post-{post.pk}",
    )


MODERATION_PAGE_SIZE = 20


def _require_moderator(request) -> None:
    if not can_moderate(request.user):
        raise PermissionDenied(_("Only the Secretariat moderates discussions."))


@login_required
@require_GET
def moderation_queue(request):
    """The posts members flagged, the most recently flagged first, with the reasons."""
    _require_moderator(request)
    page = Paginator(queries.moderation_queue_for(request.user), MODERATION_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for post in page:
        post.reasons = Counter(
            flag.get_reason_display() for flag in post.open_flag_list
        ).most_common()
    return render(request, "cooperation/moderation_queue.html", {"page": page})


@login_required
@require_POST
def moderation_review(request, pk: int):
    """Hide a flagged post (with the reason its author is told) or dismiss its flags."""
    _require_moderator(request)
    post = found(queries.post_for(request.user, pk), _("Post not found."))
    action = request.POST.get("action")
    try:
        if action == "hide":
            post_hide(actor=request.user, post=post, reason=request.POST.get("reason", ""))
            messages.success(request, _("The post is hidden; its author is told why."))
        elif action == "dismiss":
            post_flags_dismiss(actor=request.user, post=post)
            messages.success(request, _("The flags are dismissed; the post stays as it is."))
        else:
            return HttpResponseBadRequest(_("Unknown moderation action."))
    except InvalidInput as exc:
        messages.error(request, exc.message)
    return redirect("moderation-queue")


@require_GET
def timeline(request):
    return render(request, "cooperation/timeline.html", {"entries": timeline_for(request.user)})


def _cities_spoken_for(user):
    """The cities whose partnerships this person may record: their own as CSCO, their
    state's as National Representative, every city for the Secretariat."""
    scopes = scopes_of(user)
    if scopes.secretariat:
        return City.objects.order_by("name")
    return City.objects.filter(
        Q(pk__in=scopes.city_ids) | Q(member_state_id__in=scopes.member_state_ids)
    ).order_by("name")


def _editable_partnerships(user) -> set[int]:
    """The ids of the partnerships this person may edit (shown with an "Edit" link)."""
    scopes = scopes_of(user)
    qs = queries.partnerships_for(user)
    if scopes.secretariat:
        return set(qs.values_list("pk", flat=True))
    if not (scopes.city_ids or scopes.member_state_ids):
        return set()
    return set(
        qs.filter(
            Q(city_id__in=scopes.city_ids) | Q(city__member_state_id__in=scopes.member_state_ids)
        ).values_list("pk", flat=True)
    )


def _edit_page(
    request, template: str, form, *, record=None, stale=None, status: int = 200, **extra
):
    return render(
        request,
        template,
        {"form": form, "record": record, "stale": stale, **extra},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_new(request):
    cities = _cities_spoken_for(request.user)
    if not cities.exists():
        raise Http404
    form = PartnershipForm(request.POST or None, cities=cities)
    return form_page(
        request,
        form,
        lambda data: partnership_create(actor=request.user, **form.service_values()),
        template="cooperation/partnership_form.html",
        context={"record": None, "stale": None},
        saved_message=_("The partnership is recorded."),
        next_url=reverse("cooperation") + "#partnerships",
    )


def _to_change(request, rows: QuerySet, policy: ScopedPolicy, refusal: str) -> Any:
    """The record of ``rows`` (those the user sees) to edit: 404 when there is none, 403
    saying ``refusal`` when the user may not change it."""
    record = found(rows.first())
    if not policy.can(request.user, "change", record):
        raise PermissionDenied(refusal)
    return record


def _partnership_to_change(request, pk: int) -> CityPartnership:
    return _to_change(
        request,
        queries.partnerships_for(request.user).filter(pk=pk),
        partnership_policy,
        _(
            "Only the city's officers, its National Representative and the Secretariat record its partnerships."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_edit(request, pk: int):
    partnership = _partnership_to_change(request, pk)
    template = "cooperation/partnership_form.html"
    if request.method == "GET":
        form = PartnershipForm(initial=PartnershipForm.initial_from(partnership), editing=True)
        end_form = EndPartnershipForm(initial={"version": partnership.version}, prefix="end")
        return _edit_page(request, template, form, record=partnership, end_form=end_form)

    def save(version, values):
        values.pop("city", None)
        return partnership_update(
            actor=request.user, partnership=partnership, version=version, **values
        )

    edit = send_edit(
        request,
        partnership,
        PartnershipForm(request.POST, editing=True),
        save,
        reload=lambda: _partnership_to_change(request, pk),
        saved_message=_("The partnership is saved."),
        next_url=reverse("cooperation") + "#partnerships",
        form_kwargs={"editing": True},
    )
    if edit.response:
        return edit.response
    return _edit_page(
        request,
        template,
        edit.form,
        record=edit.record,
        stale=edit.stale,
        status=edit.status,
        end_form=EndPartnershipForm(initial={"version": edit.record.version}, prefix="end"),
    )


@login_required
@require_POST
def partnership_ending(request, pk: int):
    partnership = _partnership_to_change(request, pk)
    end_form = EndPartnershipForm(request.POST, prefix="end")
    status = 422
    if end_form.is_valid():
        try:
            partnership_end(
                actor=request.user,
                partnership=partnership,
                version=end_form.cleaned_data["version"],
                end_date=end_form.cleaned_data["end_date"],
            )
        except StaleEdit as exc:
            messages.error(request, exc.message)
            status = 409
            partnership = _partnership_to_change(request, pk)
            end_form = EndPartnershipForm(
                initial={
                    "version": partnership.version,
                    "end_date": request.POST.get("end-end_date"),
                },
                prefix="end",
            )
        except InvalidInput as exc:
            form_error(end_form, exc)
            status = exc.status
        else:
            messages.success(request, _("The partnership is recorded as ended."))
            return HttpResponseRedirect(reverse("cooperation") + "#partnerships")
    form = PartnershipForm(initial=PartnershipForm.initial_from(partnership), editing=True)
    return _edit_page(
        request,
        "cooperation/partnership_form.html",
        form,
        record=partnership,
        status=status,
        end_form=end_form,
    )


ONLY_SECRETARIAT_CASES = gettext_lazy(  # read in the request's language
    "Only the Secretariat adds case studies."
)


@login_required
@require_http_methods(["GET", "POST"])
def case_study_new(request):
    if not can_moderate(request.user):
        raise PermissionDenied(str(ONLY_SECRETARIAT_CASES))
    if request.method == "POST":
        form = CaseStudyForm(request.POST, user=request.user)
    else:
        form = CaseStudyForm(user=request.user, initial={"visibility": "draft"})
    return form_page(
        request,
        form,
        lambda data: case_study_create(actor=request.user, **form.service_values()),
        template="cooperation/case_study_form.html",
        context={"record": None, "stale": None},
        saved_message=_("The case study is added to the knowledge bank."),
        next_url=lambda study: study.get_absolute_url(),
    )


def _case_study_to_change(request, slug: str) -> CaseStudy:
    return _to_change(
        request,
        queries.case_studies_for(request.user).filter(slug=slug),
        case_study_policy,
        str(ONLY_SECRETARIAT_CASES),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_study_edit(request, slug: str):
    study = _case_study_to_change(request, slug)
    return edit_page(
        request,
        study,
        CaseStudyForm,
        updating(case_study_update, request.user, study=study),
        template="cooperation/case_study_form.html",
        saved_message=_("The case study is saved."),
        next_url=study.get_absolute_url(),  # its address stays
        form_kwargs={"user": request.user, "editing": True},
    )
