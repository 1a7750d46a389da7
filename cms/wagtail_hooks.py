"""The editorial admin for platform staff: a "Platform" menu with the listing review queue, the organisations
awaiting verification, the technology-field list and the events' registrations (read only). Each item is shown only
to those with its permission, and its pages answer 403 to everyone else. The site settings (contact details, bank
account) register themselves in :mod:`cms.site_settings`."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import URLPattern, path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from techmarket.regions.models import TechnologyField

from . import admin_views, permissions
from .models import EventRegistration


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


class ViewOnlyPolicy(ModelPermissionPolicy):
    """Looking only, whatever else the user may do: registrations are written by the members themselves, through
    the event page (:mod:`cms.services`), which keeps the places and the waiting list in order."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


register_permission_policy(EventRegistration, ViewOnlyPolicy(EventRegistration), exact_class=True)


class RegistrationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "event")


class EventRegistrationViewSet(ModelViewSet):
    """Who registered for each event and who waits: filtered by event and by status, read only (platform staff)."""

    model = EventRegistration
    name = "event-registrations"
    icon = "group"  # the menu says the model's plural name, "Event registrations"
    index_view_class = RegistrationIndexView
    form_fields = ["status"]  # no form is ever shown: the policy allows looking only
    list_display = [
        "user",
        Column("email", label=_("e-mail"), accessor=lambda registration: registration.user.email),
        "event",
        "status",
        "registered_at",
    ]
    list_filter = ["event", "status"]
    search_fields = ["user__name", "user__email"]
    search_backend_name = None  # searched in the database, not indexed
    ordering = ["event", "status", "registered_at", "id"]
    inspect_view_enabled = True
    inspect_view_fields = ["user", "event", "status", "registered_at", "updated_at"]
    copy_view_enabled = False

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
    items = (ListingQueueViewSet, OrganisationQueueViewSet, TechnologyFieldViewSet, EventRegistrationViewSet)


@hooks.register("register_admin_viewset")
def register_platform_viewsets():
    return PlatformGroup()
