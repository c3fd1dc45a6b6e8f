from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ascn.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from ascn.accounts.models import Delivery  # noqa: PLC0415 - models are loaded now
        from ascn.accounts.notifications import KINDS  # noqa: PLC0415 - idem
        from ascn.core.audit.words import name_changes  # noqa: PLC0415 - idem

        # a change of a person's notification settings is recorded by the kind's code, from
        # one delivery's code to another's
        name_changes(KINDS, dict(Delivery.choices))
