"""What the pages of every app share: a ``next`` link that stays on the site, sending a
visitor to sign in before a POST, one page of a filtered list, and a form sent to its
service (saved, or shown again with why)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import Resolver404, URLPattern, path, resolve, reverse
from django.utils import translation
from django.utils.choices import flatten_choices
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ascn.core import formats, sources, translations
from ascn.core.errors import InvalidInput, PermissionDenied, StaleEdit
from ascn.core.forms import FilterForm, form_error
from ascn.core.queries import CappedRows

PAGE_SIZE = 50


# Pages nobody is sent back to after signing in: the sign-in and sign-out pages (a ``next``
# pointing at them nests without end: ``?next=/sign-in/?next=/sign-in/…``) and the steps of
# signing in and of a password reset.
SIGN_IN_FLOW = frozenset(
    {
        "login",
        "logout",
        "two-factor-setup",
        "two-factor-verify",
        "password-reset",
        "password-reset-done",
        "password-reset-confirm",
        "password-reset-complete",
    }
)


def in_sign_in_flow(url: str) -> bool:
    """Whether ``url`` (a path, with or without its query) is one of ``SIGN_IN_FLOW``."""
    try:
        return resolve(urlsplit(url).path).url_name in SIGN_IN_FLOW
    except Resolver404:
        return False


def safe_next(request: HttpRequest, target: str | None, default: str) -> str:
    """``target`` if it stays on this site and is not a page of signing in or out,
    otherwise ``default``."""
    if (
        target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and not in_sign_in_flow(target)
    ):
        return target
    return default


def sign_in_url(request: HttpRequest) -> str:
    """The sign-in page, coming back to the page the visitor is on. On a page of signing in
    or out, the ``next`` that page was given (when safe), never the page itself: links to
    sign in never nest."""
    if in_sign_in_flow(request.path):
        target = safe_next(request, request.GET.get("next"), "")
    else:
        target = request.get_full_path()
    login = reverse("login")
    return f"{login}?{urlencode({'next': target})}" if target else login


def sign_in_first(request: HttpRequest) -> HttpResponse | None:
    """For a visitor who is not signed in: the sign-in page, which comes back here after."""
    if not request.user.is_authenticated:
        return HttpResponseRedirect(sign_in_url(request))
    return None


def filtered_page(
    request: HttpRequest,
    form: FilterForm,
    rows_for: Callable[..., Any],
    page_size: int = PAGE_SIZE,
    *,
    capped_by: str = "",
) -> tuple[Page, int]:
    """One page of a list's rows that ``rows_for(user, **filters)`` gives for the filters of
    ``form``, and the status: 400 and no rows when a filter is not valid. When the filter
    ``capped_by`` is given, the rows are counted up to a cap (``core.queries.CappedRows``:
    ``page.paginator.object_list.count_exact`` says whether that was all of them)."""
    if form.is_bound and not form.is_valid():
        return Paginator([], page_size).get_page(request.GET.get("page")), 400
    filters = form.filters() if form.is_bound else {}
    rows = rows_for(request.user, **filters)
    if capped_by and filters.get(capped_by):
        rows = CappedRows(rows)
    return Paginator(rows, page_size).get_page(request.GET.get("page")), 200


@dataclass
class Sent:
    """What became of a form sent to its service: saved (``response``, the redirect), or to
    be shown again with ``status``; ``stale`` when someone else saved the record first."""

    form: forms.Form
    status: int
    response: HttpResponse | None = None
    stale: bool = False


def send_form(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    saved_message: str | Callable[[Any], str],
    next_url: str | Callable[[Any], str],
    stale_edits: bool = False,
) -> Sent:
    """Send a bound form to its service, ``save(form.cleaned_data)``.

    Saved: the message ``saved_message`` and a redirect to ``next_url`` — either may be a
    function of what ``save`` returned (a new record: its page). Not saved: the form
    comes back to be shown again, 422 when it is not valid, with the service's
    ``InvalidInput`` on its field (and its status). With ``stale_edits`` the view merges a
    stale edit itself (``stale``, 409); without, the ``StaleEdit`` goes on to the error page.
    """
    if not form.is_valid():
        return Sent(form, 422)
    try:
        saved = save(form.cleaned_data)
    except StaleEdit:
        if not stale_edits:
            raise
        return Sent(form, 409, stale=True)
    except InvalidInput as exc:
        form_error(form, exc)
        return Sent(form, exc.status)
    messages.success(request, saved_message(saved) if callable(saved_message) else saved_message)
    url = next_url(saved) if callable(next_url) else next_url
    return Sent(form, 302, response=HttpResponseRedirect(url))


def form_page(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    template: str,
    context: dict[str, Any] | Callable[[], dict[str, Any]],
    saved_message: str | Callable[[Any], str],
    next_url: str | Callable[[Any], str],
) -> HttpResponse:
    """A page of one form: ``template`` shows ``context`` and the ``form``. A POST sends the
    form to ``save`` (``send_form``): saved, on to ``next_url``; not saved, the page again
    with the form and why, in the status ``send_form`` gives. ``context`` may be a function
    giving it, called only when the page is shown."""
    status = 200
    if request.method == "POST":
        sent = send_form(request, form, save, saved_message=saved_message, next_url=next_url)
        if sent.response:
            return sent.response
        status = sent.status
    shown = context() if callable(context) else context
    return render(request, template, {**shown, "form": form}, status=status)


def carry_out(
    request: HttpRequest, act: Callable[[], Any], *, done: str | Callable[[Any], str]
) -> Any:
    """A button's action: ``act()``, then the message ``done`` (or ``done(result)``); when
    the service refuses (``InvalidInput``), its reason as an error message instead. Answers
    what ``act`` returned, None when refused."""
    try:
        result = act()
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return result


def conflict_rows(
    form: forms.Form, yours: dict[str, Any], saved: dict[str, Any]
) -> list[dict[str, str]]:
    """For a stale edit: the form's fields where what is saved now (``saved``) differs from
    what this person sent (``yours``), both given as the form shows them: a choice by its
    label in the page's language ("Viet Nam", not "VN"). Lists compare as sets; an empty
    value is "—"."""
    rows = []
    for name, mine in yours.items():
        theirs = saved.get(name)
        if isinstance(mine, list) or isinstance(theirs, list):
            mine, theirs = sorted(map(_item, mine or [])), sorted(map(_item, theirs or []))
        if (mine or None) != (theirs or None):
            field = form.fields[name]
            labels = _choice_labels(field)
            rows.append(
                {
                    "label": str(field.label),
                    "saved": _shown(theirs, labels),
                    "yours": _shown(mine, labels),
                }
            )
    return rows


def _choice_labels(field: forms.Field) -> dict[str, str]:
    """A choice field's values and their labels, as text; {} for a field without choices."""
    # a menu's groups too (a project's currencies, the indicators by framework)
    choices: Iterable[tuple[Any, Any]] = flatten_choices(getattr(field, "choices", None) or [])
    return {str(value): str(label) for value, label in choices if value not in (None, "")}


