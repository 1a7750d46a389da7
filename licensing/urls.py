"""Licensing's pages: one URL module per part, all in the ``licensing`` namespace."""

from django.urls import include, path

app_name = "licensing"

# The pages' fixed addresses (licences/mine/) come before the other parts' patterns (licences/<reference>/).
urlpatterns = [
    path("", include("licensing.urls_pages")),
    path("", include("licensing.urls_declarations")),
    path("", include("licensing.urls_obtain")),
    path("", include("licensing.urls_paylater")),
    path("", include("licensing.urls_finance")),
]
