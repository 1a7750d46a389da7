"""Forms of the declaration pages. They collect input; :mod:`licensing.services.declarations` decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ip_registry.models import Patent

from .choices import FeeType, ReportingPeriod, RoyaltyBase
from .services.declarations import TERM_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PatentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, patent: Patent) -> str:
        return f"{patent.application_number} {patent.title}"


class DeclarationForm(forms.Form):
    """The patents and the published terms. Which fields a fee type needs is the service's rule, told per field."""

    patents = PatentChoiceField(
        label=_("Patents"),
        queryset=Patent.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The organisation's patents on the registry. Each co-owner will be asked to consent."),
    )
    fee_type = forms.ChoiceField(label=_("Licence fee"), choices=FeeType.choices, widget=forms.RadioSelect)
    lump_sum = forms.DecimalField(
        label=_("Lump sum (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    entry_fee = forms.DecimalField(
        label=_("Entry fee (yuan)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    royalty_rate = forms.DecimalField(
        label=_("Royalty rate (%)"), required=False, min_value=0, max_digits=5, decimal_places=2
    )
    royalty_base = forms.ChoiceField(label=_("Royalty base"), required=False, choices=[("", "—"), *RoyaltyBase.choices])
    reporting_period = forms.ChoiceField(
        label=_("Reporting period"), required=False, choices=[("", "—"), *ReportingPeriod.choices]
    )
    payment_method = forms.CharField(
        label=_("Payment method"), required=False, max_length=200, help_text=_("For example: bank transfer.")
    )
    payment_schedule = forms.CharField(
        label=_("Payment schedule"),
        required=False,
        max_length=200,
        help_text=_("For example: within 30 days of the notice; royalties within 30 days of each report."),
    )
    fee_basis = forms.CharField(
        label=_("How the fee was calculated"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    period_end = forms.DateField(label=_("Licence period ends"), widget=DATE_INPUT)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["patents"].queryset = Patent.objects.held_by(organisation).order_by("application_number")

    def terms(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in TERM_FIELDS}


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The withdrawal is announced on each patent's page; licences already granted remain valid."),
    )


class ConsentForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("give", _("We consent to this declaration")), ("refuse", _("We refuse our consent"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (a reason is needed to refuse)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
