"""The form that saves a search from the search page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import parse
from .models import MAX_QUERYSTRING_LENGTH, SavedSearch
from .saved_searches import INVALID_SEARCH


class SaveSearchForm(forms.Form):
    querystring = forms.CharField(required=False, max_length=MAX_QUERYSTRING_LENGTH, widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Name (optional)"),
        required=False,
        max_length=SavedSearch._meta.get_field("name").max_length,
        help_text=_("Left empty, the search's words and filters name it."),
    )

    def clean_querystring(self) -> str:
        value = self.cleaned_data["querystring"]
        if not parse(value).is_valid():
            raise forms.ValidationError(INVALID_SEARCH)
        return value
