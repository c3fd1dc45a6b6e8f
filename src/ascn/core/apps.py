from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ascn.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Each app declares, in modules of these names (found like admin.py), what it puts
        # in the search, what follows its writes (core.events), what it adds to lower apps'
        # pages (core.sections), what the task worker draws for it (core.drawings) and what it
        # computes ahead for it (core.prepared). The lower layers import none of them.
        autodiscover_modules(
            "search", "subscribers", "sections", "drawings", "prepared", "translations"
        )
