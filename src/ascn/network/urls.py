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

urlpatterns = [
    path("member-states/", views.member_state_list, name="member-state-list"),
    path("cities/", views.city_list, name="city-list"),
    path("people/", views.directory, name="directory"),
    *officer_pages,
]
