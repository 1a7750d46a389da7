"""Importing CNIPA's bibliographic data (著录项目) from a CSV file, for ``manage.py import_patents`` and the staff page.

The file
--------
Read by :mod:`techmarket.csvfile`, as every import's file is: UTF-8 (with or without a byte-order mark) or
GB18030, commas or tabs, the first row naming the columns. Row numbers in messages count the header as row 1.

Required columns, with the headers CNIPA's search and export use (and the other names people give them):

- ``申请号`` (``专利申请号``, ``专利号``): the application number, in any form people write it.
- ``申请日``: the filing date; its year must be the one the application number gives.
- ``名称`` (``专利名称``, ``发明名称``): the title.
- ``申请（专利权）人`` (``申请人``, ``专利权人``): the applicants, separated by ``;`` or ``；`` in the order the
  record names them.
- ``法律状态`` (``当前法律状态``): e.g. 有效, 审中, 实质审查, 视为撤回, 未缴年费专利权终止, 期限届满, 全部无效
  (see ``reading.LEGAL_STATUS_TEXT``, the one table of CNIPA's wording); an unknown one is a row error.

Optional columns:

- ``地址`` (``申请人地址``): the first applicant's address, as CNIPA records it, e.g. ``200433 上海市杨浦区
  邯郸路220号``; or one address for each applicant, separated by ``；``.
- ``IPC分类号`` (``分类号``): IPC codes separated by ``;``, e.g. ``H01M10/0525;H01M4/525``; ``主分类号``: the
  main one, put first.
- ``授权公告日``: the grant date, for a granted patent.
- ``申请人统一社会信用代码``, ``申请人省份``: the applicants' credit codes and provinces, in the same order as
  the names, separated the same way.

Dates may be written 2023-05-01, 2023/5/1, 2023.05.01, 20230501 or 2023年5月1日.

How it imports
--------------
Phase 1 reads and checks every row, reading the database in a few bulk queries and writing nothing; if any row is
bad, each is reported by its row number (every bad row in one run: the rows that read well are checked against the
registry even when others do not) and nothing is written. Phase 2 runs in one transaction, in batches of
:data:`BATCH` rows, through :func:`ip_registry.services.patents_record_filings`:

- a patent the registry does not know is registered with its applicants: an application entry on its filing
  date (the entry whose "to" parties, with their provinces, the joint-application statistics count), and a
  grant entry if it has a grant date;
- a patent the registry knows by number only (an assignment record brought it in) gains its application entry;
  its current holders stay its holders;
- a patent whose applicants the ledger already records gains nothing (so importing a file again adds nothing);
  naming other applicants for it is a row error, as the ledger is never rewritten.

A known patent's missing title, IPC codes and grant date are filled in, and its legal status becomes the file's.
Applicants are matched and added as :mod:`ip_registry.imports.parties` says (an unknown organisation is added
awaiting verification, placed by its credit code, else its address, else its name).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techmarket import csvfile
from techmarket.accounts.models import Organisation
from techmarket.csvfile import FileRefused, RowError
from techmarket.regions import gbt2260

from .. import permissions, services
from ..choices import GRANTED_STATUSES, EntryKind
from ..exceptions import RegistryError
from ..models import Patent, RegistryEntry
from ..numbers import parse_application_number
from ..validators import normalize_ipc, validate_ipc
from .parties import NO_PLACE, PARTY_SEPARATOR, Party, PartyResolver, chunks, party_key
from .reading import CellReader

# Accepted headers of each column (compared by :func:`techmarket.csvfile.key`), the first one the one messages name.
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("申请号", "专利申请号", "专利号", "申请号/专利号"),
    "filing_date": ("申请日",),
    "title": ("名称", "专利名称", "发明名称", "发明创造名称"),
    "applicants": ("申请（专利权）人", "申请人", "专利权人", "申请人/专利权人"),
    "address": ("地址", "申请人地址"),
    "ipc": ("IPC分类号", "分类号", "IPC"),
    "main_ipc": ("主分类号",),
    "status": ("法律状态", "当前法律状态"),
    "grant_date": ("授权公告日", "授权日"),
    "applicant_codes": ("申请人统一社会信用代码", "统一社会信用代码"),
    "applicant_provinces": ("申请人省份",),
}
REQUIRED_COLUMNS = ("number", "filing_date", "title", "applicants", "status")
# What each column holds, for the staff page's table of columns.
COLUMN_HELP = {
    "number": gettext_lazy(
        "The application or patent number, e.g. 202311432805.9, CN202311432805.9 or ZL202311432805.9."
    ),
    "filing_date": gettext_lazy("The filing date, e.g. 2023-12-01, in the year the number gives."),
    "title": gettext_lazy("The title of the invention."),
    "applicants": gettext_lazy("The applicants, in the order CNIPA lists them, separated by ; or ；."),
    "address": gettext_lazy(
        "The first applicant's address (e.g. 200433 上海市杨浦区邯郸路220号), or one for each applicant separated "
        "by ；. It places the applicants the platform does not know yet."
    ),
    "ipc": gettext_lazy("IPC codes separated by ;, e.g. H01M10/0525;H01M4/525."),
    "main_ipc": gettext_lazy("The main IPC code, listed first."),
    "status": gettext_lazy(
        "The legal status as CNIPA writes it, e.g. 有效, 审中, 实质审查, 视为撤回, 未缴年费终止, 届满."
    ),
    "grant_date": gettext_lazy("The date the grant was announced, for a granted patent."),
    "applicant_codes": gettext_lazy("The applicants' unified social credit codes, in the same order, separated by ；."),
    "applicant_provinces": gettext_lazy("The applicants' provinces (上海, 江苏省 or 320000), in the same order."),
}
BATCH = 1000  # rows recorded by one call of the service, between two steps of the progress bar
SOURCE = "import_patents"  # the audit rows of the organisations added say so

ProgressCallback = Callable[[int, int], None]


@dataclass
class PatentRow:
    row_number: int  # the spreadsheet's, the header being row 1
    number: str  # canonical application number
    filing_date: datetime.date
    title: str
    applicants: list[Party]
    status: str
    ipc_codes: list[str] = field(default_factory=list)
    grant_date: datetime.date | None = None

    def content(self) -> tuple:
        """What the row says, whatever row it is: two rows with the same content are one record given twice."""
        applicants = tuple((p.name, p.credit_code, p.province, p.address_place) for p in self.applicants)
        return (self.number, self.filing_date, self.title, applicants, self.status, self.ipc_codes, self.grant_date)


# Phase 1, first half: the file, without the database --------------------------------------------------------------


class _PatentRowReader(CellReader):
    """Turns one record into a :class:`PatentRow`, or into the reasons it cannot be one."""

    def column(self, name: str) -> str:
        """The column's header in this file, or the one to add if the file lacks it."""
        return self.headers.get(name) or COLUMNS[name][0]

    def read(self, row_number: int, record: dict[str, str]) -> tuple[PatentRow, list[str]]:
        problems: list[str] = []
        number = self._number(record, problems)
        filing_date = self._date(record, "filing_date", problems, required=True)
        grant_date = self._date(record, "grant_date", problems)
        status = self._status(record, problems)
        title = self._title(record, problems)
        applicants = self._parties(record, "applicants", "applicant_codes", "applicant_provinces", problems)
        self._addresses(record, applicants, problems)
        ipc_codes = self._ipc_codes(record, problems)
        year = parse_application_number(number).filing_year if number else None
        if filing_date and year and filing_date.year != year:
            problems.append(
                _("%(column)s %(date)s is not in %(year)s, the year application number %(number)s was filed in.")
                % {
                    "column": self.column("filing_date"),
                    "date": filing_date.isoformat(),
                    "year": year,
                    "number": number,
                }
            )
        elif filing_date and grant_date and grant_date < filing_date:
            problems.append(
                _("%(column)s %(date)s is before the patent was filed.")
                % {"column": self.column("grant_date"), "date": grant_date.isoformat()}
            )
        if grant_date and status and status not in GRANTED_STATUSES:
            problems.append(
                _("%(column)s %(date)s: a patent whose legal status is %(status)s has not been granted.")
                % {
                    "column": self.column("grant_date"),
                    "date": grant_date.isoformat(),
                    "status": self.cell(record, "status"),
                }
            )
        # With problems too: the row's applicants, if they read well, still say where an organisation is.
        return PatentRow(row_number, number, filing_date, title, applicants, status, ipc_codes, grant_date), problems

    def _title(self, record, problems) -> str:
        title = self.cell(record, "title")
        if not title:
            problems.append(_("%(column)s is empty.") % {"column": self.column("title")})
        elif len(title) > Patent._meta.get_field("title").max_length:
            problems.append(_("%(column)s is too long.") % {"column": self.column("title")})
        return title

    def _addresses(self, record, applicants: list[Party], problems) -> None:
        """Place each applicant the address cell gives an address for: the first, or each in turn."""
        text = self.cell(record, "address")
        if not text or not applicants:
            return
        addresses = [address.strip() for address in PARTY_SEPARATOR.split(text)]
        if len(addresses) not in (1, len(applicants)):
            problems.append(
                _(
                    "%(addresses)s lists %(count)d addresses for %(parties)d applicants in %(column)s; give the "
                    "first applicant's address, or one for each applicant separated by ；."
                )
                % {
                    "addresses": self.column("address"),
                    "count": len(addresses),
                    "parties": len(applicants),
                    "column": self.column("applicants"),
                }
            )
            return
        for party, address in zip(applicants, addresses, strict=False):
            party.address_place = gbt2260.place_in_address(address) or NO_PLACE

    def _ipc_codes(self, record, problems) -> list[str]:
        codes: list[str] = []
        for name in ("main_ipc", "ipc"):
            for text in PARTY_SEPARATOR.split(self.cell(record, name)):
                if not text.strip():
                    continue
                try:
                    validate_ipc(text)
                except ValidationError as error:
                    problems.extend(error.messages)
                    continue
                code = normalize_ipc(text)
                if code not in codes:
                    codes.append(code)
        return codes


