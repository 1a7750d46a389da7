"""The ledger's rules, free of the database: the hash of an entry and the state its history adds up to.

``hash = sha256(previous hash + canonical JSON of the entry)``. The canonical JSON
holds every recorded field (sorted keys, no spaces, UTF-8, dates in ISO form),
so changing any of them by hand breaks the chain from that entry on. A field
added after entries were first written (a licence's effective date) is in the
content only when set, so the entries written before it keep their hash.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .choices import OWNERSHIP_KINDS, RESTRICTIVE_LICENCES, EntryKind, LegalStatus, region_of


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    return value.isoformat()


def canonical_json(entry) -> str:
    """The entry's recorded content as one deterministic string (the patent by its number, not its row id)."""
    content = {
        "sequence": entry.sequence,
        "patent": entry.patent.application_number,
        "kind": entry.kind,
        "registration_date": _iso(entry.registration_date),
        "execution_date": _iso(entry.execution_date),
        "registration_number": entry.registration_number,
        "licence_type": entry.licence_type,
        "term_start": _iso(entry.term_start),
        "term_end": _iso(entry.term_end),
        "related_entry": entry.related_entry_id,
        "parties": entry.parties,
        "details": entry.details,
        "actor": entry.actor_id,
        "recorded_at": _iso(entry.recorded_at),
        "from_region": entry.from_region,
        "to_region": entry.to_region,
        "cross_province": entry.cross_province,
        "ipc_section": entry.ipc_section,
    }
    if entry.effective_date is not None:
        content["effective_date"] = _iso(entry.effective_date)
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(previous_hash: str, entry) -> str:
    return hashlib.sha256((previous_hash + canonical_json(entry)).encode()).hexdigest()


# A licence contract is recorded with CNIPA within three months of taking effect (专利实施许可合同备案).
RECORDAL_MONTHS = 3
# The parties are reminded this many days before the deadline.
RECORDAL_REMINDER_DAYS = 7


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month ``months`` later, or that month's last day when it is shorter (as the Civil Code
    counts a period in months: 2024-11-30 plus three months is 2025-02-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def recordal_deadline(effective_date: datetime.date) -> datetime.date:
    """The last day on which a licence contract that took effect on ``effective_date`` is recorded in time."""
    return add_months(effective_date, RECORDAL_MONTHS)


def recorded_late(entry) -> bool:
    """A licence entry registered after the deadline its effective date sets; False when it has no effective date."""
    if entry.effective_date is None:
        return False
    return entry.registration_date > recordal_deadline(entry.effective_date)


def provinces(parties: Iterable[dict]) -> frozenset[str]:
    return frozenset(party["province"] for party in parties)


def is_cross_province(from_parties: Iterable[dict], to_parties: Iterable[dict]) -> bool:
    """The provinces of the giving side and of the receiving side differ as sets.

    SH+JS -> SH+JS is not cross-province; SH -> SH+JS and SH+JS -> SH are. An
    entry with one side empty (an application, a grant) moves nothing between
    provinces.
    """
    giving, receiving = provinces(from_parties), provinces(to_parties)
    return bool(giving and receiving) and giving != receiving


@dataclass(frozen=True)
class TransferFacts:
    """One transfer as the statistics count it: a recorded change made of one or more ledger entries."""

    patent_id: int
    kind: str
    registration_date: datetime.date
    entries: int
    from_region: str
    to_region: str
    cross_province: bool
    ipc_section: str

    @property
    def key(self) -> tuple:
        return (self.patent_id, self.kind, self.registration_date)

    @property
    def cell(self) -> tuple:
        """Its tally's cell besides the month, in the order of ``models.TALLY_CELL``."""
        return (self.kind, self.from_region, self.to_region, self.cross_province, self.ipc_section)


def transfer_sides(entries: Sequence) -> tuple[list[dict], list[dict]]:
    """The giving and the receiving side of one recorded change, from its entries in ledger order.

    Rows of a batch name parts of one change (each row some assignors and some
    assignees), so the sides are what the rows name together; in a chain of
    rows on one day (A -> B, then B -> C) a party that receives in one row and
    gives in a later one only passes the patent on, so it is on neither side
    (the change is A -> C). Each party once, in the order first named.
    """
    giving, receiving = [], []
    for index, entry in enumerate(entries):
        received_before = {party["organisation"] for earlier in entries[:index] for party in _side(earlier, "to")}
        gives_later = {party["organisation"] for later in entries[index + 1 :] for party in _side(later, "from")}
        giving += [party for party in _side(entry, "from") if party["organisation"] not in received_before]
        receiving += [party for party in _side(entry, "to") if party["organisation"] not in gives_later]
    return _each_once(giving), _each_once(receiving)


def _each_once(parties: list[dict]) -> list[dict]:
    first_named: dict[int, dict] = {}
    for party in parties:
        first_named.setdefault(party["organisation"], party)
    return list(first_named.values())


def _side(entry, name: str) -> list[dict]:
    """Works on a ledger entry and on any row with its ``parties`` (a migration's model has no methods)."""
    return list(entry.parties.get(name, []))


