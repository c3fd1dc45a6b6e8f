from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from ascn.accounts.views import choose_language
from ascn.core.views import favicon
from config.api import api

# The API, the back office and the language menu's address have no language prefix; every
# page has one, English excepted (/th/projects/, /projects/: ascn.core.languages).
urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("language/", choose_language, name="set_language"),
    # what a browser asks for beside a document that names no icon (the API's JSON, a PDF)
    path("favicon.ico", favicon),
]
urlpatterns += i18n_patterns(
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
    prefix_default_language=False,
)

handler400 = "ascn.core.busy.bad_request"
handler500 = "ascn.core.busy.server_error"
