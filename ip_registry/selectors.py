"""Reads of the registry: patents and their history, the chain check, and the statistics.

The statistics count transfers: the ledger's entries of one kind on one patent
registered on one day count once (:class:`models.Transfer`). They add up the
transfer tallies of the whole months in a period (:mod:`ip_registry.tallies`,
kept by the ledger services) and count the transfers on the days around them,
both with aggregate queries in the database; no rows are loaded into Python.
Flows are attributed to the first-named party on each side (as CNIPA lists
them); a transfer is cross-province when the provinces of its giving side and of
its receiving side differ as sets. Joint applications are counted from the
applicants at filing (:class:`models.JointApplication`).
"""

from __future__ import annotations

import datetime
import operator
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import reduce

from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from techmarket.accounts.models import Organisation
from techmarket.regions import gbt2260
from techmarket.regions.gbt2260 import YRD_PROVINCES

from . import lifecycle
from .choices import (
    IN_FORCE_STATUSES,
    OTHER_REGION,
    REGIONS,
    TRANSFER_KINDS,
    YRD,
    EntryKind,
    LegalStatus,
    TargetMetric,
)
from .ledger import derive_state, entry_hash
from .models import (
    JointApplication,
    LedgerHead,
    LicenceRecordal,
    Patent,
    RegistryEntry,
    Target,
    Transfer,
    TransferTally,
)
from .numbers import InvalidPatentNumber, parse_application_number
from .tallies import split_period
from .validators import validate_patents_held


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


def patents_for_numbers(*, numbers: Iterable[str], organisation: Organisation | None) -> list[Patent]:
    """The registry's patents that typed application numbers name, in the order typed, each once.

    The one way a number someone typed becomes a patent (the listing form, the API, the import). Numbers may be
    written in any form people use; blank ones are skipped. Raises ValidationError with a message for every bad
    number: each malformed one with what is wrong with it, those not in the registry, and, unless
    ``organisation`` is None, those it is not a right holder of (:func:`validators.validate_patents_held`).
    """
    canonical: list[str] = []
    errors: list[str] = []
    for text in numbers:
        text = text.strip()
        if not text:
            continue
        try:
            canonical.append(parse_application_number(text).canonical)
        except InvalidPatentNumber as error:
            errors.append(f"{text}: {error}")
    found = {p.application_number: p for p in Patent.objects.filter(application_number__in=set(canonical))}
    missing = list(dict.fromkeys(number for number in canonical if number not in found))
    if missing:
        errors.append(
            _("Not in the registry: %(numbers)s. Register the patent first or check the number.")
            % {"numbers": "、".join(missing)}
        )
    patents = list(dict.fromkeys(found[number] for number in canonical if number in found))
    if organisation is not None and patents:
        try:
            validate_patents_held(organisation=organisation, patents=patents)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return patents


def patents_for_status_update(on: datetime.date) -> QuerySet[Patent]:
    """Patents in force whose term may have ended by ``on`` or whose annual fee is overdue, and those in the grace
    period: all that the daily legal-status update may change (it decides each by :func:`lifecycle.status_due`)."""
    inventions = Q(patent_type__in=lifecycle.INVENTION_TYPES)
    term_may_have_ended = (inventions & Q(filing_date__lte=lifecycle.latest_filing_to_expire(on, invention=True))) | (
        ~inventions & Q(filing_date__lte=lifecycle.latest_filing_to_expire(on, invention=False))
    )
    return Patent.objects.filter(
        Q(legal_status__in=IN_FORCE_STATUSES)
        & (term_may_have_ended | Q(annual_fee_paid_until__lt=on) | Q(legal_status=LegalStatus.GRACE_PERIOD))
    ).order_by("pk")


def patent_history(patent: Patent) -> QuerySet[RegistryEntry]:
    return patent.entries.select_related("actor", "related_entry", "document").order_by("sequence")


# Open licences -------------------------------------------------------------------------------------------------

ROYALTY_BASE_WORDS = {"net_sales": "净销售额", "profit": "利润"}


