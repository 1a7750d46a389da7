"""Listing pages: the public list and page, the owner's forms, files and workflow, the moderators' queue."""

from django.http import HttpResponse
from django.urls import path


def listing_detail(request, pk):
    return HttpResponse("")


urlpatterns: list = [path("listings/<int:pk>/", listing_detail, name="listing_detail")]
