"""The data dictionary of the public indicator values (``dictionary.SCHEMAS["indicator-values"]``),
kept apart from ``dictionary`` only for its length."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ascn.indicators.models import Direction, Framework, QualityGrade, Verification
from ascn.opendata.tableschema import Field, ForeignKey, Schema, choices

INDICATOR_VALUES = Schema(
    (
        Field("id", "integer", _("The value's number in the platform."), required=True),
        Field("city", "string", _("The ASCN city's code (see the cities dataset)."), required=True),
        Field(
            "indicator",
            "string",
            _("The indicator's code in its framework: 11.6.2 (SDG), EC: ICT: ICT: 1C (U4SSC)."),
            required=True,
        ),
        Field("framework", "string", _("The indicator's framework."), codes=choices(Framework)),
        Field("indicator_name", "string", _("The indicator's name.")),
        Field("unit", "string", _("The unit of the value, as the catalogue gives it.")),
        Field(
            "direction",
            "string",
            _("Which way is better for the indicator."),
            codes=choices(Direction),
        ),
        Field("year", "year", _("The year the value describes."), required=True),
        Field("value", "number", _("The value, in the indicator's unit."), required=True),
        Field("source", "string", _("Where the city took the figure from."), required=True),
        Field("method_note", "string", _("How the figure was measured or estimated.")),
        Field(
            "verification",
            "string",
            _("Whether the Secretariat or the National Representative verified the value."),
            codes=choices(Verification),
            required=True,
        ),
        Field(
            "grade",
            "string",
            _("The data-quality grade given when verified (the U4SSC scale, best first)."),
            codes=choices(QualityGrade),
        ),
        Field(
            "sample",
            "boolean",
            _("True for an illustrative value of the demo, never a real figure."),
            required=True,
        ),
    ),
    primary_key=("id",),
    foreign_keys=(ForeignKey("city", "cities", "slug"),),
)
