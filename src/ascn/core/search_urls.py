"""The search page at /search/."""

urlpatterns: list = []
