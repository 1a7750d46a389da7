from django.urls import path

from . import views, views_saved

app_name = "search"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/demands/", views.demands, name="demands"),
    *views_saved.urlpatterns,
]