def _yuan(amount: str | None) -> str:
    """¥50,000 (cents only when there are some)."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, TypeError):
        return str(amount or "")
    return f"¥{value:,.0f}" if value == value.to_integral_value() else f"¥{value:,.2f}"


def _rate(details: dict) -> str:
    rate = str(details.get("rate") or "")
    if rate:
        rate = rate.rstrip("0").rstrip(".") if "." in rate else rate
    return f"{ROYALTY_BASE_WORDS.get(details.get('base'), details.get('base') or '')} {rate}%".strip()


def open_licence_terms_text(details: dict) -> str:
    """The published fee of an open licence declaration, in a few words, from its ledger entry's details: 免费,
    一次性 ¥50,000, 净销售额 3%, 入门费 ¥10,000 + 净销售额 2%. Never "negotiable": the terms are published."""
    fee_type = details.get("fee_type")
    if fee_type == "free":
        return "免费"
    if fee_type == "lump_sum" and details.get("lump_sum"):
        return f"一次性 {_yuan(details['lump_sum'])}"
    if fee_type == "royalty" and details.get("rate"):
        return _rate(details)
    if fee_type == "entry_plus_royalty" and details.get("rate"):
        return f"入门费 {_yuan(details.get('entry_fee'))} + {_rate(details)}"
    return str(details.get("fee") or "")


def open_licences_in_force(patents: Iterable[Patent], on: datetime.date) -> dict[int, RegistryEntry]:
    """Each patent's open licence declaration in force on the day, by patent id (patents without one are left out)."""
    ids = [getattr(patent, "pk", patent) for patent in patents]
    entries: dict[int, list[RegistryEntry]] = {pk: [] for pk in ids}
    for entry in RegistryEntry.objects.filter(
        patent_id__in=ids, kind__in=(EntryKind.OPEN_LICENCE_DECLARATION, EntryKind.OPEN_LICENCE_WITHDRAWAL)
    ).order_by("sequence"):
        entries[entry.patent_id].append(entry)
    found = {}
    for pk, history in entries.items():
        state = derive_state(history, on)
        if state.open_licence is not None:
            found[pk] = state.open_licence
    return found


def open_licence_withdrawal(history: Iterable[RegistryEntry]) -> RegistryEntry | None:
    """The last withdrawal of an open licence declaration in a patent's history, for its announcement."""
    return next((entry for entry in reversed(list(history)) if entry.kind == EntryKind.OPEN_LICENCE_WITHDRAWAL), None)


def entry_list() -> QuerySet[RegistryEntry]:
    return RegistryEntry.objects.select_related("patent").order_by("-sequence")


# Licences awaiting recordal ------------------------------------------------------------------------------------

RECORDAL_STATUSES = ("due", "late")


def recordals_awaiting(
    *, on: datetime.date, status: str = "", within_days: int | None = None, patent: Patent | None = None
) -> QuerySet[LicenceRecordal]:
    """Licence contracts not recorded yet, the nearest deadline first (the latest overdue before them).

    ``status``: "due" (deadline not passed; with ``within_days``, no further off
    than that), "late" (deadline passed), or "" for both. Each row comes with its
    patent, the patent's right holders (the licensors) and its licensees: a fixed
    number of queries whatever the page's length.
    """
    if status and status not in RECORDAL_STATUSES:
        raise ValueError(f"not a recordal status: {status}")
    recordals = LicenceRecordal.objects.all()
    if status == "late":
        recordals = recordals.late(on)
    elif status == "due":
        recordals = recordals.due(on, within_days)
    else:
        recordals = recordals.awaiting()
    if patent is not None:
        recordals = recordals.filter(patent=patent)
    return (
        recordals.select_related("patent")
        .prefetch_related("licensees", "patent__right_holders__organisation")
        .order_by("deadline", "pk")
    )


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

    def queryset(self) -> QuerySet[Transfer]:
        """The transfers in the filter."""
        transfers = Transfer.objects.filter(kind__in=self.kinds)
        if self.start:
            transfers = transfers.filter(registration_date__gte=self.start)
        if self.end:
            transfers = transfers.filter(registration_date__lte=self.end)
        if self.ipc_section:
            transfers = transfers.filter(ipc_section=self.ipc_section)
        return transfers.order_by()

    def counts(self, *columns: str) -> Counter[tuple]:
        """Transfers in the filter per combination of the columns' values (``month`` or any of ``tallies.CELL``).

        The tallies of the period's whole months, plus the transfers on the days
        before the first whole month and after the last: at most two GROUP BY
        queries.
        """
        period, counts = split_period(self.start, self.end), Counter()
        if period.months is not None:
            tallies = TransferTally.objects.filter(period.months, kind__in=self.kinds).order_by()
            if self.ipc_section:
                tallies = tallies.filter(ipc_section=self.ipc_section)
            for *key, count in tallies.values(*columns).annotate(n=Sum("transfers")).values_list(*columns, "n"):
                counts[tuple(key)] += count
        if period.days is not None:
            transfers = self.queryset().filter(period.days)
            if "month" in columns:
                transfers = transfers.annotate(month=TruncMonth("registration_date"))
            for *key, count in transfers.values(*columns).annotate(n=_count()).values_list(*columns, "n"):
                counts[tuple(key)] += count
        return counts


