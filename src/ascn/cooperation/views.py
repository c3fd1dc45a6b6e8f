"""Cooperation pages: partnerships, case studies, the members' discussions, the timeline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ascn.cooperation import queries
from ascn.cooperation.forms import PartnershipForm, ReplyForm, ThreadForm
from ascn.cooperation.models import Post
from ascn.cooperation.permissions import can_moderate, is_member
from ascn.cooperation.services import (
    partnership_create,
    post_create,
    post_hide,
    thread_create,
    thread_moderate,
)
from ascn.cooperation.timeline import timeline_for
from ascn.core.errors import DomainError, InvalidInput, PermissionDenied
from ascn.core.forms import form_error
from ascn.core.permissions import scopes_of
from ascn.core.queries import found
from ascn.core.views import send_form
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
            # the Secretariat curates the knowledge bank, in the back office
            "may_add_case_study": can_moderate(request.user) and request.user.is_staff,
        },
    )


@require_GET
def case_study_detail(request, slug: str):
    study = found(queries.case_studies_for(request.user).filter(slug=slug).first())
    return render(request, "cooperation/case_study_detail.html", {"study": study})


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
    return render(
        request,
        "cooperation/thread_detail.html",
        {
            "thread": thread,
            "posts": queries.posts_for(request.user, thread),
            "form": form,
            "moderator": can_moderate(request.user),
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


@login_required
@require_http_methods(["GET", "POST"])
def partnership_new(request):
    cities = _cities_spoken_for(request.user)
    if not cities.exists():
        raise Http404
    form = PartnershipForm(request.POST or None, cities=cities)
    status = 200
    if request.method == "POST":
        sent = send_form(
            request,
            form,
            lambda data: partnership_create(actor=request.user, **data),
            saved_message=_("The partnership is recorded."),
            next_url=reverse("cooperation"),
        )
        if sent.response:
            return sent.response
        status = sent.status
    return render(request, "cooperation/partnership_form.html", {"form": form}, status=status)
