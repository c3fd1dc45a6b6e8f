"""Pages of the deal pipeline, mounted at the site root (full paths here)."""

from django.urls import path

from ascn.deals import views

urlpatterns = [
    path("engagements/", views.engagement_board, name="engagement-board"),
    path("engagements/new/", views.engagement_new, name="engagement-new"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement-detail"),
    path("engagements/<int:pk>/advance/", views.engagement_advance_view, name="engagement-advance"),
    path("engagements/<int:pk>/confirm/", views.engagement_confirm_view, name="engagement-confirm"),
]