def _count(condition: Q | None = None) -> Count:
    """Count transfers by a column of the ``transfer_stats`` index that is never null, not by ``id``.

    The same number as COUNT(*), but every column the query reads is in the
    index, so PostgreSQL can answer from the index alone.
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
    """The flow matrix, outflow and inflow per region."""
    rows = filters.counts("from_region", "to_region", "cross_province")
    matrix = FlowMatrix(regions=REGIONS, by_region={code: RegionFlows(code, region_name(code)) for code in REGIONS})
    for (source, target, cross), count in rows.items():
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

    Counted per month and cross-province flag (a few hundred rows) and added up per year here.
    """
    totals: dict[int, list[int]] = {}
    for (month, cross), count in filters.counts("month", "cross_province").items():
        year = totals.setdefault(month.year, [0, 0])
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
        """As the plan words it: "超过" 15,000 is reached at 15,001, "达到" 3,500 at 3,500."""
        return self.target.is_reached(self.achieved)

    @property
    def remaining(self) -> int:
        """How many more the target needs; 0 once reached."""
        return max(self.target.threshold - self.achieved, 0)


def _region_condition(region: str) -> Q:
    """Transfers that cross a provincial border and concern the region: within the Delta, or to or from a province."""
    if region == YRD:
        return Q(from_region__in=YRD_PROVINCES, to_region__in=YRD_PROVINCES)
    return Q(from_region=region) | Q(to_region=region)


def _with_cross(counts: Counter[tuple]) -> dict[str, dict[str, int]]:
    """{value: {"all": n, "cross": m}} from counts keyed by (value, cross_province)."""
    result: dict[str, dict[str, int]] = {}
    for (value, cross), count in sorted(counts.items()):
        row = result.setdefault(value, {"all": 0, "cross": 0})
        row["all"] += count
        if cross:
            row["cross"] += count
    return result


def kind_breakdown(filters: FlowFilter = FlowFilter()) -> dict[str, dict[str, int]]:
    """Transfers and cross-province transfers per entry kind."""
    return _with_cross(filters.counts("kind", "cross_province"))


def ipc_breakdown(filters: FlowFilter = FlowFilter()) -> dict[str, dict[str, int]]:
    """Transfers and cross-province transfers per IPC section (A-H; "" when the patent has no IPC code)."""
    return _with_cross(filters.counts("ipc_section", "cross_province"))


ASSIGNMENT_ONLY = (EntryKind.ASSIGNMENT,)
LICENCE_ONLY = (EntryKind.LICENCE,)


def targets_progress(targets: Iterable[Target] | None = None) -> list[Progress]:
    """How far the registry has come towards each target over its period (cumulative).

    At most three queries however many targets there are: each transfer target
    becomes a conditional sum over the tallies of its whole months and its
    kinds (plus a conditional count of the transfers on the days around them,
    when its period does not start and end with a month), and each
    joint-application target a conditional count of its region's joint
    applications filed in its period.
    """
    targets = list(targets if targets is not None else Target.objects.all())
    tallied, counted, joint = {}, {}, {}
    # Each query reads only the rows some target may count (an index range), not the whole table.
    days: list[Q] = []
    filings: list[Q] = []
    for target in targets:
        key = f"t{target.pk}"
        if target.metric == TargetMetric.CROSS_PROVINCE_TRANSFERS:
            if not target.kinds:
                continue  # counts nothing
            concerned = Q(cross_province=True, kind__in=target.kinds) & _region_condition(target.region)
            period = split_period(target.period_start, target.period_end)
            if period.months is not None:
                tallied[key] = Sum("transfers", filter=period.months & concerned, default=0)
            if period.days is not None:
                counted[key] = _count(period.days & concerned)
                days.append(period.days)
        else:
            filed = Q(region=target.region, filing_date__gte=target.period_start, filing_date__lte=target.period_end)
            joint[key] = Count("filing_date", filter=filed)
            filings.append(filed)
    achieved: Counter[str] = Counter()
    if tallied:
        achieved.update(TransferTally.objects.filter(cross_province=True).aggregate(**tallied))
    if counted:
        achieved.update(FlowFilter().queryset().filter(reduce(operator.or_, days)).aggregate(**counted))
    if joint:
        achieved.update(JointApplication.objects.filter(reduce(operator.or_, filings)).aggregate(**joint))
    return [Progress(target, achieved[f"t{target.pk}"]) for target in targets]


def target_progress(target: Target) -> Progress:
    """One target's progress (see :func:`targets_progress`)."""
    return targets_progress([target])[0]
