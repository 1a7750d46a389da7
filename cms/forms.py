"""The filters of the policy index: issuing body, level, year."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import PolicyLevel


class PolicyFilterForm(forms.Form):
    body = forms.CharField(label=_("Issuing body"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("Level"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1949, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("All levels")), *PolicyLevel.choices]
