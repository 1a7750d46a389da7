"""Use first, pay later (先使用后付费): the terms a listing offers and the agreements firms enter on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import (
    CNY,
    DEFAULT_ELIGIBLE_SIZES,
    AgreementState,
    ConversionTrigger,
    InstalmentStatus,
    PaymentForm,
    ReportingPeriod,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


def default_eligible_sizes() -> list[str]:
    return list(DEFAULT_ELIGIBLE_SIZES)


class PayLaterTerms(models.Model):
    """The pay-later terms: agreed up front, kept by each agreement as it was entered."""

    trial_months = models.PositiveSmallIntegerField(_("free trial (months)"))
    trigger = models.CharField(_("payment starts"), max_length=20, choices=ConversionTrigger.choices)
    payment_form = models.CharField(_("payment form"), max_length=20, choices=PaymentForm.choices)
    fee = models.DecimalField(
        _("fee (yuan)"),
        null=True,
        blank=True,
        help_text=_("The lump sum, or the total of the instalments."),
        **MONEY,
    )
    instalments = models.PositiveSmallIntegerField(_("number of instalments"), null=True, blank=True)
    instalment_months = models.PositiveSmallIntegerField(_("months between instalments"), default=3)
    revenue_share = models.DecimalField(_("revenue share (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    reporting_period = models.CharField(
        _("reporting period"), max_length=10, choices=ReportingPeriod.choices, blank=True
    )
    cap = models.DecimalField(
        _("cap (yuan)"), null=True, blank=True, help_text=_("The most the firm pays in all."), **MONEY
    )
    currency = models.CharField(_("currency"), max_length=3, default=CNY, editable=False)
    fund_covered = models.BooleanField(
        _("covered by the regional risk fund"),
        default=False,
        help_text=_("If the firm defaults after converting, the fund compensates the licensor."),
    )
    eligible_sizes = models.JSONField(
        _("eligible firms"),
        default=default_eligible_sizes,
        help_text=_("Firm sizes that may apply; by default small and micro firms."),
    )

    class Meta:
        abstract = True


class PayLaterOffer(PayLaterTerms):
    """A listing's pay-later terms."""

    listing = models.OneToOneField(
        "listings.Listing", on_delete=models.CASCADE, related_name="pay_later_offer", verbose_name=_("listing")
    )
    fund = models.ForeignKey(
        "licensing.RiskFund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("risk fund"),
    )
    is_active = models.BooleanField(_("open to applications"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("pay-later offer")
        verbose_name_plural = _("pay-later offers")

    def __str__(self) -> str:
        return str(self.listing)


class Agreement(PayLaterTerms):
    """A firm's pay-later agreement: applied -> trial -> converted | exited; converted -> paying -> completed, or
    overdue -> grace -> defaulted -> claim -> compensated | claim rejected (``choices.AGREEMENT_TRANSITIONS``)."""

    reference = models.CharField(_("agreement number"), max_length=20, unique=True)
    offer = models.ForeignKey(PayLaterOffer, on_delete=models.PROTECT, related_name="agreements")
    listing = models.ForeignKey("listings.Listing", on_delete=models.PROTECT, related_name="pay_later_agreements")
    licensor = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="pay_later_granted", verbose_name=_("licensor")
    )
    licensee = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="pay_later_agreements",
        verbose_name=_("licensee"),
    )
    fund = models.ForeignKey(
        "licensing.RiskFund", on_delete=models.PROTECT, null=True, blank=True, related_name="agreements"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=AgreementState.choices, default=AgreementState.APPLIED, editable=False
    )
    application_note = models.TextField(_("what the firm plans"), max_length=2000, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    trial_start = models.DateField(_("trial starts"), null=True, blank=True)
    decision_date = models.DateField(
        _("decision date"), null=True, blank=True, help_text=_("The trial's last day: convert or exit.")
    )
    decision_deadline = models.DateField(
        _("answer by"), null=True, blank=True, help_text=_("Unanswered by then, the agreement converts as agreed.")
    )
    decision_asked_at = models.DateTimeField(null=True, blank=True, editable=False)
    payment_start = models.DateField(_("payments start"), null=True, blank=True)
    first_revenue_on = models.DateField(_("first revenue"), null=True, blank=True)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    grace_until = models.DateField(_("grace period ends"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pay-later agreement")
        verbose_name_plural = _("pay-later agreements")
        indexes = [models.Index(fields=["state", "decision_date"], name="agreement_state_decision")]

    def __str__(self) -> str:
        return self.reference


class AgreementEvent(models.Model):
    """One transition of an agreement: the audit row the transition service writes, shown as its timeline."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(_("transition"), max_length=20)
    from_state = models.CharField(_("from"), max_length=20, choices=AgreementState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=AgreementState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    on = models.DateField(_("on"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")

    def __str__(self) -> str:
        return f"{self.agreement} {self.transition} {self.on}"


class Instalment(models.Model):
    """One payment a converted agreement owes, with its due date."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="instalment_rows")
    number = models.PositiveSmallIntegerField(_("instalment"))
    due_on = models.DateField(_("due"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=InstalmentStatus.choices, default=InstalmentStatus.SCHEDULED
    )
    payment = models.OneToOneField(
        "licensing.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="instalment"
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="instalment_number_once")]

    def __str__(self) -> str:
        return f"{self.agreement} #{self.number} {self.due_on}"
