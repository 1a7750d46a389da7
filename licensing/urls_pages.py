from django.urls import path

from .views import pages

urlpatterns: list = [
    path("licences/mine/", pages.my_licences, name="my_licences"),
]
