"""Pages of funding programmes, mounted at the site root (full paths here)."""

urlpatterns: list = []
