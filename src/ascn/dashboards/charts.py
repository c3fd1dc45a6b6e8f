"""The dashboards' charts: each a table of figures and the Vega-Lite spec drawn from it.

The table is the source of truth: the page shows it as the chart's data-table alternative,
the CSV download holds exactly its rows, and the spec is built from the same rows. The
browser draws the spec with the Vega bundle (``build_vega_bundle``, ``dashboards/charts.js``);
without JavaScript the table is what a person reads.

The specs are written as plain Vega-Lite (two small builders, ``specs``) rather than with Altair:
these pages are rebuilt in the web worker after every write, and Altair with its schema
validation weighs ~36 MB in a process that must stay within 200 MB (SPEC §5). The tests
validate every spec against the Vega-Lite schema that Altair ships (docs/decisions/0007).
Pictures drawn on the server (the map, the progress and M&E charts) still use Altair, in the
task worker (``core/drawings``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from ascn.core import display, formats
from ascn.core.svg import BLUE
from ascn.dashboards import queries
from ascn.dashboards.specs import GREY, ORANGE, bars, stacked
from ascn.plans import disclosure


@dataclass
class Chart:
    key: str  # also the CSV's name: /dashboards/<key>.csv
    title: str
    summary: str  # one sentence: what the chart shows, for the caption
    columns: list[str]
    kinds: list[str]  # text | int | usd per column
    rows: list[list[Any]]
    spec: dict = field(default_factory=dict)
    note: str = ""
    # The data table's <tr> rows as HTML, rendered once with the figures and kept with them
    # in the cache (the cities' table has 3,000 rows: ~20 ms a render). See ``rows_html``.
    table_html: str = ""
    # The rows the page's data table shows when it cannot show them all (the CSV holds
    # every row), and a sentence that says which ones: None, every row is shown.
    shown: list[list[Any]] | None = None
    shown_note: str = ""

    @property
    def dom_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def spec_id(self) -> str:
        return f"chart-{self.key}-spec"

    @property
    def empty(self) -> bool:
        return not any(
            v for row in self.rows for v, k in zip(row, self.kinds, strict=True) if k in NUMERIC
        )


NUMERIC = frozenset({"int", "usd", "pct"})  # kinds shown right-aligned (class "num")
# A per-city table shows at most this many rows on the page (the real network has 31 cities;
# at 3,000 the page would carry 3,000 rows): past it, a bounded summary, and the CSV has all.
TABLE_ROWS_SHOWN = 50
# The programmes the chart draws (and the page's table shows) when there are more: a bar
# each, 30 pixels tall.
PROGRAMMES_SHOWN = 20


def _count_chart(
    key: str,
    title: str,
    summary: Callable[[int], str],
    head: str,
    items,
    *,
    counted: str,
    colour: str = BLUE,
) -> Chart:
    """Bars of a count per category. ``summary(total)`` is the sentence under the title; its
    ``%(n)s`` is the total, written with thousands separators."""
    rows = [[name, n] for _code, name, n in items]
    total = sum(n for _name, n in rows)
    chart = Chart(
        key,
        title,
        summary(total) % {"n": formats.number(total)},
        [head, counted],
        ["text", "int"],
        rows,
    )
    chart.spec = bars(
        [{"label": name, "value": n} for name, n in rows], label=head, value=counted, colour=colour
    )
    return chart


def status_chart(items) -> Chart:
    return _count_chart(
        "pipeline",
        _("Projects by stage"),
        lambda total: ngettext(
            "%(n)s public project by its OC4IDS status, from identification to completion.",
            "%(n)s public projects by their OC4IDS status, from identification to completion.",
            total,
        ),
        _("OC4IDS status"),
        items,
        counted=_("Projects"),
    )


def deals_chart(items) -> Chart:
    return _count_chart(
        "deals",
        _("Deal pipeline"),
        lambda total: ngettext(
            "%(n)s engagement between a partner and a public project, by stage: "
            "from first interest to closed deals.",
            "%(n)s engagements between partners and public projects, by stage: "
            "from first interest to closed deals.",
            total,
        ),
        _("Engagement stage"),
        items,
        counted=_("Engagements"),
        colour=ORANGE,
    )


def focus_chart(items) -> Chart:
    chart = _count_chart(
        "focus-areas",
        _("Projects by focus area"),
        lambda _total: _(
            "Public projects under each focus area of the ASEAN Smart Cities Framework."
        ),
        _("Focus area"),
        items,
        counted=_("Projects"),
    )
    chart.note = _("A project with several focus areas counts once under each.")
    return chart


def organisations_chart(items) -> Chart:
    return _count_chart(
        "partners",
        _("Partners by kind"),
        lambda total: ngettext(
            "%(n)s public partner organisation by kind.",
            "%(n)s public partner organisations by kind.",
            total,
        ),
        _("Kind of organisation"),
        items,
        counted=_("Organisations"),
    )


def _usd_int(value: Decimal | None) -> int | None:
    return None if value is None else int(value.quantize(Decimal("1")))


def funding_chart(funding: queries.Funding) -> Chart:
    secured_label, sought_label = _("Secured"), _("Sought")
    rows = [
        [row.name, row.projects, row.budget, row.secured, row.sought]
        for row in funding.rows
        if row.projects
    ]
    total = funding.total
    if funding.rates_date:
        rate_note = _(
            "US dollars at the latest exchange rate on record for each currency "
            "(rates dated up to %(date)s)."
        ) % {"date": formats.day(funding.rates_date)}
    else:
        rate_note = _("US dollars (every amount shown was budgeted in US dollars).")
    if funding.unconverted:
        rate_note += " " + _("Not in the sums, for want of a rate: %(list)s.") % {
            "list": formats.listed(
                _("%(n)s in %(currency)s") % {"n": n, "currency": currency}
                for currency, n in funding.unconverted.items()
            )
        }
    chart = Chart(
        "funding",
        _("Funding sought and secured by member state"),
        _(
            "Of the %(budget)s US dollars budgeted for public projects, %(secured)s are "
            "secured and %(sought)s are still sought."
        )
        % {
            "budget": formats.number(total.budget, 0),
            "secured": formats.number(total.secured, 0),
            "sought": formats.number(total.sought, 0),
        },
        [
            _("Member state"),
            _("Projects"),
            _("Budget (USD)"),
            _("Funding secured (USD)"),
            _("Funding sought (USD)"),
        ],
        ["text", "int", "usd", "usd", "usd"],
        rows,
        note=rate_note
        + " "
        + _("Funding sought is each project's gap: its budget less the funding secured."),
    )
    bars = []
    for name, _n, _budget, secured, sought in sorted(rows, key=lambda r: -r[2]):
        bars.append((name, _usd_int(secured), _usd_int(sought)))
    chart.spec = stacked(
        tuple(bars),
        (secured_label, sought_label),
        (BLUE, ORANGE),
        y_title=_("Member state"),
        legend_title=_("Funding"),
        x_title=_("US dollars"),
    )
    return chart


def _programme_cells(r: queries.ProgrammeRow) -> list[Any]:
    return [
        r.name,
        r.sponsor,
        r.currency,
        r.total,
        r.awarded,
        r.balance,
        r.total_usd,
        r.balance_usd,
    ]


def _largest_programmes(rows: list[queries.ProgrammeRow]) -> list[queries.ProgrammeRow]:
    """The ``PROGRAMMES_SHOWN`` largest programmes by their total in US dollars, then by
    name; one in a currency without a rate cannot be ranked (the CSV has it)."""
    rated = [r for r in rows if r.total_usd is not None]
    return sorted(rated, key=lambda r: (-(r.total_usd or 0), r.name))[:PROGRAMMES_SHOWN]


def programmes_chart(rows: list[queries.ProgrammeRow]) -> Chart:
    """Each public programme: total, awarded and balance. Past ``PROGRAMMES_SHOWN``
    programmes the chart and the page's table show the largest (a bar a programme: 300
    would draw a chart 9,000 pixels tall); the CSV has every one."""
    awarded_label, balance_label = _("Awarded"), _("Remaining")
    chart = Chart(
        "programmes",
        _("Funding programmes: awarded and remaining"),
        ngettext(
            "%(n)s public funding programme: how much of it has been awarded to projects.",
            "%(n)s public funding programmes: how much of each has been awarded to projects.",
            len(rows),
        )
        % {"n": formats.number(len(rows))},
        [
            _("Programme"),
            _("Sponsor"),
            _("Currency"),
            _("Total"),
            _("Awarded"),
            _("Balance"),
            _("Total (USD)"),
            _("Balance (USD)"),
        ],
        ["text", "text", "text", "usd", "usd", "usd", "usd", "usd"],
        [_programme_cells(r) for r in rows],
        note=_("Balance = total − awarded. The chart shows US dollars at the latest rate."),
    )
    drawn = rows
    if len(rows) > PROGRAMMES_SHOWN:
        drawn = _largest_programmes(rows)
        chart.shown = [_programme_cells(r) for r in drawn]
        chart.shown_note = _(
            "The %(shown)s largest programmes by their total in US dollars, of %(total)s; "
            "the CSV download has every programme."
        ) % {"shown": len(drawn), "total": formats.number(len(rows))}
        # said under the chart too (the data table's note is in a closed <details>)
        chart.note = f"{chart.shown_note} {chart.note}"
    bars = tuple(
        (r.name, _usd_int(r.awarded_usd), _usd_int(r.balance_usd))
        for r in drawn
        if r.total_usd is not None
    )
    chart.spec = stacked(
        bars,
        (awarded_label, balance_label),
        (BLUE, GREY),
        y_title=_("Programme"),
        legend_title=_("Programme funds"),
        x_title=_("US dollars"),
    )
    return chart


def cities_table(cities: list[dict], total: int | None = None) -> Chart:
    """The map's list alternative (and CSV): every city with its cohort and project count.
    ``total``: how many member cities there are when ``cities`` holds only the busiest
    (``queries.busiest_cities``): the page's table shows those, the CSV reads every city."""
    # the member state in the reader's language (the catalogues hold the English names)
    rows = sorted(
        ([gettext(c["country_name"]), c["name"], c["cohort"], c["projects"]] for c in cities),
        key=lambda row: (row[0], row[1]),
    )
    chart = Chart(
        "cities",
        _("Cities and their public projects"),
        _("Each ASCN city, the year it joined and its number of public projects."),
        [_("Member state"), _("City"), _("Joined"), _("Public projects")],
        ["text", "text", "text", "int"],
        rows,
    )
    total = len(rows) if total is None else total
    if total > TABLE_ROWS_SHOWN:
        chart.shown = sorted(rows, key=lambda row: (-row[3], row[0], row[1]))[:TABLE_ROWS_SHOWN]
        chart.shown_note = _(
            "The %(shown)s cities with the most public projects, of %(total)s; "
            "the CSV download has every city."
        ) % {"shown": TABLE_ROWS_SHOWN, "total": formats.number(total)}
    return chart


