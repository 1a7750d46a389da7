"""RSS feeds of the news items and the policies, newest first, in the language of the address they are read at."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import NewsIndexPage, PolicyIndexPage


class _PageFeed(Feed):
    """The newest live pages under an index: a title, a summary and a date each."""

    index_model = None

    def get_object(self, request, *args, **kwargs):
        """The index in the reader's language when it has been translated, else the original one."""
        self.request = request
        indexes = self.index_model.objects.live()
        for language in (get_language(), settings.LANGUAGE_CODE):
            index = indexes.filter(locale__language_code=language).first()
            if index is not None:
                return index
        return indexes.first()

    def link(self, index):
        return index.get_url(request=self.request) if index else "/"

    def item_title(self, page):
        return page.title

    def item_description(self, page):
        return page.search_description or page.summary

    def item_link(self, page):
        return page.get_url(request=self.request)

    def item_guid(self, page):
        return page.get_full_url(request=self.request)

    item_guid_is_permalink = True

    def _midnight(self, day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class NewsFeed(_PageFeed):
    index_model = NewsIndexPage
    title = _("Yangtze River Delta Technology Transfer Market: news")
    description = _("News of the market and of technology transfer in the Yangtze River Delta.")

    def items(self, index):
        return selectors.news_feed(index, language=get_language())

    def item_pubdate(self, page):
        return self._midnight(page.date)


class PolicyFeed(_PageFeed):
    index_model = PolicyIndexPage
    title = _("Yangtze River Delta Technology Transfer Market: policies")
    description = _("Policies on technology transfer in the Yangtze River Delta, the most recently issued first.")

    def items(self, index):
        return selectors.policy_feed(index, language=get_language())

    def item_pubdate(self, page):
        return self._midnight(page.issue_date)
