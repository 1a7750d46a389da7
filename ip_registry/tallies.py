"""What the statistics count, kept beside the ledger: transfers, their monthly tallies, and joint applications.

A transfer is one recorded change: the ledger's entries of one kind (an
assignment, a licence recordal) on one patent registered on one day, however
many rows the change took (:func:`ledger.transfer_facts` gives its sides and
whether it crosses a provincial border). Counting a million of them takes most
of a second, even from an index; adding up the tallies of the months in a
period takes a few milliseconds. A tally is one cell, (month, kind, from region,
to region, cross-province, IPC section), with the number of transfers in it.

- :func:`transfer_record` keeps the :class:`Transfer` row and the tallies for
  each transfer entry the ledger services append, and
  :func:`joint_application_record` the joint-application rows for an
  application entry. Both run under the ledger head's lock, so two appends
  never race for one row or cell.
- :func:`tally_rebuild` recounts everything from the ledger. It is used by the
  migrations, by ``rebuild_transfer_tallies`` and by the benchmark, which writes
  entries straight into the table.
- :func:`registry_differences` is what ``verify_registry`` checks.

:func:`split_period` says which part of a period the tallies answer (the whole
months) and which part the selectors count from the transfers (the days before
the first whole month and after the last).
"""

from __future__ import annotations

import datetime
import itertools
import operator
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import reduce
from typing import NamedTuple

from django.apps import apps as installed_apps
from django.db import connection, transaction
from django.db.models import F, Q

from techmarket.regions.gbt2260 import YRD_PROVINCES

from .choices import JOINT_APPLICATION_TYPES, TRANSFER_KINDS, YRD, EntryKind
from .ledger import TransferFacts, transfer_facts
from .models import TALLY_CELL as CELL
from .models import JointApplication, RegistryEntry, Transfer, TransferTally

CHUNK = 2000


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


# Upkeep, entry by entry ----------------------------------------------------------------------------------------


def transfer_record(entry: RegistryEntry) -> None:
    """Count a transfer entry just appended to the ledger. The caller holds the ledger head's lock.

    The entry joins the transfer of its patent, kind and day, if there is one:
    the transfer's sides (and so its cell) may change, and its tally moves with it.
    """
    if entry.kind not in TRANSFER_KINDS:
        return
    same_change = {"patent_id": entry.patent_id, "kind": entry.kind, "registration_date": entry.registration_date}
    facts = transfer_facts(list(RegistryEntry.objects.filter(**same_change).order_by("sequence")))
    transfer = Transfer.objects.filter(**same_change).first()
    if transfer is None:
        transfer = Transfer(**same_change)
    else:
        _tally_change(transfer.registration_date, tuple(getattr(transfer, name) for name in CELL), -1)
    for name, value in _columns(facts).items():
        setattr(transfer, name, value)
    transfer.save()
    _tally_change(facts.registration_date, facts.cell, +1)


def _cell(cell: tuple) -> dict:
    return dict(zip(CELL, cell, strict=True))


def _columns(facts: TransferFacts) -> dict:
    """A transfer row's columns besides its patent and day."""
    return {"entries": facts.entries, **_cell(facts.cell)}


def _tally_change(day: datetime.date, cell: tuple, change: int) -> None:
    """Add ``change`` (1 or -1) to a tally; a cell is created by its first transfer and deleted with its last."""
    where = {"month": month_of(day), **_cell(cell)}
    updated = TransferTally.objects.filter(**where).update(transfers=F("transfers") + change)
    if change > 0 and not updated:
        TransferTally.objects.create(**where, transfers=change)
    elif change < 0:
        TransferTally.objects.filter(**where, transfers=0).delete()


def joint_regions(patent_type: str, applicants: Iterable[dict]) -> set[str]:
    """The target regions a joint invention application counts for, from its applicants at filing.

    Applicants in two or more provinces make it a cross-province joint
    application; it counts for each Delta province among them, and for the
    Delta when at least two of them are Delta provinces. Beijing + Guangdong
    counts for no Delta target; Shanghai + Beijing for Shanghai's only.
    """
    provinces = {party["province"] for party in applicants}
    if patent_type not in JOINT_APPLICATION_TYPES or len(provinces) < 2:
        return set()
    in_delta = provinces & set(YRD_PROVINCES)
    return in_delta | ({YRD} if len(in_delta) >= 2 else set())