def disclosure_table(cities: list[disclosure.Completeness], *, filtered: bool = False) -> Chart:
    """The mean disclosure completeness (CoST IDS) of the public projects, per member state
    (its row first, "All cities") and per city; ``filtered``: of the projects a filter
    keeps, which the caption then does not call the network's."""
    rows: list[list[Any]] = []
    state_rows: list[list[Any]] = []
    states = {s.member_state: s for s in disclosure.by_member_state(cities)}
    by_state: dict[str, list[disclosure.Completeness]] = {}
    for city in cities:
        by_state.setdefault(city.member_state, []).append(city)
    for state in states.values():
        state_rows.append(_state_row(state))
        rows.append(state_rows[-1])
        rows += [
            [c.member_state, c.city, c.projects] + _shares(c) for c in by_state[state.member_state]
        ]
    chart = _disclosure_chart(rows, list(states.values()), filtered)
    if len(rows) > TABLE_ROWS_SHOWN:
        _show_states(chart, state_rows, len(cities))
    return chart


def disclosure_summary(
    states: list[disclosure.Completeness], cities: int, *, filtered: bool = False
) -> Chart:
    """``disclosure_table`` as the page shows it when the ``cities`` (with public projects)
    are more than ``TABLE_ROWS_SHOWN``: the member states' rows alone, from the states' own
    sums (``queries.disclosure_by_state``); the CSV reads every city."""
    rows = [_state_row(state) for state in states]
    chart = _disclosure_chart(rows, states, filtered)
    _show_states(chart, rows, cities)
    return chart


