"""The site's form renderer writes a <select> in Python: the HTML must be what Django's own
templates write, to the byte, for every kind of menu the site's forms hold."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from ascn.core.renderers import Renderer
from ascn.network.models import City
from ascn.plans.forms import ProjectFilterForm

DJANGO = DjangoTemplates()
OURS = Renderer()


class Menus(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", "Alpha"), ("b", "Beta")])
    grouped = forms.ChoiceField(
        required=False,
        choices=[
            ("", "All cities"),
            ("Thailand", [("bangkok", "Bangkok"), ("phuket", "Phuket")]),
            ("Viet Nam & co", [("hanoi", "Hà Nội"), ("da-nang", "Đà Nẵng")]),
        ],
    )
    awkward = forms.ChoiceField(
        choices=[
            ('"quoted" & <tagged>', "Fish & <chips>"),
            ("safe", mark_safe("<b>bold</b> kept")),
            ("lazy", gettext_lazy("Member state")),
            (2024, 2024),
            (None, "nothing"),
        ],
        widget=forms.Select(attrs={"data-x": 'a"b', "disabled": True, "hidden": False}),
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")])
    yes_no = forms.NullBooleanField()
    typed = forms.TypedChoiceField(choices=[(1, "one"), (2, "two")], coerce=int)


DATA = {"plain": "b", "grouped": "hanoi", "awkward": "safe", "many": ["x", "z"], "typed": "2"}


def _html(form: forms.Form, renderer) -> dict[str, str]:
    form.renderer = renderer
    return {name: str(form[name]) for name in form.fields}


@pytest.mark.parametrize("data", [None, DATA, {"plain": "not offered"}])
def test_every_kind_of_menu_is_written_as_djangos_templates_write_it(data):
    ours, django = _html(Menus(data), OURS), _html(Menus(data), DJANGO)
    assert ours == django
    assert ours["grouped"].count("<optgroup") == 2


def test_labels_are_escaped_unless_safe_and_translated():
    with override("th"):
        html = _html(Menus(DATA), OURS)["awkward"]
    assert "Fish &amp; &lt;chips&gt;" in html
    assert 'value="&quot;quoted&quot; &amp; &lt;tagged&gt;"' in html
    assert "<b>bold</b> kept" in html
    assert "Member state" not in html  # the lazy label is read in the active language
    assert ' data-x="a&quot;b"' in html
    assert " disabled" in html
    assert "hidden" not in html


def test_the_site_renders_its_forms_with_it():
    assert isinstance(get_default_renderer(), Renderer)


@pytest.mark.django_db
def test_a_list_filter_form_is_the_same_html_either_way(network):
    city = City.objects.select_related("member_state").first()
    data = {"country": city.member_state.code, "city": city.slug, "q": "water"}
    form = ProjectFilterForm(data)
    assert form.is_valid()
    ours, django = _html(form, OURS), _html(form, DJANGO)
    assert ours == django
    assert f'<option value="{city.slug}" selected>' in ours["city"]


def test_a_select_with_a_template_of_its_own_goes_through_the_templates():
    class Starred(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    form = Menus()
    form.fields["plain"].widget = Starred(choices=form.fields["plain"].choices)
    ours = _html(form, OURS)["plain"]
    assert ours == _html(form, DJANGO)["plain"]
    assert '<input type="select"' in ours  # the radio option's template drew it
