"""Pages of funding programmes: the list, and one programme with its calls, awards and — for
the people entitled — its applications and the forms to apply, decide, award and pay.

Every read starts from what the user may see; every write goes through a service. The forms
are plain POST forms: the pages work without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ascn.core.errors import InvalidInput, PermissionDenied, StaleEdit
from ascn.core.permissions import scopes_of
from ascn.core.queries import found
from ascn.core.services import free_slug
from ascn.core.views import edit_page, form_page, send_edit, send_form, sign_in_first, updating
from ascn.funding import queries
from ascn.funding.forms import (
    ApplyForm,
    AwardForm,
    CallEditForm,
    CallForm,
    DisbursementForm,
    ProgrammeForm,
    TransitionForm,
)
from ascn.funding.models import Application, Award, Programme
from ascn.funding.permissions import programme_policy
from ascn.funding.services import (
    ACTIONS,
    allowed_actions,
    application_award,
    application_create,
    application_delete,
    application_transition,
    call_create,
    call_update,
    can_create_programme,
    disbursement_create,
    programme_create,
    programme_update,
    require_payment_recorder,
)
from ascn.funding.validation import call_is_open, eligibility_problems
from ascn.network.queries import focus_area_labels, member_state_labels
from ascn.partners.models import Organisation
from ascn.partners.queries import organisations_for
from ascn.plans import codelists
from ascn.plans.models import FinancingInstrument, Project
from ascn.plans.permissions import project_policy


def _programme_or_404(request, slug: str) -> Programme:
    return found(
        queries.programmes_for(request.user).filter(slug=slug).first(),
        _("Funding programme not found."),
    )


def _programme_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A form sent from a programme's page: POST, by someone signed in (a visitor goes to
    sign in first), about a programme the user may see — which the view gets instead of its
    slug. A refused form's page stands at the form's address: asked for again (a reload, the
    language menu), that address leads back to the programme's page."""

    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def sent_from_programme(request, slug: str, **kwargs) -> HttpResponse:
        if request.method == "GET":
            return redirect(_programme_or_404(request, slug).get_absolute_url())
        if response := sign_in_first(request):
            return response
        return view(request, _programme_or_404(request, slug), **kwargs)

    return sent_from_programme


@require_GET
def programme_list(request):
    programmes = list(queries.programmes_for(request.user))
    return render(
        request,
        "funding/programme_list.html",
        {"programmes": programmes, "can_create": bool(sponsors_for(request.user))},
    )


def sponsors_for(user) -> list[Organisation]:
    """The organisations ``user`` may add a programme for: any for the Secretariat, their
    own for a partner member."""
    if not user.is_authenticated:
        return []
    scopes = scopes_of(user)
    if not (scopes.secretariat or scopes.organisation_ids):
        return []
    candidates = organisations_for(user).order_by("name")
    return [org for org in candidates if can_create_programme(user, org)]


def _organisation(user, slug: str) -> Organisation | None:
    return organisations_for(user).filter(slug=slug).first() if slug else None


def _programme_values(request, form: ProgrammeForm) -> dict:
    values = form.service_values()
    values["implementer"] = _organisation(request.user, form.cleaned_data["implementer"])
    return values


