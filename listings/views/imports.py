"""Pages for imports (being built)."""

urlpatterns: list = []
