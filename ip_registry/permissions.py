"""Who may do what in the registry. The dashboard, patent pages and API reads are public.

Platform staff record ledger events and edit the plan targets, through global
permissions their group is given after each migration (see ``apps.py``).
"""

PLATFORM_STAFF_PERMISSIONS = (
    "add_registryentry",
    "view_registryentry",
    "add_patent",
    "change_patent",
    "view_patent",
    "add_target",
    "change_target",
    "view_target",
)


def can_record_entries(user) -> bool:
    return user.is_authenticated and user.has_perm("ip_registry.add_registryentry")


def can_edit_targets(user) -> bool:
    return user.is_authenticated and user.has_perm("ip_registry.change_target")
