"""Royalty reports: for royalty terms, the licensee reports each period and the licensor accepts or disputes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ReportStatus, RoyaltyBase

MONEY = {"max_digits": 14, "decimal_places": 2}


class RoyaltyReport(models.Model):
    """One reporting period of an open licence or a pay-later agreement with a royalty or revenue share."""

    licence = models.ForeignKey(
        "licensing.OpenLicence", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    agreement = models.ForeignKey(
        "licensing.Agreement", on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    due_on = models.DateField(_("report by"))
    base = models.CharField(_("royalty base"), max_length=10, choices=RoyaltyBase.choices)
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2)
    base_amount = models.DecimalField(_("net sales or profit (yuan)"), null=True, blank=True, **MONEY)
    royalty = models.DecimalField(_("royalty (yuan)"), null=True, blank=True, **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DUE)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    dispute_reason = models.CharField(_("reason for the dispute"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    payment = models.OneToOneField(
        "licensing.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="royalty_report"
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("royalty report")
        verbose_name_plural = _("royalty reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(licence__isnull=False, agreement__isnull=True)
                | models.Q(licence__isnull=True, agreement__isnull=False),
                name="report_for_one_licence",
            ),
            models.UniqueConstraint(fields=["licence", "period_start"], name="one_report_per_licence_period"),
            models.UniqueConstraint(fields=["agreement", "period_start"], name="one_report_per_agreement_period"),
        ]

    def __str__(self) -> str:
        return f"{self.licence or self.agreement} {self.period_start}–{self.period_end}"
