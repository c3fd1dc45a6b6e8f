"""Forms of the agreement pages. They shape input for ``agreements.services``, which checks
permission and validates again."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from ascn.agreements import queries
from ascn.agreements.models import Agreement, Precision
from ascn.agreements.services import agreement_problems
from ascn.core.errors import InvalidInput
from ascn.core.forms import (
    VisibleCharField,
    date_field,
    line_field,
    rule_problems_too,
    text_field,
)
from ascn.core.visibility import Visibility
from ascn.meetings.models import Meeting
from ascn.network.models import City, MemberState
from ascn.partners.models import Organisation
from ascn.plans.models import Project

if TYPE_CHECKING:
    from ascn.core.types import Actor

# A party row per line of the form: enough for the network's multi-party memoranda.
PARTY_ROWS = 6
PROJECT_REFERENCE = re.compile(r"(?:/projects/)?(\d+)/?")
# The most projects the form names under the box (an agreement covers a handful).
MAX_PROJECTS_NAMED = 50

STATUS_ON_CREATE = [
    (Agreement.Status.DRAFT, _("Draft: being negotiated")),
    (Agreement.Status.SIGNED, _("Signed (give the date)")),
]


def project_numbers(text: str) -> list[int]:
    """The project numbers in ``text`` (numbers or project page addresses, separated by
    commas, semicolons or spaces); a word that is neither is a ValidationError."""
    ids = []
    for word in re.split(r"[\s,;]+", text.strip()):
        if not word:
            continue
        match = PROJECT_REFERENCE.fullmatch(word)
        if match is None:
            raise forms.ValidationError(_("“%(word)s” is not a project number.") % {"word": word})
        ids.append(int(match.group(1)))
    return ids


class ProjectNumbersInput(forms.TextInput):
    """The projects' numbers, with what each number names listed under the box: its title and
    city, or that no project has it. The agreement pages are the Secretariat's, who sees every
    project."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        box = super().render(name, value, attrs, renderer)
        try:
            ids = list(dict.fromkeys(project_numbers(str(value or ""))))[:MAX_PROJECTS_NAMED]
        except forms.ValidationError:
            ids = []
        found = {
            project.pk: project
            for project in Project.objects.filter(pk__in=ids).select_related("city")
        }
        # the site's templates (the form renderer only knows Django's own)
        named = render_to_string(
            "agreements/project_numbers.html", {"named": [(pk, found.get(pk)) for pk in ids]}
        )
        return mark_safe(box + named)  # two rendered templates


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} ({obj.start_date:%Y})"


