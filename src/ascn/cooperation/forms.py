from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from ascn.cooperation.models import FlagReason
from ascn.cooperation.services import FLAG_NOTE_MAX, MAX_POST_CHARS, PARTNERSHIP_FIELDS
from ascn.core.forms import SourceRowsField, date_field, line_field, sent_values, text_field
from ascn.core.visibility import Visibility
from ascn.network.forms import CityChoiceField, any_city_field
from ascn.network.models import FocusArea
from ascn.partners.models import Organisation
from ascn.partners.permissions import organisation_policy
from ascn.partners.queries import named

if TYPE_CHECKING:
    from ascn.core.types import Actor


def _post_body(label: str, rows: int) -> forms.CharField:
    """A post's text, in Markdown, no longer than the service takes."""
    return text_field(
        label,
        rows=rows,
        required=True,
        max_length=MAX_POST_CHARS,
        help_text=_("Markdown: **bold**, _italic_, lists, links. HTML is not allowed."),
    )


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = _post_body(_("Your post"), rows=6)


class ReplyForm(forms.Form):
    body = _post_body(_("Your reply"), rows=5)


class FlagForm(forms.Form):
    """A member reports a post: why (one of a short list) and, if they wish, a note."""

    reason = forms.ChoiceField(
        label=_("Why should the Secretariat look at this post?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
    )
    note = text_field(
        _("Anything to add (optional)"),
        rows=3,
        max_length=FLAG_NOTE_MAX,
        help_text=_("Only the Secretariat reads it; the post's author is not told who flagged."),
    )


class FocusAreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FocusArea) -> str:
        return str(obj.label)


SOURCE_HELP = _(
    "Where it is published: title, publisher, date and link (e.g. “ASCN Case Study, "
    "ASEAN Secretariat, 2023-05, https://…”). Empty when no source is published."
)


class VersionedForm(forms.Form):
    """A form that edits a record: it carries the version the person read (409 when stale)."""

    FIELDS: tuple[str, ...] = ()
    # The related records among FIELDS, each shown in the form by one of its fields (its code).
    SHOWN_BY: ClassVar[dict[str, str]] = {}
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            self.fields["version"].required = True

    def service_values(self) -> dict[str, Any]:
        return sent_values(
            {name: self.cleaned_data.get(name) for name in self.FIELDS if name in self.fields}
        )

    @classmethod
    def initial_from(cls, record: Any) -> dict[str, Any]:
        values = cls._shown({name: getattr(record, name) for name in cls.FIELDS})
        return {**values, "version": record.version}

    def as_shown(self) -> dict[str, Any]:
        """The fields as sent, written as ``initial_from`` writes the saved ones."""
        return self._shown(self.service_values())

    @classmethod
    def _shown(cls, values: dict[str, Any]) -> dict[str, Any]:
        for name, code in cls.SHOWN_BY.items():
            if name in values:
                values[name] = getattr(values[name], code) if values[name] else None
        return values


class PartnershipForm(VersionedForm):
    """Record or edit a twinning; the city menu holds only the cities the person may speak
    for, and a partnership's ASCN city stays what it was recorded with."""

    FIELDS = tuple(PARTNERSHIP_FIELDS)
    SHOWN_BY = {"city": "slug", "partner_city": "slug"}

    city = CityChoiceField(label=_("ASCN city"), queryset=None, to_field_name="slug")
    partner_city = any_city_field(
        _("Partner city, when it is an ASCN city"),
        empty_label=_("Not an ASCN city"),
        to_field_name="slug",
    )
    partner_name = line_field(
        _("Partner city"),
        max_length=200,
        help_text=_("Its name; empty when chosen above (the ASCN city's name is used)."),
    )
    partner_country = line_field(_("Partner's country"), max_length=100)
    purpose = text_field(_("Purpose"), required=True, max_length=5000)
    start_date = date_field(_("Start"), required=False)
    end_date = date_field(_("End"), required=False, help_text=_("Empty while it lasts."))
    outcomes = text_field(_("Outcomes so far"), max_length=5000)
    source = line_field(_("Source (as one line)"), max_length=300, help_text=SOURCE_HELP)
    sources = SourceRowsField()
    visibility = forms.ChoiceField(
        label=_("Who sees it"),
        choices=Visibility.choices,
        required=False,
        initial=Visibility.DRAFT,
        help_text=_(
            "A draft is seen by the city's officers, its representative and the Secretariat."
        ),
    )

    def __init__(self, *args: Any, cities: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.editing:
            del self.fields["city"]  # a partnership stays with its ASCN city
        else:
            self.fields["city"].queryset = cities.select_related("member_state")

    def service_values(self) -> dict[str, Any]:
        values = super().service_values()
        if not values.get("visibility"):
            values.pop("visibility", None)  # not sent: a draft when new, unchanged when edited
        return values


class EndPartnershipForm(forms.Form):
    end_date = date_field(_("Ended on"), required=True)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CaseStudyForm(VersionedForm):
    """A case study of the knowledge bank, as the Secretariat enters it; the address is made
    from the title. The texts are plain text: paragraphs are kept, nothing else is markup."""

    FIELDS = (
        "title",
        "focus_area",
        "city",
        "provider",
        "provider_name",
        "problem",
        "solution",
        "results",
        "source",
        "sources",
        "visibility",
    )
    SHOWN_BY = {"focus_area": "code", "city": "slug", "provider": "name"}

    title = forms.CharField(label=_("Title"), max_length=200)
    focus_area = FocusAreaChoiceField(
        label=_("ASCF focus area"),
        queryset=FocusArea.objects.order_by("position"),
        to_field_name="code",
    )
    city = any_city_field(_("City"), empty_label=_("None"), to_field_name="slug")
    provider = line_field(
        _("Provider organisation in the network"),
        max_length=200,
        help_text=_("Its name or its address code, e.g. Asian Development Bank. Optional."),
    )
    provider_name = line_field(
        _("Provider, as the source names it"),
        max_length=200,
        help_text=_("Empty: the organisation's name."),
    )
    problem = text_field(_("Problem"), rows=6, required=True, max_length=20_000)
    solution = text_field(_("Solution"), rows=6, required=True, max_length=20_000)
    results = text_field(_("Results"), rows=5, max_length=20_000)
    source = line_field(_("Source (as one line)"), max_length=300, help_text=SOURCE_HELP)
    sources = SourceRowsField()
    visibility = forms.ChoiceField(label=_("Who sees it"), choices=Visibility.choices)

    def __init__(self, *args: Any, user: Actor = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_provider(self) -> Organisation | None:
        text = (self.cleaned_data.get("provider") or "").strip()
        if not text:
            return None
        found = list(
            organisation_policy.visible(self.user, Organisation.objects.all()).filter(named(text))[
                :2
            ]
        )
        if not found:
            raise forms.ValidationError(_("No organisation is called “%(text)s”.") % {"text": text})
        if len(found) > 1:
            raise forms.ValidationError(
                _("“%(text)s” names more than one organisation: give its code (%(codes)s).")
                % {"text": text, "codes": ", ".join(o.slug for o in found)}
            )
        return found[0]
