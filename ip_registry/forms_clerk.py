"""The registry clerks' forms: an assignment, a licence, a pledge, a pledge's release, a contract awaiting recordal.

Each form holds what one service of the registry takes (:meth:`EntryForm.service_arguments`)
and the supporting document; the service decides. Field names are the services'
argument names, so a ValidationError the service raises for a field shows on that
field, and its refusals (the ledger's rules) show above the form.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techmarket.accounts.models import Organisation
from techmarket.accounts.validators import normalize_credit_code

from .choices import LegalStatus, LicenceType
from .documents import ACCEPT, CheckedDocument, document_check
from .ledger import PatentState
from .models import LicenceRecordal, Patent, RegistryEntry
from .services import Holding

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
# "复旦大学 60", "91310109MACHK7GN2R, 40%": a name or credit code, then (for owners) a share in per cent.
_PARTY_WITH_SHARE = re.compile(r"^(?P<who>.+?)(?:[\s,;]+(?P<share>\d+(?:\.\d+)?)\s*%?)?$")


def _document_help() -> str:
    return _(
        "The document that supports the entry (CNIPA's notice, the contract, the release): a PDF, or a scan as a "
        "JPEG, PNG or WebP image, up to %(limit)s. It is kept as uploaded and its SHA-256 is recorded in the ledger. "
        "If the form comes back with errors, choose the file again."
    ) % {"limit": filesizeformat(settings.REGISTRY_DOCUMENT_MAX_BYTES)}


def _date_field(label, *, required: bool = True, help_text="") -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text, widget=forms.DateInput(**DATE_WIDGET))


class OrganisationsField(forms.CharField):
    """Organisations on the platform, one a line, by unified social credit code or full Chinese name.

    Cleans to a list of :class:`~ip_registry.services.Holding`. With ``shares``,
    a line may end with the organisation's share in per cent ("复旦大学 60");
    the service checks that the shares add up to 100 (or splits equally when none
    is given).
    """

    widget = forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"})

    def __init__(self, *, shares: bool = False, **kwargs):
        self.shares = shares
        super().__init__(**kwargs)

    def clean(self, value) -> list[Holding]:
        text = super().clean(value)
        lines = [unicodedata.normalize("NFKC", line).strip() for line in (text or "").splitlines()]
        wanted = [self._parse(line) for line in lines if line]
        found = self._organisations(who for who, _share in wanted)
        unknown = [who for who, _share in wanted if who not in found]
        if unknown:
            raise forms.ValidationError(
                _(
                    "No organisation on the platform has this credit code or name: %(lines)s. Type the unified social "
                    "credit code or the full Chinese name; an organisation not on the platform has to be added first."
                )
                % {"lines": "、".join(unknown)},
                code="unknown_organisation",
            )
        return [Holding(found[who], share) for who, share in wanted]

    def _parse(self, line: str) -> tuple[str, Decimal | None]:
        match = _PARTY_WITH_SHARE.match(line) if self.shares else None
        if not match or match["share"] is None:
            return line, None
        try:
            return match["who"].strip(), Decimal(match["share"])
        except InvalidOperation:
            return line, None

    @staticmethod
    def _organisations(names) -> dict[str, Organisation]:
        """Each typed text -> its organisation, by credit code if it reads as one, else by Chinese name."""
        names = list(names)
        codes = {normalize_credit_code(name): name for name in names}
        by_code = Organisation.objects.filter(credit_code__in=[code for code in codes if len(code) == 18])
        found = {codes[organisation.credit_code]: organisation for organisation in by_code}
        rest = [name for name in names if name not in found]
        by_name = Organisation.objects.filter(name_zh__in=rest)
        found.update({organisation.name_zh: organisation for organisation in by_name})
        return found


class EntryForm(forms.Form):
    """What every recorded event has: the registration by CNIPA and the supporting document."""

    registration_date = _date_field(
        gettext_lazy("Registration date"), help_text=gettext_lazy("The day CNIPA registered it, as on its notice.")
    )
    registration_number = forms.CharField(label=gettext_lazy("Registration number"), max_length=64, required=False)
    document = forms.FileField(
        label=gettext_lazy("Supporting document"),
        help_text=lazy(_document_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, patent: Patent, state: PatentState | None = None, **kwargs):
        self.patent = patent
        self.state = state
        super().__init__(*args, **kwargs)
        # The document last, whatever the subclass adds.
        self.order_fields([name for name in self.fields if name != "document"] + ["document"])

    def clean_document(self) -> CheckedDocument:
        """Checked here too, so that a bad file is reported with the form's other errors, not after them."""
        try:
            return document_check(self.cleaned_data["document"])
        except ValidationError as error:
            raise forms.ValidationError(error.error_dict["document"]) from None

    def clean_registration_date(self) -> datetime.date:
        day = self.cleaned_data["registration_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The registration date cannot be in the future."), code="future")
        return day

    def service_arguments(self) -> dict:
        """The service's arguments besides the actor and the document."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "document"}
        return {"patent": self.patent, **data}


class ConsentsForm(EntryForm):
    """An event that may need others' consent: every co-owner's (Patent Law art. 14), the pledgees' (Civil Code
    art. 444). The clerk ticks those the supporting document shows consenting; the service decides who is needed."""

    consents = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Consented in writing"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "The co-owners and pledgees whose written consent the supporting document shows. A co-owned patent is "
            "assigned, or licensed exclusively or solely, only with every co-owner's consent; a pledged one is "
            "assigned or licensed only with the pledgee's."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        state = self.state or PatentState()
        owners = [party["organisation"] for party in state.holders] if len(state.holders) > 1 else []
        pledgees = [party["organisation"] for pledge in state.pledges for party in pledge.to_parties]
        if owners or pledgees:
            self.fields["consents"].queryset = Organisation.objects.filter(pk__in=[*owners, *pledgees])
        else:
            del self.fields["consents"]  # a sole owner's consent is the act itself


class AssignmentForm(ConsentsForm):
    assignees = OrganisationsField(
        label=gettext_lazy("Assignees (new right holders)"),
        shares=True,
        help_text=gettext_lazy(
            "One a line: unified social credit code or full Chinese name, then the share in per cent if there are "
            "several (e.g. “复旦大学 60”). Without shares, equal shares."
        ),
    )
    execution_date = _date_field(gettext_lazy("Contract signed on"), required=False)


class LicenceForm(ConsentsForm):
    licensees = OrganisationsField(
        label=gettext_lazy("Licensees"),
        help_text=gettext_lazy("One a line: unified social credit code or full Chinese name."),
    )
    licence_type = forms.ChoiceField(label=gettext_lazy("Licence type"), choices=LicenceType.choices)
    term_start = _date_field(gettext_lazy("Term starts"))
    term_end = _date_field(gettext_lazy("Term ends"))
    effective_date = _date_field(
        gettext_lazy("Contract took effect on"),
        help_text=gettext_lazy("A licence contract is recorded within three months of taking effect."),
    )
    execution_date = _date_field(gettext_lazy("Contract signed on"), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("term_start"), cleaned.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("The licence term cannot end before it starts."))
        return cleaned


class PledgeForm(EntryForm):
    pledgees = OrganisationsField(
        label=gettext_lazy("Pledgees"),
        help_text=gettext_lazy("One a line: unified social credit code or full Chinese name (e.g. the lending bank)."),
    )
    execution_date = _date_field(gettext_lazy("Contract signed on"), required=False)


class PledgeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, entry: RegistryEntry) -> str:
        return _("#%(sequence)s, registered %(date)s, to %(pledgees)s") % {
            "sequence": entry.sequence,
            "date": entry.registration_date.isoformat(),
            "pledgees": "、".join(party["name"] for party in entry.to_parties),
        }


class PledgeReleaseForm(EntryForm):
    pledge = PledgeChoiceField(label=gettext_lazy("Pledge released"), queryset=RegistryEntry.objects.none())

    def __init__(self, *args, patent: Patent, pledges: list[RegistryEntry], **kwargs):
        super().__init__(*args, patent=patent, **kwargs)
        self.fields["pledge"].queryset = RegistryEntry.objects.filter(pk__in=[entry.pk for entry in pledges])
        if len(pledges) == 1:
            self.fields["pledge"].initial = pledges[0].pk

    def service_arguments(self) -> dict:
        data = super().service_arguments()
        data.pop("patent")  # the service finds it from the pledge
        return data


class LegalStatusForm(EntryForm):
    """A change of legal status as CNIPA announced it (a rejection, an invalidation, a restoration...)."""

    registration_number = None  # a status change is announced, not registered under a number
    status = forms.ChoiceField(label=gettext_lazy("New legal status"), choices=LegalStatus.choices)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("As CNIPA's decision or announcement states it, e.g. its number and date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration_date"].label = _("Effective date")
        self.fields["registration_date"].help_text = _("The day the change took effect, as the announcement says.")
        self.order_fields(["status", "registration_date", "reason", "document"])


class RecordalRecordForm(EntryForm):
    """Record a contract awaiting recordal: its terms are known; the registration and the document are asked."""

    execution_date = _date_field(gettext_lazy("Contract signed on"), required=False)

    def __init__(self, *args, recordal: LicenceRecordal, **kwargs):
        self.recordal = recordal
        super().__init__(*args, patent=recordal.patent, **kwargs)

    def service_arguments(self) -> dict:
        data = super().service_arguments()
        data.pop("patent")
        return {"recordal": self.recordal, **data}


class LinkedRecordalForm(forms.Form):
    """CNIPA recorded a licence the ledger holds already (an open licence obtained on the platform): its date and
    number. The ledger's entry is written, so no supporting document is attached to it."""

    registration_date = _date_field(
        gettext_lazy("Registration date"), help_text=gettext_lazy("The day CNIPA registered it, as on its notice.")
    )
    registration_number = forms.CharField(label=gettext_lazy("Registration number"), max_length=64)

    def __init__(self, *args, recordal: LicenceRecordal, **kwargs):
        self.recordal = recordal
        super().__init__(*args, **kwargs)

    def clean_registration_date(self) -> datetime.date:
        day = self.cleaned_data["registration_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The registration date cannot be in the future."), code="future")
        return day


class RecordalFilterForm(forms.Form):
    """The clerks' list of licences awaiting recordal: all of them, those due (within so many days), or the late."""

    status = forms.ChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        choices=[
            ("", gettext_lazy("All awaiting recordal")),
            ("due", gettext_lazy("Due")),
            ("late", gettext_lazy("Late")),
        ],
    )
    within = forms.IntegerField(
        label=gettext_lazy("Due within (days)"),
        required=False,
        min_value=1,
        max_value=366,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
