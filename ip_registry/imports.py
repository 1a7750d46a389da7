"""Importing CNIPA's patent assignment records (专利权转移) from a CSV file, for ``manage.py import_transfers``.

The file
--------
Text in UTF-8 (with or without a byte-order mark) or GB18030, values separated
by commas (a tab-separated export is read too), the first row naming the columns.

Required columns, with the headers CNIPA publishes:

- ``转让人``: the assignors; ``受让人``: the assignees. Several parties in one cell
  are separated by ``；`` or ``;``, in the order the record names them.
- ``申请号`` (or ``专利号``): the application or patent number, in any form people
  write it (``CN``/``ZL`` prefix, with or without the dot, full-width digits).
- ``转让执行日``: the date the contract was executed (the cell may be empty).
- ``转让登记日`` (or ``生效日``, ``转让登记日/生效日``): the date CNIPA registered
  the assignment, when it took effect.
- ``当前法律状态``: the patent's legal status now, e.g. 有效, 专利权维持, 审中,
  未缴年费专利权终止, 失效, 期限届满, 无效, 撤回.

Optional columns:

- ``专利名称``: the title; ``主分类号`` (or ``IPC分类号``): the main IPC code, e.g.
  H01M 10/0525. Both are used when the registry does not know the patent yet.
- ``授权公告日``: the grant date. A patent the registry does not know whose status
  says it was granted (有效, 未缴年费专利权终止, 期限届满) needs it, because a
  granted patent always carries its grant date.
- ``转让人统一社会信用代码``, ``受让人统一社会信用代码``: the parties' unified social
  credit codes, in the same order as the names, separated the same way.
- ``转让人省份``, ``受让人省份``: the parties' provinces, by name (上海, 江苏省) or
  GB/T 2260 code (320000), in the same order as the names; one value applies to
  every party in the cell.

Dates may be written 2023-05-01, 2023/5/1, 2023.05.01, 20230501 or 2023年5月1日.
Line numbers in messages count the header as line 1, as a spreadsheet numbers
its rows and an editor its lines (for a record with a line break inside a
quoted cell, the line it starts on).

How it imports
--------------
Phase 1 reads and checks every row (reading the database, writing nothing) and
collects each bad row's line number and reason; if there is any, nothing is
written. Phase 2 runs in one transaction: the rows in order of registration date
(so that a chain A→B, B→C is recorded in order whatever the file's order), each
one registering the patent if the registry does not know it yet, adding the
parties it does not know, then recording the assignment through
:func:`ip_registry.services.patent_assign`. If the ledger refuses a row (for
example its assignors are not the patent's current holders) everything is rolled
back and that row is reported. Finally each patent's legal status (and grant
date) is brought up to what its latest row says.

A patent unknown to the registry is registered by its number alone; its first
assignment names its holders at that point (the assignors). Its grant is not
recorded as a ledger entry, because an assignment record does not say to whom
the patent was granted: the grant date and status are set on the patent.

Organisations are matched by credit code, else by exact Chinese name, else
added awaiting verification (they appear in the staff's verification queue).
A new organisation needs its credit code, which the register requires; its
province comes from the province column, else from the area code in
characters 3 to 8 of the credit code.

Importing is idempotent: a row is skipped when the patent already has an
assignment registered on the same date between the same assignors and
assignees (by organisation, or by the names as recorded), so importing the
same file again adds nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techmarket.accounts.choices import OrganisationKind
from techmarket.accounts.models import Organisation
from techmarket.accounts.validators import normalize_credit_code, validate_credit_code
from techmarket.audit.services import audit_record
from techmarket.regions import gbt2260

from . import permissions, services
from .choices import EntryKind, LegalStatus
from .exceptions import RegistryError
from .models import Patent, RegistryEntry
from .numbers import InvalidPatentNumber, parse_application_number
from .validators import normalize_ipc, validate_ipc

# Accepted headers of each column (compared without spaces, full-width characters folded).
COLUMNS: dict[str, tuple[str, ...]] = {
    "assignors": ("转让人",),
    "assignees": ("受让人",),
    "number": ("申请号", "专利号", "申请号/专利号"),
    "execution_date": ("转让执行日",),
    "registration_date": ("转让登记日", "生效日", "转让登记日/生效日"),
    "status": ("当前法律状态",),
    "title": ("专利名称",),
    "ipc": ("主分类号", "IPC分类号"),
    "grant_date": ("授权公告日",),
    "assignor_codes": ("转让人统一社会信用代码",),
    "assignee_codes": ("受让人统一社会信用代码",),
    "assignor_provinces": ("转让人省份",),
    "assignee_provinces": ("受让人省份",),
}
REQUIRED_COLUMNS = ("assignors", "assignees", "number", "execution_date", "registration_date", "status")

# CNIPA's wording of legal statuses, after full-width folding and without spaces.
LEGAL_STATUS_TEXT: dict[str, str] = {
    "有效": LegalStatus.VALID,
    "授权": LegalStatus.VALID,
    "专利权维持": LegalStatus.VALID,
    "有权": LegalStatus.VALID,
    "审中": LegalStatus.PENDING,
    "在审": LegalStatus.PENDING,
    "公开": LegalStatus.PENDING,
    "实质审查": LegalStatus.PENDING,
    "实质审查的生效": LegalStatus.PENDING,
    "未缴年费专利权终止": LegalStatus.LAPSED,
    "未缴年费终止": LegalStatus.LAPSED,
    "失效": LegalStatus.LAPSED,
    "期限届满": LegalStatus.EXPIRED,
    "专利权期限届满": LegalStatus.EXPIRED,
    "届满": LegalStatus.EXPIRED,
    "无效": LegalStatus.INVALIDATED,
    "全部无效": LegalStatus.INVALIDATED,
    "专利权全部无效": LegalStatus.INVALIDATED,
    "撤回": LegalStatus.WITHDRAWN,
    "视为撤回": LegalStatus.WITHDRAWN,
    "主动撤回": LegalStatus.WITHDRAWN,
    "申请撤回": LegalStatus.WITHDRAWN,
    **{status.value: status for status in LegalStatus},
}
KNOWN_STATUS_EXAMPLES = "有效、专利权维持、审中、未缴年费专利权终止、失效、期限届满、无效、撤回"
# Statuses under which a patent has been granted, so it has a grant date.
GRANTED_STATUSES = (LegalStatus.VALID, LegalStatus.LAPSED, LegalStatus.EXPIRED)

_PARTY_SEPARATOR = re.compile(r"[;；]")
_DATE_FORMS = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[T\s]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?$"),
)
_QUERY_CHUNK = 500  # keeps every IN (...) list well under SQLite's limit on query parameters

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class RowError:
    """What is wrong with one line of the file (``line`` is None for the file as a whole)."""

    line: int | None
    reason: str

    def __str__(self) -> str:
        if self.line is None:
            return self.reason
        return _("line %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class ImportResult:
    """What an import did, or (``dry_run``) would do. With errors, nothing was written and the counts are 0."""

    rows: int = 0
    created: int = 0  # assignments recorded
    skipped: int = 0  # rows already in the registry
    patents_created: int = 0
    organisations_created: int = 0
    statuses_updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Party:
    name: str
    credit_code: str = ""
    province: str = ""  # as the file's province column gives it, already a province code
    organisation: Organisation | None = None  # resolved in phase 1; unsaved if it is to be added


@dataclass
class TransferRow:
    line: int
    number: str  # canonical application number
    assignors: list[Party]
    assignees: list[Party]
    execution_date: datetime.date | None
    registration_date: datetime.date
    status: str
    title: str = ""
    ipc: str = ""
    grant_date: datetime.date | None = None

    @property
    def order(self) -> tuple[datetime.date, int]:
        return (self.registration_date, self.line)


class _RowFailed(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


# Reading the file --------------------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped), else GB18030. Raises ValueError for anything else."""
    if b"\x00" in data:  # UTF-16 or a binary file (e.g. an .xlsx workbook) decodes "successfully" as GB18030
        raise ValueError(_("The file is not UTF-8 or GB18030 text; save it from the spreadsheet as CSV."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValueError(_("The file is not UTF-8 or GB18030 text; save it from the spreadsheet as CSV.")) from None


def _fold(text: str) -> str:
    """Full-width characters to their ordinary forms, surrounding spaces removed."""
    return unicodedata.normalize("NFKC", text or "").strip()


def _header_key(text: str) -> str:
    return re.sub(r"\s+", "", _fold(text).lstrip("\ufeff"))


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on (a quoted cell may span lines)."""
    first_line = text.split("\n", 1)[0]
    dialect = csv.excel_tab if "\t" in first_line and "," not in first_line else csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    line = 1
    for record in reader:
        yield line, record
        line = reader.line_num + 1


def parse_date(text: str) -> datetime.date:
    """A date in any of the forms CNIPA data and spreadsheets use; ValueError if it is not one."""
    folded = _fold(text)
    for form in _DATE_FORMS:
        match = form.match(folded)
        if match:
            return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
    raise ValueError(text)


def legal_status_of(text: str) -> str | None:
    return LEGAL_STATUS_TEXT.get(re.sub(r"\s+", "", _fold(text)))


def province_of(text: str) -> str | None:
    """A province code from a province's name (上海, 江苏省) or any GB/T 2260 code in it; None if unknown."""
    folded = re.sub(r"\s+", "", _fold(text))
    if re.fullmatch(r"\d{2}(\d{4})?", folded):
        code = folded[:2] + "0000"
        return code if gbt2260.is_province(code) and gbt2260.get_division(code).current else None
    if len(folded) < 2:
        return None
    matches = [p.code for p in gbt2260.provinces() if p.name == folded or p.name.startswith(folded)]
    return matches[0] if len(matches) == 1 else None


def _province_from_credit_code(code: str) -> str:
    province = code[2:4] + "0000"
    division = gbt2260.get_division(province)
    return province if division and division.current and gbt2260.is_province(province) else ""


def _city_from_credit_code(code: str, province: str) -> str:
    area = code[2:8]
    for candidate in (area, area[:4] + "00"):
        if gbt2260.is_city_of(candidate, province):
            return candidate
    return ""


def _kind_from_name(name: str) -> str:
    if name.endswith("公司") or "有限" in name:
        return OrganisationKind.ENTERPRISE
    if any(word in name for word in ("大学", "学院", "学校")):
        return OrganisationKind.UNIVERSITY
    if any(word in name for word in ("研究院", "研究所", "科学院", "研究中心", "实验室")):
        return OrganisationKind.INSTITUTE
    return OrganisationKind.ENTERPRISE


class _RowReader:
    """Turns one record into a :class:`TransferRow`, or into the reasons it cannot be one."""

    def __init__(self, columns: dict[str, int], headers: dict[str, str]) -> None:
        self.columns = columns
        self.headers = headers
        self.today = timezone.localdate()

    def header(self, name: str) -> str:
        return self.headers[name]

    def cell(self, record: list[str], name: str) -> str:
        index = self.columns.get(name)
        return record[index].strip() if index is not None and index < len(record) else ""

    def read(self, line: int, record: list[str]) -> tuple[TransferRow | None, list[str]]:
        problems: list[str] = []
        number = self._number(record, problems)
        registration_date = self._date(record, "registration_date", problems, required=True)
        execution_date = self._date(record, "execution_date", problems)
        grant_date = self._date(record, "grant_date", problems)
        if execution_date and registration_date and execution_date > registration_date:
            problems.append(
                _("%(executed)s is later than %(registered)s: an assignment is registered after it is executed.")
                % {"executed": self.header("execution_date"), "registered": self.header("registration_date")}
            )
        status = self._status(record, problems)
        assignors = self._parties(record, "assignors", "assignor_codes", "assignor_provinces", problems)
        assignees = self._parties(record, "assignees", "assignee_codes", "assignee_provinces", problems)
        if assignors and assignees and {p.name for p in assignors} == {p.name for p in assignees}:
            problems.append(_("The assignees are the same as the assignors."))
        ipc = self._ipc(record, problems)
        title = self.cell(record, "title")
        if len(title) > Patent._meta.get_field("title").max_length:
            problems.append(_("%(column)s is too long.") % {"column": self.header("title")})
        if grant_date and number and grant_date.year < parse_application_number(number).filing_year:
            problems.append(
                _("%(column)s %(date)s is before the patent was filed.")
                % {"column": self.header("grant_date"), "date": grant_date.isoformat()}
            )
        if problems:
            return None, problems
        return (
            TransferRow(
                line=line,
                number=number,
                assignors=assignors,
                assignees=assignees,
                execution_date=execution_date,
                registration_date=registration_date,
                status=status,
                title=title,
                ipc=ipc,
                grant_date=grant_date,
            ),
            [],
        )

    def _number(self, record, problems) -> str:
        text = self.cell(record, "number")
        if not text:
            problems.append(_("%(column)s is empty.") % {"column": self.header("number")})
            return ""
        try:
            return parse_application_number(text).canonical
        except InvalidPatentNumber as error:
            problems.append(
                _("%(column)s %(value)s: %(reason)s")
                % {"column": self.header("number"), "value": text, "reason": error}
            )
            return ""

    def _date(self, record, name: str, problems, *, required: bool = False) -> datetime.date | None:
        if name not in self.columns:
            return None
        text = self.cell(record, name)
        if not text:
            if required:
                problems.append(_("%(column)s is empty.") % {"column": self.header(name)})
            return None
        try:
            value = parse_date(text)
        except ValueError:
            problems.append(
                _("%(column)s %(value)s is not a date; write it as 2023-05-01, 2023/5/1, 20230501 or 2023年5月1日.")
                % {"column": self.header(name), "value": text}
            )
            return None
        if value > self.today:
            problems.append(
                _("%(column)s %(value)s is in the future.") % {"column": self.header(name), "value": value.isoformat()}
            )
            return None
        return value

    def _status(self, record, problems) -> str:
        text = self.cell(record, "status")
        if not text:
            problems.append(_("%(column)s is empty.") % {"column": self.header("status")})
            return ""
        status = legal_status_of(text)
        if status is None:
            problems.append(
                _("%(column)s: unknown legal status %(value)s; use one of %(known)s.")
                % {"column": self.header("status"), "value": text, "known": KNOWN_STATUS_EXAMPLES}
            )
            return ""
        return status

    def _ipc(self, record, problems) -> str:
        text = self.cell(record, "ipc")
        if not text:
            return ""
        try:
            validate_ipc(text)
        except ValidationError as error:
            problems.extend(error.messages)
            return ""
        return normalize_ipc(text)

    def _parties(self, record, names: str, codes: str, provinces: str, problems) -> list[Party]:
        column = self.header(names)
        parties = [Party(name=name.strip()) for name in _PARTY_SEPARATOR.split(self.cell(record, names))]
        parties = [party for party in parties if party.name]
        if not parties:
            problems.append(_("%(column)s is empty.") % {"column": column})
            return []
        seen = [party.name for party in parties]
        twice = sorted({name for name in seen if seen.count(name) > 1})
        if twice:
            problems.append(_("%(column)s names %(names)s twice.") % {"column": column, "names": "、".join(twice)})
        ok = not twice
        code_cell = self.cell(record, codes)
        if code_cell:
            values = [value.strip() for value in _PARTY_SEPARATOR.split(code_cell)]
            if len(values) != len(parties):
                problems.append(
                    _("%(codes)s lists %(count)d codes for %(parties)d parties in %(column)s; separate them with ；.")
                    % {"codes": self.header(codes), "count": len(values), "parties": len(parties), "column": column}
                )
                ok = False
            else:
                for party, value in zip(parties, values, strict=True):
                    if not value:
                        continue
                    try:
                        validate_credit_code(value)
                    except ValidationError as error:
                        problems.append(f"{self.header(codes)} {value} ({party.name}): {' '.join(error.messages)}")
                        ok = False
                    else:
                        party.credit_code = normalize_credit_code(value)
        province_cell = self.cell(record, provinces)
        if province_cell:
            values = [value.strip() for value in _PARTY_SEPARATOR.split(province_cell)]
            if len(values) == 1:
                values = values * len(parties)
            if len(values) != len(parties):
                problems.append(
                    _("%(provinces)s lists %(count)d provinces for %(parties)d parties in %(column)s.")
                    % {
                        "provinces": self.header(provinces),
                        "count": len(values),
                        "parties": len(parties),
                        "column": column,
                    }
                )
                ok = False
            else:
                for party, value in zip(parties, values, strict=True):
                    if not value:
                        continue
                    code = province_of(value)
                    if code is None:
                        problems.append(
                            _("%(column)s: %(value)s is not a province.")
                            % {"column": self.header(provinces), "value": value}
                        )
                        ok = False
                    party.province = code or ""
        return parties if ok else []


@dataclass
class TransferFile:
    """A parsed file: its good rows, what is wrong with the others, and the header each column has in it."""

    rows: list[TransferRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    records: int = 0  # data rows read, good or bad (blank lines are not counted)


def read_transfers(data: bytes) -> TransferFile:
    """Phase 1, first half: decode and parse the file, without looking at the database."""
    try:
        text = decode(data)
    except ValueError as error:
        return TransferFile(errors=[RowError(None, str(error))])
    records = _records(text)
    try:
        header_line, header = next(records)
    except (StopIteration, csv.Error):
        return TransferFile(errors=[RowError(None, _("The file is empty."))])
    headers = [_header_key(cell) for cell in header]
    aliases = {alias: name for name, accepted in COLUMNS.items() for alias in accepted}
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    for index, key in enumerate(headers):
        name = aliases.get(key)
        if name is None:
            continue  # other columns CNIPA exports (IPC, inventors, ...) are ignored
        if name in columns:
            errors.append(
                RowError(header_line, _("The column %(column)s appears twice.") % {"column": header[index].strip()})
            )
        columns[name] = index
    missing = [COLUMNS[name] for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        names = "、".join(" / ".join(accepted) for accepted in missing)
        errors.append(RowError(header_line, _("The header lacks the columns %(columns)s.") % {"columns": names}))
    if errors:
        return TransferFile(errors=errors)
    parsed = TransferFile(headers={name: header[index].strip().lstrip("\ufeff") for name, index in columns.items()})
    reader = _RowReader(columns, parsed.headers)
    rows, errors = parsed.rows, parsed.errors
    try:
        for line, record in records:
            if not any(cell.strip() for cell in record):
                continue
            parsed.records += 1
            if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
                errors.append(RowError(line, _("This row has more cells than the header has columns.")))
                continue
            row, problems = reader.read(line, record)
            errors.extend(RowError(line, problem) for problem in problems)
            if row:
                rows.append(row)
    except csv.Error as error:
        errors.append(RowError(None, _("The file is not valid CSV: %(error)s") % {"error": error}))
    if not parsed.records and not errors:
        errors.append(RowError(None, _("The file has a header but no records.")))
    return parsed


# Checking against the registry -------------------------------------------------------------------------------------


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


class _Plan:
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
        self._check_grant_dates()
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
        # What the whole file says about organisations the registry lacks: the first line wins.
        code_of: dict[str, tuple[str, int]] = {}
        name_of: dict[str, tuple[str, int]] = {}
        province_of_name: dict[str, str] = {}
        for row in sorted(self.rows, key=lambda row: row.line):
            for party in (*row.assignors, *row.assignees):
                if party.credit_code and party.credit_code not in by_code:
                    code_of.setdefault(party.name, (party.credit_code, row.line))
                    name_of.setdefault(party.credit_code, (party.name, row.line))
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
            self.errors.extend(RowError(row.line, problem) for problem in problems)

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
            if registered:
                problems.append(
                    _("%(name)s is registered with the credit code %(registered)s, not %(given)s.")
                    % {"name": party.name, "registered": registered.credit_code, "given": party.credit_code}
                )
                return None
            first_code, first_line = code_of[party.name]
            if first_code != party.credit_code:
                problems.append(
                    _("%(name)s has the credit code %(first)s on line %(line)d and %(given)s here.")
                    % {"name": party.name, "first": first_code, "line": first_line, "given": party.credit_code}
                )
                return None
            first_name, first_line = name_of[party.credit_code]
            if first_name != party.name:
                problems.append(
                    _("The credit code %(code)s belongs to %(first)s on line %(line)d, not to %(name)s.")
                    % {"code": party.credit_code, "first": first_name, "line": first_line, "name": party.name}
                )
                return None
        else:
            organisation = by_name.get(party.name)
            if organisation:
                return organisation
            if party.name not in code_of:
                problems.append(
                    _(
                        "%(name)s is not in the registry yet: give its unified social credit code in a "
                        "%(column)s column so that it can be added."
                    )
                    % {"name": party.name, "column": self.column(f"{side}_codes")}
                )
                return None
        return self._new_organisation(party.name, code_of[party.name][0], side, province_of_name, problems)

    def _new_organisation(self, name, credit_code, side, province_of_name, problems) -> Organisation | None:
        """The organisation to add (unsaved), checked once however many rows name it."""
        if name not in self.new_organisations and name not in self._new_problems:
            province = province_of_name.get(name) or _province_from_credit_code(credit_code)
            found: list[str] = []
            if not province:
                found.append(
                    _("The province of %(name)s cannot be told from its credit code; give it in a %(column)s column.")
                    % {"name": name, "column": self.column(f"{side}_provinces")}
                )
            else:
                organisation = Organisation(
                    kind=_kind_from_name(name),
                    name_zh=name,
                    credit_code=credit_code,
                    province=province,
                    city=_city_from_credit_code(credit_code, province),
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

    def _check_grant_dates(self) -> None:
        """A patent the file says was granted needs a grant date, from the registry or from the file.

        Also notes, per patent, its latest row (whose legal status is the one applied) and the
        first grant date, title and IPC code the file gives.
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
        for number, row in latest.items():
            patent = self.patents.get(number)
            has_grant_date = bool(grant_dates.get(number) or (patent and patent.grant_date))
            if row.status in GRANTED_STATUSES and not has_grant_date:
                self.errors.append(
                    RowError(
                        row.line,
                        _(
                            "The legal status says patent %(number)s was granted, but the registry does not know "
                            "its grant date: give it in a %(column)s column."
                        )
                        % {"number": number, "column": self.column("grant_date")},
                    )
                )
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
            if grant_date and not current_grant and row.status not in (LegalStatus.PENDING, LegalStatus.WITHDRAWN):
                change["grant_date"] = grant_date
            if change:
                changes.append((row, change))
        return changes


# Importing ---------------------------------------------------------------------------------------------------------


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


class _Importer:
    def __init__(self, plan: _Plan, actor, result: ImportResult) -> None:
        self.plan = plan
        self.actor = actor
        self.result = result

    def organisation(self, party: Party) -> Organisation:
        organisation = party.organisation
        if organisation.pk is None:
            organisation.full_clean()
            organisation.save()
            audit_record(
                actor=self.actor,
                action="organisation.create",
                target=organisation,
                summary=organisation.name_zh,
                data={"source": "import_transfers"},
            )
            self.result.organisations_created += 1
        return organisation

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
        )

    def update_status(self, row: TransferRow, change: dict) -> None:
        patent = self.plan.patents[row.number]
        self.plan.patents[row.number] = services.patent_update(actor=self.actor, patent=patent, **change)


def transfers_import(
    *, data: bytes, actor=None, dry_run: bool = False, progress: ProgressCallback | None = None
) -> ImportResult:
    """Import a CSV file of CNIPA assignment records: all its rows, or (if any row is bad) nothing.

    ``actor`` is the platform staff member importing, or None for the system.
    ``dry_run`` checks the file against the registry and counts what would be
    imported, writing nothing; the ledger's own rules (for example, that the
    assignors are the current holders) are checked only when writing.
    ``progress(done, total)`` is called after each row written.
    """
    if actor is not None and not permissions.can_record_entries(actor):
        raise PermissionDenied
    parsed = read_transfers(data)
    result = ImportResult(rows=parsed.records, dry_run=dry_run)
    if parsed.errors:
        result.errors = sorted(parsed.errors, key=lambda error: error.line or 0)
        return result
    rows = parsed.rows
    plan = _Plan(rows, parsed.headers)
    if plan.errors:
        result.errors = sorted(plan.errors, key=lambda error: error.line or 0)
        return result
    ordered = sorted(rows, key=lambda row: row.order)
    if dry_run:
        _simulate(plan, ordered, result)
        return result
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
    except _RowFailed as failure:
        return ImportResult(rows=result.rows, errors=[failure.error], dry_run=dry_run)
    return result


def _guarded(row: TransferRow, function, *args) -> None:
    try:
        function(*args)
    except (RegistryError, ValidationError, IntegrityError) as error:
        raise _RowFailed(RowError(row.line, _message(error))) from error


def _simulate(plan: _Plan, ordered: list[TransferRow], result: ImportResult) -> None:
    new_patents: set[str] = set()
    new_organisations: set[str] = set()
    for row in ordered:
        if plan.is_recorded(row):
            result.skipped += 1
            continue
        result.created += 1
        plan.record(row)
        if row.number not in plan.patents:
            new_patents.add(row.number)
        new_organisations.update(p.name for p in (*row.assignors, *row.assignees) if p.organisation.pk is None)
    result.patents_created = len(new_patents)
    result.organisations_created = len(new_organisations)
    result.statuses_updated = len(plan.status_changes())
