"""``sitemap.xml``: the editorial pages (Wagtail's own sitemap of the site's live public pages) and the published
listings, so that search engines find both."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import Sitemap as PageSitemap

from . import selectors


class ListingSitemap(Sitemap):
    """Every published listing, changed most recently first (the sitemap pages itself past 50,000)."""

    changefreq = "weekly"

    def items(self):
        return selectors.sitemap_listings()

    def lastmod(self, listing):
        return listing.updated_at


SITEMAPS = {"pages": PageSitemap, "listings": ListingSitemap}
