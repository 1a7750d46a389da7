from django.urls import path

from . import views, views_clerk

app_name = "ip_registry"

urlpatterns = [
    path("registry/", views.dashboard, name="dashboard"),
    path("registry/patents/", views.patent_search, name="patent_search"),
    path("registry/patents/<str:number>/", views.patent_detail, name="patent_detail"),
    path("registry/patents/<str:number>/record/<slug:kind>/", views_clerk.entry_record, name="entry_record"),
    path("registry/recordals/", views_clerk.recordal_list, name="recordal_list"),
    path("registry/recordals/<int:pk>/record/", views_clerk.recordal_record, name="recordal_record"),
    path("registry/documents/<int:pk>/", views_clerk.document_download, name="document_download"),
    path("registry/targets/", views.target_list, name="target_list"),
    path("registry/targets/new/", views.target_edit, name="target_create"),
    path("registry/targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("registry/import/patents/", views.patent_import, name="patent_import"),
]
