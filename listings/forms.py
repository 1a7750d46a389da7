"""Forms of the listing pages. They collect input; the services and model validators decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ip_registry.models import Patent
from ip_registry.numbers import split_numbers
from ip_registry.selectors import patents_for_numbers
from techmarket.accounts.models import BrokerProfile
from techmarket.accounts.validators import normalize_phone
from techmarket.regions import gbt2260
from techmarket.regions.gbt2260 import YRD_PROVINCES
from techmarket.regions.models import TechnologyField

from .choices import DealMode, ListingKind
from .models import Listing
from .services.listings import LISTING_FIELDS, Term

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


class ListingForm(forms.ModelForm):
    """The listing's text, classification, patents and deal terms (one row per deal mode)."""

    patent_numbers = forms.CharField(
        label=gettext_lazy("Patents (application numbers)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "202311432805.9"}),
        help_text=gettext_lazy(
            "One or more application numbers from the registry, separated by spaces, commas or new lines. "
            "A single-patent listing names one; a portfolio names several."
        ),
    )

    contact_phone = forms.CharField(
        label=gettext_lazy("contact mobile"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    class Meta:
        model = Listing
        fields = list(LISTING_FIELDS)
        widgets = {
            "summary_zh": forms.Textarea(attrs={"rows": 4}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "problem": forms.Textarea(attrs={"rows": 3}),
            "advantages": forms.Textarea(attrs={"rows": 3}),
            "applications": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["field"].queryset = TechnologyField.objects.active()
        self.fields["trl"].help_text = _("From 1 (principles observed) to 9 (proven in production use).")
        self.deal_fields: list[tuple[str, forms.BoundField, forms.BoundField]] = []
        terms = {t.mode: t for t in self.instance.deal_terms.all()} if self.instance.pk else {}
        for mode, label in DealMode.choices:
            term = terms.get(mode)
            self.fields[f"offer_{mode}"] = forms.BooleanField(label=label, required=False, initial=term is not None)
            self.fields[f"price_{mode}"] = forms.DecimalField(
                label=_("Indicative price for %(mode)s (yuan)") % {"mode": label},
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=term.price if term else None,
                widget=forms.NumberInput(attrs={"placeholder": _("negotiable"), "step": "0.01"}),
            )
        if self.instance.pk:
            self.fields["patent_numbers"].initial = "\n".join(p.application_number for p in self.instance.patents.all())
        self.held_patents = list(Patent.objects.held_by(organisation).only("application_number", "title")[:200])

    def deal_rows(self):
        return [(self[f"offer_{mode}"], self[f"price_{mode}"]) for mode in DealMode.values]

    def clean_contact_phone(self) -> str | None:
        """Spaces, dashes and +86 are fine: the number is stored as its 11 digits, then validated."""
        phone = self.cleaned_data["contact_phone"]
        return normalize_phone(phone) or None if phone else None

    def clean_patent_numbers(self) -> list[Patent]:
        numbers = split_numbers(self.cleaned_data["patent_numbers"])
        return patents_for_numbers(numbers=numbers, organisation=self.organisation)

    def clean(self):
        data = super().clean()
        if not any(data.get(f"offer_{mode}") for mode in DealMode.values):
            self.add_error(None, _("Offer the listing in at least one way (assignment, a licence, ...)."))
        return data

    def terms(self) -> list[Term]:
        data = self.cleaned_data
        return [Term(mode, data.get(f"price_{mode}")) for mode in DealMode.values if data.get(f"offer_{mode}")]

    def listing_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in LISTING_FIELDS}


class ImageForm(forms.Form):
    image = forms.FileField(
        label=gettext_lazy("Image"),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=gettext_lazy("JPEG, PNG or WebP. Location data (EXIF) is removed when it is saved."),
    )
    caption = forms.CharField(label=gettext_lazy("Caption"), max_length=120, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("PDF file"), widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (sent to the owner)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BrokerForm(forms.Form):
    broker = forms.ModelChoiceField(
        label=gettext_lazy("Technology-transfer manager"),
        queryset=BrokerProfile.objects.filter(is_active=True).select_related("user"),
        required=False,
        empty_label=gettext_lazy("none"),
    )


class ListingFilterForm(forms.Form):
    """The public list's filters. Unknown values are ignored with a note rather than failing the page."""

    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    field = forms.ChoiceField(label=gettext_lazy("Technology field"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    deal_mode = forms.ChoiceField(label=gettext_lazy("Deal mode"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("all"))]
        self.fields["province"].choices = everything + [(c, gbt2260.division_name(c)) for c in YRD_PROVINCES]
        self.fields["field"].choices = everything + [(f.slug, str(f)) for f in TechnologyField.objects.active()]
        self.fields["kind"].choices = everything + list(ListingKind.choices)
        self.fields["deal_mode"].choices = everything + list(DealMode.choices)
