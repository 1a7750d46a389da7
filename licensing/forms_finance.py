"""Forms of the finance staff's pages: find a transfer, confirm its receipt, top up a risk fund."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0.01")}


class PaymentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Reference or payer"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "TM…"}),
    )


class ConfirmReceiptForm(forms.Form):
    """The amount the bank statement shows for the transfer quoting the payment's reference."""

    amount_received = forms.DecimalField(
        label=_("Amount received (yuan)"),
        help_text=_("As the bank statement shows it; it must equal the amount due."),
        **MONEY,
    )


class FundTopUpForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=16, decimal_places=2, min_value=Decimal("0.01"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        help_text=_("Where the money comes from, such as the budget line or the transfer's reference."),
    )


class RefundForm(forms.Form):
    """A refund of a payment received: all of what is left (no amount) or part, with the reason the payer reads."""

    amount = forms.DecimalField(
        label=_("Amount to refund (yuan)"),
        required=False,
        help_text=_("Leave it empty to refund everything not refunded yet."),
        **MONEY,
    )
    reason = forms.CharField(
        label=_("Reason, sent to the payer and the payee"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    waived = forms.BooleanField(
        label=_("The payee waives the fee: what it paid for stands (an open licence stays in force)"), required=False
    )
