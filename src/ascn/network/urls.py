from django.urls import path

from ascn.network import views

urlpatterns = [
    path("member-states/", views.member_state_list, name="member-state-list"),
    path("cities/", views.city_list, name="city-list"),
    path("people/", views.directory, name="directory"),
]
