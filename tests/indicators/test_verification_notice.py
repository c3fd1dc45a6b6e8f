"""A National Representative learns that a city's indicator values wait for verification:
told once until the notice is read (a city enters its values by the dozen), and shown the
count per city in the workspace."""

from __future__ import annotations

from django.utils import timezone

from ascn.accounts.models import Notification
from ascn.indicators.models import Indicator, IndicatorValue
from ascn.indicators.services import value_enter, value_update, value_verify
from ascn.network.models import City
from tests.conftest import page_text
from tests.roles import CSO_HANOI, CSO_PHUKET, NR_TH, SECRETARIAT

pytest_plugins = ["tests.roles"]


def _enter(roles, code: str, year: int = 2023, city: str = "phuket", who: str = CSO_PHUKET):
    return value_enter(
        actor=roles.user(who),
        city=City.objects.get(slug=city),
        indicator=Indicator.objects.get(code=code),
        year=year,
        value="21.5",
        source="Annual report",
    )


def _notices(user):
    return list(Notification.objects.filter(user=user, kind="indicator.pending"))


def test_the_representative_is_told_once_until_reading_it(
    roles, catalogue, mailoutbox, django_capture_on_commit_callbacks
):
    nr, secretariat = roles.user(NR_TH), roles.user(SECRETARIAT)
    # when Phuket's officer enters two values
    with django_capture_on_commit_callbacks(execute=True):
        first = _enter(roles, "11.6.2")
        _enter(roles, "11.6.1")
    # then Thailand's representative has one notice, with the city's indicator page
    notices = _notices(nr)
    assert len(notices) == 1
    assert notices[0].title == "Phuket's indicator values wait for your verification"
    assert notices[0].url == "/cities/phuket/indicators/"
    assert [m.to for m in mailoutbox] == [[nr.email]]
    # and nobody else is told (Hanoi's officer, the Secretariat)
    assert not _notices(roles.user(CSO_HANOI)) and not _notices(secretariat)
    # once read, the next value waiting tells the representative again
    Notification.objects.filter(user=nr).update(read_at=timezone.now())
    value_verify(actor=nr, record=first, version=first.version, verified=True, grade="measured")
    first.refresh_from_db()
    value_update(actor=roles.user(CSO_PHUKET), record=first, version=first.version, value="22")
    assert len(_notices(nr)) == 2


def test_the_workspace_counts_each_citys_values_waiting(roles, catalogue):
    _enter(roles, "11.6.2")
    sample = _enter(roles, "11.6.1")
    # a sample value waits as a real one does (the demo's do): counted, as its page lists it
    IndicatorValue.objects.filter(pk=sample.pk).update(sample=True)
    shown = roles.session(NR_TH).get("/workspace/")
    text = page_text(shown)
    assert "Indicator values to verify" in text
    html = shown.content.decode()
    assert '<a href="/cities/phuket/indicators/"><strong>2</strong></a>' in html
