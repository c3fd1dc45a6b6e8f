from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "ascn.dashboards"
    verbose_name = "Dashboards"
