"""The editorial admin for platform staff: a "Platform" menu with the listing review queue, the organisations
awaiting verification and the technology-field list. Each item is shown only to those with its permission, and
its pages answer 403 to everyone else. The site settings (contact details, bank account) register themselves in
:mod:`cms.site_settings`."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import URLPattern, path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from techmarket.regions.models import TechnologyField

from . import admin_views, permissions


class QueueViewSet(ViewSet):
    """One page of the admin that lists a queue; its menu item is shown to those the ``allowed`` rule lets in."""

    view: Callable
    allowed: Callable

    def get_urlpatterns(self):
        return [path("", self.view, name="index")]

    @cached_property
    def menu_item_class(self):
        allowed = self.allowed

        class QueueMenuItem(MenuItem):
            def is_shown(self, request):
                return allowed(request.user)

        return QueueMenuItem


class ListingQueueViewSet(QueueViewSet):
    name = "platform-listings"
    icon = "list-ul"
    menu_label = _("Listings awaiting review")
    view = staticmethod(admin_views.listing_queue)
    allowed = staticmethod(permissions.can_moderate_listings)


class OrganisationQueueViewSet(QueueViewSet):
    name = "platform-organisations"
    icon = "group"
    menu_label = _("Organisations awaiting verification")
    view = staticmethod(admin_views.organisation_queue)
    allowed = staticmethod(permissions.can_verify_organisations)


class TechnologyFieldViewSet(ModelViewSet):
    """The managed list of technology fields. Fields in use are retired by unticking "active", never deleted."""

    model = TechnologyField
    name = "technology-fields"
    icon = "tag"
    menu_label = _("Technology fields")
    form_fields = ["name_zh", "name_en", "slug", "position", "is_active"]
    list_display = ["name_zh", "name_en", "slug", "position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name_zh", "name_en", "slug"]
    search_backend_name = None  # a short list: searched in the database, not indexed
    ordering = ["position", "slug"]
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_urlpatterns(self):
        return [
            URLPattern(
                pattern.pattern, admin_views.forbidden_as_403(pattern.callback), pattern.default_args, pattern.name
            )
            for pattern in super().get_urlpatterns()
        ]


class PlatformGroup(ViewSetGroup):
    menu_label = _("Platform")
    menu_icon = "cogs"
    menu_order = 250
    items = (ListingQueueViewSet, OrganisationQueueViewSet, TechnologyFieldViewSet)


@hooks.register("register_admin_viewset")
def register_platform_viewsets():
    return PlatformGroup()