def _programme_form_page(request, form, *, programme=None, stale=None, status=200):
    return render(
        request,
        "funding/programme_form.html",
        {"form": form, "programme": programme, "stale": stale},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request):
    sponsors = sponsors_for(request.user)
    if not sponsors:
        raise PermissionDenied(
            _("Only a partner organisation's members and the Secretariat add funding programmes.")
        )
    organisations = list(organisations_for(request.user).order_by("name"))
    if request.method == "POST":
        form = ProgrammeForm(request.POST, sponsors=sponsors, organisations=organisations)
    else:
        initial = {"visibility": "draft", "currency": "USD"}
        if len(sponsors) == 1:
            initial["sponsor"] = sponsors[0].slug
        form = ProgrammeForm(initial=initial, sponsors=sponsors, organisations=organisations)

    def save(data):
        sponsor = next(o for o in sponsors if o.slug == data["sponsor"])
        base = slugify(data["name"])[:90]
        if not base:
            raise InvalidInput(_("Name the programme in Latin letters."), field="name")
        return programme_create(
            actor=request.user,
            slug=free_slug(Programme, base),
            sponsor=sponsor,
            **_programme_values(request, form),
        )

    return form_page(
        request,
        form,
        save,
        template="funding/programme_form.html",
        context={"programme": None, "stale": None},
        saved_message=_("The programme is recorded."),
        next_url=lambda programme: programme.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, slug: str):
    programme = _programme_or_404(request, slug)
    programme_policy.require(request.user, "change", programme)
    organisations = list(organisations_for(request.user).order_by("name"))
    if request.method == "GET":
        form = ProgrammeForm(
            initial=ProgrammeForm.initial_from(programme),
            organisations=organisations,
            editing=True,
        )
        return _programme_form_page(request, form, programme=programme)
    form = ProgrammeForm(request.POST, organisations=organisations, editing=True)
    edit = send_edit(
        request,
        programme,
        form,
        lambda version, _values: programme_update(
            actor=request.user,
            programme=programme,
            version=version,
            **_programme_values(request, form),
        ),
        reload=lambda: _programme_or_404(request, slug),
        saved_message=_("The programme is saved."),
        next_url=programme.get_absolute_url(),
        form_kwargs={"organisations": organisations, "editing": True},
    )
    if edit.response:
        return edit.response
    return _programme_form_page(
        request, edit.form, programme=edit.record, stale=edit.stale, status=edit.status
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, slug: str, pk: int):
    programme = _programme_or_404(request, slug)
    programme_policy.require(request.user, "change", programme)
    call = found(programme.calls.filter(pk=pk).first(), _("Call not found."))
    return edit_page(
        request,
        call,
        CallEditForm,
        updating(call_update, request.user, call=call),
        template="funding/call_form.html",
        saved_message=_("The call is saved."),
        next_url=programme.get_absolute_url() + "#calls",
        context={"programme": programme},
    )


def application_candidates(
    user, programme: Programme, calls=()
) -> tuple[list[Project], list[tuple[Project, list[str]]]]:
    """The projects of the user's cities (as CSCO) that meet the programme's eligibility and
    can still apply to one of ``calls`` (a project applies once per call), and the others with
    why not, for the page to say. Sample projects to a sample programme only, real ones to a
    real one (the service refuses the mix; the page says so once, not per project)."""
    city_ids = scopes_of(user).city_ids
    if not city_ids:
        return [], []
    candidates = Project.objects.filter(city_id__in=city_ids, sample=programme.sample)
    call_ids = [call.pk for call in calls]
    applied_to_all: set[int] = set()
    if call_ids:
        applied_to_all = set(
            Application.objects.filter(call_id__in=call_ids, project__in=candidates)
            .values("project_id")
            .annotate(n=Count("call_id", distinct=True))
            .filter(n=len(call_ids))
            .values_list("project_id", flat=True)
        )
    projects = (
        project_policy.visible(user, candidates)
        .select_related("city__member_state")
        .prefetch_related("focus_areas")
        .order_by("city__name", "title")
    )
    eligible, refused = [], []
    for project in projects:
        reasons = [message for _field, message in eligibility_problems(programme, project)]
        if project.pk in applied_to_all:
            reasons.append(_("It has applied to every open call."))
        if reasons:
            refused.append((project, reasons))
        else:
            eligible.append(project)
    return eligible, refused


def eligible_projects(user, programme: Programme, calls=()) -> list[Project]:
    """``application_candidates``' projects that may apply."""
    return application_candidates(user, programme, calls)[0]


def eligibility_rows(programme: Programme) -> list[tuple[str, list[str]]]:
    """(what, the values as people read them); an empty list shows as "not published"."""
    states = member_state_labels()
    areas = focus_area_labels()
    stages = codelists.labels("projectStatus")
    instruments = dict(FinancingInstrument.choices)
    return [
        (_("Member states"), [states.get(c, c) for c in programme.eligible_countries]),
        (_("Focus areas"), [areas.get(c, c) for c in programme.eligible_focus_areas]),
        (_("Project stages"), [stages.get(c, c) for c in programme.eligible_stages]),
        (_("Instruments"), [str(instruments.get(c, c)) for c in programme.instruments]),
    ]


def row_anchor(record: Application | Award) -> str:
    """The id of a record's row on the programme's page ("application-7", "award-3"): its
    forms are prefixed with it and sent back to it."""
    return f"{type(record).__name__.lower()}-{record.pk}"


