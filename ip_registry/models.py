"""Patents, their right holders, the registry ledger, and the plan's targets.

The ledger (:class:`RegistryEntry`) is the source of truth: one row per event on
a patent, chained by SHA-256 to the row before it, written only by the services
and never changed. :class:`RightHolder` rows are the current owners derived
from it, kept so that "which patents does this organisation hold" is one join.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techmarket.regions import gbt2260

from .choices import (
    GRANTED_STATUSES,
    IN_FORCE_STATUSES,
    METRIC_KINDS,
    REGIONS,
    YRD,
    EntryKind,
    LegalStatus,
    LicenceType,
    PatentType,
    TargetComparison,
    TargetMetric,
    default_target_kinds,
    target_region_choices,
)
from .exceptions import LedgerIsAppendOnly
from .ledger import RECORDAL_REMINDER_DAYS, recorded_late
from .lifecycle import grace_period_last_day, term_last_day
from .numbers import InvalidPatentNumber, parse_application_number
from .validators import normalize_ipc, validate_application_number, validate_ipc_list


class PatentNumberField(models.CharField):
    """Stores the canonical application number whatever form was typed."""

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return parse_application_number(value).canonical if value else value
        except InvalidPatentNumber:
            return value  # the validator reports what is wrong


class PatentQuerySet(models.QuerySet):
    def held_by(self, organisation) -> PatentQuerySet:
        return self.filter(right_holders__organisation=organisation)


class Patent(models.Model):
    application_number = PatentNumberField(
        _("application number"), max_length=16, unique=True, validators=[validate_application_number]
    )
    patent_type = models.CharField(_("type"), max_length=20, choices=PatentType.choices, editable=False)
    title = models.CharField(_("title"), max_length=300, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    filing_date = models.DateField(_("filing date"), null=True, blank=True)
    grant_date = models.DateField(_("grant date"), null=True, blank=True)
    legal_status = models.CharField(
        _("legal status"), max_length=20, choices=LegalStatus.choices, default=LegalStatus.PENDING
    )
    ipc_codes = models.JSONField(
        _("IPC codes"), default=list, blank=True, validators=[validate_ipc_list], help_text=_("e.g. H01M 10/0525")
    )
    inventors = models.JSONField(_("inventors"), default=list, blank=True)
    annual_fee_paid_until = models.DateField(_("annual fee paid until"), null=True, blank=True)
    has_evaluation_report = models.BooleanField(
        _("patent evaluation report"),
        default=False,
        help_text=_("Utility models and designs need one before they can be offered under an open licence."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatentQuerySet.as_manager()

    class Meta:
        ordering = ["-filing_date", "application_number"]
        verbose_name = _("patent")
        verbose_name_plural = _("patents")
        indexes = [models.Index(fields=["patent_type", "filing_date"], name="patent_type_filing")]

    def __str__(self) -> str:
        return f"{self.application_number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("ip_registry:patent_detail", args=[self.application_number])

    @property
    def number(self):
        return parse_application_number(self.application_number)

    @property
    def display_title(self) -> str:
        return self.title or self.application_number

    @property
    def ipc_section(self) -> str:
        return self.ipc_codes[0][0] if self.ipc_codes else ""

    @property
    def is_granted(self) -> bool:
        """Granted, by its grant date or by its status (assignment records give the status, not always the date)."""
        return self.grant_date is not None or self.legal_status in GRANTED_STATUSES

    @property
    def is_in_force(self) -> bool:
        return self.legal_status in IN_FORCE_STATUSES

    @property
    def term_last_day(self) -> datetime.date | None:
        """The last day of protection (Patent Law art. 42), if the filing date is known."""
        return term_last_day(self.patent_type, self.filing_date) if self.filing_date and self.patent_type else None

    @property
    def grace_period_last_day(self) -> datetime.date | None:
        """The last day the overdue annual fee may be paid with a surcharge, while the patent is in its grace period."""
        if self.legal_status != LegalStatus.GRACE_PERIOD or self.annual_fee_paid_until is None:
            return None
        return grace_period_last_day(self.annual_fee_paid_until)

    @property
    def needs_evaluation_report(self) -> bool:
        return self.patent_type not in (PatentType.INVENTION, PatentType.PCT_INVENTION)

    def clean(self) -> None:
        errors = {}
        try:
            number = parse_application_number(self.application_number)
        except InvalidPatentNumber:
            number = None  # the field validator reports it
        if number:
            self.patent_type = number.patent_type
            if self.filing_date and self.filing_date.year != number.filing_year:
                errors["filing_date"] = _("The application number says it was filed in %(year)s.") % {
                    "year": number.filing_year
                }
        self.ipc_codes = [normalize_ipc(code) for code in self.ipc_codes or []]
        self.inventors = [name.strip() for name in self.inventors or [] if name.strip()]
        if self.grant_date and self.filing_date and self.grant_date < self.filing_date:
            errors["grant_date"] = _("A patent cannot be granted before it was filed.")
        if self.has_evaluation_report and number and not self.needs_evaluation_report:
            errors["has_evaluation_report"] = _("Evaluation reports are made for utility models and designs only.")
        if errors:
            raise ValidationError(errors)


class RightHolder(models.Model):
    """A current owner of a patent and its share, as the ledger's latest ownership entry says."""

    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="right_holders")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="patent_holdings")
    share = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["patent", "position"]
        constraints = [models.UniqueConstraint(fields=["patent", "organisation"], name="one_holding_per_holder")]
        verbose_name = _("right holder")
        verbose_name_plural = _("right holders")

    def __str__(self) -> str:
        return f"{self.organisation} {self.share}%"


