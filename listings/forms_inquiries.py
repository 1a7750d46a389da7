"""Forms of the inquiry pages. They collect input; ``services.inquiries`` decides what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import InquiryStatus
from .models import Inquiry, InquiryMessage


class InquiryForm(forms.ModelForm):
    """What a firm tells the owner when it first asks about a listing."""

    class Meta:
        model = Inquiry
        fields = ["intended_use", "budget", "timeline"]
        widgets = {"intended_use": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "intended_use": _(
                "What you would use the technology for, in which product or process, and what you need from the "
                "owner. The owner and their technology-transfer manager read this."
            ),
            "budget": _("An indication only; nothing here binds you."),
        }


class ReplyForm(forms.ModelForm):
    """One message in an inquiry's thread."""

    class Meta:
        model = InquiryMessage
        fields = ["body"]
        labels = {"body": _("Your reply")}
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}


class InboxFilterForm(forms.Form):
    """The inbox's tab (received or sent) and status filter."""

    BOXES = (("received", _("Received")), ("sent", _("Sent")))

    box = forms.ChoiceField(choices=BOXES, required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("all")), *InquiryStatus.choices], required=False)
