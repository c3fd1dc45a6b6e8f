from django import forms
from django.utils.translation import gettext_lazy as _

from ascn.cooperation.services import MAX_POST_CHARS
from ascn.core.forms import date_field, text_field


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


class PartnershipForm(forms.Form):
    """Record a twinning; the city menu holds only the cities the person may speak for."""

    city = forms.ModelChoiceField(label=_("ASCN city"), queryset=None, to_field_name="slug")
    partner_name = forms.CharField(label=_("Partner city"), max_length=200)
    partner_country = forms.CharField(label=_("Partner's country"), max_length=100, required=False)
    purpose = text_field(_("Purpose"), required=True)
    start_date = date_field(_("Start"), required=False)
    end_date = date_field(_("End"), required=False)
    outcomes = text_field(_("Outcomes so far"))

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities
