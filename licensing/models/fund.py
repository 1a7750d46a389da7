"""The regional risk-compensation fund (风险补偿资金) behind pay-later agreements, its ledger and its claims."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ClaimStatus, FundMovementKind

MONEY = {"max_digits": 16, "decimal_places": 2}
YRD = "yrd"


class RiskFund(models.Model):
    """A fund per region: each Delta province, and the Delta as a whole (``region`` "yrd")."""

    region = models.CharField(_("region"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    balance = models.DecimalField(_("balance (yuan)"), default=0, editable=False, **MONEY)
    coverage_ratio = models.DecimalField(
        _("coverage (%)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("The share of a defaulted amount the fund pays the licensor."),
    )
    per_agreement_cap = models.DecimalField(_("cap per agreement (yuan)"), **MONEY)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["region"]
        verbose_name = _("risk fund")
        verbose_name_plural = _("risk funds")
        permissions = [("manage_fund", _("Can top up the risk fund and decide claims"))]
        constraints = [models.CheckConstraint(condition=models.Q(balance__gte=0), name="fund_balance_not_negative")]

    def __str__(self) -> str:
        return self.name


class FundMovement(models.Model):
    """One movement of a fund's money; the movements of a fund always sum to its balance (``verify_funds``)."""

    fund = models.ForeignKey(RiskFund, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=12, choices=FundMovementKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), help_text=_("Money in is positive, out negative."), **MONEY)
    balance_after = models.DecimalField(_("balance after"), **MONEY)
    claim = models.OneToOneField(
        "licensing.Claim", on_delete=models.PROTECT, null=True, blank=True, related_name="payout"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("fund movement")
        verbose_name_plural = _("fund movements")

    def __str__(self) -> str:
        return f"{self.fund} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A fund movement is never changed; record an adjustment instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A fund movement is never deleted; record an adjustment instead.")


class Claim(models.Model):
    """The licensor's claim on the fund for a covered agreement that defaulted."""

    agreement = models.OneToOneField("licensing.Agreement", on_delete=models.PROTECT, related_name="claim")
    fund = models.ForeignKey(RiskFund, on_delete=models.PROTECT, related_name="claims")
    amount_owed = models.DecimalField(_("amount unpaid (yuan)"), **MONEY)
    amount = models.DecimalField(_("compensation (yuan)"), help_text=_("Coverage applied, within the cap."), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("compensation claim")
        verbose_name_plural = _("compensation claims")

    def __str__(self) -> str:
        return f"{self.agreement} {self.amount}"


class CreditRecord(models.Model):
    """A firm's default on a pay-later agreement (信用推送): shown to licensors when it next applies."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="credit_records", verbose_name=_("firm")
    )
    agreement = models.OneToOneField("licensing.Agreement", on_delete=models.PROTECT, related_name="credit_record")
    amount_unpaid = models.DecimalField(_("amount unpaid (yuan)"), **MONEY)
    recorded_on = models.DateField(_("recorded"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")

    def __str__(self) -> str:
        return f"{self.organisation} {self.recorded_on}"
