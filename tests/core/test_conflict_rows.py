"""A stale edit's table of differences (``core.views.conflict_rows``) names a choice by its
label in the page's language, also in a menu grouped under headings."""

from __future__ import annotations

from django import forms

from ascn.core.views import conflict_rows


class Grouped(forms.Form):
    currency = forms.ChoiceField(
        label="Currency",
        choices=[
            ("ASEAN currencies", [("THB", "THB — Thai Baht"), ("VND", "VND — Vietnamese Dong")]),
            ("Other currencies", [("AUD", "AUD — Australian Dollar")]),
        ],
    )
    kind = forms.ChoiceField(label="Kind", choices=[("mou", "Memorandum of understanding")])


def test_a_choice_is_named_by_its_label_even_under_a_heading():
    rows = conflict_rows(
        Grouped(), {"currency": "THB", "kind": "mou"}, {"currency": "AUD", "kind": ""}
    )
    assert rows == [
        {"label": "Currency", "saved": "AUD — Australian Dollar", "yours": "THB — Thai Baht"},
        {"label": "Kind", "saved": "—", "yours": "Memorandum of understanding"},
    ]
