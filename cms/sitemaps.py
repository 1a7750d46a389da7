"""``sitemap.xml``: the editorial pages (Wagtail's own sitemap of the site's live public pages, in each language)
and the published listings, so that search engines find both."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.models import Page

from . import selectors


class ListingSitemap(Sitemap):
    """Every published listing, changed most recently first (the sitemap pages itself past 50,000)."""

    changefreq = "weekly"

    def items(self):
        return selectors.sitemap_listings()

    def lastmod(self, listing):
        return listing.updated_at


class PageSitemap(WagtailSitemap):
    """The live public pages of the site's tree and of its translations' (the English home page's)."""

    def items(self):
        root = self.get_wagtail_site().root_page
        trees = Q()
        for home in (root, *root.get_translations().live()):
            trees |= Q(path__startswith=home.path)
        return Page.objects.filter(trees).live().public().order_by("path").defer_streamfields().specific()


SITEMAPS = {"pages": PageSitemap, "listings": ListingSitemap}
