from django.urls import path

from ascn.network import views

# The officers' record (the Secretariat): an office's appointments, and ending one.
officer_pages = [
    path("cities/<slug:slug>/officers/", views.city_officers, name="city-officers"),
    path(
        "member-states/<str:code>/representatives/",
        views.member_state_representatives,
        name="member-state-representatives",
    ),
    path("appointments/<int:pk>/end/", views.appointment_end_view, name="appointment-end"),
]

# The registry's records (the Secretariat): a member state, a city, a new city.
record_pages = [
    path("cities/new/", views.city_new, name="city-new"),
    path("cities/<slug:slug>/edit/", views.city_edit, name="city-edit"),
    path("member-states/<str:code>/edit/", views.member_state_edit, name="member-state-edit"),
]

urlpatterns = [
    path("member-states/", views.member_state_list, name="member-state-list"),
    path("cities/", views.city_list, name="city-list"),
    path("people/", views.directory, name="directory"),
    *officer_pages,
    *record_pages,
]