def edit_again(
    request: HttpRequest, form: Any, current: Any, **form_kwargs: Any
) -> tuple[dict[str, Any], Any]:
    """After a stale edit (409): ``stale``, the fields where what is saved now (``current``)
    differs from what this person sent, and the form again with what they sent but carrying
    the saved version, so that saving it again is a deliberate choice.

    The form gives both sides as it shows them: ``initial_from(current)`` and ``as_shown()``
    (``core.forms.VersionedForm``); ``form_kwargs`` go to the new form."""
    form_class = type(form)
    saved = form_class.initial_from(current)
    stale = {"conflicts": conflict_rows(form, form.as_shown(), saved)}
    data = request.POST.copy()
    data["version"] = str(current.version)
    again = form_class(data, **form_kwargs)
    again.is_valid()
    return stale, again


@dataclass
class SentEdit:
    """What became of an edit of a versioned record sent to its service (``send_edit``):
    saved (``response``, the redirect), or the page again with ``form`` in ``status``; after a
    stale edit, ``record`` as saved now and ``stale``, what differs (``edit_again``)."""

    response: HttpResponse | None
    form: Any
    record: Any
    stale: dict[str, Any] | None
    status: int


def send_edit(
    request: HttpRequest,
    record: Any,
    form: Any,
    save: Callable[[int, dict[str, Any]], object],
    *,
    reload: Callable[[], Any],
    saved_message: str,
    next_url: str,
    form_kwargs: dict[str, Any] | None = None,
) -> SentEdit:
    """Send a bound ``VersionedForm`` editing ``record``: ``save(version,
    form.service_values())`` calls the record's service (``send_form``). Someone saved the
    record meanwhile: ``reload()`` reads it again and the form comes back with what differs
    (``edit_again``, given ``form_kwargs``)."""
    sent = send_form(
        request,
        form,
        lambda data: save(data["version"], form.service_values()),
        saved_message=saved_message,
        next_url=next_url,
        stale_edits=True,
    )
    stale = None
    if sent.stale:
        record = reload()
        stale, form = edit_again(request, form, record, **(form_kwargs or {}))
    return SentEdit(sent.response, form, record, stale, sent.status)


