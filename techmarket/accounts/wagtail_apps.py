"""Wagtail's users app, pointed at this project's user view set (see ``wagtail_users.py``)."""

from wagtail.users.apps import WagtailUsersAppConfig


class UsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "techmarket.accounts.wagtail_users.UserViewSet"
