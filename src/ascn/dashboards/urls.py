"""Dashboards at /dashboards/: read-only views over the network's public figures."""

urlpatterns: list = []
