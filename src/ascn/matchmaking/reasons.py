"""Why a project and a partner match, in plain words (``scoring``'s parts, in their order):
the reasons the pages, the API and the workspace show beside a score."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from ascn.core import formats
from ascn.matchmaking import scoring
from ascn.matchmaking.scoring import NO_BUDGET, Match
from ascn.partners import keys


@dataclass(frozen=True)
class Labels:
    """Names to write reasons with (codes are the fallback)."""

    countries: Mapping[str, str] = field(default_factory=dict)
    focus_areas: Mapping[str, str] = field(default_factory=dict)
    instruments: Mapping[str, str] = field(default_factory=dict)
    stages: Mapping[str, str] = field(default_factory=dict)


def score_parts() -> list[tuple[str, int]]:
    """What earns points, and how many at most (``scoring``'s weights, which add up to 100):
    the "How the score is counted" table of the matches pages."""
    return [
        (_("A focus area both name"), scoring.FOCUS_WEIGHT),
        (
            _("The project's funding gap within the partner's ticket size or award limit"),
            scoring.TICKET_WEIGHT,
        ),
        (_("A financing instrument both name"), scoring.INSTRUMENT_WEIGHT),
        (
            _(
                "Specific terms the project shares with the partner's capability statement "
                "(or with its description when it publishes none)"
            ),
            scoring.TEXT_WEIGHT,
        ),
        (_("The project's stage, among those the partner engages at"), scoring.STAGE_WEIGHT),
        (_("The project's country, among those the partner works in"), scoring.COUNTRY_WEIGHT),
    ]


def usd(amount: float) -> str:
    """US$ amounts as people say them, in the page's language: US$950k, US$4.2m, US$1.5bn
    in English, "4,2 triệu USD" in Vietnamese (its decimal comma, its words)."""
    sizes = (
        (1e9, pgettext("compact money", "US$%(amount)sbn")),
        (1e6, pgettext("compact money", "US$%(amount)sm")),
        (1e3, pgettext("compact money", "US$%(amount)sk")),
    )
    for size, said in sizes:
        if amount >= size:
            value = round(amount / size, 1)
            return said % {"amount": formats.number(value, 0 if value == int(value) else 1)}
    return "US$" + formats.number(amount, 0)


def _names(codes: Iterable[str], names: Mapping[str, str]) -> str:
    return formats.listed(sorted((names.get(code, code) for code in codes), key=str))


def _ticket_range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{usd(low)}–{usd(high)}"
    if low is not None:
        return _("from %(low)s") % {"low": usd(low)}
    return _("up to %(high)s") % {"high": usd(high or 0)}


def reasons(m: Match, labels: Labels) -> list[str]:
    """The published facts a match rests on, in plain words, in the order of the score's
    parts. What a partner did not publish is not a reason, and says nothing."""
    project, partner, out = m.project, m.partner, []
    shared = project.focus_areas & partner.focus_areas
    if shared:
        out.append(
            ngettext(
                "Shares %(n)d focus area: %(names)s",
                "Shares %(n)d focus areas: %(names)s",
                len(shared),
            )
            % {"n": len(shared), "names": _names(shared, labels.focus_areas)}
        )
    low, high = partner.ticket_min_usd, partner.ticket_max_usd
    gap = project.gap_usd
    if low is not None or high is not None:
        noun = _("its award limit") if partner.type == "programme" else _("its ticket range")
        if gap is None:
            out.append(_("The funding gap has no US$ equivalent (no exchange rate on record)"))
        elif gap == NO_BUDGET:
            out.append(_("The project publishes no budget, so no funding gap to compare"))
        elif gap <= 0:
            out.append(_("The project is fully funded"))
        else:
            values = {"gap": usd(gap), "range": _ticket_range(low, high), "noun": noun}
            if m.fit.ticket >= 1:
                out.append(_("Funding gap %(gap)s is within %(noun)s %(range)s") % values)
            elif low is not None and gap < low:
                out.append(_("Funding gap %(gap)s is below %(noun)s %(range)s") % values)
            else:
                out.append(_("Funding gap %(gap)s is above %(noun)s %(range)s") % values)
    common = sorted(partner.instruments & project.financing_sought)
    if common:
        out.append(
            _("Offers %(names)s, which the project seeks")
            % {"names": _names(common, labels.instruments)}
        )
    if project.status in partner.stages:
        stage = labels.stages.get(project.status, project.status)
        out.append(_("Engages at the %(stage)s stage") % {"stage": stage})
    if project.country in partner.countries:
        country = labels.countries.get(project.country, project.country)
        out.append(_("Works in %(country)s") % {"country": country})
    # as the project's title says them ("siem, reap"), then the rest alphabetically
    titled = {word: i for i, word in enumerate(keys.terms_in_order(project.title))}
    words = sorted(project.terms & partner.terms, key=lambda w: (titled.get(w, len(titled)), w))
    if words:
        shown = formats.listed(words[:5]) + ("…" if len(words) > 5 else "")
        out.append(
            ngettext(
                "Its profile and the project both mention %(n)d specific term: %(words)s",
                "Its profile and the project both mention %(n)d specific terms: %(words)s",
                len(words),
            )
            % {"n": len(words), "words": shown}
        )
    return out
