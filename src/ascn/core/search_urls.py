"""The search page at /search/."""

from django.urls import path

from ascn.core.search_views import search_page

urlpatterns = [path("", search_page, name="search")]
