"""Licensing's pages: one URL module per part, all in the ``licensing`` namespace."""

from django.urls import include, path

app_name = "licensing"

urlpatterns = [
    path("", include("licensing.urls_declarations")),
    path("", include("licensing.urls_obtain")),
    path("", include("licensing.urls_paylater")),
    path("", include("licensing.urls_finance")),
    path("", include("licensing.urls_pages")),
]
