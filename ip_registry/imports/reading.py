"""Reading a file of CNIPA assignment records into rows, without the database (phase 1, first half)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from techmarket import csvfile
from techmarket.accounts.validators import normalize_credit_code, validate_credit_code
from techmarket.csvfile import FileRefused, RowError
from techmarket.regions import gbt2260

from ..choices import LegalStatus
from ..models import Patent
from ..numbers import InvalidPatentNumber, parse_application_number
from ..validators import normalize_ipc, validate_ipc
from .parties import PARTY_SEPARATOR, Party

# Accepted headers of each column (compared by :func:`techmarket.csvfile.key`), the first one the one messages name.
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
    "专利权有效": LegalStatus.VALID,
    "有权": LegalStatus.VALID,
    "审中": LegalStatus.PENDING,
    "在审": LegalStatus.PENDING,
    "公开": LegalStatus.PENDING,
    "实质审查": LegalStatus.PENDING,
    "实质审查的生效": LegalStatus.PENDING,
    "驳回": LegalStatus.REJECTED,
    "申请驳回": LegalStatus.REJECTED,
    "发明专利申请公布后的驳回": LegalStatus.REJECTED,
    "年费滞纳期": LegalStatus.GRACE_PERIOD,
    "滞纳期": LegalStatus.GRACE_PERIOD,
    "等年费滞纳金": LegalStatus.GRACE_PERIOD,
    "未缴年费专利权终止": LegalStatus.LAPSED,
    "未缴年费终止": LegalStatus.LAPSED,
    "专利权的终止(未缴年费)": LegalStatus.LAPSED,
    "失效": LegalStatus.LAPSED,
    "期限届满": LegalStatus.EXPIRED,
    "专利权期限届满": LegalStatus.EXPIRED,
    "期限届满终止": LegalStatus.EXPIRED,
    "届满": LegalStatus.EXPIRED,
    "部分无效": LegalStatus.PARTLY_INVALIDATED,
    "专利权部分无效": LegalStatus.PARTLY_INVALIDATED,
    "无效": LegalStatus.INVALIDATED,
    "全部无效": LegalStatus.INVALIDATED,
    "专利权全部无效": LegalStatus.INVALIDATED,
    "撤回": LegalStatus.WITHDRAWN,
    "视为撤回": LegalStatus.WITHDRAWN,
    "主动撤回": LegalStatus.WITHDRAWN,
    "申请撤回": LegalStatus.WITHDRAWN,
    "发明专利申请公布后的视为撤回": LegalStatus.WITHDRAWN,
    "发明专利申请公布后的撤回": LegalStatus.WITHDRAWN,
    **{status.value: status for status in LegalStatus},
}
KNOWN_STATUS_EXAMPLES = (
    "有效、专利权维持、审中、驳回、年费滞纳期、未缴年费专利权终止、期限届满、部分无效、全部无效、视为撤回"
)

_DATE_FORMS = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[T\s]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?$"),
)


@dataclass
class TransferRow:
    row_number: int  # the spreadsheet's, the header being row 1
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
        return (self.registration_date, self.row_number)


def parse_date(text: str) -> datetime.date:
    """A date in any of the forms CNIPA data and spreadsheets use; ValueError if it is not one."""
    folded = csvfile.fold(text)
    for form in _DATE_FORMS:
        match = form.match(folded)
        if match:
            return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
    raise ValueError(text)


def legal_status_of(text: str) -> str | None:
    """The status CNIPA's wording names; one written in parts (审中/实质审查) names it when every part agrees."""
    folded = re.sub(r"\s+", "", csvfile.fold(text))
    if folded in LEGAL_STATUS_TEXT:
        return LEGAL_STATUS_TEXT[folded]
    statuses = {LEGAL_STATUS_TEXT.get(part) for part in folded.split("/")}  # NFKC has made ／ a /
    return statuses.pop() if len(statuses) == 1 else None


def province_of(text: str) -> str | None:
    """A province code from a province's name (上海, 江苏省) or any GB/T 2260 code in it; None if unknown."""
    folded = re.sub(r"\s+", "", csvfile.fold(text))
    if re.fullmatch(r"\d{2}(\d{4})?", folded):
        code = folded[:2] + "0000"
        return code if gbt2260.is_province(code) and gbt2260.get_division(code).current else None
    if len(folded) < 2:
        return None
    matches = [p.code for p in gbt2260.provinces() if p.name == folded or p.name.startswith(folded)]
    return matches[0] if len(matches) == 1 else None


class CellReader:
    """Reads the cells of one record, each into its value or into the reasons it cannot be one.

    Shared by the registry's imports; each adds its ``read`` of a whole record.
    """

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers
        self.today = timezone.localdate()

    def header(self, name: str) -> str:
        return self.headers[name]

    def cell(self, record: dict[str, str], name: str) -> str:
        return record.get(name, "").strip()

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
        if name not in self.headers:
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
        parties = [Party(name=name.strip()) for name in PARTY_SEPARATOR.split(self.cell(record, names))]
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
            values = [value.strip() for value in PARTY_SEPARATOR.split(code_cell)]
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
            values = [value.strip() for value in PARTY_SEPARATOR.split(province_cell)]
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


class _RowReader(CellReader):
    """Turns one record into a :class:`TransferRow`, or into the reasons it cannot be one."""

    def read(self, row_number: int, record: dict[str, str]) -> tuple[TransferRow | None, list[str]]:
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
                row_number=row_number,
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


@dataclass
class TransferFile:
    """A parsed file: its good rows, what is wrong with the others, and the header each column has in it."""

    rows: list[TransferRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    records: int = 0  # data rows read, good or bad (blank rows are not counted)


def read_transfers(data: bytes) -> TransferFile:
    """Phase 1, first half: decode and parse the file, without looking at the database."""
    try:
        table = csvfile.read_table(data, columns=COLUMNS, required=REQUIRED_COLUMNS)
    except FileRefused as refusal:
        return TransferFile(errors=[RowError(None, str(refusal))])
    # Other columns CNIPA exports (inventors, abstracts, ...) are left out.
    parsed = TransferFile(headers=table.headers, records=len(table.rows))
    reader = _RowReader(parsed.headers)
    for record in table.rows:
        if record.problem:
            parsed.errors.append(RowError(record.number, record.problem))
            continue
        row, problems = reader.read(record.number, record.cells)
        parsed.errors.extend(RowError(record.number, problem) for problem in problems)
        if row:
            parsed.rows.append(row)
    return parsed