class AgreementForm(forms.Form):
    """The agreement's record. A new one may be recorded as signed (an agreement signed
    before the platform existed); afterwards the status moves on the agreement's page."""

    title = line_field(_("Title"), max_length=300, required=True)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *Agreement.Kind.choices]
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_ON_CREATE)
    signed_date = date_field(
        _("Signed on"), required=False, help_text=_("Required once the agreement is signed.")
    )
    signed_date_precision = forms.ChoiceField(
        label=_("How much of the date is known"),
        choices=Precision.choices,
        initial=Precision.DAY,
        help_text=_("When a source gives only the month or the year, the day is not shown."),
    )
    signed_place = line_field(_("Signed at"), max_length=200)
    meeting = MeetingChoiceField(
        label=_("Meeting where it was signed"),
        queryset=Meeting.objects.order_by("-start_date"),
        to_field_name="slug",
        required=False,
    )
    description = text_field(_("Description"), rows=5, max_length=20000)
    projects = VisibleCharField(
        label=_("Projects it covers"),
        max_length=2000,
        required=False,
        widget=ProjectNumbersInput,
        help_text=_(
            "The projects' numbers (the number in a project page's address, e.g. /projects/42/), "
            "separated by commas or spaces."
        ),
    )
    source = line_field(
        _("Source"),
        max_length=300,
        help_text=_("Where the agreement is published: a title and publisher, or a link."),
    )
    visibility = forms.ChoiceField(label=_("Who sees it"), choices=Visibility.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["status"]
            self.fields["version"].required = True

    def clean_projects(self) -> list[int]:
        return project_numbers(self.cleaned_data.get("projects") or "")

    def clean(self) -> dict[str, Any]:
        """With a field missing or wrong the service is not asked: the agreement's own rules
        are checked here too on what was given (``agreement_problems``), so that a missing
        title and a signed agreement without its date are said in one answer."""
        data = super().clean()
        if self.errors and "status" in data:
            given = {k: data[k] for k in ("signed_date", "signed_date_precision") if k in data}
            rule_problems_too(self, agreement_problems(status=data["status"], values=given))
        return data

    @staticmethod
    def initial_from(agreement: Agreement) -> dict[str, Any]:
        return {
            "title": agreement.title,
            "kind": agreement.kind,
            "signed_date": agreement.signed_date,
            "signed_date_precision": agreement.signed_date_precision,
            "signed_place": agreement.signed_place,
            "meeting": agreement.meeting.slug if agreement.meeting else None,
            "description": agreement.description,
            "projects": ", ".join(
                str(pk) for pk in agreement.projects.values_list("pk", flat=True)
            ),
            "source": agreement.source,
            "visibility": agreement.visibility,
            "version": agreement.version,
        }

    def service_values(self) -> dict[str, Any]:
        """The record's fields as the service takes them (parties apart)."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    def as_shown(self) -> dict[str, Any]:
        """The record's fields as sent, written as ``initial_from`` writes the saved ones."""
        data = self.service_values()
        data.pop("status", None)
        data["meeting"] = data["meeting"].slug if data.get("meeting") else None
        data["projects"] = ", ".join(str(pk) for pk in data.get("projects", []))
        return data


class PartyForm(forms.Form):
    name = line_field(_("Party, as written in the agreement"), max_length=200)
    record = line_field(
        _("Record in the network (optional)"),
        max_length=200,
        help_text=_(
            "An organisation, ASCN city or member state: its name or code, e.g. Asian Development Bank, phuket, TH."
        ),
    )
    signatory = line_field(_("Signatory"), max_length=200)
    signatory_title = line_field(_("Signatory's title"), max_length=300)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any((data.get(key) or "").strip() for key in self.fields)


PartyFormSet = forms.formset_factory(PartyForm, extra=0, min_num=PARTY_ROWS, max_num=PARTY_ROWS)


def party_rows(agreement: Agreement | None) -> list[dict[str, str]]:
    """The party rows of the form for an agreement as it is saved."""
    if agreement is None:
        return []
    return [
        {
            "name": party.name,
            "record": _record_code(party),
            "signatory": party.signatory,
            "signatory_title": party.signatory_title,
        }
        for party in agreement.parties.select_related("organisation", "city", "member_state")
    ]


def _record_code(party) -> str:
    if party.organisation_id:
        return party.organisation.slug
    if party.city_id:
        return party.city.slug
    return party.member_state.code if party.member_state_id else ""


def parties_for_service(user: Actor, formset: Any) -> list[dict[str, Any]]:
    """The filled party rows, each with the record it names resolved: a name the network
    does not know is refused on its row (the form is shown again)."""
    parties = []
    for form in formset.forms:
        if form.is_blank():
            continue
        data = form.cleaned_data
        reference = (data.get("record") or "").strip()
        try:
            record = queries.party_record(user, reference)
        except InvalidInput as exc:
            form.add_error("record", exc.message)
            continue
        if reference and record is None:
            form.add_error(
                "record",
                _("No organisation, ASCN city or member state is called “%(text)s”.")
                % {"text": reference},
            )
            continue
        party = {
            "name": data.get("name") or "",
            "signatory": data.get("signatory") or "",
            "signatory_title": data.get("signatory_title") or "",
        }
        if isinstance(record, Organisation):
            party["organisation"] = record
        elif isinstance(record, City):
            party["city"] = record
        elif isinstance(record, MemberState):
            party["member_state"] = record
        parties.append(party)
    return parties


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    signed_date = date_field(_("Signed on"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self, *args: Any, agreement: Agreement, choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = choices
        if agreement.status != Agreement.Status.DRAFT:
            del self.fields["signed_date"]  # signed already: the date is on record
        else:
            self.fields["signed_date"].help_text = _("Required to mark it signed.")


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("The agreement's text (PDF, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
