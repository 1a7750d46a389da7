"""Who may do what with organisations. Views, services and selectors ask here; templates never decide.

Object permissions live in django-guardian's direct foreign-key tables and are
granted by the membership services: every active member can see the member
list; administrators may also edit the organisation and manage its members,
and ask to change a verified organisation's protected details. Platform staff
verify organisations, and approve or reject those change requests, through a
global permission held by the platform staff group.
"""

from collections.abc import Iterable

from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_migrate
from guardian.shortcuts import assign_perm, remove_perm

from .choices import MembershipRole, MembershipStatus
from .models import Membership, Organisation

MEMBER_PERMISSIONS = ("accounts.view_members",)
ADMIN_PERMISSIONS = ("accounts.view_members", "accounts.change_organisation", "accounts.manage_members")
PLATFORM_STAFF_PERMISSIONS = (
    "accounts.verify_organisation",
    "accounts.view_organisation",
    "accounts.view_organisationchangerequest",
)


def can_view_members(user, organisation: Organisation) -> bool:
    return user.is_authenticated and (
        user.has_perm("accounts.view_members", organisation) or can_verify_organisations(user)
    )


def can_edit_organisation(user, organisation: Organisation) -> bool:
    return user.is_authenticated and user.has_perm("accounts.change_organisation", organisation)


def can_manage_members(user, organisation: Organisation) -> bool:
    return user.is_authenticated and user.has_perm("accounts.manage_members", organisation)


def can_verify_organisations(user) -> bool:
    return user.is_authenticated and user.has_perm("accounts.verify_organisation")


def can_request_organisation_change(user, organisation: Organisation) -> bool:
    """Who may ask to change a verified organisation's name, kind, credit code or place: its administrators."""
    return can_edit_organisation(user, organisation)


def can_decide_organisation_changes(user) -> bool:
    """Who approves or rejects those requests: the platform staff who verify organisations."""
    return can_verify_organisations(user)


def can_see_change_requests(user, organisation: Organisation) -> bool:
    """The organisation's active members and the platform staff see its pending change request."""
    return can_view_members(user, organisation)


def sync_membership_permissions(membership: Membership) -> None:
    """Make the member's object permissions match their role and status."""
    user, organisation = membership.user, membership.organisation
    wanted: tuple[str, ...] = ()
    if membership.status == MembershipStatus.ACTIVE:
        wanted = ADMIN_PERMISSIONS if membership.role == MembershipRole.ADMIN else MEMBER_PERMISSIONS
    for perm in ADMIN_PERMISSIONS:
        if perm in wanted:
            assign_perm(perm, user, organisation)
        else:
            remove_perm(perm, user, organisation)


def revoke_membership_permissions(membership: Membership) -> None:
    for perm in ADMIN_PERMISSIONS:
        remove_perm(perm, membership.user, membership.organisation)


def platform_staff_emails() -> list[str]:
    """Who to tell when something awaits the platform staff."""
    users = get_user_model().objects.filter(groups__name=settings.PLATFORM_STAFF_GROUP, is_active=True)
    return list(users.exclude(email="").values_list("email", flat=True))


def platform_staff_group() -> Group:
    """The platform staff group with its global permissions (created on first use)."""
    group, _ = Group.objects.get_or_create(name=settings.PLATFORM_STAFF_GROUP)
    perms = Permission.objects.filter(
        content_type__app_label="accounts",
        codename__in=[p.split(".", 1)[1] for p in PLATFORM_STAFF_PERMISSIONS],
    )
    group.permissions.add(*perms)
    return group


def grant_platform_staff_after_migrate(app_config: AppConfig, codenames: Iterable[str]) -> None:
    """Give the platform staff group these permissions of the app after every ``migrate``.

    Called from an app's ``ready()``. The app's permissions are created first: Django's own receiver that
    creates them may not have run yet, and creating them is idempotent.
    """
    codenames = tuple(codenames)

    def grant(sender: AppConfig, using: str, **kwargs) -> None:
        create_permissions(sender, verbosity=0, using=using)
        permissions = Permission.objects.using(using).filter(
            content_type__app_label=sender.label, codename__in=codenames
        )
        platform_staff_group().permissions.add(*permissions)

    post_migrate.connect(grant, sender=app_config, weak=False, dispatch_uid=f"platform-staff-{app_config.label}")
