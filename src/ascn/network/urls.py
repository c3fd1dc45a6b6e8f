from django.urls import path

from ascn.network import views

urlpatterns = [
    path("", views.home, name="home"),
    path("member-states/", views.member_state_list, name="member-state-list"),
    path("member-states/<str:code>/", views.member_state_detail, name="member-state-detail"),
    path("cities/", views.city_list, name="city-list"),
    path("cities/<slug:slug>/", views.city_detail, name="city-detail"),
    path("people/", views.directory, name="directory"),
]
