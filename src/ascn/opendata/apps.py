from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "ascn.opendata"
    verbose_name = _("Open data, imports and reports")

    def ready(self) -> None:
        # registers the deployment check; it reads the models, so only once they are loaded
        from ascn.opendata import checks  # noqa: F401, PLC0415