def joint_application_record(entry: RegistryEntry) -> None:
    """Count the application entry just appended, if its applicants make it a cross-province joint application.

    The patent's first application entry records the applicants at filing; a later one changes nothing.
    """
    if entry.kind != EntryKind.APPLICATION:
        return
    earlier = RegistryEntry.objects.filter(patent_id=entry.patent_id, kind=EntryKind.APPLICATION)
    if earlier.filter(sequence__lt=entry.sequence).exists():
        return
    regions = joint_regions(entry.patent.patent_type, entry.to_parties)
    JointApplication.objects.bulk_create(
        JointApplication(patent_id=entry.patent_id, region=region, filing_date=entry.registration_date)
        for region in sorted(regions)
    )


# Counting from the ledger --------------------------------------------------------------------------------------


class LedgerRow(NamedTuple):
    """What counting a transfer reads of a ledger entry (without building a model instance)."""

    patent_id: int
    kind: str
    registration_date: datetime.date
    sequence: int
    parties: dict
    ipc_section: str


def ledger_transfers(apps=installed_apps, chunk_size: int = 5000) -> Iterator[TransferFacts]:
    """Every transfer the ledger holds, patent by patent: one pass over the transfer entries."""
    rows = (
        apps.get_model("ip_registry", "RegistryEntry")
        .objects.filter(kind__in=TRANSFER_KINDS)
        .order_by("patent_id", "sequence")
        .values_list(*LedgerRow._fields)
        .iterator(chunk_size=chunk_size)
    )
    for _patent, entries in itertools.groupby(map(LedgerRow._make, rows), key=operator.attrgetter("patent_id")):
        changes: dict[tuple, list[LedgerRow]] = {}
        for entry in entries:
            changes.setdefault((entry.kind, entry.registration_date), []).append(entry)
        for _key, change in sorted(changes.items()):
            yield transfer_facts(change)


def ledger_joint_applications(apps=installed_apps) -> Iterator[tuple[int, str, datetime.date]]:
    """(patent id, region, filing date) of every joint application the ledger's application entries make."""
    entries = apps.get_model("ip_registry", "RegistryEntry").objects
    rows = (
        entries.filter(kind=EntryKind.APPLICATION, patent__patent_type__in=JOINT_APPLICATION_TYPES)
        .order_by("patent_id", "sequence")
        .values_list("patent_id", "patent__patent_type", "registration_date", "parties")
    )
    for patent_id, applications in itertools.groupby(rows.iterator(chunk_size=5000), key=operator.itemgetter(0)):
        _patent, patent_type, filed, parties = next(applications)  # the first: the applicants at filing
        for region in sorted(joint_regions(patent_type, parties.get("to", []))):
            yield patent_id, region, filed


@dataclass(frozen=True)
class Rebuilt:
    transfers: int
    cells: int
    joint_applications: int


def tally_rebuild(apps=installed_apps) -> Rebuilt:
    """Recount the transfers, their tallies and the joint applications from the ledger, holding the ledger head.

    ``apps`` is the migration's app registry when a migration calls it.
    """
    head = apps.get_model("ip_registry", "LedgerHead")
    transfer = apps.get_model("ip_registry", "Transfer")
    tally = apps.get_model("ip_registry", "TransferTally")
    joint = apps.get_model("ip_registry", "JointApplication")
    day = connection.ops.adapt_datefield_value
    with transaction.atomic():
        list(head.objects.select_for_update().filter(pk=1))
        for model in (transfer, tally, joint):
            model.objects.all().delete()
        cells: Counter[tuple] = Counter()
        written = 0
        facts = ledger_transfers(apps)
        while batch := list(itertools.islice(facts, CHUNK)):
            rows = [(f.patent_id, day(f.registration_date), *_columns(f).values()) for f in batch]
            _insert(transfer, ("patent_id", "registration_date", *_columns(batch[0])), rows)
            cells.update((month_of(f.registration_date), *f.cell) for f in batch)
            written += len(batch)
        rows = [(day(month), *cell, count) for (month, *cell), count in cells.items()]
        _insert(tally, ("month", *CELL, "transfers"), rows)
        rows = [(patent_id, region, day(filed)) for patent_id, region, filed in ledger_joint_applications(apps)]
        _insert(joint, ("patent_id", "region", "filing_date"), rows)
    return Rebuilt(transfers=written, cells=len(cells), joint_applications=len(rows))


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows of column values with one prepared statement.

    A rebuild writes hundreds of thousands of rows; making a model instance
    of each for ``bulk_create`` took most of its time.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name.removesuffix("_id")).column) for name in columns)
    values = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(
                f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({values})",  # noqa: S608 (names from the model)
                rows[start : start + CHUNK],
            )


# Checking against the ledger -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TallyDifference:
    cell: tuple
    tallied: int
    in_ledger: int


@dataclass(frozen=True)
class RowDifference:
    """A derived row that is missing, extra or different: ``recorded`` is what the table holds, None if nothing."""

    key: tuple
    recorded: tuple | None
    in_ledger: tuple | None