def updating(
    service: Callable[..., Any], actor: Any, **record: Any
) -> Callable[[int, dict[str, Any]], Any]:
    """The ``save`` of ``edit_page`` and ``send_edit`` for a service that takes the record
    and its values as keywords: ``service(actor=actor, <record>, version=…, **values)``, e.g.
    ``updating(city_update, request.user, city=city)``."""
    return lambda version, values: service(actor=actor, version=version, **record, **values)


def edit_page(
    request: HttpRequest,
    record: Any,
    form_class: Any,
    save: Callable[[int, dict[str, Any]], object],
    *,
    template: str,
    saved_message: str,
    next_url: str,
    context: dict[str, Any] | None = None,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page that edits a versioned record with its ``VersionedForm``: filled from the
    record; sent, ``save(version, form.service_values())`` calls the record's service, then
    ``saved_message`` and on to ``next_url``. Someone saved the record meanwhile: the form
    again (409) with what differs (``edit_again``). The template gets ``context`` with the
    ``form``, the ``stale`` notice and the ``record`` as it is saved now. ``form_kwargs`` go
    to each form made."""
    status, stale = 200, None
    form_kwargs = form_kwargs or {}
    if request.method == "POST":
        edit = send_edit(
            request,
            record,
            form_class(request.POST, **form_kwargs),
            save,
            reload=lambda: type(record).objects.get(pk=record.pk),
            saved_message=saved_message,
            next_url=next_url,
            form_kwargs=form_kwargs,
        )
        if edit.response:
            return edit.response
        form, record, stale, status = edit.form, edit.record, edit.stale, edit.status
    else:
        form = form_class(initial=form_class.initial_from(record), **form_kwargs)
    page = {**(context or {}), "form": form, "stale": stale, "record": record}
    return render(request, template, page, status=status)


def _item(value: Any) -> str:
    """One item of a list field, as text: a source (``core.sources``) as it is cited."""
    return sources.cited(value) if isinstance(value, dict) else str(value)


def _shown(value: Any, labels: dict[str, str]) -> str:
    if isinstance(value, list):
        return formats.listed(labels.get(str(item), str(item)) for item in value) or "—"
    return "—" if value in (None, "") else labels.get(str(value), str(value))


def render_results(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    partial: str = "results",
) -> HttpResponse:
    """A filtered page, or, when htmx refreshes it, only its ``partial`` followed by the
    filter menus that follow another choice and the filter notes (out of band: see
    ``FilterForm.follows``). A choice the form dropped also leaves the address bar."""
    form = context.get("form")
    if not request.htmx:  # type: ignore[attr-defined]
        return render(request, template, context, status=status)
    response = render(request, f"{template}#{partial}", context, status=status)
    if isinstance(form, FilterForm):
        response.write(render_to_string("components/filters_oob.html", {"form": form}, request))
        if form.dropped:
            query = form.query_string()
            response["HX-Push-Url"] = request.path + (f"?{query}" if query else "")
    return response


class TranslationForm(forms.Form):
    """One language's translation of a record's texts (``core.translations``)."""

    language = forms.ChoiceField(label=gettext_lazy("Language of the translation"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, obj: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = [(c, n) for c, n in settings.LANGUAGES if c != obj.language]
        cast("forms.ChoiceField", self.fields["language"]).choices = others
        for name in obj.translated_fields:
            model_field = obj._meta.get_field(name)
            widget = forms.Textarea(attrs={"rows": 6}) if model_field.max_length is None else None
            self.fields[name] = forms.CharField(
                label=capfirst(model_field.verbose_name),
                required=False,
                max_length=model_field.max_length,
                widget=widget,
                help_text=gettext_lazy(
                    "Leave every text empty to remove this language's translation."
                ),
            )


class OriginalLanguageForm(forms.Form):
    original = forms.ChoiceField(
        label=gettext_lazy("The record itself is written in"), choices=settings.LANGUAGES
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


def translations_page(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """A record's translations: each language's texts, and a form to add or change one."""
    target = translations.TARGETS[kind]
    obj = get_object_or_404(target.visible(request.user), **{target.lookup: key})
    may_translate = target.may_translate(request.user, obj)
    # the language asked for, else the page's (a CSCO reading in Thai translates into Thai)
    page_language = translation.get_language() or settings.LANGUAGE_CODE
    chosen = request.GET.get("language") or (page_language if page_language != obj.language else "")
    initial: dict[str, Any] = {"version": obj.version, "language": chosen}
    initial.update((obj.translations or {}).get(chosen, {}))
    form: forms.Form = TranslationForm(initial=initial, obj=obj)
    original_form = OriginalLanguageForm(
        initial={"original": obj.language, "version": obj.version}, prefix="record"
    )
    status = 200
    if request.method == "POST" and not may_translate:
        raise PermissionDenied(_("Only the record's owners may translate it."))
    if request.method == "POST":
        # one of the page's two forms is sent: the record's language, or a translation
        sent_form: forms.Form
        if "record-original" in request.POST:
            sent_form = original_form = OriginalLanguageForm(request.POST, prefix="record")
            saved_message = _("The record's language is saved.")

            def save(data: dict[str, Any]) -> Any:
                return translations.original_language_set(
                    actor=request.user,
                    kind=kind,
                    obj=obj,
                    language=data["original"],
                    version=data["version"],
                )

        else:
            sent_form = form = TranslationForm(request.POST, obj=obj)
            saved_message = _("The translation is saved.")

            def save(data: dict[str, Any]) -> Any:
                return translations.translation_save(
                    actor=request.user,
                    kind=kind,
                    obj=obj,
                    language=data["language"],
                    values={name: data[name] for name in obj.translated_fields},
                    version=data["version"],
                )

        sent = send_form(
            request,
            sent_form,
            save,
            saved_message=saved_message,
            next_url=request.path,
            stale_edits=True,
        )
        if sent.response:
            return sent.response
        status = sent.status  # the bound form, shown again with why
    existing = [
        {
            "code": code,
            "name": _(LANG_INFO.get(code, {}).get("name", code)),
            "texts": [
                (capfirst(obj._meta.get_field(f).verbose_name), t.get(f, ""))
                for f in obj.translated_fields
            ],
        }
        for code, t in sorted((obj.translations or {}).items())
    ]
    return render(
        request,
        "core/translations.html",
        {
            "obj": obj,
            "original_language": _(LANG_INFO.get(obj.language, {}).get("name", obj.language)),
            "existing": existing,
            "form": form,
            "original_form": original_form,
            "may_translate": may_translate,
            "stale": status == 409,
        },
        status=status,
    )


def translations_path(prefix: str, kind: str) -> URLPattern:
    """The route of a record's translations page: ``<prefix>translations/``, where ``prefix``
    holds the record's key as ``key`` (``"plans/<int:key>/"``), named ``<kind>-translations``
    after the kind its app registers (``core.translations.register``)."""
    return path(
        f"{prefix}translations/", translations_page, {"kind": kind}, name=f"{kind}-translations"
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which a browser asks for beside a document that names no icon (the
    API's JSON, a PDF): the site's icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
