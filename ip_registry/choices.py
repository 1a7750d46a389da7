"""Choices of the registry: legal status, ledger entry kinds, licence types, target metrics and regions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from techmarket.regions.gbt2260 import YRD_PROVINCES

from .numbers import PatentType

__all__ = ["EntryKind", "LegalStatus", "LicenceType", "PatentType", "TargetComparison", "TargetMetric"]


class LegalStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    VALID = "valid", _("granted, in force")
    LAPSED = "lapsed", _("lapsed (annual fee unpaid)")
    EXPIRED = "expired", _("expired")
    INVALIDATED = "invalidated", _("invalidated")
    WITHDRAWN = "withdrawn", _("withdrawn")


# Statuses a patent reaches only after its grant (it then has a patent number, ZL...).
GRANTED_STATUSES = (LegalStatus.VALID, LegalStatus.LAPSED, LegalStatus.EXPIRED, LegalStatus.INVALIDATED)


class EntryKind(models.TextChoices):
    APPLICATION = "application", _("application recorded")
    GRANT = "grant", _("grant")
    ASSIGNMENT = "assignment", _("assignment")
    LICENCE = "licence", _("licence recordal")
    PLEDGE = "pledge", _("pledge")
    PLEDGE_RELEASE = "pledge_release", _("pledge release")
    OPEN_LICENCE_DECLARATION = "open_licence_declaration", _("open licence declared")
    OPEN_LICENCE_WITHDRAWAL = "open_licence_withdrawal", _("open licence withdrawn")
    NAME_CHANGE = "name_change", _("right holder's name changed")


# Entries that decide who owns the patent: their "to" side is the new set of right holders.
OWNERSHIP_KINDS = (EntryKind.APPLICATION, EntryKind.GRANT, EntryKind.ASSIGNMENT, EntryKind.NAME_CHANGE)
# Entries that move a patent, or the right to use it, from one party to another: what the statistics count.
TRANSFER_KINDS = (EntryKind.ASSIGNMENT, EntryKind.LICENCE)


# Patents the joint-application target counts: invention applications, national or PCT.
JOINT_APPLICATION_TYPES = (PatentType.INVENTION, PatentType.PCT_INVENTION)


class LicenceType(models.TextChoices):
    EXCLUSIVE = "exclusive", _("exclusive")
    SOLE = "sole", _("sole")
    ORDINARY = "ordinary", _("ordinary")
    OPEN = "open", _("open licence")


# Exclusive and sole licences shut out other licensees; open licensing cannot coexist with them.
RESTRICTIVE_LICENCES = (LicenceType.EXCLUSIVE, LicenceType.SOLE)

# Statistics group provinces into the four of the Yangtze River Delta and "other".
OTHER_REGION = "other"
REGIONS = (*YRD_PROVINCES, OTHER_REGION)
YRD = "yrd"


def region_of(province_code: str) -> str:
    """The statistics region of a province: itself if in the Delta, else "other"."""
    return province_code if province_code in YRD_PROVINCES else OTHER_REGION


class TargetMetric(models.TextChoices):
    CROSS_PROVINCE_TRANSFERS = "cross_province_transfers", _("cross-province patent transfers")
    CROSS_PROVINCE_JOINT_APPLICATIONS = (
        "cross_province_joint_applications",
        _("cross-province joint invention applications"),
    )


# What each metric counts: the entry kinds a target of it may name.
METRIC_KINDS = {
    TargetMetric.CROSS_PROVINCE_TRANSFERS: TRANSFER_KINDS,
    TargetMetric.CROSS_PROVINCE_JOINT_APPLICATIONS: (EntryKind.APPLICATION,),
}


def default_target_kinds() -> list[str]:
    """The plan's "专利转移" counts assignments (权利人变更); a target may add licences."""
    return [EntryKind.ASSIGNMENT.value]


class TargetComparison(models.TextChoices):
    """How the achieved figure must compare with the target's value: "超过" is more than, "达到" at least."""

    MORE_THAN = "more_than", _("more than")
    AT_LEAST = "at_least", _("at least")


def target_region_choices() -> list[tuple[str, str]]:
    from techmarket.regions import gbt2260

    return [(YRD, _("Yangtze River Delta")), *((code, gbt2260.division_name(code)) for code in YRD_PROVINCES)]
