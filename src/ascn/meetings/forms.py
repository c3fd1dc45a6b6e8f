"""Forms of the meetings pages and back office. They only collect input: the services check
the file (PDF by content, at most 10 MB) and who may upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ascn.meetings.models import MeetingDocument


class MeetingDocumentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Defaults to the file name."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=MeetingDocument.Kind.choices, initial=MeetingDocument.Kind.OTHER
    )
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("A PDF of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
