"""The ASEAN Smart Cities Framework's names and descriptions, the member states' names and the home page's key facts, for the catalogues.
Written by ``scripts/catalogue.py labels``; do not edit by hand."""

from django.utils.translation import gettext_noop

LABELS = [
    gettext_noop("Competitive Economy"),
    gettext_noop("Sustainable Environment"),
    gettext_noop("High Quality of Life"),
    gettext_noop("Civic & Social"),
    gettext_noop("Health & Well-being"),
    gettext_noop("Safety & Security"),
    gettext_noop("Quality Environment"),
    gettext_noop("Built Infrastructure"),
    gettext_noop("Industry & Innovation"),
    gettext_noop("Cities that attract investment, create jobs and grow their economies."),
    gettext_noop("Cities that use resources efficiently and protect the natural environment."),
    gettext_noop("Cities where residents live healthy, safe and fulfilling lives."),
    gettext_noop(
        "Social inclusion, civic participation, culture, education and public services that bring residents together."
    ),
    gettext_noop("Health care, public health and the well-being of residents of all ages."),
    gettext_noop(
        "Public safety, emergency response, disaster resilience and the security of city systems."
    ),
    gettext_noop("Clean air and water, waste management, green spaces and climate action."),
    gettext_noop(
        "Transport and mobility, water, energy, housing and the digital infrastructure of the city."
    ),
    gettext_noop(
        "Enterprise, innovation ecosystems, digital economy and skills for future industries."
    ),
    gettext_noop("Brunei Darussalam"),
    gettext_noop("Cambodia"),
    gettext_noop("Indonesia"),
    gettext_noop("Lao PDR"),
    gettext_noop("Malaysia"),
    gettext_noop("Myanmar"),
    gettext_noop("Philippines"),
    gettext_noop("Singapore"),
    gettext_noop("Thailand"),
    gettext_noop("Viet Nam"),
    gettext_noop("Timor-Leste"),
    gettext_noop("90 million"),
    gettext_noop("more people in ASEAN are expected to live in cities by 2030."),
    gettext_noop(
        'of the region\'s growth is forecast to come from "middleweight" cities of 200,000 to 2 million residents.'
    ),
]
