"""Pages of the deal pipeline, mounted at the site root (full paths here)."""

urlpatterns: list = []
