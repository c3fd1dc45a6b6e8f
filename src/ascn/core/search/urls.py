"""The search page at /search/ and the header box's suggestions."""

from django.urls import path

from ascn.core.search.views import search_page, search_suggestions

urlpatterns = [
    path("", search_page, name="search"),
    path("suggestions/", search_suggestions, name="search-suggestions"),
]