class AppendOnlyQuerySet(models.QuerySet):
    """Rows of the ledger and what it keeps (entries, their documents): added, never changed or deleted."""

    def update(self, **kwargs):
        raise LedgerIsAppendOnly

    def delete(self):
        raise LedgerIsAppendOnly

    def bulk_update(self, objs, fields, batch_size=None):
        raise LedgerIsAppendOnly


class RegistryEntry(models.Model):
    """One event on a patent, in the order it was recorded, chained to the entry before it.

    ``parties`` holds both sides as they were at that moment: ``{"from": [...], "to": [...]}``,
    each party with its organisation id, name, credit code, province, city and share.
    ``from_region``, ``to_region`` (the first-named party's province, or "other" outside the
    Delta), ``cross_province`` (the provinces of the two sides differ as sets; entries written
    before that rule have the one of their day: any party on one side in another province than
    any party on the other) and ``ipc_section`` are fixed when the entry is written, and hashed
    with it. The statistics count :class:`Transfer` rows, derived from these entries.
    """

    GENESIS_HASH = "0" * 64

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    patent = models.ForeignKey(Patent, on_delete=models.PROTECT, related_name="entries", verbose_name=_("patent"))
    kind = models.CharField(_("event"), max_length=32, choices=EntryKind.choices)
    registration_date = models.DateField(_("registration date"))
    execution_date = models.DateField(_("execution date"), null=True, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    licence_type = models.CharField(_("licence type"), max_length=16, choices=LicenceType.choices, blank=True)
    term_start = models.DateField(_("term starts"), null=True, blank=True)
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    effective_date = models.DateField(
        _("takes effect"),
        null=True,
        blank=True,
        help_text=_("When the licence contract took effect: it is recorded within three months of that day."),
    )
    related_entry = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ends entry"),
        help_text=_("The pledge a release ends, or the declaration a withdrawal ends."),
    )
    parties = models.JSONField(_("parties"), default=dict)
    details = models.JSONField(_("details"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), editable=False)
    from_region = models.CharField(max_length=6, choices=[(code, code) for code in REGIONS], blank=True)
    to_region = models.CharField(max_length=6, choices=[(code, code) for code in REGIONS], blank=True)
    cross_province = models.BooleanField(_("cross-province"), default=False)
    ipc_section = models.CharField(max_length=1, blank=True)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("registry entry")
        verbose_name_plural = _("registry entries")
        permissions = [("record_entries", _("Can record registry entries"))]
        indexes = [models.Index(fields=["patent", "sequence"], name="registry_patent_history")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_kind_display()} {self.registration_date}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly

    def side(self, name: str) -> list[dict]:
        return list(self.parties.get(name, []))

    @property
    def from_parties(self) -> list[dict]:
        return self.side("from")

    @property
    def recorded_late(self) -> bool:
        """A licence registered more than three months after its contract took effect."""
        return recorded_late(self)

    @property
    def document_sha256(self) -> str:
        """The SHA-256 of the supporting document the entry was recorded with, if any (the chain covers it)."""
        return (self.details or {}).get("document", {}).get("sha256", "")

    @property
    def to_parties(self) -> list[dict]:
        return self.side("to")


def _document_upload(instance: RegistryDocument, filename: str) -> str:
    """A random name under a private folder (techmarket/downloads.py serves none of it); the extension of its type."""
    return f"registry/documents/{uuid.uuid4().hex}.{instance.extension}"


