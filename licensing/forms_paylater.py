"""Forms of use first, pay later: the offer, the application, the decisions, royalty reports and claims."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from techmarket.accounts.choices import FirmSize

from .models import PayLaterOffer, RiskFund
from .services.paylater import OFFER_FIELDS, offer_check
from .services.reports import MAX_BASE_AMOUNT


class OfferForm(forms.ModelForm):
    """The listing owner's pay-later terms."""

    eligible_sizes = forms.MultipleChoiceField(
        label=_("Eligible firms"),
        choices=FirmSize.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("By default small and micro firms, from the size on the firm's profile."),
    )
    fund = forms.ModelChoiceField(label=_("Risk fund"), queryset=RiskFund.objects.all(), required=False)

    class Meta:
        model = PayLaterOffer
        fields = list(OFFER_FIELDS)

    def clean(self):
        cleaned = super().clean()
        for name, message in offer_check(cleaned).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def terms(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class ApplyForm(forms.Form):
    licensee = forms.ModelChoiceField(label=_("Apply for"), queryset=None, empty_label=None)
    note = forms.CharField(
        label=_("What you plan to do with the technology"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    accept_terms = forms.BooleanField(
        label=_("I have read the terms above and apply on them."),
        error_messages={"required": _("Confirm that you apply on the terms shown.")},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licensee"].queryset = organisations


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the other side reads it)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class FirstRevenueForm(forms.Form):
    on = forms.DateField(
        label=_("Date of the first revenue from the product"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ReportForm(forms.Form):
    base_amount = forms.DecimalField(
        label=_("Net sales or profit of the period (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_BASE_AMOUNT,
    )


class ClaimDecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve and pay out of the fund")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting: the licensor reads it."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for rejecting the claim: the licensor reads it."))
        return cleaned
