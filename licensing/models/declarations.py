"""Open licence declarations (专利开放许可声明) and the licences firms obtain under them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import (
    CNY,
    ROYALTY_FEE_TYPES,
    UPFRONT_FEE_TYPES,
    ConsentStatus,
    DeclarationStatus,
    FeeType,
    LicenceStatus,
    ReportingPeriod,
    RoyaltyBase,
)

MONEY = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}
# The terms a patentee states in a declaration (``LicenceTerms``); the currency and the territory are the platform's.
STATED_TERMS = (
    "fee_type",
    "lump_sum",
    "entry_fee",
    "royalty_rate",
    "royalty_base",
    "reporting_period",
    "payment_method",
    "payment_schedule",
    "fee_basis",
)
# Every term, as a licence copies them from its declaration.
ALL_TERMS = (*STATED_TERMS, "currency", "territory")


class LicenceTerms(models.Model):
    """Published licence terms: the fee standard, how and when it is paid, how it was worked out (实施细则第八十五条).

    Shared by open licence declarations and the licences obtained under them
    (a licence keeps the terms it was obtained on).
    """

    fee_type = models.CharField(_("fee"), max_length=20, choices=FeeType.choices)
    lump_sum = models.DecimalField(_("lump sum (yuan)"), **MONEY)
    entry_fee = models.DecimalField(_("entry fee (yuan)"), **MONEY)
    royalty_rate = models.DecimalField(_("royalty rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    royalty_base = models.CharField(_("royalty base"), max_length=10, choices=RoyaltyBase.choices, blank=True)
    reporting_period = models.CharField(
        _("reporting period"), max_length=10, choices=ReportingPeriod.choices, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default=CNY, editable=False)
    payment_method = models.CharField(_("payment method"), max_length=200, blank=True)
    payment_schedule = models.CharField(_("payment schedule"), max_length=200, blank=True)
    fee_basis = models.TextField(_("how the fee was calculated"), max_length=2000, blank=True)
    territory = models.CharField(_("territory"), max_length=50, default="中国")

    class Meta:
        abstract = True

    @property
    def is_free(self) -> bool:
        return self.fee_type == FeeType.FREE

    @property
    def has_royalty(self) -> bool:
        return self.fee_type in ROYALTY_FEE_TYPES

    @property
    def upfront_amount(self):
        """What is paid when the licence is obtained: the lump sum or the entry fee (``None`` when nothing is)."""
        if self.fee_type not in UPFRONT_FEE_TYPES:
            return None
        return self.lump_sum if self.fee_type == FeeType.LUMP_SUM else self.entry_fee


class Declaration(LicenceTerms):
    """A patentee's declaration that anyone may license its patents on published terms (专利法第五十条).

    Written by an administrator of the patentee organisation; each co-owner's
    administrator consents in the app; when the last consent is in, each patent's
    declaration goes to the registry and the declaration is in force.
    """

    licensor = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="open_licence_declarations",
        verbose_name=_("patentee"),
    )
    patents = models.ManyToManyField(
        "ip_registry.Patent", through="DeclaredPatent", related_name="open_licence_declarations"
    )
    period_end = models.DateField(_("licence period ends"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.AWAITING_CONSENT,
        editable=False,
        db_index=True,
    )
    warnings = models.JSONField(_("warnings shown"), default=list, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    effective_on = models.DateField(_("in force from"), null=True, blank=True, editable=False)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), max_length=1000, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("open licence declaration")
        verbose_name_plural = _("open licence declarations")

    def __str__(self) -> str:
        return f"{self.licensor} #{self.pk}"

    @property
    def is_in_force(self) -> bool:
        return self.status == DeclarationStatus.IN_FORCE


class DeclaredPatent(models.Model):
    """A patent a declaration covers, with the registry's entries for its declaration and withdrawal."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="declared_patents")
    patent = models.ForeignKey("ip_registry.Patent", on_delete=models.PROTECT, related_name="+")
    entry = models.OneToOneField(
        "ip_registry.RegistryEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_entry = models.OneToOneField(
        "ip_registry.RegistryEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("declared patent")
        verbose_name_plural = _("declared patents")
        constraints = [models.UniqueConstraint(fields=["declaration", "patent"], name="declared_patent_once")]

    def __str__(self) -> str:
        return f"{self.declaration} {self.patent}"


class DeclarationConsent(models.Model):
    """A co-owner's answer to a declaration of a patent it owns with the patentee (专利法第十四条)."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="consents")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("co-owner")
    )
    status = models.CharField(_("answer"), max_length=10, choices=ConsentStatus.choices, default=ConsentStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("co-owner's consent")
        verbose_name_plural = _("co-owners' consents")
        constraints = [models.UniqueConstraint(fields=["declaration", "organisation"], name="one_consent_per_co_owner")]

    def __str__(self) -> str:
        return f"{self.declaration} {self.organisation}"


class OpenLicence(LicenceTerms):
    """A licence a firm obtained under a declaration: written notice, payment on the published terms, no negotiation.

    It takes effect when the fee is paid (at once when free): each patent's
    licence then goes to the registry and the recordal clock starts.
    """

    reference = models.CharField(_("licence number"), max_length=20, unique=True)
    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, related_name="licences", verbose_name=_("declaration")
    )
    licensor = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="open_licences_granted",
        verbose_name=_("licensor"),
    )
    licensee = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="open_licences", verbose_name=_("licensee")
    )
    listing = models.ForeignKey(
        "listings.Listing", on_delete=models.SET_NULL, null=True, blank=True, related_name="open_licences"
    )
    patents = models.ManyToManyField("ip_registry.Patent", related_name="open_licences", verbose_name=_("patents"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=LicenceStatus.choices,
        default=LicenceStatus.AWAITING_PAYMENT,
        editable=False,
        db_index=True,
    )
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    payment = models.OneToOneField(
        "licensing.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="open_licence"
    )
    effective_on = models.DateField(_("took effect"), null=True, blank=True, editable=False)
    # While the payer disputes the fee with its bank (a chargeback), the licence is frozen: not ended, not to be
    # relied on. A dispute won unfreezes it; one lost ends it as a refund does.
    frozen_at = models.DateTimeField(_("frozen since"), null=True, blank=True, editable=False)
    ended_on = models.DateField(_("ended on"), null=True, blank=True, editable=False)
    registry_entries = models.ManyToManyField("ip_registry.RegistryEntry", related_name="+", blank=True)
    obtained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("obtained"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("open licence")
        verbose_name_plural = _("open licences")
        constraints = [
            models.CheckConstraint(condition=models.Q(term_end__gte=models.F("term_start")), name="licence_term"),
        ]

    def __str__(self) -> str:
        return self.reference

    def overlaps(self, start: datetime.date, end: datetime.date) -> bool:
        return self.term_start <= end and start <= self.term_end


def _notice_upload(instance: LicenceNotice, filename: str) -> str:
    return f"licensing/notices/{instance.sha256_pdf[:2]}/{instance.sha256_pdf}.pdf"


class LicenceNotice(models.Model):
    """The written notice a licensee confirms (专利法第五十一条): generated from the terms, parties and patents.

    Kept as written, in HTML and in PDF, each with its SHA-256; never changed.
    """

    licence = models.OneToOneField(OpenLicence, on_delete=models.PROTECT, related_name="notice")
    html = models.TextField(_("notice (HTML)"), editable=False)
    sha256_html = models.CharField(_("SHA-256 of the HTML"), max_length=64, editable=False)
    pdf = models.FileField(_("notice (PDF)"), upload_to=_notice_upload, editable=False)
    sha256_pdf = models.CharField(_("SHA-256 of the PDF"), max_length=64, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("licence notice")
        verbose_name_plural = _("licence notices")

    def __str__(self) -> str:
        return f"{self.licence} {self.sha256_pdf[:12]}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A confirmed licence notice is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A confirmed licence notice is never deleted.")
