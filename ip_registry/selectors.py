"""Reads of the registry: patents and their history, the chain check, and the statistics.

Every statistic is one aggregate query over the ledger's statistics columns,
which indexes hold entirely (``registry_stats``, and the transfers' partial
indexes of migration 0003), so PostgreSQL counts from the indexes alone: rows
are counted in the database, never loaded into Python. Flows are attributed to the first-named party on each
side (as CNIPA lists them); whether an entry is cross-province follows the rule
for all parties (any assignor's province differs from any assignee's).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, QuerySet

from techmarket.regions import gbt2260
from techmarket.regions.gbt2260 import YRD_PROVINCES

from .choices import OTHER_REGION, REGIONS, TRANSFER_KINDS, YRD, EntryKind, PatentType, TargetMetric
from .ledger import entry_hash
from .models import LedgerHead, Patent, RegistryEntry, Target
from .numbers import parse_application_number


def region_name(code: str) -> str:
    if code == OTHER_REGION:
        from django.utils.translation import gettext

        return gettext("other provinces")
    return gbt2260.division_name(code)


# Patents -------------------------------------------------------------------------------------------------------


def patent_list() -> QuerySet[Patent]:
    return Patent.objects.prefetch_related("right_holders__organisation")


def patent_by_number(text: str) -> Patent | None:
    """Find a patent by its number in any written form; None if unknown. Raises InvalidPatentNumber if malformed."""
    number = parse_application_number(text)
    return Patent.objects.filter(application_number=number.canonical).first()


def patent_history(patent: Patent) -> QuerySet[RegistryEntry]:
    return patent.entries.select_related("actor", "related_entry").order_by("sequence")


def entry_list() -> QuerySet[RegistryEntry]:
    return RegistryEntry.objects.select_related("patent").order_by("-sequence")


@dataclass(frozen=True)
class ChainStatus:
    checked: int
    broken: RegistryEntry | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken is None and not self.reason


def patent_chain_status(patent: Patent) -> ChainStatus:
    """Check this patent's entries: each hash recomputes, and each links to the entry recorded before it."""
    entries = list(patent.entries.select_related("patent").order_by("sequence"))
    previous = dict(
        RegistryEntry.objects.filter(sequence__in=[entry.sequence - 1 for entry in entries]).values_list(
            "sequence", "hash"
        )
    )
    for entry in entries:
        expected_previous = previous.get(entry.sequence - 1, RegistryEntry.GENESIS_HASH)
        if entry.previous_hash != expected_previous:
            return ChainStatus(len(entries), entry, "previous hash does not match the entry before it")
        if entry_hash(entry.previous_hash, entry) != entry.hash:
            return ChainStatus(len(entries), entry, "content does not match its hash")
    return ChainStatus(len(entries))


def ledger_verify(chunk_size: int = 5000) -> Iterator[int | ChainStatus]:
    """Recompute the whole chain in order. Yields the count checked so far, then a final :class:`ChainStatus`."""
    previous_hash, expected_sequence, checked = RegistryEntry.GENESIS_HASH, 1, 0
    entries = RegistryEntry.objects.select_related("patent").order_by("sequence").iterator(chunk_size=chunk_size)
    for entry in entries:
        if entry.sequence != expected_sequence:
            yield ChainStatus(checked, entry, f"sequence {entry.sequence} follows {expected_sequence - 1}")
            return
        if entry.previous_hash != previous_hash:
            yield ChainStatus(checked, entry, "previous hash does not match the entry before it")
            return
        if entry_hash(previous_hash, entry) != entry.hash:
            yield ChainStatus(checked, entry, "content does not match its hash")
            return
        previous_hash, expected_sequence, checked = entry.hash, expected_sequence + 1, checked + 1
        if checked % chunk_size == 0:
            yield checked
    head = LedgerHead.objects.filter(pk=1).first()
    if head and (head.sequence, head.hash) != (checked, previous_hash):
        yield ChainStatus(checked, None, f"the ledger head says #{head.sequence} but the chain ends at #{checked}")
        return
    yield ChainStatus(checked)


