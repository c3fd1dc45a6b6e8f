from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "ascn.opendata"
    verbose_name = _("Open data, imports and reports")
