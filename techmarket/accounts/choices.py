from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    INSTITUTE = "institute", _("Research institute")
    ENTERPRISE = "enterprise", _("Enterprise")
    AGENCY = "agency", _("Service agency")
    GOVERNMENT = "government", _("Government body")


class FirmSize(models.TextChoices):
    """Enterprise size as the 2011 classification (工信部联企业〔2011〕300号) sets it, by staff and revenue."""

    LARGE = "large", _("large")
    MEDIUM = "medium", _("medium")
    SMALL = "small", _("small")
    MICRO = "micro", _("micro")


# The supply side of the market: organisations that list patents and achievements.
SUPPLIER_KINDS = (OrganisationKind.UNIVERSITY, OrganisationKind.INSTITUTE)


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


# What platform staff check when they verify an organisation: who it is and where. Once it is verified these
# change only through a change request that the staff approve (``services.organisation_change_request``).
PROTECTED_FIELDS = ("kind", "name_zh", "name_en", "credit_code", "province", "city")
# An enterprise's size and its basis (staff, revenue, 科技型中小企业 number), edited by its administrators.
ENTERPRISE_FIELDS = ("firm_size", "staff_count", "annual_revenue", "tech_sme_number")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Staff member")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    ACTIVE = "active", _("Active")