class RegistryDocument(models.Model):
    """The supporting document a clerk recorded an entry with (a recordal notice, a contract, a release), as uploaded.

    Its SHA-256 is also in the entry's ``details`` (``{"document": {"sha256": ...}}``), so the hash chain covers the
    document: a file changed in storage no longer matches its entry. Kept exactly as uploaded (an image re-encoded
    would no longer match its hash), never changed or deleted, and handed out only to registry clerks, as a
    download (see :mod:`ip_registry.documents`).
    """

    EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}

    entry = models.OneToOneField(
        RegistryEntry, on_delete=models.PROTECT, related_name="document", verbose_name=_("registry entry")
    )
    file = models.FileField(_("file"), upload_to=_document_upload, max_length=200)
    name = models.CharField(_("file name"), max_length=255, help_text=_("The name it was uploaded under."))
    content_type = models.CharField(_("type"), max_length=40, choices=[(key, key) for key in EXTENSIONS])
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["entry"]
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")

    def __str__(self) -> str:
        return f"#{self.entry.sequence} {self.name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerIsAppendOnly
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The clerks' download view; never the storage's own address."""
        return reverse("ip_registry:document_download", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly

    @property
    def extension(self) -> str:
        return self.EXTENSIONS[self.content_type]

    @property
    def download_name(self) -> str:
        entry = self.entry
        return f"{entry.patent.application_number}-{entry.sequence}-{entry.kind}.{self.extension}"


class LicenceRecordalQuerySet(models.QuerySet):
    def awaiting(self) -> LicenceRecordalQuerySet:
        """Contracts not recorded with CNIPA yet (a licence the platform wrote to the ledger itself waits too); a
        licence terminated on the ledger before it was recorded (its fee refunded) has nothing left to record."""
        terminated = RegistryEntry.objects.filter(
            kind=EntryKind.LICENCE_TERMINATION, related_entry=models.OuterRef("entry")
        )
        return self.filter(recorded_on__isnull=True).exclude(models.Exists(terminated))

    def late(self, on: datetime.date) -> LicenceRecordalQuerySet:
        """Awaiting recordal past their deadline."""
        return self.awaiting().filter(deadline__lt=on)

    def due(self, on: datetime.date, within_days: int | None = None) -> LicenceRecordalQuerySet:
        """Awaiting recordal, the deadline not passed (and, with ``within_days``, no further off than that)."""
        due = self.awaiting().filter(deadline__gte=on)
        if within_days is not None:
            due = due.filter(deadline__lte=on + datetime.timedelta(days=within_days))
        return due

    def to_remind(self, on: datetime.date) -> LicenceRecordalQuerySet:
        """Due within a week and not reminded yet: each recordal is reminded once."""
        return self.due(on, RECORDAL_REMINDER_DAYS).filter(reminder_sent_at__isnull=True)


class LicenceRecordal(models.Model):
    """A licence contract that has taken effect and must be recorded (备案) with CNIPA within three months.

    The ledger records a licence only once it is recorded, so the contracts the
    platform knows of before that wait here: opened by
    :func:`ip_registry.recordals.licence_recordal_open` (which the licensing app
    calls when a contract it handled takes effect), closed when a clerk records
    it (:func:`ip_registry.recordals.licence_recordal_record` links the entry).
    An open licence obtained on the platform is in the ledger from the day it
    takes effect: its recordal is opened linked to that entry and waits only for
    CNIPA's recordal, which the clerk enters as ``recorded_on`` and
    ``registration_number`` without a second entry.
    Until then the clerks' list shows it as due or, past its deadline, late; its
    parties are reminded once, a week before the deadline.
    """

    patent = models.ForeignKey(Patent, on_delete=models.PROTECT, related_name="recordals", verbose_name=_("patent"))
    licensees = models.ManyToManyField(
        "accounts.Organisation", related_name="licence_recordals", verbose_name=_("licensees")
    )
    licence_type = models.CharField(_("licence type"), max_length=16, choices=LicenceType.choices)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    effective_date = models.DateField(_("takes effect"))
    deadline = models.DateField(
        _("record by"), editable=False, help_text=_("Three months after the contract took effect.")
    )
    reference = models.CharField(
        _("contract reference"), max_length=64, blank=True, help_text=_("The contract's number on the platform.")
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
        help_text=_("Reminded with the licensor's administrators a week before the deadline."),
    )
    entry = models.OneToOneField(
        RegistryEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recordal",
        verbose_name=_("recorded as"),
    )
    recorded_on = models.DateField(
        _("recorded on"), null=True, blank=True, help_text=_("The day CNIPA registered the recordal.")
    )
    registration_number = models.CharField(_("recordal number"), max_length=64, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = LicenceRecordalQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("licence awaiting recordal")
        verbose_name_plural = _("licences awaiting recordal")
        indexes = [
            models.Index(fields=["deadline"], condition=models.Q(recorded_on__isnull=True), name="recordal_awaiting"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(term_end__gte=models.F("term_start")), name="recordal_term"),
        ]

    def __str__(self) -> str:
        return f"{self.patent.application_number} {self.get_licence_type_display()} {self.effective_date}"

    def clean(self) -> None:
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("The licence term cannot end before it starts.")})

    @property
    def is_recorded(self) -> bool:
        return self.recorded_on is not None

    def days_left(self, on: datetime.date | None = None) -> int:
        """Days until the deadline (negative once it has passed)."""
        return (self.deadline - (on or timezone.localdate())).days

    @property
    def is_late(self) -> bool:
        return not self.is_recorded and self.days_left() < 0

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left())


# A tally's cell besides its month: columns named alike on the tallies and the transfers.
TALLY_CELL = ("kind", "from_region", "to_region", "cross_province", "ipc_section")


class Transfer(models.Model):
    """One transfer as the statistics count it: the ledger's entries of one kind on one patent registered on one day.

    A recorded change may come as a batch of rows (several assignors or
    assignees, a chain on one day); it counts once. ``cross_province`` follows
    the set rule on the change's two sides (:func:`ledger.transfer_facts`),
    whatever the rule was when its entries were written. Derived from the
    ledger like :class:`RightHolder`: the services keep it under the ledger's
    lock, ``verify_registry`` recounts it, ``rebuild_transfer_tallies`` rewrites it.
    """

    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("patent"))
    kind = models.CharField(_("event"), max_length=32, choices=EntryKind.choices)
    registration_date = models.DateField(_("registration date"))
    entries = models.PositiveIntegerField(_("ledger entries"), default=1)
    from_region = models.CharField(max_length=6, choices=[(code, code) for code in REGIONS], blank=True)
    to_region = models.CharField(max_length=6, choices=[(code, code) for code in REGIONS], blank=True)
    cross_province = models.BooleanField(_("cross-province"), default=False)
    ipc_section = models.CharField(max_length=1, blank=True)

    class Meta:
        ordering = ["registration_date", "patent", "kind"]
        verbose_name = _("transfer as counted")
        verbose_name_plural = _("transfers as counted")
        constraints = [
            models.UniqueConstraint(fields=["patent", "kind", "registration_date"], name="one_transfer_per_day"),
        ]
        indexes = [
            # Covers what the statistics read besides the tallies (the days at the edges of a period, the first
            # and last year with transfers): a range on the date, then every column they group or filter by.
            models.Index(fields=["registration_date", *TALLY_CELL], name="transfer_stats"),
        ]

    def __str__(self) -> str:
        return f"{self.registration_date} {self.kind} {self.from_region}->{self.to_region}"


class TransferTally(models.Model):
    """How many transfers of one kind, between two regions, in one IPC section, were registered in a month.

    The statistics' running totals: the ledger services keep them with every
    assignment or licence they append, under the ledger's lock, so the dashboard
    sums a few thousand tallies instead of counting a million transfers (see
    :mod:`ip_registry.tallies`). Derived from the ledger like :class:`Transfer`:
    ``verify_registry`` recounts them, ``rebuild_transfer_tallies`` rewrites them.
    """

    month = models.DateField(_("month"), help_text=_("The first day of the month the transfers were registered in."))
    kind = models.CharField(_("event"), max_length=32, choices=EntryKind.choices)
    from_region = models.CharField(max_length=6, choices=[(code, code) for code in REGIONS], blank=True)
    to_region = models.CharField(max_length=6, choices=[(code, code) for code in REGIONS], blank=True)
    cross_province = models.BooleanField(_("cross-province"), default=False)
    ipc_section = models.CharField(max_length=1, blank=True)
    transfers = models.PositiveIntegerField(_("number of transfers"), default=0)

    class Meta:
        ordering = ["month", "kind", "from_region", "to_region"]
        verbose_name = _("transfer tally")
        verbose_name_plural = _("transfer tallies")
        constraints = [
            models.UniqueConstraint(fields=["month", *TALLY_CELL], name="one_tally_per_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kind} {self.from_region}->{self.to_region}: {self.transfers}"


class JointApplication(models.Model):
    """A cross-province joint invention application, once for each target region it counts for.

    Read from the application entry's applicants, as they were at filing, never
    from later holders: an invention application (national or PCT) whose
    applicants are in two or more provinces counts for each Delta province
    among them, and for the Delta as a whole (``region`` "yrd") when at least
    two are Delta provinces. Derived from the ledger: written with the
    application entry, rebuilt by ``rebuild_transfer_tallies``, checked by
    ``verify_registry``.
    """

    patent = models.ForeignKey(
        Patent, on_delete=models.CASCADE, related_name="joint_application_regions", verbose_name=_("patent")
    )
    region = models.CharField(_("region"), max_length=6, choices=target_region_choices)
    filing_date = models.DateField(_("filing date"))

    class Meta:
        ordering = ["filing_date", "patent", "region"]
        verbose_name = _("joint application")
        verbose_name_plural = _("joint applications")
        constraints = [models.UniqueConstraint(fields=["patent", "region"], name="one_joint_application_per_region")]
        # A target counts one region's rows in its period: from the index alone.
        indexes = [models.Index(fields=["region", "filing_date"], name="joint_application_target")]

    def __str__(self) -> str:
        return f"{self.patent_id} {self.region} {self.filing_date}"


class LedgerHead(models.Model):
    """The newest entry's sequence and hash: one row, locked by every append so the chain never forks."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=RegistryEntry.GENESIS_HASH)

    class Meta:
        verbose_name = _("ledger head")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"