# Statistics ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowFilter:
    """Which transfers to count: registered from ``start`` to ``end`` (inclusive), of some kinds, in an IPC section."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    kinds: tuple[str, ...] = tuple(TRANSFER_KINDS)
    ipc_section: str = ""

    def queryset(self) -> QuerySet[RegistryEntry]:
        entries = RegistryEntry.objects.filter(kind__in=self.kinds)
        if self.start:
            entries = entries.filter(registration_date__gte=self.start)
        if self.end:
            entries = entries.filter(registration_date__lte=self.end)
        if self.ipc_section:
            entries = entries.filter(ipc_section=self.ipc_section)
        return entries.order_by()


def _count(condition: Q | None = None) -> Count:
    """Count entries by a column of the ``registry_stats`` index that is never null, not by ``id``.

    The same number as COUNT(*), but every column the query reads is in the
    index, so PostgreSQL answers from the index alone (an index-only scan)
    instead of reading the table with its parties and hashes.
    """
    return Count("registration_date", filter=condition)


@dataclass
class RegionFlows:
    region: str
    name: str
    outflow: int = 0  # cross-province transfers out of the region (输出, seller side)
    inflow: int = 0  # cross-province transfers into the region (吸纳, buyer side)
    within: int = 0  # transfers between parties in the same province


@dataclass
class FlowMatrix:
    """Transfer counts from region to region (the four provinces and "other"), and what they add up to."""

    regions: tuple[str, ...]
    cells: dict[tuple[str, str], int] = field(default_factory=dict)
    cross_cells: dict[tuple[str, str], int] = field(default_factory=dict)
    total: int = 0
    cross_province: int = 0
    by_region: dict[str, RegionFlows] = field(default_factory=dict)

    def count(self, source: str, target: str) -> int:
        return self.cells.get((source, target), 0)

    def rows(self) -> list[tuple[str, str, list[int], int]]:
        """(code, name, counts towards each region, row total) for tables and CSV."""
        return [
            (
                source,
                region_name(source),
                [self.count(source, target) for target in self.regions],
                sum(self.count(source, target) for target in self.regions),
            )
            for source in self.regions
        ]


def flow_matrix(filters: FlowFilter = FlowFilter()) -> FlowMatrix:
    """The flow matrix, outflow and inflow per region: one GROUP BY query of at most 50 rows."""
    rows = (
        filters.queryset()
        .values("from_region", "to_region", "cross_province")
        .annotate(entries=_count())
        .values_list("from_region", "to_region", "cross_province", "entries")
    )
    matrix = FlowMatrix(regions=REGIONS, by_region={code: RegionFlows(code, region_name(code)) for code in REGIONS})
    for source, target, cross, count in rows:
        matrix.cells[(source, target)] = matrix.cells.get((source, target), 0) + count
        matrix.total += count
        if cross:
            matrix.cross_cells[(source, target)] = matrix.cross_cells.get((source, target), 0) + count
            matrix.cross_province += count
            matrix.by_region[source].outflow += count
            matrix.by_region[target].inflow += count
        else:
            matrix.by_region[source].within += count
    return matrix


@dataclass(frozen=True)
class YearCounts:
    year: int
    transfers: int
    cross_province: int


def data_years(filters: FlowFilter = FlowFilter()) -> tuple[int, int] | None:
    """First and last year with transfers in the filter (an index lookup, not a scan)."""
    bounds = filters.queryset().aggregate(first=Min("registration_date"), last=Max("registration_date"))
    if not bounds["first"]:
        return None
    return bounds["first"].year, bounds["last"].year


def yearly_trend(filters: FlowFilter = FlowFilter()) -> list[YearCounts]:
    """Transfers and cross-province transfers per year, from the first to the last year (the filter's, or the data's).

    One GROUP BY query on the registration date and the cross-province flag (at
    most two rows a day, read in date order from the transfers' index); the days
    are added up per year here. Grouping by an extracted year would compute a
    value for every entry (on SQLite by calling a Python function), which costs
    more than the few thousand daily rows.
    """
    rows = (
        filters.queryset()
        .values("registration_date", "cross_province")
        .annotate(entries=_count())
        .values_list("registration_date", "cross_province", "entries")
    )
    totals: dict[int, list[int]] = {}
    for day, cross, count in rows:
        year = totals.setdefault(day.year, [0, 0])
        year[0] += count
        if cross:
            year[1] += count
    first = filters.start.year if filters.start else min(totals, default=None)
    last = filters.end.year if filters.end else max(totals, default=None)
    if first is None or last is None:
        return []
    return [YearCounts(year, *totals.get(year, (0, 0))) for year in range(first, last + 1)]


@dataclass(frozen=True)
class Progress:
    target: Target
    achieved: int

    @property
    def percent(self) -> float:
        return round(100 * self.achieved / self.target.value, 1) if self.target.value else 0.0

    @property
    def bar_percent(self) -> float:
        return min(self.percent, 100.0)

    @property
    def reached(self) -> bool:
        return self.achieved >= self.target.value


def _region_condition(region: str) -> Q:
    """Transfers that cross a provincial border and concern the region: within the Delta, or to or from a province."""
    if region == YRD:
        return Q(from_region__in=YRD_PROVINCES, to_region__in=YRD_PROVINCES)
    return Q(from_region=region) | Q(to_region=region)


def kind_breakdown(filters: FlowFilter = FlowFilter()) -> dict[str, dict[str, int]]:
    """Transfers and cross-province transfers per entry kind."""
    rows = filters.queryset().values("kind").annotate(all=_count(), cross=_count(Q(cross_province=True)))
    return {row["kind"]: {"all": row["all"], "cross": row["cross"]} for row in rows}


def ipc_breakdown(filters: FlowFilter = FlowFilter()) -> dict[str, dict[str, int]]:
    """Transfers and cross-province transfers per IPC section (A-H; "" when the patent has no IPC code)."""
    rows = (
        filters.queryset()
        .values("ipc_section")
        .annotate(all=_count(), cross=_count(Q(cross_province=True)))
        .order_by("ipc_section")
    )
    return {row["ipc_section"]: {"all": row["all"], "cross": row["cross"]} for row in rows}


ASSIGNMENT_ONLY = (EntryKind.ASSIGNMENT,)
LICENCE_ONLY = (EntryKind.LICENCE,)


def targets_progress(targets: Iterable[Target] | None = None) -> list[Progress]:
    """How far the registry has come towards each target over its period (cumulative).

    At most three queries however many targets there are: each target becomes
    one conditional count, all transfer targets in one aggregate over the
    ledger, all joint-application targets in one over patents.
    """
    targets = list(targets if targets is not None else Target.objects.all())
    transfers, joint = {}, {}
    for target in targets:
        if target.metric == TargetMetric.CROSS_PROVINCE_TRANSFERS:
            in_period = Q(registration_date__gte=target.period_start, registration_date__lte=target.period_end)
            transfers[f"t{target.pk}"] = Count(
                "id", filter=in_period & Q(cross_province=True) & _region_condition(target.region)
            )
        else:
            in_period = Q(filing_date__gte=target.period_start, filing_date__lte=target.period_end)
            if target.region != YRD:
                in_period &= Q(right_holders__organisation__province=target.region)
            joint[f"t{target.pk}"] = Count("id", filter=in_period, distinct=True)
    achieved = {}
    if transfers:
        achieved |= FlowFilter().queryset().aggregate(**transfers)
    if joint:
        achieved |= Patent.objects.filter(
            patent_type__in=(PatentType.INVENTION, PatentType.PCT_INVENTION), joint_cross_province=True
        ).aggregate(**joint)
    return [Progress(target, achieved[f"t{target.pk}"]) for target in targets]


def target_progress(target: Target) -> Progress:
    """One target's progress (see :func:`targets_progress`)."""
    return targets_progress([target])[0]
