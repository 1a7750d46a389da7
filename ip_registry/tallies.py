"""Transfer tallies: the ledger's transfers counted per month, kept up to date for the statistics.

Counting a million ledger entries takes most of a second, even from an index.
Adding up the tallies of the months in a period takes a few milliseconds. A
tally is one cell, (month, kind, from region, to region, cross-province, IPC
section), with the number of entries in it:

- :func:`tally_add` counts each transfer the ledger services append. It runs
  under the ledger head's lock, so two appends never race for one cell.
- :func:`tally_rebuild` recounts every cell from the ledger. It is used by the
  migration that created the tallies, by ``rebuild_transfer_tallies`` and by
  the benchmark, which writes entries straight into the table.
- :func:`tally_differences` is what ``verify_registry`` checks.

:func:`split_period` says which part of a period the tallies answer (the whole
months) and which part the selectors count from the ledger (the days before the
first whole month and after the last).
"""

from __future__ import annotations

import datetime
import operator
from dataclasses import dataclass
from functools import reduce

from django.apps import apps as installed_apps
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth

from .choices import TRANSFER_KINDS
from .models import TALLY_CELL as CELL
from .models import TransferTally


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def tally_add(entry) -> None:
    """Count one entry appended to the ledger, if it is a transfer. The caller holds the ledger head's lock."""
    if entry.kind not in TRANSFER_KINDS:
        return
    cell = {"month": month_of(entry.registration_date), **{name: getattr(entry, name) for name in CELL}}
    if not TransferTally.objects.filter(**cell).update(entries=F("entries") + 1):
        TransferTally.objects.create(**cell, entries=1)


def ledger_counts(apps=installed_apps) -> dict[tuple, int]:
    """Every cell's count, from the ledger itself: one GROUP BY query. Keys are (month, *CELL)."""
    entries = apps.get_model("ip_registry", "RegistryEntry").objects
    rows = (
        entries.filter(kind__in=TRANSFER_KINDS)
        .order_by()
        .annotate(month=TruncMonth("registration_date"))
        .values("month", *CELL)
        .annotate(count=Count("registration_date"))
        .values_list("month", *CELL, "count")
    )
    return {tuple(row[:-1]): row[-1] for row in rows}


def tally_counts(apps=installed_apps) -> dict[tuple, int]:
    tallies = apps.get_model("ip_registry", "TransferTally").objects
    return {tuple(row[:-1]): row[-1] for row in tallies.order_by().values_list("month", *CELL, "entries")}


def tally_rebuild(apps=installed_apps) -> int:
    """Recount every tally from the ledger, holding the ledger head so no entry is appended meanwhile.

    Returns the number of cells. ``apps`` is the migration's app registry when a migration calls it.
    """
    head = apps.get_model("ip_registry", "LedgerHead")
    tally = apps.get_model("ip_registry", "TransferTally")
    with transaction.atomic():
        list(head.objects.select_for_update().filter(pk=1))
        counts = ledger_counts(apps)
        tally.objects.all().delete()
        tally.objects.bulk_create(
            (
                tally(month=month, **dict(zip(CELL, cell, strict=True)), entries=count)
                for (month, *cell), count in counts.items()
            ),
            batch_size=2000,
        )
    return len(counts)


@dataclass(frozen=True)
class TallyDifference:
    cell: tuple
    tallied: int
    in_ledger: int


def tally_differences(apps=installed_apps) -> list[TallyDifference]:
    """The cells where the tallies disagree with the ledger (empty when they agree)."""
    tallied, counted = tally_counts(apps), ledger_counts(apps)
    return [
        TallyDifference(cell, tallied.get(cell, 0), counted.get(cell, 0))
        for cell in sorted(tallied.keys() | counted.keys())
        if tallied.get(cell, 0) != counted.get(cell, 0)
    ]


# Periods -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A date range split for counting: ``months`` filters the tallies, ``days`` the ledger; None means no part.

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
