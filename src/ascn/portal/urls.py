from django.urls import path

from ascn.portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("member-states/<str:code>/", views.member_state_detail, name="member-state-detail"),
    path("cities/<slug:slug>/", views.city_detail, name="city-detail"),
    path("workspace/", views.workspace_page, name="workspace"),
    path("languages/", views.languages_page, name="languages"),
    path("accounts/invitations/", views.invitations, name="invitations"),
    path(
        "accounts/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
]
