"""Forms of the registry pages: the dashboard's filters, the search by number, the staff's target form and import."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import TRANSFER_KINDS, EntryKind
from .models import Target
from .numbers import OLD_FORMAT_YEARS, InvalidPatentNumber, parse_application_number
from .selectors import FlowFilter

IPC_SECTIONS = "ABCDEFGH"
FIRST_YEAR = OLD_FORMAT_YEARS[0]  # the first Patent Law took effect in 1985: nothing in the registry is older


def last_year() -> int:
    return datetime.date.today().year + 1


class FlowFilterForm(forms.Form):
    """What the dashboard counts: a range of registration years, a kind of transfer, an IPC section.

    Every field is optional; an empty form counts every transfer in the registry.
    """

    KIND_ALL = ""
    KINDS = {
        KIND_ALL: tuple(TRANSFER_KINDS),
        EntryKind.ASSIGNMENT: (EntryKind.ASSIGNMENT,),
        EntryKind.LICENCE: (EntryKind.LICENCE,),
    }

    year_from = forms.IntegerField(
        label=_("From year"), required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    year_to = forms.IntegerField(
        label=_("To year"), required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    kind = forms.ChoiceField(
        label=_("Transfer type"),
        required=False,
        choices=[
            (KIND_ALL, _("Assignments and licences")),
            (EntryKind.ASSIGNMENT, _("Assignments")),
            (EntryKind.LICENCE, _("Licences")),
        ],
    )
    ipc_section = forms.ChoiceField(
        label=_("IPC section"),
        required=False,
        choices=[("", _("All fields"))] + [(section, section) for section in IPC_SECTIONS],
    )

    def __init__(self, *args, data_years: tuple[int, int] | None = None, **kwargs):
        """``data_years``: the first and last year the registry holds, shown as the year fields' placeholders."""
        super().__init__(*args, **kwargs)
        for index, name in enumerate(("year_from", "year_to")):
            self.fields[name].widget.attrs.update(min=FIRST_YEAR, max=last_year())
            if data_years:
                self.fields[name].widget.attrs["placeholder"] = data_years[index]

    def _clean_year(self, name: str) -> int | None:
        year = self.cleaned_data.get(name)
        if year is not None and not FIRST_YEAR <= year <= last_year():
            raise forms.ValidationError(
                _("Enter a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": last_year()},
                code="year_range",
            )
        return year

    def clean_year_from(self) -> int | None:
        return self._clean_year("year_from")

    def clean_year_to(self) -> int | None:
        return self._clean_year("year_to")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first is not None and last is not None and first > last:
            self.add_error(
                "year_to",
                forms.ValidationError(
                    _("The last year (%(last)s) comes before the first (%(first)s).") % {"first": first, "last": last},
                    code="year_order",
                ),
            )
        return cleaned

    def flow_filter(self) -> FlowFilter:
        """The selectors' filter for the valid form."""
        data = self.cleaned_data
        return FlowFilter(
            start=datetime.date(data["year_from"], 1, 1) if data.get("year_from") else None,
            end=datetime.date(data["year_to"], 12, 31) if data.get("year_to") else None,
            kinds=self.KINDS[data.get("kind") or self.KIND_ALL],
            ipc_section=data.get("ipc_section") or "",
        )


class PatentSearchForm(forms.Form):
    """Find a patent by its application or patent number, written any way people write it."""

    number = forms.CharField(
        label=_("Application or patent number"),
        max_length=40,
        help_text=_("e.g. 202311432805.9, CN 2023 1143 2805.9 or ZL202311432805.9"),
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false", "inputmode": "search"}
        ),
    )

    def clean_number(self) -> str:
        """The canonical number; the parser's message, which names what is wrong, becomes the field's error."""
        try:
            return parse_application_number(self.cleaned_data["number"]).canonical
        except InvalidPatentNumber as error:
            raise forms.ValidationError(str(error), code="invalid_number") from error


class TargetForm(forms.ModelForm):
    """A plan target, edited by the platform staff. What a joint-application target counts is not a choice."""

    kinds = forms.TypedMultipleChoiceField(
        label=_("Transfers counted"),
        required=False,
        choices=[(kind.value, kind.label) for kind in TRANSFER_KINDS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For transfer targets: the plan counts assignments (权利人变更); add licences only if it says so."),
    )

    class Meta:
        model = Target
        fields = ["metric", "region", "period_start", "period_end", "comparison", "value", "kinds", "source"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class PatentImportForm(forms.Form):
    """A file of CNIPA bibliographic data for the staff's import page; the button pressed says whether to write it."""

    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
        help_text=_("Saved from the spreadsheet as CSV (UTF-8 or GB18030), the first row naming the columns."),
    )
    dry_run = forms.BooleanField(required=False, widget=forms.HiddenInput)  # set by the "check only" button
