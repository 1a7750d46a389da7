"""Who may do what in the registry. The dashboard, patent pages and API reads are public.

Registry clerks record ledger events (assignments, licences, pledges and their
release, legal-status changes), see the licences awaiting recordal and the
supporting documents, and edit patents' details: the ``record_entries``
permission, held by the ``registry-clerk`` group (see ``apps.py``). It is a role
of its own, apart from the platform staff who verify organisations and edit the
plan targets; one person may be in both groups.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

REGISTRY_CLERK_GROUP = "registry-clerk"
RECORD_ENTRIES = "ip_registry.record_entries"

PLATFORM_STAFF_PERMISSIONS = (
    "view_registryentry",
    "view_patent",
    "add_target",
    "change_target",
    "view_target",
)
REGISTRY_CLERK_PERMISSIONS = (
    "record_entries",
    "view_registryentry",
    "add_patent",
    "change_patent",
    "view_patent",
    "view_licencerecordal",
    "view_registrydocument",
)


def can_record_entries(user) -> bool:
    return user.is_authenticated and user.has_perm(RECORD_ENTRIES)


def can_see_recordals(user) -> bool:
    """Licence contracts awaiting recordal are the parties' business until recorded: the clerks' list, not public."""
    return can_record_entries(user)


def can_download_documents(user) -> bool:
    """The supporting documents are kept for the clerks; the public ledger shows only their hash."""
    return can_record_entries(user)


def can_edit_targets(user) -> bool:
    return user.is_authenticated and user.has_perm("ip_registry.change_target")


def registry_clerk_group() -> Group:
    """The registry clerks' group with its permissions (created on first use)."""
    group, _created = Group.objects.get_or_create(name=REGISTRY_CLERK_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="ip_registry", codename__in=REGISTRY_CLERK_PERMISSIONS)
    )
    return group


def registry_clerk_group_after_migrate(sender, using, **kwargs) -> None:
    """A post_migrate receiver: the registry's permissions exist (creating them is idempotent), then the group."""
    create_permissions(sender, verbosity=0, using=using)
    registry_clerk_group()
