from django.urls import path

from . import views, views_saved

app_name = "search"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/demands/", views.demands, name="demands"),
    path("search/pages/", views.pages, name="pages"),
    *views_saved.urlpatterns,
]