class Target(models.Model):
    """A number the regional plans set for a period, e.g. more than 15,000 cross-province patent transfers.

    ``kinds`` names the ledger entries it counts: a transfer target counts
    assignments, and licences if it names them too; a joint-application target
    counts applications. ``comparison`` says when it is reached: "超过" (more
    than) 15,000 is reached at 15,001, "达到" (at least) 3,500 at 3,500.
    """

    metric = models.CharField(_("metric"), max_length=40, choices=TargetMetric.choices)
    region = models.CharField(_("region"), max_length=6, choices=target_region_choices)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    value = models.PositiveIntegerField(_("target"))
    comparison = models.CharField(
        _("reached when the figure is"),
        max_length=10,
        choices=TargetComparison.choices,
        default=TargetComparison.AT_LEAST,
        help_text=_("“超过” means more than: a target of 15,000 is reached at 15,001. “达到” means at least."),
    )
    kinds = models.JSONField(
        _("counts"),
        default=default_target_kinds,
        blank=True,
        help_text=_("The transfers it counts: assignments (权利人变更), and licences if the plan counts them too."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("The plan that sets it."))

    class Meta:
        ordering = ["period_end", "metric", "region", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "region", "period_start", "period_end"], name="one_target"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")), name="target_period"),
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.region_name} {self.period_label}: {self.goal_label}"

    @property
    def region_name(self) -> str:
        return self.get_region_display() if self.region != YRD else str(_("Yangtze River Delta"))

    @property
    def period_label(self) -> str:
        """The period as people say it: 2025 for one calendar year, 2021–2025 for whole years, else its dates."""
        whole_years = (self.period_start.month, self.period_start.day, self.period_end.month, self.period_end.day)
        if whole_years != (1, 1, 12, 31):
            return f"{self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"
        if self.period_start.year == self.period_end.year:
            return str(self.period_end.year)
        return f"{self.period_start.year}–{self.period_end.year}"

    @property
    def threshold(self) -> int:
        """The smallest figure that reaches the target."""
        return self.value + 1 if self.comparison == TargetComparison.MORE_THAN else self.value

    @property
    def goal_label(self) -> str:
        if self.comparison == TargetComparison.MORE_THAN:
            return _("more than %(value)s") % {"value": self.value}
        return _("at least %(value)s") % {"value": self.value}

    def is_reached(self, achieved: int) -> bool:
        return achieved >= self.threshold

    def kind_labels(self) -> list[str]:
        return [str(EntryKind(kind).label) for kind in self.kinds or []]

    def clean(self) -> None:
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period cannot end before it starts.")
        if self.region and self.region != YRD and not gbt2260.is_province(self.region):
            errors["region"] = _("Choose the Delta or one of its provinces.")
        allowed = METRIC_KINDS.get(self.metric)
        if allowed and len(allowed) == 1:
            self.kinds = [str(allowed[0])]  # nothing to choose: a joint-application target counts applications
        elif allowed:
            kinds = list(dict.fromkeys(self.kinds or []))
            if not kinds:
                errors["kinds"] = _("Choose what the target counts.")
            elif set(kinds) - set(allowed):
                errors["kinds"] = _("A transfer target counts assignments and licences only.")
            self.kinds = [str(kind) for kind in allowed if kind in kinds]
        if errors:
            raise ValidationError(errors)
