"""Obtaining an open licence online, and the licence's page with its notice."""

from django.urls import path, re_path

from .views import obtain

urlpatterns = [
    path("obtain/<int:pk>/", obtain.obtain, name="obtain"),
    path("licences/<str:reference>/", obtain.licence_detail, name="licence_detail"),
    re_path(
        r"^licences/(?P<reference>[^/]+)/notice\.(?P<extension>html|pdf)$",
        obtain.notice_download,
        name="licence_notice",
    ),
]
