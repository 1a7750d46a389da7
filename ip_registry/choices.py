"""Choices of the registry: legal status, ledger entry kinds, licence types, target metrics and regions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from techmarket.regions.gbt2260 import YRD_PROVINCES

from .numbers import PatentType

__all__ = ["EntryKind", "LegalStatus", "LicenceType", "PatentType", "TargetComparison", "TargetMetric"]


class LegalStatus(models.TextChoices):
    """A patent's legal status as CNIPA's register states it (法律状态)."""

    PENDING = "pending", _("pending")
    REJECTED = "rejected", pgettext_lazy("legal status", "rejected")  # 驳回, not a reviewer's "rejected"
    WITHDRAWN = "withdrawn", _("withdrawn or deemed withdrawn")
    VALID = "valid", _("granted, in force")
    GRACE_PERIOD = "grace_period", _("in the annual-fee grace period")
    LAPSED = "lapsed", _("lapsed (annual fee unpaid)")
    EXPIRED = "expired", _("expired")
    PARTLY_INVALIDATED = "invalidated_in_part", _("invalidated in part")
    INVALIDATED = "invalidated", _("invalidated in whole")


# Statuses a patent reaches only after its grant (it then has a patent number, ZL...).
GRANTED_STATUSES = (
    LegalStatus.VALID,
    LegalStatus.GRACE_PERIOD,
    LegalStatus.LAPSED,
    LegalStatus.EXPIRED,
    LegalStatus.PARTLY_INVALIDATED,
    LegalStatus.INVALIDATED,
)
# A patent right that exists: during the grace period the fee can still be paid, and a patent invalidated in part
# stands for the claims that remain (Patent Law art. 47).
IN_FORCE_STATUSES = (LegalStatus.VALID, LegalStatus.GRACE_PERIOD, LegalStatus.PARTLY_INVALIDATED)
# No right, and no application, left to assign or license.
ENDED_STATUSES = (
    LegalStatus.REJECTED,
    LegalStatus.WITHDRAWN,
    LegalStatus.LAPSED,
    LegalStatus.EXPIRED,
    LegalStatus.INVALIDATED,
)

# The legal status changes the registry records (``services.legal_status_change``); a grant is recorded by
# ``patent_grant`` instead, with the holders it names.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    # Refused or withdrawn before a grant.
    LegalStatus.PENDING: (LegalStatus.REJECTED, LegalStatus.WITHDRAWN),
    # Re-examination sets a rejection aside (art. 41); a deemed withdrawal can be undone by restoring the rights.
    LegalStatus.REJECTED: (LegalStatus.PENDING,),
    LegalStatus.WITHDRAWN: (LegalStatus.PENDING,),
    LegalStatus.VALID: (
        LegalStatus.GRACE_PERIOD,
        LegalStatus.LAPSED,
        LegalStatus.EXPIRED,
        LegalStatus.PARTLY_INVALIDATED,
        LegalStatus.INVALIDATED,
    ),
    # Paying the fee with its surcharge ends the grace period.
    LegalStatus.GRACE_PERIOD: (
        LegalStatus.VALID,
        LegalStatus.PARTLY_INVALIDATED,
        LegalStatus.LAPSED,
        LegalStatus.EXPIRED,
        LegalStatus.INVALIDATED,
    ),
    # A later invalidation may narrow the claims again, or end them all; a court may set a decision aside.
    LegalStatus.PARTLY_INVALIDATED: (
        LegalStatus.VALID,
        LegalStatus.GRACE_PERIOD,
        LegalStatus.PARTLY_INVALIDATED,
        LegalStatus.LAPSED,
        LegalStatus.EXPIRED,
        LegalStatus.INVALIDATED,
    ),
    # Rights restored after a missed fee (恢复权利), or an invalidation set aside by a court.
    LegalStatus.LAPSED: (LegalStatus.VALID, LegalStatus.PARTLY_INVALIDATED),
    LegalStatus.INVALIDATED: (LegalStatus.VALID, LegalStatus.PARTLY_INVALIDATED),
    LegalStatus.EXPIRED: (),
}


class EntryKind(models.TextChoices):
    APPLICATION = "application", _("application recorded")
    GRANT = "grant", _("grant")
    ASSIGNMENT = "assignment", _("assignment")
    LICENCE = "licence", _("licence recordal")
    # A recorded licence ended before its term: its fee refunded, a chargeback lost (related_entry: the licence).
    LICENCE_TERMINATION = "licence_termination", _("licence terminated")
    PLEDGE = "pledge", _("pledge")
    PLEDGE_RELEASE = "pledge_release", _("pledge release")
    OPEN_LICENCE_DECLARATION = "open_licence_declaration", _("open licence declared")
    OPEN_LICENCE_WITHDRAWAL = "open_licence_withdrawal", _("open licence withdrawn")
    NAME_CHANGE = "name_change", _("right holder's name changed")
    LEGAL_STATUS = "legal_status", _("legal status changed")


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