@dataclass
class Differences:
    """Where the derived tables disagree with the ledger: all empty when they agree."""

    transfers: list[RowDifference] = field(default_factory=list)
    tallies: list[TallyDifference] = field(default_factory=list)
    joint_applications: list[RowDifference] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.transfers or self.tallies or self.joint_applications)


def _compare(recorded: dict[tuple, tuple], counted: dict[tuple, tuple]) -> list[RowDifference]:
    return [
        RowDifference(key, recorded.get(key), counted.get(key))
        for key in sorted(recorded.keys() | counted.keys())
        if recorded.get(key) != counted.get(key)
    ]


def _transfer_differences(apps, cells: Counter) -> list[RowDifference]:
    """Compare the transfer rows with the ledger's, a chunk of patents at a time; count the ledger's cells meanwhile."""
    transfers = apps.get_model("ip_registry", "Transfer").objects
    columns = ("entries", *CELL)
    differences, compared = [], 0
    by_patent = (
        (patent, list(facts))
        for patent, facts in itertools.groupby(ledger_transfers(apps), key=operator.attrgetter("patent_id"))
    )
    while patents := list(itertools.islice(by_patent, CHUNK)):
        in_ledger = [f for _patent, facts in patents for f in facts]
        rows = transfers.filter(patent_id__in=[patent for patent, _facts in patents]).values_list(
            "patent_id", "kind", "registration_date", *columns
        )
        recorded = {tuple(row[:3]): tuple(row[3:]) for row in rows}
        compared += len(recorded)
        differences += _compare(recorded, {f.key: (f.entries, *f.cell) for f in in_ledger})
        cells.update((month_of(f.registration_date), *f.cell) for f in in_ledger)
    if transfers.count() != compared:  # rows of patents without a single transfer entry
        entries = apps.get_model("ip_registry", "RegistryEntry").objects
        extra = transfers.exclude(patent_id__in=entries.filter(kind__in=TRANSFER_KINDS).values("patent_id"))
        for row in extra.values_list("patent_id", "kind", "registration_date", *columns).iterator():
            differences.append(RowDifference(tuple(row[:3]), tuple(row[3:]), None))
    return differences


def registry_differences(apps=installed_apps) -> Differences:
    """Recount the transfers, tallies and joint applications from the ledger and say where the tables disagree."""
    cells: Counter[tuple] = Counter()
    differences = Differences(transfers=_transfer_differences(apps, cells))
    tallied = tally_counts(apps)
    differences.tallies = [
        TallyDifference(cell, tallied.get(cell, 0), cells.get(cell, 0))
        for cell in sorted(tallied.keys() | cells.keys())
        if tallied.get(cell, 0) != cells.get(cell, 0)
    ]
    joint = apps.get_model("ip_registry", "JointApplication").objects
    recorded = {(p, r): (d,) for p, r, d in joint.values_list("patent_id", "region", "filing_date")}
    counted = {(p, r): (d,) for p, r, d in ledger_joint_applications(apps)}
    differences.joint_applications = _compare(recorded, counted)
    return differences


def tally_counts(apps=installed_apps) -> dict[tuple, int]:
    tallies = apps.get_model("ip_registry", "TransferTally").objects
    return {tuple(row[:-1]): row[-1] for row in tallies.order_by().values_list("month", *CELL, "transfers")}


# Periods -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A date range split for counting: ``months`` filters the tallies, ``days`` the transfers; None means no part.

    Either may be None, never both: a range without a whole month is all ``days``,
    a range of whole months (or an open one) has no ``days``.
    """

    months: Q | None
    days: Q | None


def split_period(start: datetime.date | None, end: datetime.date | None) -> Period:
    """Split ``start``..``end`` (inclusive; None is open) into whole months and the days around them."""
    one_day = datetime.timedelta(days=1)
    # The whole months run from ``first`` up to, not including, ``after``.
    first = start if start is None or start.day == 1 else month_of(month_of(start) + datetime.timedelta(days=31))
    after = None if end is None else (end + one_day if (end + one_day).day == 1 else month_of(end))
    if first is not None and after is not None and first >= after:
        return Period(months=None, days=Q(registration_date__gte=start, registration_date__lte=end))
    months, edges = Q(), []
    if first is not None:
        months &= Q(month__gte=first)
        if start < first:
            edges.append(Q(registration_date__gte=start, registration_date__lt=first))
    if after is not None:
        months &= Q(month__lt=after)
        if after <= end:
            edges.append(Q(registration_date__gte=after, registration_date__lte=end))
    return Period(months=months, days=reduce(operator.or_, edges) if edges else None)
