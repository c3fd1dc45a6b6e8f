"""The indicator catalogue's names, definitions and units, for the catalogues.
Written by ``scripts/catalogue.py labels``; do not edit by hand."""

from django.utils.translation import gettext_noop

LABELS = [
    gettext_noop("Urban population living in slums, informal settlements or inadequate housing"),
    gettext_noop(
        "Share of the city's population living in households that lack at least one of the basic conditions of a decent home (safe water, sanitation, durable structure, enough living space, secure tenure), in informal settlements or in inadequate housing."
    ),
    gettext_noop("Population with convenient access to public transport"),
    gettext_noop(
        "Share of the city's population living within a walk of 500 m along the street network of a low-capacity public transport stop (bus, bus rapid transit), or of 1 km of a high-capacity one (rail, metro, ferry)."
    ),
    gettext_noop("Ratio of land consumption rate to population growth rate"),
    gettext_noop(
        "How fast the city's built-up land grows compared with its population over the same period. Above 1, land is taken faster than people arrive (sprawl); below 1 the city densifies. Read with the city's context rather than ranked."
    ),
    gettext_noop("ratio"),
    gettext_noop("Deaths, missing and directly affected persons attributed to disasters"),
    gettext_noop(
        "People who died, went missing or were directly affected by disasters in the year, per 100,000 inhabitants of the city."
    ),
    gettext_noop("per 100,000 people"),
    gettext_noop("Municipal solid waste collected and managed in controlled facilities"),
    gettext_noop(
        "Share of the municipal solid waste the city generates that is collected and then treated or disposed of in facilities with environmental controls."
    ),
    gettext_noop("Annual mean level of fine particulate matter (PM2.5)"),
    gettext_noop(
        "The year's average concentration in the city's air of particles smaller than 2.5 microns, in micrograms per cubic metre (population-weighted where the city has several measuring points)."
    ),
    gettext_noop("µg/m³"),
    gettext_noop("Share of the built-up area that is open space for public use"),
    gettext_noop(
        "Share of the city's built-up area given to streets and to open public space such as parks, squares and recreational areas, open to all."
    ),
    gettext_noop("Persons victim of physical or sexual harassment"),
    gettext_noop(
        "Share of the city's residents who report having been victims of physical or sexual harassment in the previous twelve months."
    ),
    gettext_noop("Household Internet access"),
    gettext_noop(
        "Share of the city's households that can reach the Internet from home, over a fixed or a mobile network."
    ),
    gettext_noop("Fixed broadband subscriptions"),
    gettext_noop(
        "Fixed (wired) broadband subscriptions of at least 256 kbit/s downstream, for every hundred households of the city; mobile subscriptions are not counted."
    ),
    gettext_noop("Unemployment rate"),
    gettext_noop(
        "Share of the city's labour force that is without work, available for work and looking for it."
    ),
    gettext_noop("Access to electricity"),
    gettext_noop(
        "Share of the city's households with an authorised connection to the electricity system."
    ),
    gettext_noop("Air pollution (PM2.5 annual mean)"),
    gettext_noop(
        "The U4SSC air-quality KPI asks for the annual mean concentration of each pollutant (PM10, PM2.5, nitrogen dioxide, sulphur dioxide, ozone); the platform records its PM2.5 figure, in micrograms per cubic metre."
    ),
]