def _detail(request, programme: Programme, *, status: int = 200, refused=None, **forms):
    """The programme's page. ``refused``: (the anchor of a row, the form sent from it) when a
    row's form was refused — shown again in its row, bound to what was sent and saying why,
    while every other row's form is new; ``apply_form`` or ``call_form``: that form sent and
    refused."""
    user = request.user
    today = timezone.localdate()
    calls = list(programme.calls.all())
    for call in calls:
        call.is_open = call_is_open(call, today)
    row, refused_form = refused or ("", None)
    applications = list(queries.applications_for(user).filter(call__programme=programme))
    awards = list(queries.awards_of(programme, user))
    # a project is linked where the reader may open it: a programme's managers see the
    # applications to it, not the pages of draft projects
    applied = {a.project_id for a in applications} | {a.application.project_id for a in awards}
    shown = set(
        project_policy.visible(user, Project.objects.filter(pk__in=applied)).values_list(
            "pk", flat=True
        )
        if applied
        else ()
    )
    for application in applications:
        application.project_shown = application.project_id in shown
        allowed = allowed_actions(user, application)
        application.actions = [a for a in allowed if a != "award"]
        application.anchor = row_anchor(application)
        mine = refused_form if row == application.anchor else None
        application.award_form = None
        if "award" in allowed:
            application.award_form = (
                mine
                if isinstance(mine, AwardForm)
                else AwardForm(
                    initial={
                        "version": application.version,
                        "amount": application.amount_requested,
                    },
                    prefix=application.anchor,
                    currency=programme.currency,
                )
            )
        # a refusal the row shows above its buttons: of an action, or of an award form the
        # row no longer offers (the application was decided meanwhile)
        application.refused = mine if mine is not application.award_form else None
    is_manager = programme_policy.can(user, "manage", programme)
    for award in awards:
        award.project_shown = award.application.project_id in shown
        award.remaining = award.amount - award.disbursed_amount
        award.anchor = row_anchor(award)
        if is_manager:
            award.pay_form = (
                refused_form
                if row == award.anchor
                else DisbursementForm(
                    prefix=award.anchor,
                    currency=programme.currency,
                    initial={"disbursed": award.disbursed_amount},
                )
            )
    open_calls = [c for c in calls if c.closes_on >= today]
    projects, cannot_apply = (
        application_candidates(user, programme, open_calls) if open_calls else ([], [])
    )
    apply_form = forms.get("apply_form") or (
        ApplyForm(calls=open_calls, projects=projects, currency=programme.currency)
        if projects
        else None
    )
    return render(
        request,
        "funding/programme_detail.html",
        {
            "programme": programme,
            "eligibility": eligibility_rows(programme),
            "calls": calls,
            "awards": awards,
            # counted in the programme's totals, not listed to this reader (a draft project's)
            "awards_unlisted": programme.awards.count() - len(awards),
            "applications": applications,
            "is_manager": is_manager,
            "can_change": programme_policy.can(user, "change", programme),
            "can_disburse": is_manager,
            "apply_form": apply_form,
            "is_csco": bool(scopes_of(user).city_ids),
            "open_calls": open_calls,
            "cannot_apply": cannot_apply,
            "call_form": forms.get("call_form") or (CallForm() if is_manager else None),
        },
        status=status,
    )


@require_GET
def programme_detail(request, slug: str):
    return _detail(request, _programme_or_404(request, slug))


@_programme_post
def programme_apply(request, programme: Programme):
    if not scopes_of(request.user).city_ids:
        raise PermissionDenied(
            _("Only Chief Smart City Officers apply, with their city's projects.")
        )
    today = timezone.localdate()
    calls = list(programme.calls.filter(closes_on__gte=today))
    # any of the city's eligible projects is taken, so that one that already applied hears
    # why from the service; the form shown again offers only those that may still apply
    projects = eligible_projects(request.user, programme)
    form = ApplyForm(request.POST, calls=calls, projects=projects, currency=programme.currency)
    sent = send_form(
        request,
        form,
        lambda data: application_create(
            actor=request.user,
            call=next(c for c in calls if c.pk == data["call"]),
            project=next(p for p in projects if p.pk == data["project"]),
            amount_requested=data["amount_requested"],
            currency=programme.currency,
            statement=data["statement"],
        ),
        saved_message=_("Your application is saved as a draft. Submit it when it is ready."),
        next_url=programme.get_absolute_url() + "#applications",
    )
    if sent.response:
        return sent.response
    form.offer(eligible_projects(request.user, programme, calls))
    return _detail(request, programme, status=sent.status, apply_form=form)


def _application(request, programme: Programme, pk: int):
    application = (
        queries.applications_for(request.user).filter(pk=pk, call__programme=programme).first()
    )
    if application is None:
        raise Http404(_("Application not found."))
    return application


