from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("ascn.accounts.urls")),
    path("audit/", include("ascn.core.audit.urls")),
    path("search/", include("ascn.core.search.urls")),
    path("dashboards/", include("ascn.dashboards.urls")),
    path("", include("ascn.partners.urls")),
    path("", include("ascn.matchmaking.urls")),
    path("", include("ascn.funding.urls")),
    path("", include("ascn.deals.urls")),
    path("", include("ascn.opendata.urls")),
    path("", include("ascn.meetings.urls")),
    path("", include("ascn.agreements.urls")),
    path("", include("ascn.cooperation.urls")),
    path("", include("ascn.indicators.urls")),
    path("", include("ascn.plans.urls")),
    path("", include("ascn.network.urls")),
    path("", include("ascn.portal.urls")),
]

handler500 = "ascn.core.busy.server_error"
