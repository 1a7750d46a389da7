"""Forms of the demand pages. They collect input; ``services.demands`` decides what is allowed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techmarket.accounts.models import Organisation
from techmarket.regions import gbt2260
from techmarket.regions.gbt2260 import YRD_PROVINCES
from techmarket.regions.models import TechnologyField

from .choices import DemandStatus
from .models import Demand, Listing, Proposal
from .selectors.demands import SORTS
from .services.demands import DEMAND_FIELDS, validate_deadline


class DemandForm(forms.ModelForm):
    """What an enterprise writes about its problem. The service checks the deadline."""

    class Meta:
        model = Demand
        fields = list(DEMAND_FIELDS)
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 8}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "budget": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        }
        help_texts = {
            "problem": gettext_lazy(
                "What you need solved, the current state, the targets to reach and any constraints. "
                "Everyone can read it: keep confidential details for the talks that follow."
            ),
            "deadline": gettext_lazy("The last day on which proposals are accepted."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = TechnologyField.objects.active()

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if "deadline" in self.changed_data:  # an unchanged deadline may have passed; other edits are still allowed
            try:
                validate_deadline(deadline)
            except ValidationError as error:
                raise ValidationError(error.message_dict["deadline"]) from None
        return deadline

    def demand_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in DEMAND_FIELDS}


class ProposalForm(forms.ModelForm):
    """A university's answer: on behalf of which organisation, what it proposes, and which of its listings."""

    organisation = forms.ModelChoiceField(label=gettext_lazy("On behalf of"), queryset=None, empty_label=None)
    listings = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Your published listings that answer the demand"),
        queryset=Listing.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Optional. Tick the listings of your organisation that the proposal builds on."),
    )

    class Meta:
        model = Proposal
        fields = ["summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "summary": gettext_lazy(
                "Your approach, the team, what you have achieved so far and what you would need. "
                "Only the enterprise and the platform's moderators read it."
            )
        }

    def __init__(self, *args, organisations: list[Organisation], listings: QuerySet[Listing], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        self.fields["listings"].queryset = listings
        several = len(organisations) > 1
        self.fields["listings"].label_from_instance = lambda listing: (
            f"{listing.title} · {listing.organisation.display_name}" if several else listing.title
        )
        self.single_organisation = organisations[0] if len(organisations) == 1 else None
        if self.single_organisation:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = organisations[0].pk


class DemandFilterForm(forms.Form):
    """The public list's filters. Unknown values are ignored with a note rather than failing the page."""

    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    field = forms.ChoiceField(label=gettext_lazy("Technology field"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    open_to_all = forms.BooleanField(label=gettext_lazy("Open to all provinces"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Order"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        self.fields["province"].choices = everything + [(c, gbt2260.division_name(c)) for c in YRD_PROVINCES]
        self.fields["field"].choices = everything + [(f.slug, str(f)) for f in TechnologyField.objects.active()]
        listed = (DemandStatus.OPEN, DemandStatus.SELECTED)
        self.fields["status"].choices = everything + [(status, status.label) for status in listed]
        labels = {"newest": _("newest first"), "deadline": _("deadline soonest first")}
        self.fields["sort"].choices = [(sort, labels[sort]) for sort in SORTS]

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or "newest"