def _send_application_form(
    request, programme: Programme, application, make_form, save, done, *, then: str
):
    """Send the form of an application's row — an action, an award — made by
    ``make_form(data)``, to ``save(cleaned_data)`` (``send_form``): saved, the message
    ``done`` and back to the programme's section ``then``. Refused: the programme's
    page again, in the status ``send_form`` gives, with that form in the application's row
    saying why. After a stale edit (409) the form carries the version saved now, as
    ``edit_again`` does, so that sending it again is a deliberate choice."""
    form = make_form(request.POST)
    sent = send_form(
        request,
        form,
        save,
        saved_message=done,
        next_url=f"{programme.get_absolute_url()}#{then}",
        stale_edits=True,
    )
    if sent.response:
        return sent.response
    if sent.stale:
        current = _application(request, programme, application.pk)
        data = request.POST.copy()
        data[form.add_prefix("version")] = str(current.version)
        stale = StaleEdit(current, form.cleaned_data["version"])
        form = make_form(data)
        form.is_valid()
        form.add_error(
            None,
            _("Someone changed this application meanwhile: nothing was saved. %(m)s")
            % {"m": stale.message},
        )
    return _detail(request, programme, status=sent.status, refused=(row_anchor(application), form))


def _incomplete(form: TransitionForm) -> TransitionForm:
    """An action's form without its version (a page changed by hand): said as such, not as
    the hidden field's error."""
    if not form.is_valid():
        form.errors.clear()
        form.add_error(None, _("The form was incomplete."))
    return form


@_programme_post
def application_action(request, programme: Programme, pk: int, action: str):
    """A move of the application's (``application_transition``), or its city deleting its
    draft (``delete``: ``application_delete``)."""
    if action not in (*ACTIONS, "delete") or action == "award":
        raise Http404
    application = _application(request, programme, pk)
    done = {
        "submit": _("The application is submitted to the programme."),
        "shortlist": _("The application is shortlisted."),
        "decline": _("The application is declined."),
        "delete": _("The draft application is deleted: the project may apply to the call again."),
    }
    move = (
        application_delete if action == "delete" else partial(application_transition, action=action)
    )
    return _send_application_form(
        request,
        programme,
        application,
        lambda data: _incomplete(TransitionForm(data)),
        lambda data: move(actor=request.user, application=application, version=data["version"]),
        done[action],
        then="applications",
    )


@_programme_post
def application_award_view(request, programme: Programme, pk: int):
    application = _application(request, programme, pk)
    return _send_application_form(
        request,
        programme,
        application,
        lambda data: AwardForm(data, prefix=row_anchor(application), currency=programme.currency),
        lambda data: application_award(actor=request.user, application=application, **data),
        _("The award is recorded; the balance is updated."),
        then="awards",
    )


@_programme_post
def award_disburse(request, programme: Programme, pk: int):
    award = found(
        queries.awards_for(request.user).filter(pk=pk, programme=programme).first(),
        _("Award not found."),
    )
    # before the form is read: its errors would show on a page without the form
    require_payment_recorder(request.user, programme)
    anchor = row_anchor(award)
    form = DisbursementForm(request.POST, prefix=anchor, currency=programme.currency)
    sent = send_form(
        request,
        form,
        lambda data: disbursement_create(actor=request.user, award=award, **data),
        saved_message=_("The payment is recorded."),
        next_url=programme.get_absolute_url() + "#awards",
    )
    if sent.status == 409:  # paid meanwhile: sent again, the form says what is paid now
        award.refresh_from_db(fields=["disbursed_amount"])
        form.data = form.data.copy()
        form.data[form.add_prefix("disbursed")] = str(award.disbursed_amount)
    return sent.response or _detail(request, programme, status=sent.status, refused=(anchor, form))


def _call_saved_message(form: CallForm) -> str:
    """Whether the new call takes applications now or from a later date, as it is."""
    data = form.cleaned_data if form.is_valid() else {}
    opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
    if opens_on is None or closes_on is None:
        return _("The call is saved.")
    if opens_on <= timezone.localdate():
        return _("The call is saved and open for applications now, until %(date)s.") % {
            "date": date_format(closes_on)
        }
    return _("The call is saved. It opens for applications on %(date)s.") % {
        "date": date_format(opens_on)
    }


@_programme_post
def programme_call_create(request, programme: Programme):
    programme_policy.require(request.user, "change", programme)
    form = CallForm(request.POST)
    sent = send_form(
        request,
        form,
        lambda data: call_create(actor=request.user, programme=programme, **data),
        saved_message=_call_saved_message(form),
        next_url=programme.get_absolute_url() + "#calls",
    )
    return sent.response or _detail(request, programme, status=sent.status, call_form=form)
