"""The editorial pages' feeds (the pages themselves are Wagtail's)."""

from django.urls import path

from .feeds import NewsFeed, PolicyFeed

app_name = "cms"

urlpatterns = [
    path("feeds/news/", NewsFeed(), name="news_feed"),
    path("feeds/policies/", PolicyFeed(), name="policy_feed"),
]
