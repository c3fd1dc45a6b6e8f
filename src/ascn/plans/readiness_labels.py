"""The readiness checklist's dimensions, items and next steps, for the catalogues.
Written by ``scripts/catalogue.py labels``; do not edit by hand."""

from django.utils.translation import gettext_noop

LABELS = [
    gettext_noop("Rationale"),
    gettext_noop("Options appraisal"),
    gettext_noop("Commercial viability"),
    gettext_noop("Affordability"),
    gettext_noop("Deliverability"),
    gettext_noop("The problem is defined, with evidence of who is affected and how much"),
    gettext_noop(
        "Write a problem statement with baseline data (who is affected, how often, at what cost)."
    ),
    gettext_noop("The project is endorsed by the city's leadership and listed in its action plan"),
    gettext_noop(
        "Obtain a written endorsement from the mayor or council and list the project in the Smart City Action Plan."
    ),
    gettext_noop("Results are measured by KPIs with baselines and targets"),
    gettext_noop(
        "Define 3–5 KPIs with a baseline and a target date (e.g. SDG 11 or ISO 37122 indicators)."
    ),
    gettext_noop("A feasibility study compares the options and recommends one"),
    gettext_noop(
        "Commission or complete a feasibility study comparing at least two options, and upload it."
    ),
    gettext_noop("Residents and stakeholders have been consulted"),
    gettext_noop("Run and document a stakeholder consultation (who was consulted, what changed)."),
    gettext_noop("A revenue or funding model shows how the project is paid for over its life"),
    gettext_noop(
        "Describe who pays (tariffs, availability payments, budget, grants) over the project's life."
    ),
    gettext_noop("The main risks are identified and allocated between the parties"),
    gettext_noop("Prepare a risk register with each risk's owner and mitigation."),
    gettext_noop("A cost estimate covers capital and operating costs"),
    gettext_noop("Prepare a capital and operating cost estimate with its assumptions and date."),
    gettext_noop("Land is available and the permits needed are known or obtained"),
    gettext_noop("List the land parcels and permits needed, with their status."),
    gettext_noop("The environmental and social impact is assessed"),
    gettext_noop(
        "Carry out an environmental and social impact assessment (or screening) and upload it."
    ),
    gettext_noop("The procurement route is chosen (e.g. public works, PPP, design-build)"),
    gettext_noop("Choose and justify the procurement route and its timetable."),
    gettext_noop("A team with the capacity to deliver and operate the project is in place"),
    gettext_noop("Name the project team, its lead and the operator, and any capacity gaps."),
]
