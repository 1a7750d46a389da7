"""The admin's chooser of published listings, for the listing-cards block.

Registered as an admin viewset when this module is imported (``cms.blocks``
imports it); its widget is not made the default for every foreign key to a
listing (``register_widget = False``): only the block uses it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from listings.models import Listing


class PublishedListingsMixin:
    """Only what visitors can see may be chosen: published listings, the newest first."""

    def get_object_list(self):
        return Listing.objects.published().select_related("organisation").order_by("-published_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The site's context processor names the visitors' search page ``search_url``; Wagtail's modal header
        # takes that name for a URL pattern of its own, and would fail to reverse a path.
        context["search_url"] = None
        return context


class PublishedListingChooseView(PublishedListingsMixin, ChooseView):
    pass


class PublishedListingChooseResultsView(PublishedListingsMixin, ChooseResultsView):
    pass


class ListingChooserViewSet(ChooserViewSet):
    model = Listing
    icon = "doc-full"
    choose_one_text = _("Choose a published listing")
    choose_another_text = _("Choose another listing")
    edit_item_text = _("Open the listing")
    per_page = 20
    register_widget = False
    choose_view_class = PublishedListingChooseView
    choose_results_view_class = PublishedListingChooseResultsView


listing_chooser_viewset = ListingChooserViewSet("cms_listing_chooser", url_prefix="cms/listing-chooser")


@hooks.register("register_admin_viewset")
def register_listing_chooser():
    return listing_chooser_viewset
