from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "ascn.dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        from ascn.dashboards import tallies

        tallies.connect()