def transfer_facts(entries: Sequence) -> TransferFacts:
    """What the statistics count for the entries of one kind on one patent registered on one day (ledger order).

    Flows go from the first-named giving party's region to the first-named
    receiving party's region (the first entry's ``from_region`` and the last
    entry's ``to_region`` when there is one entry).
    """
    first = entries[0]
    giving, receiving = transfer_sides(entries)
    return TransferFacts(
        patent_id=first.patent_id,
        kind=first.kind,
        registration_date=first.registration_date,
        entries=len(entries),
        from_region=region_of(giving[0]["province"]) if giving else "",
        to_region=region_of(receiving[0]["province"]) if receiving else "",
        cross_province=is_cross_province(giving, receiving),
        ipc_section=first.ipc_section,
    )


def sets_holders(kind: str, holders_before: list) -> bool:
    """Whether an entry of this kind makes its "to" side the patent's right holders.

    Every ownership entry does, except an application recorded when the patent already has holders: CNIPA's
    bibliographic data (who applied) often reaches the registry after its assignment records (who holds it
    now), and the applicants at filing are then the patent's history, not its owners.
    """
    return kind in OWNERSHIP_KINDS and not (kind == EntryKind.APPLICATION and holders_before)


@dataclass
class PatentState:
    """What a patent's history adds up to on a given day."""

    holders: list[dict] = field(default_factory=list)
    licences: list = field(default_factory=list)  # licence entries whose term covers the day
    pledges: list = field(default_factory=list)  # pledges not yet released
    open_licence: object | None = None  # the declaration in force, if any

    @property
    def holder_ids(self) -> set[int]:
        return {party["organisation"] for party in self.holders}

    @property
    def restrictive_licence(self):
        return next((entry for entry in self.licences if entry.licence_type in RESTRICTIVE_LICENCES), None)


def derive_state(entries: Iterable, on: datetime.date) -> PatentState:
    """Replay a patent's entries (in ledger order) as of the day ``on``."""
    entries = list(entries)
    state = PatentState()
    pledges: dict[int, object] = {}
    for entry in entries:
        if sets_holders(entry.kind, state.holders):
            state.holders = entry.to_parties
        elif entry.kind == EntryKind.LICENCE:
            if (entry.term_start or entry.registration_date) <= on and (entry.term_end is None or on <= entry.term_end):
                state.licences.append(entry)
        elif entry.kind == EntryKind.PLEDGE:
            pledges[entry.pk] = entry
        elif entry.kind == EntryKind.PLEDGE_RELEASE:
            pledges.pop(entry.related_entry_id, None)
        elif entry.kind == EntryKind.OPEN_LICENCE_DECLARATION:
            state.open_licence = entry if entry.term_end is None or on <= entry.term_end else None
        elif entry.kind == EntryKind.OPEN_LICENCE_WITHDRAWAL:
            state.open_licence = None
    state.pledges = list(pledges.values())
    ended = terminations(entries)
    state.licences = [entry for entry in state.licences if entry.pk not in ended or on < ended[entry.pk]]
    return state


def terminations(entries: Iterable) -> dict[int, datetime.date]:
    """The licence entries terminated before their term's end, each with the day of its termination's registration
    (the licence is no longer in force from that day)."""
    return {
        entry.related_entry_id: entry.registration_date
        for entry in entries
        if entry.kind == EntryKind.LICENCE_TERMINATION
    }


@dataclass(frozen=True)
class DeclarationPeriod:
    """An open-licence declaration and the days it was in force: from its registration to the day before its
    withdrawal, or to the end of the licence period it declared (``last_day`` None: neither yet)."""

    entry: object
    first_day: datetime.date
    last_day: datetime.date | None

    def covers(self, day: datetime.date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)

    def overlaps(self, start: datetime.date, end: datetime.date | None) -> bool:
        return (end is None or self.first_day <= end) and (self.last_day is None or start <= self.last_day)


def declaration_periods(entries: Iterable) -> list[DeclarationPeriod]:
    entries = list(entries)
    withdrawn = {
        entry.related_entry_id: entry.registration_date
        for entry in entries
        if entry.kind == EntryKind.OPEN_LICENCE_WITHDRAWAL
    }
    periods = []
    for entry in entries:
        if entry.kind != EntryKind.OPEN_LICENCE_DECLARATION:
            continue
        ends = [day for day in (entry.term_end,) if day is not None]
        if entry.pk in withdrawn:
            ends.append(withdrawn[entry.pk] - datetime.timedelta(days=1))
        periods.append(DeclarationPeriod(entry, entry.registration_date, min(ends) if ends else None))
    return periods


def open_licence_on(entries: Iterable, day: datetime.date):
    """The open-licence declaration in force on ``day``, if any: a licence obtained that day was obtained under it,
    and stays valid after a later withdrawal (Patent Law art. 50)."""
    return next((period.entry for period in reversed(declaration_periods(entries)) if period.covers(day)), None)


def status_before_grace(entries: Iterable) -> str:
    """The status a patent returns to when its fee is paid in the grace period: the one it had before."""
    changes = [entry for entry in entries if entry.kind == EntryKind.LEGAL_STATUS]
    if changes and changes[-1].details.get("to") == LegalStatus.GRACE_PERIOD:
        return changes[-1].details.get("from") or LegalStatus.VALID
    return LegalStatus.VALID