@dataclass
class PatentFile:
    """A parsed file: its good rows (each patent once), what is wrong with the others, the header of each column."""

    rows: list[PatentRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    records: int = 0  # data rows read, good or bad (blank rows are not counted)
    repeated: int = 0  # rows that give a patent exactly as an earlier row does
    set_aside: list[PatentRow] = field(default_factory=list)  # the others: partly read, for their applicants' places


def read_patents(data: bytes, *, max_rows: int | None = None) -> PatentFile:
    """Phase 1, first half: decode and parse the file, without looking at the database."""
    try:
        table = csvfile.read_table(data, columns=COLUMNS, required=REQUIRED_COLUMNS, max_rows=max_rows)
    except FileRefused as refusal:
        return PatentFile(errors=[RowError(None, str(refusal))])
    parsed = PatentFile(headers=table.headers, records=len(table.rows))
    reader = _PatentRowReader(parsed.headers)
    first: dict[str, PatentRow] = {}
    for record in table.rows:
        if record.problem:
            parsed.errors.append(RowError(record.number, record.problem))
            continue
        row, problems = reader.read(record.number, record.cells)
        if not problems:
            earlier = first.setdefault(row.number, row)
            if earlier is row:
                parsed.rows.append(row)
                continue
            if earlier.content() == row.content():
                parsed.repeated += 1
                continue
            problems = [
                _("%(column)s %(number)s is also in row %(row)d, with other details; keep one of the two rows.")
                % {"column": reader.column("number"), "number": row.number, "row": earlier.row_number}
            ]
        parsed.errors.extend(RowError(record.number, problem) for problem in problems)
        parsed.set_aside.append(row)
    return parsed


# Phase 1, second half: the rows against the registry ------------------------------------------------------------


@dataclass(frozen=True)
class _Applicants:
    """The applicants an application entry records, by name and by organisation."""

    names: frozenset
    keys: frozenset

    @classmethod
    def of(cls, parties: list[dict]) -> _Applicants:
        return cls(frozenset(p["name"] for p in parties), frozenset(p["organisation"] for p in parties))

    def same_as(self, row: PatentRow) -> bool:
        return self.names == {p.name for p in row.applicants} or self.keys == {
            party_key(p.organisation) for p in row.applicants
        }


class PatentPlan:
    """The rows with their applicants resolved, what the registry already has of each patent, and the errors.

    ``to_record`` are the rows whose application entry is to be written (new patents, and patents known by
    number only); ``recorded`` the rows whose applicants the ledger already has; ``changes`` the details to set
    on patents the registry knows, by application number.
    """

    def __init__(self, rows: list[PatentRow], headers: dict[str, str], set_aside: list[PatentRow] = ()) -> None:
        self.rows = rows
        self.headers = headers
        self.errors: list[RowError] = []
        self.patents: dict[str, Patent] = {}
        self.applicants: dict[int, _Applicants] = {}  # the recorded applicants, by patent id
        self.to_record: list[PatentRow] = []
        self.recorded: list[PatentRow] = []
        self.changes: dict[str, dict] = {}
        self._load_patents()
        # Rows set aside as bad still place the organisations they name, so that a bad row is reported alone,
        # not again through every row that names an organisation only it placed.
        named = [*rows, *set_aside]
        self.parties = PartyResolver((row.row_number, party) for row in named for party in row.applicants)
        for row in rows:
            problems = self._resolve(row)
            if not problems:
                self._plan(row, problems)
            self.errors.extend(RowError(row.row_number, problem) for problem in problems)

    def column(self, name: str) -> str:
        return self.headers.get(name) or COLUMNS[name][0]

    def _load_patents(self) -> None:
        for chunk in chunks(row.number for row in self.rows):
            self.patents.update((p.application_number, p) for p in Patent.objects.filter(application_number__in=chunk))
        ids = {patent.pk for patent in self.patents.values()}
        for chunk in chunks(ids):
            entries = RegistryEntry.objects.filter(patent_id__in=chunk, kind=EntryKind.APPLICATION)
            for patent_id, parties in entries.values_list("patent_id", "parties"):
                self.applicants[patent_id] = _Applicants.of(parties.get("to", []))

    def _resolve(self, row: PatentRow) -> list[str]:
        problems: list[str] = []
        for party in row.applicants:
            party.organisation = self.parties.resolve(party, problems, unplaced=self._unplaced)
        if not problems and len({party_key(p.organisation) for p in row.applicants}) != len(row.applicants):
            problems.append(_("One organisation is named twice on the same side."))
        return problems

    def _unplaced(self, name: str) -> str:
        return _(
            "%(column)s: the province of %(name)s cannot be told from its name or address; give its address, "
            "beginning with its province or city, in the %(address)s column, or its credit code in a %(codes)s column."
        ) % {
            "column": self.column("applicants"),
            "name": name,
            "address": self.column("address"),
            "codes": self.column("applicant_codes"),
        }

    def _plan(self, row: PatentRow, problems: list[str]) -> None:
        patent = self.patents.get(row.number)
        if patent is None:
            self.to_record.append(row)
            return
        if patent.filing_date and patent.filing_date != row.filing_date:
            problems.append(
                _("%(column)s %(date)s: the registry has %(number)s filed on %(registered)s.")
                % {
                    "column": self.column("filing_date"),
                    "date": row.filing_date.isoformat(),
                    "number": row.number,
                    "registered": patent.filing_date.isoformat(),
                }
            )
            return
        recorded = self.applicants.get(patent.pk)
        if recorded and not recorded.same_as(row):
            problems.append(
                _(
                    "%(column)s: the registry records the applicants of %(number)s as %(recorded)s; the ledger "
                    "is not rewritten, so correct the row or leave it out."
                )
                % {"column": self.column("applicants"), "number": row.number, "recorded": "、".join(recorded.names)}
            )
            return
        (self.recorded if recorded else self.to_record).append(row)
        change = self._details_changed(patent, row)
        if change:
            self.changes[row.number] = change

    @staticmethod
    def _details_changed(patent: Patent, row: PatentRow) -> dict:
        """What the file adds to a patent the registry knows: a missing title, IPC codes or grant date, and the
        legal status CNIPA gives now."""
        change: dict = {}
        if row.title and not patent.title:
            change["title"] = row.title
        if row.ipc_codes and not patent.ipc_codes:
            change["ipc_codes"] = row.ipc_codes
        if row.grant_date and not patent.grant_date:
            change["grant_date"] = row.grant_date
        if row.status != patent.legal_status:
            change["legal_status"] = row.status
        return change

    @staticmethod
    def details(row: PatentRow) -> dict:
        """A new patent's description, from its row."""
        return {
            "title": row.title,
            "ipc_codes": row.ipc_codes,
            "grant_date": row.grant_date,
            "legal_status": row.status,
        }


# Phase 2: writing -----------------------------------------------------------------------------------------------


@dataclass
class PatentImportResult:
    """What an import did, or (``dry_run``) would do. With errors, nothing was written and the counts are 0."""

    rows: int = 0
    created: int = 0  # patents registered with their applicants
    completed: int = 0  # patents the registry knew by number, now with their applicants
    skipped: int = 0  # rows whose applicants the registry already records, or repeating an earlier row
    updated: int = 0  # patents the registry knew whose details (title, IPC, grant date, legal status) changed
    entries: int = 0  # ledger entries written
    organisations: list[Organisation] = field(default_factory=list)  # added, in the order first named
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def organisations_created(self) -> int:
        return len(self.organisations)

    def summary(self) -> str:
        """What was imported (or would be, in a dry run), in a sentence: the command's and the page's."""
        counts = {
            "rows": self.rows,
            "created": self.created,
            "completed": self.completed,
            "skipped": self.skipped,
            "organisations": self.organisations_created,
            "updated": self.updated,
        }
        if self.dry_run:
            return (
                _(
                    "Dry run: %(rows)d rows are valid; %(created)d patents would be registered with their "
                    "applicants, %(completed)d patents already in the registry would gain their applicants, "
                    "%(skipped)d are already there; %(organisations)d organisations would be added, %(updated)d "
                    "patents' details updated. Nothing was written."
                )
                % counts
            )
        return (
            _(
                "%(rows)d rows: %(created)d patents registered with their applicants, %(completed)d patents already "
                "in the registry given their applicants, %(skipped)d already there; %(organisations)d organisations "
                "(awaiting verification) added, %(updated)d patents' details updated."
            )
            % counts
        )


def patents_import(
    *,
    data: bytes,
    actor=None,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    max_rows: int | None = None,
) -> PatentImportResult:
    """Import a CSV file of CNIPA bibliographic data: all its rows, or (if any row is bad) nothing.

    ``actor`` is the platform staff member importing, or None for the system. ``dry_run`` does the whole import
    and rolls it back, counting what would be written. ``progress(done, total)`` is called after each batch.
    ``max_rows`` refuses a longer file (the staff page's limit: a request cannot run for minutes).
    """
    if actor is not None and not permissions.can_record_entries(actor):
        raise PermissionDenied
    parsed = read_patents(data, max_rows=max_rows)
    result = PatentImportResult(rows=parsed.records, dry_run=dry_run)
    if any(error.row is None for error in parsed.errors):
        result.errors = parsed.errors  # the file as a whole cannot be read
        return result
    # The good rows are checked against the registry even when others are bad, so one run names every bad row.
    plan = PatentPlan(parsed.rows, parsed.headers, parsed.set_aside)
    if parsed.errors or plan.errors:
        result.errors = sorted([*parsed.errors, *plan.errors], key=lambda error: error.row)
        return result
    try:
        with transaction.atomic():
            _write(plan, actor, result, progress)
            if dry_run:
                transaction.set_rollback(True)
    except (RegistryError, ValidationError, IntegrityError) as error:
        # Phase 1 checks what the services check; this is a change made meanwhile (or a bug), named as it is.
        message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return PatentImportResult(rows=result.rows, errors=[RowError(None, message)], dry_run=dry_run)
    result.skipped = len(plan.recorded) + parsed.repeated
    return result


def _write(plan: PatentPlan, actor, result: PatentImportResult, progress: ProgressCallback | None) -> None:
    rows = plan.to_record
    for done, batch in enumerate(chunks(rows, BATCH), start=1):
        plan.parties.add((party for row in batch for party in row.applicants), actor=actor, source=SOURCE)
        filings = [
            services.Filing(
                application_number=row.number,
                filing_date=row.filing_date,
                applicants=[
                    services.Holding(plan.parties.saved(party, actor=actor, source=SOURCE)) for party in row.applicants
                ],
                details=plan.changes.get(row.number, {}) if row.number in plan.patents else plan.details(row),
            )
            for row in batch
        ]
        recorded = services.patents_record_filings(actor=actor, filings=filings)
        result.created += len(recorded.created)
        result.completed += len(recorded.completed)
        result.updated += len(recorded.updated)
        result.entries += recorded.entries
        if progress:
            progress(min(done * BATCH, len(rows)), len(rows))
    for row in plan.recorded:
        change = plan.changes.get(row.number)
        if change:
            services.patent_update(actor=actor, patent=plan.patents[row.number], **change)
            result.updated += 1
    result.organisations = list(plan.parties.added.values())
