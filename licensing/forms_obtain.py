"""The form a firm's member fills to obtain an open licence: which firm takes it, and the confirmation of the notice."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import permissions


class ObtainForm(forms.Form):
    """Confirm the written notice on the published terms (no negotiation); choose the firm if the user acts for
    several."""

    licensee = forms.ModelChoiceField(
        label=_("Licensee"),
        queryset=None,
        empty_label=None,
        help_text=_("The enterprise that takes the licence."),
    )
    confirm = forms.BooleanField(
        label=_("I have read the notice above and confirm it for the licensee, on the published terms."),
        required=True,
        error_messages={"required": _("Confirm the notice to obtain the licence.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licensee"].queryset = permissions.enterprise_organisations(user).order_by("name_zh")
        # The registered Chinese name, as the notice and the registry write it.
        self.fields["licensee"].label_from_instance = lambda organisation: organisation.name_zh
        if self.fields["licensee"].queryset.count() == 1:
            self.fields["licensee"].widget = forms.HiddenInput()
            self.initial.setdefault("licensee", self.fields["licensee"].queryset.get().pk)
