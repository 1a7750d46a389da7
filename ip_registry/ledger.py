"""The ledger's rules, free of the database: the hash of an entry and the state its history adds up to.

``hash = sha256(previous hash + canonical JSON of the entry)``. The canonical JSON
holds every recorded field (sorted keys, no spaces, UTF-8, dates in ISO form),
so changing any of them by hand breaks the chain from that entry on.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from .choices import OWNERSHIP_KINDS, RESTRICTIVE_LICENCES, EntryKind


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
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(previous_hash: str, entry) -> str:
    return hashlib.sha256((previous_hash + canonical_json(entry)).encode()).hexdigest()


def is_cross_province(from_parties: Iterable[dict], to_parties: Iterable[dict]) -> bool:
    """Any party on one side in a different province from any party on the other."""
    from_provinces = {party["province"] for party in from_parties}
    to_provinces = {party["province"] for party in to_parties}
    return any(a != b for a in from_provinces for b in to_provinces)


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
    return state
