"""Checking the rows against the registry: patents, organisations, assignments already recorded (phase 1)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from techmarket.accounts.models import Organisation
from techmarket.csvfile import RowError
from techmarket.regions import gbt2260

from ..choices import GRANTED_STATUSES, EntryKind, LegalStatus
from ..models import Patent, RegistryEntry
from .reading import (
    COLUMNS,
    TransferRow,
    city_from_credit_code,
    kind_from_name,
    province_from_credit_code,
)

_QUERY_CHUNK = 500  # keeps every IN (...) list well under SQLite's limit on query parameters


def _chunks(values: Iterable, size: int = _QUERY_CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _party_key(organisation: Organisation):
    """How the ledger's parties are compared: by organisation row, or by name for one not added yet."""
    return organisation.pk if organisation.pk else f"new:{organisation.name_zh}"


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
        self.new_organisations: dict[str, Organisation] = {}
        self.recorded: dict[tuple[str, datetime.date], list[_Recorded]] = {}
        self._load_patents()
        self._resolve_parties()
        self._note_patent_details()
        self._load_recorded()

    def _load_patents(self) -> None:
        numbers = {row.number for row in self.rows}
        for chunk in _chunks(numbers):
            for patent in Patent.objects.filter(application_number__in=chunk):
                self.patents[patent.application_number] = patent

    def _resolve_parties(self) -> None:
        parties = [party for row in self.rows for party in (*row.assignors, *row.assignees)]
        codes = {party.credit_code for party in parties if party.credit_code}
        names = {party.name for party in parties}
        known: dict[int, Organisation] = {}  # one instance per row, whichever way it was found
        for chunk in _chunks(codes):
            known.update((org.pk, org) for org in Organisation.objects.filter(credit_code__in=chunk))
        for chunk in _chunks(names):
            known.update((org.pk, org) for org in Organisation.objects.filter(name_zh__in=chunk))
        by_code = {org.credit_code: org for org in known.values()}
        by_name = {org.name_zh: org for org in known.values()}
        # What the whole file says about organisations the registry lacks: the first row wins.
        code_of: dict[str, tuple[str, int]] = {}
        name_of: dict[str, tuple[str, int]] = {}
        province_of_name: dict[str, str] = {}
        for row in sorted(self.rows, key=lambda row: row.row_number):
            for party in (*row.assignors, *row.assignees):
                if party.credit_code and party.credit_code not in by_code:
                    code_of.setdefault(party.name, (party.credit_code, row.row_number))
                    name_of.setdefault(party.credit_code, (party.name, row.row_number))
                if party.province:
                    province_of_name.setdefault(party.name, party.province)
        self._new_problems: dict[str, list[str]] = {}
        for row in self.rows:
            problems: list[str] = []
            for side, parties_of_side in (("assignor", row.assignors), ("assignee", row.assignees)):
                for party in parties_of_side:
                    party.organisation = self._resolve(
                        party, side, by_code, by_name, code_of, name_of, province_of_name, problems
                    )
            if not problems:
                sides = [{_party_key(p.organisation) for p in side} for side in (row.assignors, row.assignees)]
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

    def _resolve(self, party, side, by_code, by_name, code_of, name_of, province_of_name, problems):
        """The party's organisation: registered (by credit code, else by name), or one to add; None if neither."""
        if party.credit_code:
            organisation = by_code.get(party.credit_code)
            if organisation:
                return organisation
            registered = by_name.get(party.name)
            if registered and registered.credit_code is None:
                return registered  # an earlier import added it without a code; its claimant will give one
            if registered:
                problems.append(
                    _("%(name)s is registered with the credit code %(registered)s, not %(given)s.")
                    % {"name": party.name, "registered": registered.credit_code, "given": party.credit_code}
                )
                return None
            first_code, first_row = code_of[party.name]
            if first_code != party.credit_code:
                problems.append(
                    _("%(name)s has the credit code %(first)s in row %(row)d and %(given)s here.")
                    % {"name": party.name, "first": first_code, "row": first_row, "given": party.credit_code}
                )
                return None
            first_name, first_row = name_of[party.credit_code]
            if first_name != party.name:
                problems.append(
                    _("The credit code %(code)s belongs to %(first)s in row %(row)d, not to %(name)s.")
                    % {"code": party.credit_code, "first": first_name, "row": first_row, "name": party.name}
                )
                return None
        else:
            organisation = by_name.get(party.name)
            if organisation:
                return organisation
        code = code_of[party.name][0] if party.name in code_of else None
        return self._new_organisation(party.name, code, side, province_of_name, problems)

    def _new_organisation(self, name, credit_code, side, province_of_name, problems) -> Organisation | None:
        """The organisation to add (unsaved, unverified), checked once however many rows name it.

        Its province comes from the file's province column, else from its credit
        code, else from a place its name begins with; its city from the code or
        the name. Without a credit code it waits for someone from it to register
        and claim it (``Organisation.objects.claimable()``).
        """
        if name not in self.new_organisations and name not in self._new_problems:
            named_place = gbt2260.place_in_name(name) or ("", "")
            province = (
                province_of_name.get(name)
                or (province_from_credit_code(credit_code) if credit_code else "")
                or named_place[0]
            )
            found: list[str] = []
            if not province:
                found.append(
                    _(
                        "The province of %(name)s cannot be told from its name; give it in a %(column)s column "
                        "(or the credit code in a %(code_column)s column)."
                    )
                    % {
                        "name": name,
                        "column": self.column(f"{side}_provinces"),
                        "code_column": self.column(f"{side}_codes"),
                    }
                )
            else:
                city = city_from_credit_code(credit_code, province) if credit_code else ""
                organisation = Organisation(
                    kind=kind_from_name(name),
                    name_zh=name,
                    credit_code=credit_code,
                    province=province,
                    city=city or (named_place[1] if named_place[0] == province else ""),
                )
                try:
                    organisation.full_clean()
                except ValidationError as error:
                    found.extend(f"{name}: {message}" for message in error.messages)
                else:
                    self.new_organisations[name] = organisation
            self._new_problems[name] = found
        problems.extend(self._new_problems[name])
        return self.new_organisations.get(name)

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
        for chunk in _chunks(ids):
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

    def organisation_added(self, planned: Organisation, added: Organisation) -> None:
        """Every party the file names by the planned (unsaved) organisation now names the one added."""
        self.new_organisations[added.name_zh] = added
        for row in self.rows:
            for party in (*row.assignors, *row.assignees):
                if party.organisation is planned:
                    party.organisation = added

    def is_recorded(self, row: TransferRow) -> bool:
        names = (frozenset(p.name for p in row.assignors), frozenset(p.name for p in row.assignees))
        keys = (
            frozenset(_party_key(p.organisation) for p in row.assignors),
            frozenset(_party_key(p.organisation) for p in row.assignees),
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
                from_keys=frozenset(_party_key(p.organisation) for p in row.assignors),
                to_keys=frozenset(_party_key(p.organisation) for p in row.assignees),
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
