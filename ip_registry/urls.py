from django.urls import path

from . import views

app_name = "ip_registry"

urlpatterns = [
    path("registry/", views.dashboard, name="dashboard"),
    path("registry/patents/", views.patent_search, name="patent_search"),
    path("registry/patents/<str:number>/", views.patent_detail, name="patent_detail"),
    path("registry/targets/", views.target_list, name="target_list"),
    path("registry/targets/new/", views.target_edit, name="target_create"),
    path("registry/targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("registry/import/patents/", views.patent_import, name="patent_import"),
]
