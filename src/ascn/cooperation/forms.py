from django import forms
from django.utils.translation import gettext_lazy as _


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Your post"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        help_text=_("Markdown: **bold**, _italic_, lists, links. HTML is not allowed."),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
        help_text=_("Markdown: **bold**, _italic_, lists, links. HTML is not allowed."),
    )
