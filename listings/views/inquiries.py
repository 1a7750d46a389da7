"""Pages for inquiries (being built)."""

urlpatterns: list = []