def _state_row(state: disclosure.Completeness) -> list[Any]:
    return [state.member_state, _("All cities"), state.projects] + _shares(state)


def _disclosure_chart(
    rows: list[list[Any]], states: list[disclosure.Completeness], filtered: bool
) -> Chart:
    return Chart(
        "disclosure",
        _("Disclosure completeness (CoST IDS)"),
        _(
            "The mean share, in per cent, of the CoST Infrastructure Data Standard's data "
            "points that the public projects hold, at identification and at preparation."
        ),
        [_("Member state"), _("City"), _("Projects"), _("Identification %"), _("Preparation %")],
        ["text", "text", "int", "pct", "pct"],
        rows,
        note=_network_note(states, filtered),
    )


def _show_states(chart: Chart, state_rows: list[list[Any]], cities: int) -> None:
    chart.shown = state_rows
    chart.shown_note = _("Per member state; the CSV download has each of the %(total)s cities.") % {
        "total": formats.number(cities)
    }


def _network_note(states: list[disclosure.Completeness], filtered: bool) -> str:
    """The means over every public project counted, for the caption: the network's, or those
    of the projects the filters keep."""
    network = disclosure.by_member_state(
        [disclosure.Completeness("", "", s.projects, s.mean_held) for s in states]
    )
    if not network:
        return ""
    words = (
        _(
            "Over the projects shown: %(identification)s %% at identification, "
            "%(preparation)s %% at preparation (%(projects)s projects)."
        )
        if filtered
        else _(
            "Across the network: %(identification)s %% at identification, "
            "%(preparation)s %% at preparation (%(projects)s projects)."
        )
    )
    return words % {
        "identification": formats.number(network[0].share(disclosure.IDENTIFICATION), 1),
        "preparation": formats.number(network[0].share(disclosure.PREPARATION), 1),
        "projects": formats.number(network[0].projects),
    }


def _shares(completeness: disclosure.Completeness) -> list[float]:
    return [completeness.share(stage) for stage in disclosure.STAGES]


def rows_html(chart: Chart) -> SafeString:
    """The ``<tr>`` rows of a chart's data table: the first cell a row header, numbers
    with the ``num`` class; a single "No rows." row when there are none."""
    rows = display.rows_html(
        chart.rows if chart.shown is None else chart.shown,
        chart.kinds,
        {kind: "num" for kind in NUMERIC},
    )
    if rows:
        return rows
    none = conditional_escape(_("No rows."))  # outside the f-string: xgettext reads it
    return mark_safe(f'<tr><td colspan="{len(chart.columns)}">{none}</td></tr>')
