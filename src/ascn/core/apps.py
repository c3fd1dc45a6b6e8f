from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ascn.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from ascn.core import cache  # noqa: F401 - connects the data version to audited writes
        from ascn.core.search import connect_signals

        connect_signals()  # search entries go with records deleted without a service
