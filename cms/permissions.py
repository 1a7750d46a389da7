"""Who may use the platform staff's pages in the editorial admin. The rules are the owning apps'; asked here so
that the menu and the views agree.

Platform staff reach the admin through ``wagtailadmin.access_admin``, edit the technology fields through the
``regions`` model permissions, the footer's contact details through ``cms.change_platformcontact`` and the events'
registrations and waiting lists (to look at only) through ``cms.view_eventregistration``. The bank
account payers transfer to is the finance staff's alone (``cms.change_platformbankaccount``): whoever edits it
decides where the money goes. Wagtail's Editors and Moderators translate pages (``submit_translation``).
:func:`grant_platform_staff_admin` gives the groups theirs after every ``migrate``.
"""

from __future__ import annotations

from django.apps import AppConfig, apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from licensing import permissions as licensing_permissions
from listings import permissions as listing_permissions
from techmarket.accounts import permissions as account_permissions

PLATFORM_STAFF_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("regions", "view_technologyfield"),
    ("regions", "add_technologyfield"),
    ("regions", "change_technologyfield"),
    ("cms", "change_platformcontact"),
    ("cms", "view_eventregistration"),
)
FINANCE_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("cms", "change_platformbankaccount"),
)
# Wagtail's editorial groups translate the pages they edit into English ("Translate" on a page's menu).
EDITOR_GROUPS = ("Editors", "Moderators")
EDITOR_PERMISSIONS = (("simple_translation", "submit_translation"),)


def can_moderate_listings(user) -> bool:
    return listing_permissions.is_moderator(user)


def can_verify_organisations(user) -> bool:
    return account_permissions.can_verify_organisations(user)


def grant_platform_staff_admin(sender: AppConfig, using: str, **kwargs) -> None:
    """Give the platform staff group the admin, the technology-field list (never deletion: a field in use is
    retired by unticking "active"), the contact details and the events' registrations; the finance group the bank
    account; Wagtail's editors and moderators (where those groups exist) the translation of pages."""
    editors = [(group, EDITOR_PERMISSIONS) for group in Group.objects.using(using).filter(name__in=EDITOR_GROUPS)]
    for group, wanted in (
        (account_permissions.platform_staff_group(), PLATFORM_STAFF_PERMISSIONS),
        (licensing_permissions.finance_group(), FINANCE_PERMISSIONS),
        *editors,
    ):
        for label in {label for label, _codename in wanted}:
            create_permissions(apps.get_app_config(label), verbosity=0, using=using)
        for label, codename in wanted:
            group.permissions.add(
                *Permission.objects.using(using).filter(content_type__app_label=label, codename=codename)
            )
