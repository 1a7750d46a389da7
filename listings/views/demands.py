"""Pages for demands (being built)."""

urlpatterns: list = []
