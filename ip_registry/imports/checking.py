"""Checking the rows against the registry: patents, organisations, assignments already recorded (phase 1)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial

from django.utils.translation import gettext as _

from techmarket.csvfile import RowError

from ..choices import GRANTED_STATUSES, EntryKind, LegalStatus
from ..models import Patent, RegistryEntry
from .parties import PartyResolver, chunks, party_key
from .reading import COLUMNS, TransferRow


@dataclass(frozen=True)
class _Recorded:
    from_names: frozenset
    to_names: frozenset
    from_keys: frozenset
    to_keys: frozenset


class Plan:
    """The rows with their parties resolved, the patents and assignments the registry already has, and the errors."""

    def __init__(self, rows: list[TransferRow], header_names: dict[str, str]) -> None:
        self.rows = rows
        self.header_names = header_names
        self.errors: list[RowError] = []
        self.patents: dict[str, Patent] = {}
        self.recorded: dict[tuple[str, datetime.date], list[_Recorded]] = {}
        self._load_patents()
        self._resolve_parties()
        self._note_patent_details()
        self._load_recorded()

    def _load_patents(self) -> None:
        numbers = {row.number for row in self.rows}
        for chunk in chunks(numbers):
            for patent in Patent.objects.filter(application_number__in=chunk):
                self.patents[patent.application_number] = patent

    def _resolve_parties(self) -> None:
        self.parties = PartyResolver(
            (row.row_number, party) for row in self.rows for party in (*row.assignors, *row.assignees)
        )
        for row in self.rows:
            problems: list[str] = []
            for side, parties_of_side in (("assignor", row.assignors), ("assignee", row.assignees)):
                for party in parties_of_side:
                    party.organisation = self.parties.resolve(party, problems, unplaced=partial(self._unplaced, side))
            if not problems:
                sides = [{party_key(p.organisation) for p in side} for side in (row.assignors, row.assignees)]
                if any(
                    len(keys) != len(side) for keys, side in zip(sides, (row.assignors, row.assignees), strict=True)
                ):
                    problems.append(_("One organisation is named twice on the same side."))
                elif sides[0] == sides[1]:
                    problems.append(_("The assignees are the same as the assignors."))
            self.errors.extend(RowError(row.row_number, problem) for problem in problems)

    def column(self, name: str) -> str:
        """The column's header in this file, or the one to add if the file lacks it."""
        return self.header_names.get(name) or COLUMNS[name][0]

    def _unplaced(self, side: str, name: str) -> str:
        return _(
            "The province of %(name)s cannot be told from its name; give it in a %(column)s column "
            "(or the credit code in a %(code_column)s column)."
        ) % {
            "name": name,
            "column": self.column(f"{side}_provinces"),
            "code_column": self.column(f"{side}_codes"),
        }

    def _note_patent_details(self) -> None:
        """Per patent, its latest row (whose legal status is the one applied) and the first grant date,
        title and IPC code the file gives.

        A patent whose status says it was granted may come without its grant date (CNIPA's assignment
        records often lack it); the registry then knows it as granted on a date not yet known.
        """
        latest: dict[str, TransferRow] = {}
        grant_dates: dict[str, datetime.date] = {}
        titles: dict[str, str] = {}
        ipc_codes: dict[str, str] = {}
        for row in sorted(self.rows, key=lambda row: row.order):
            latest[row.number] = row
            if row.grant_date:
                grant_dates.setdefault(row.number, row.grant_date)
            if row.title:
                titles.setdefault(row.number, row.title)
            if row.ipc:
                ipc_codes.setdefault(row.number, row.ipc)
        self.latest_rows = latest
        self.grant_dates = grant_dates
        self.titles = titles
        self.ipc_codes = ipc_codes

    def _load_recorded(self) -> None:
        ids = {patent.pk: number for number, patent in self.patents.items()}
        for chunk in chunks(ids):
            entries = RegistryEntry.objects.filter(patent_id__in=chunk, kind=EntryKind.ASSIGNMENT).values_list(
                "patent_id", "registration_date", "parties"
            )
            for patent_id, registration_date, parties in entries:
                self.recorded.setdefault((ids[patent_id], registration_date), []).append(
                    _Recorded(
                        from_names=frozenset(party["name"] for party in parties.get("from", [])),
                        to_names=frozenset(party["name"] for party in parties.get("to", [])),
                        from_keys=frozenset(party["organisation"] for party in parties.get("from", [])),
                        to_keys=frozenset(party["organisation"] for party in parties.get("to", [])),
                    )
                )

    # Used while importing -----------------------------------------------------------------------------------------

    def is_recorded(self, row: TransferRow) -> bool:
        names = (frozenset(p.name for p in row.assignors), frozenset(p.name for p in row.assignees))
        keys = (
            frozenset(party_key(p.organisation) for p in row.assignors),
            frozenset(party_key(p.organisation) for p in row.assignees),
        )
        return any(
            (recorded.from_names, recorded.to_names) == names or (recorded.from_keys, recorded.to_keys) == keys
            for recorded in self.recorded.get((row.number, row.registration_date), [])
        )

    def record(self, row: TransferRow) -> None:
        self.recorded.setdefault((row.number, row.registration_date), []).append(
            _Recorded(
                from_names=frozenset(p.name for p in row.assignors),
                to_names=frozenset(p.name for p in row.assignees),
                from_keys=frozenset(party_key(p.organisation) for p in row.assignors),
                to_keys=frozenset(party_key(p.organisation) for p in row.assignees),
            )
        )

    def status_changes(self) -> list[tuple[TransferRow, dict]]:
        """For each patent, the status and grant date its latest row gives, where they differ from the registry's."""
        changes = []
        for number, row in sorted(self.latest_rows.items(), key=lambda item: item[1].order):
            patent = self.patents.get(number)
            current_status = patent.legal_status if patent else LegalStatus.PENDING
            current_grant = patent.grant_date if patent else None
            change = {}
            if row.status != current_status:
                change["legal_status"] = row.status
            grant_date = self.grant_dates.get(number)
            if grant_date and not current_grant and row.status in GRANTED_STATUSES:
                change["grant_date"] = grant_date
            if change:
                changes.append((row, change))
        return changes
