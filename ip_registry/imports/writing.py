"""Writing the rows in one transaction (phase 2), or counting what would be written (a dry run)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from techmarket.accounts.models import Organisation
from techmarket.csvfile import RowError

from .. import permissions, services
from ..exceptions import RegistryError
from ..models import Patent
from .checking import Plan
from .parties import Party
from .reading import TransferRow, read_transfers

ProgressCallback = Callable[[int, int], None]


@dataclass
class ImportResult:
    """What an import did, or (``dry_run``) would do. With errors, nothing was written and the counts are 0."""

    rows: int = 0
    created: int = 0  # assignments recorded
    skipped: int = 0  # rows already in the registry
    patents_created: int = 0
    organisations: list[Organisation] = field(default_factory=list)  # added, in the order first named
    statuses_updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def organisations_created(self) -> int:
        return len(self.organisations)


class _RowFailed(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


class _Importer:
    def __init__(self, plan: Plan, actor, result: ImportResult) -> None:
        self.plan = plan
        self.actor = actor
        self.result = result

    def organisation(self, party: Party) -> Organisation:
        """The party's organisation, added through the accounts service (with its audit row) the first time."""
        return self.plan.parties.saved(party, actor=self.actor, source="import_transfers")

    def patent(self, row: TransferRow) -> Patent:
        patent = self.plan.patents.get(row.number)
        if patent is None:
            ipc = self.plan.ipc_codes.get(row.number)
            patent = services.patent_register(
                actor=self.actor,
                application_number=row.number,
                title=self.plan.titles.get(row.number, ""),
                ipc_codes=[ipc] if ipc else [],
            )
            self.plan.patents[row.number] = patent
            self.result.patents_created += 1
        return patent

    def assign(self, row: TransferRow) -> None:
        patent = self.patent(row)
        assignors = [services.Holding(self.organisation(party)) for party in row.assignors]
        assignees = [services.Holding(self.organisation(party)) for party in row.assignees]
        services.patent_assign(
            actor=self.actor,
            patent=patent,
            assignors=assignors,
            assignees=assignees,
            registration_date=row.registration_date,
            execution_date=row.execution_date,
            # CNIPA registered it on the request of all the assignors: every co-owner agreed.
            consents=[holding.organisation.pk for holding in assignors],
        )

    def update_status(self, row: TransferRow, change: dict) -> None:
        patent = self.plan.patents[row.number]
        self.plan.patents[row.number] = services.patent_update(actor=self.actor, patent=patent, **change)


def transfers_import(
    *, data: bytes, actor=None, dry_run: bool = False, progress: ProgressCallback | None = None
) -> ImportResult:
    """Import a CSV file of CNIPA assignment records: all its rows, or (if any row is bad) nothing.

    ``actor`` is the platform staff member importing, or None for the system.
    ``dry_run`` does the whole import, the ledger's own rules included (for
    example, that the assignors are the current holders), and then rolls it
    back: it counts what would be imported and writes nothing.
    ``progress(done, total)`` is called after each row written.
    """
    if actor is not None and not permissions.can_record_entries(actor):
        raise PermissionDenied
    parsed = read_transfers(data)
    result = ImportResult(rows=parsed.records, dry_run=dry_run)
    if parsed.errors:
        result.errors = sorted(parsed.errors, key=lambda error: error.row or 0)
        return result
    rows = parsed.rows
    plan = Plan(rows, parsed.headers)
    if plan.errors:
        result.errors = sorted(plan.errors, key=lambda error: error.row or 0)
        return result
    ordered = sorted(rows, key=lambda row: row.order)
    importer = _Importer(plan, actor, result)
    try:
        with transaction.atomic():
            for done, row in enumerate(ordered, start=1):
                if plan.is_recorded(row):
                    result.skipped += 1
                else:
                    _guarded(row, importer.assign, row)
                    plan.record(row)
                    result.created += 1
                if progress:
                    progress(done, len(ordered))
            for row, change in plan.status_changes():
                _guarded(row, importer.update_status, row, change)
                result.statuses_updated += 1
            result.organisations = list(plan.parties.added.values())
            if dry_run:
                transaction.set_rollback(True)
    except _RowFailed as failure:
        return ImportResult(rows=result.rows, errors=[failure.error], dry_run=dry_run)
    return result


def _guarded(row: TransferRow, function, *args) -> None:
    try:
        function(*args)
    except (RegistryError, ValidationError, IntegrityError) as error:
        raise _RowFailed(RowError(row.row_number, _message(error))) from error
