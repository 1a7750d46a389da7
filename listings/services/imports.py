"""Bulk import of listings from a CSV file, for ``manage.py import_listings`` and the organisation's import page.

The file
--------
Text in UTF-8 (with or without a byte-order mark) or GB18030, values separated
by commas (a tab-separated file is read too), the first row naming the columns
in Chinese or by their English aliases (see :data:`COLUMNS`). Each further row
is one listing of the organisation; empty rows are skipped. Row numbers in
messages are the spreadsheet's: the header is row 1.

Cells:

- ``类型``: 单项专利, 专利组合, 软件著作权, 技术秘密, 植物新品种, 集成电路布图设计 or
  其他科技成果 (or the English code, e.g. ``patent``).
- ``技术领域``: the Chinese name of a technology field on the platform's list
  (新能源) or its code (``new-energy``).
- ``技术成熟度``: a level from 1 to 9 (``6``, ``TRL6`` and ``6级`` are read alike).
- ``专利申请号``: application numbers from the registry, in any form people write
  them, several separated by ``；``, ``;``, commas or spaces.
- ``交易方式``: the deal modes offered with their indicative prices in yuan, e.g.
  ``转让:500000；普通许可:面议；开放许可:2万（每年）``. Each term is a mode (转让,
  独占许可, 排他许可, 普通许可, 开放许可, 先使用后付费, 作价入股, 合作开发), then
  ``:`` and a price (``500000``, ``50万``, ``500,000元``) or 面议 (negotiable; a mode
  without a price is negotiable too), then an optional note in brackets. Terms are
  separated by ``；``, ``;``, ``、`` or line breaks.

These words are the file format: they are fixed here rather than read from the
translation catalogue, so that a file that imports today imports tomorrow.

How it imports
--------------
The file is refused as a whole (nothing read further) when it is empty, too
large, not CSV text (a workbook, a PDF, an image or a web page renamed .csv),
has too many rows or lacks required columns. Otherwise every row goes, inside
one transaction, through :func:`listings.services.listings.listing_create`, so
the checks are the ones the listing form gets: the organisation holds the
patents, the deal-mode rules, the fields' own validation. Rows become drafts the
organisation reviews and submits. Every bad row is reported with each column's
problem; if there is any, or in a dry run, the transaction is rolled back and
nothing is written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ip_registry.models import Patent
from ip_registry.numbers import split_numbers
from ip_registry.selectors import patents_for_numbers
from techmarket import csvexport, csvfile
from techmarket.accounts.models import Organisation
from techmarket.audit.services import audit_record
from techmarket.csvfile import FileRefused, RowError
from techmarket.regions.models import TechnologyField

from .. import permissions
from ..choices import DealMode, ListingKind, ReadinessLevel
from ..exceptions import ListingError
from ..models import Listing
from .listings import Term, listing_create

ProgressCallback = Callable[[int, int], None]

# Defaults of the limits (settings LISTING_IMPORT_MAX_BYTES and LISTING_IMPORT_MAX_ROWS override them). The web
# page carries the previewed file, signed, in a hidden field, so its size stays well below Django's request limit.
DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_ROWS = 500

# Accepted headers of each column, Chinese first (the first one is the template's), compared without spaces and
# case, full-width characters folded, a trailing * (a "required" mark) ignored.
COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": ("类型", "成果类型", "kind"),
    "title_zh": ("标题", "成果名称", "title_zh", "title"),
    "title_en": ("英文标题", "title_en"),
    "summary_zh": ("摘要", "成果简介", "summary_zh", "summary"),
    "summary_en": ("英文摘要", "summary_en"),
    "problem": ("解决的问题", "problem"),
    "advantages": ("技术优势", "advantages"),
    "applications": ("应用场景", "applications"),
    "field": ("技术领域", "field"),
    "trl": ("技术成熟度", "trl"),
    "patents": ("专利申请号", "专利号", "patents"),
    "terms": ("交易方式", "deal_modes", "terms"),
    "contact_name": ("联系人", "contact_name"),
    "contact_phone": ("联系电话", "联系手机", "contact_phone"),
    "contact_email": ("联系邮箱", "contact_email"),
    "co_owner_consent": ("共有人同意", "co_owner_consent"),
}
REQUIRED_COLUMNS = ("kind", "title_zh", "summary_zh", "field", "trl", "terms", "contact_name")
TEXT_COLUMNS = (
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "problem",
    "advantages",
    "applications",
    "contact_name",
    "contact_email",
)

# What each column takes, for the import page and the command's help.
COLUMN_HELP: dict[str, str] = {
    "kind": gettext_lazy("单项专利, 专利组合, 软件著作权, 技术秘密, 植物新品种, 集成电路布图设计 or 其他科技成果."),
    "title_zh": gettext_lazy("The title in Chinese, at most 120 characters."),
    "title_en": gettext_lazy("The title in English (optional)."),
    "summary_zh": gettext_lazy("A non-confidential summary in Chinese: everyone can read it once published."),
    "summary_en": gettext_lazy("The summary in English (optional)."),
    "problem": gettext_lazy("The problem the technology solves (optional)."),
    "advantages": gettext_lazy("Its advantages over existing solutions (optional)."),
    "applications": gettext_lazy("Where it can be applied (optional)."),
    "field": gettext_lazy("A technology field on the platform's list, by its Chinese name (e.g. 新能源) or code."),
    "trl": gettext_lazy("Technology readiness level, 1 to 9."),
    "patents": gettext_lazy(
        "Application numbers of patents your organisation holds in the registry, separated by ；. "
        "One for a single patent, two or more for a portfolio."
    ),
    "terms": gettext_lazy(
        "Deal modes with indicative prices in yuan, separated by ；, e.g. 转让:500000；普通许可:面议. "
        "Modes: 转让, 独占许可, 排他许可, 普通许可, 开放许可, 先使用后付费, 作价入股, 合作开发. "
        "A price may be written 50万; 面议 or no price means negotiable; a note may follow in brackets."
    ),
    "contact_name": gettext_lazy("The contact person."),
    "contact_phone": gettext_lazy("The contact's mobile number; give it or an e-mail address."),
    "contact_email": gettext_lazy("The contact's e-mail address."),
    "co_owner_consent": gettext_lazy(
        "是 when every co-owner of co-owned patents consents to an assignment or an exclusive or sole licence "
        "(专利法第十四条); otherwise leave it empty."
    ),
}
YES_WORDS = ("是", "同意", "已同意", "yes", "y", "true", "1", "√")
NO_WORDS = ("", "否", "不同意", "no", "n", "false", "0")

# The file's words for kinds and deal modes (the first one is the one the template and messages use).
KIND_WORDS: dict[str, tuple[str, ...]] = {
    ListingKind.PATENT: ("单项专利", "专利", "单个专利"),
    ListingKind.PORTFOLIO: ("专利组合", "专利包"),
    ListingKind.SOFTWARE: ("软件著作权", "软著", "计算机软件著作权"),
    ListingKind.KNOW_HOW: ("技术秘密", "专有技术", "技术诀窍"),
    ListingKind.PLANT_VARIETY: ("植物新品种",),
    ListingKind.IC_LAYOUT: ("集成电路布图设计", "布图设计"),
    ListingKind.ACHIEVEMENT: ("其他科技成果", "科技成果", "其他"),
}
DEAL_MODE_WORDS: dict[str, tuple[str, ...]] = {
    DealMode.ASSIGNMENT: ("转让", "专利转让", "技术转让"),
    DealMode.EXCLUSIVE_LICENCE: ("独占许可",),
    DealMode.SOLE_LICENCE: ("排他许可",),
    DealMode.ORDINARY_LICENCE: ("普通许可",),
    DealMode.OPEN_LICENCE: ("开放许可",),
    DealMode.PAY_LATER: ("先使用后付费", "先用后付", "先用后转"),
    DealMode.EQUITY: ("作价入股", "作价投资", "技术入股"),
    DealMode.JOINT_DEVELOPMENT: ("合作开发", "联合开发"),
}
NEGOTIABLE_WORDS = ("面议", "议价", "协商", "待议", "negotiable")

# A listing's model fields (as the service's errors name them) -> the file's column.
_FIELD_COLUMN = {name: name for name in COLUMNS} | {"deal_terms": "terms"}

_TERM = re.compile(r"^(?P<mode>[^:：]+?)\s*(?:[:：]\s*(?P<price>[^（(]*?))?\s*(?:[（(](?P<note>[^）)]*)[）)])?$")
_PRICE = re.compile(r"^(?P<amount>\d+(?:\.\d+)?)(?P<unit>万|亿)?元?$")


def max_bytes() -> int:
    return getattr(settings, "LISTING_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_rows() -> int:
    return getattr(settings, "LISTING_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


@dataclass
class RowReport:
    """One row of the file as the import saw it."""

    row: int
    title: str
    kind: str = ""  # as written in the file
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    """What an import did or, in a dry run, would do. With any error nothing was written and ``created`` is empty."""

    rows: list[RowReport] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # titles of the drafts created (or that a dry run would create)
    errors: list[RowError] = field(default_factory=list)  # every problem, the file's first, then row by row
    ignored_columns: list[str] = field(default_factory=list)  # headers the import does not know, left out
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def file_errors(self) -> list[RowError]:
        return [error for error in self.errors if error.row is None]

    @property
    def bad_rows(self) -> list[RowReport]:
        return [row for row in self.rows if not row.ok]


# Reading -------------------------------------------------------------------------------------------------------


def _split_terms(text: str) -> list[str]:
    """The terms of a deal-mode cell: split at ；, ;, 、 and line breaks, except inside a note's brackets."""
    items, current, depth = [], [], 0
    for char in text + "\n":
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        if depth == 0 and char in ";；、\r\n":
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    return [item for item in items if item]


def _word_lookup(words: dict[str, tuple[str, ...]], choices) -> dict[str, str]:
    """The file's words, the codes, and the labels in English and in the current language, to their values."""
    lookup = {csvfile.key(value): value for value in choices.values}
    for value, label in choices.choices:
        lookup[csvfile.key(str(label))] = value
        with translation.override("en"):
            lookup[csvfile.key(str(label))] = value
    for value, accepted in words.items():
        for word in accepted:
            lookup[csvfile.key(word)] = value
    return lookup


def _word_list(words: dict[str, tuple[str, ...]]) -> str:
    return "、".join(accepted[0] for accepted in words.values())


@dataclass
class _Row:
    """A row turned into what ``listing_create`` takes, and what was wrong with its cells (by column name)."""

    number: int
    cells: dict[str, str]
    fields: dict = field(default_factory=dict)
    patents: list = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    problems: dict[str, list[str]] = field(default_factory=dict)

    def problem(self, column: str, message: str) -> None:
        self.problems.setdefault(column, []).append(message)


class _Reader:
    """Turns each row's cells into a listing's fields: technology fields read once, patents through the registry's
    selector row by row, as the listing form reads them."""

    def __init__(self, organisation: Organisation, headers: dict[str, str]) -> None:
        self.organisation = organisation
        self.headers = headers
        self.kinds = _word_lookup(KIND_WORDS, ListingKind)
        self.modes = _word_lookup(DEAL_MODE_WORDS, DealMode)
        self.negotiable = {csvfile.key(word) for word in NEGOTIABLE_WORDS} | {csvfile.key(str(_("negotiable")))}
        self.fields: dict[str, TechnologyField] = {}
        active = list(TechnologyField.objects.active())
        for technology_field in active:
            for name in (technology_field.slug, technology_field.name_zh, technology_field.name_en):
                self.fields[csvfile.key(name)] = technology_field
        self.field_names = "、".join(f.name_zh for f in active)
        self.titles = dict(
            Listing.objects.of_organisation(organisation).values_list("title_zh", "status").order_by("created_at")
        )

    def header(self, name: str) -> str:
        return self.headers.get(name) or COLUMNS[name][0]

    def read(self, row: _Row) -> None:
        cells = row.cells
        for name in TEXT_COLUMNS:
            if name in self.headers:
                row.fields[name] = cells.get(name, "").strip().replace("\r\n", "\n")
        phone = cells.get("contact_phone", "").strip()
        row.fields["contact_phone"] = phone or None
        row.fields["kind"] = self._kind(row)
        row.fields["field"] = self._field(row)
        row.fields["trl"] = self._trl(row)
        row.fields["co_owner_consent"] = self._yes(row, "co_owner_consent")
        row.patents = self._patents(row)
        row.terms = self._terms(row)

    def _yes(self, row: _Row, column: str) -> bool:
        text = csvfile.key(csvfile.fold(row.cells.get(column, "")))
        if text in {csvfile.key(word) for word in YES_WORDS}:
            return True
        if text not in {csvfile.key(word) for word in NO_WORDS}:
            row.problem(column, _("Write 是 or leave it empty."))
        return False

    def _kind(self, row: _Row) -> str:
        text = csvfile.fold(row.cells.get("kind", ""))
        if not text:
            row.problem("kind", _("Write the kind, e.g. %(kinds)s.") % {"kinds": _word_list(KIND_WORDS)})
            return ""
        kind = self.kinds.get(csvfile.key(text))
        if kind is None:
            row.problem(
                "kind",
                _("%(value)s is not a kind of listing; use one of %(kinds)s.")
                % {"value": text, "kinds": _word_list(KIND_WORDS)},
            )
            return ""
        return kind

    def _field(self, row: _Row) -> TechnologyField | None:
        text = csvfile.fold(row.cells.get("field", ""))
        if not text:
            row.problem("field", _("Write the technology field, e.g. %(fields)s.") % {"fields": self.field_names})
            return None
        technology_field = self.fields.get(csvfile.key(text))
        if technology_field is None:
            row.problem(
                "field",
                _("%(value)s is not a technology field on the platform's list; use one of %(fields)s.")
                % {"value": text, "fields": self.field_names},
            )
        return technology_field

    def _trl(self, row: _Row) -> int | None:
        text = csvfile.fold(row.cells.get("trl", ""))
        compact = re.sub(r"\s+", "", text).upper().removeprefix("TRL").removesuffix("级")
        if compact.isdigit() and int(compact) in ReadinessLevel.values:
            return int(compact)
        if not text:
            row.problem("trl", _("Write the technology readiness level, a number from 1 to 9."))
        else:
            row.problem(
                "trl",
                _("%(value)s is not a technology readiness level; write a number from 1 to 9.") % {"value": text},
            )
        return None

    def _patents(self, row: _Row) -> list[Patent]:
        numbers = split_numbers(row.cells.get("patents", ""))
        try:
            return patents_for_numbers(numbers=numbers, organisation=self.organisation)
        except ValidationError as error:
            for message in error.messages:
                row.problem("patents", message)
            return []

    def _terms(self, row: _Row) -> list[Term]:
        items = _split_terms(row.cells.get("terms", ""))
        if not items:
            row.problem(
                "terms",
                _("Write at least one deal mode, e.g. %(example)s.") % {"example": "转让:500000；普通许可:面议"},
            )
            return []
        terms = []
        for item in items:
            match = _TERM.match(item)
            mode = self.modes.get(csvfile.key(match["mode"])) if match else None
            if mode is None:
                row.problem(
                    "terms",
                    _("%(value)s is not a deal mode with a price; write e.g. 转让:500000 with a mode of %(modes)s.")
                    % {"value": item, "modes": _word_list(DEAL_MODE_WORDS)},
                )
                continue
            try:
                price = self._price(match["price"] or "")
            except ValueError:
                row.problem(
                    "terms",
                    _("%(value)s: %(price)s is not a price; write yuan as 500000 or 50万, or 面议 for negotiable.")
                    % {"value": item, "price": match["price"]},
                )
                continue
            terms.append(Term(mode, price, (match["note"] or "").strip()))
        return terms

    def _price(self, text: str) -> Decimal | None:
        """The price in yuan, None when negotiable; ValueError when the text is not a price."""
        compact = re.sub(r"[\s,¥]|RMB|CNY|人民币", "", csvfile.fold(text), flags=re.IGNORECASE)
        if not compact or csvfile.key(compact) in self.negotiable:
            return None
        match = _PRICE.match(compact)
        if match is None:
            raise ValueError(text)
        try:
            amount = Decimal(match["amount"])
        except InvalidOperation:
            raise ValueError(text) from None
        multiplier = {"万": 10_000, "亿": 100_000_000}.get(match["unit"] or "", 1)
        return amount * multiplier


# Importing -----------------------------------------------------------------------------------------------------


def _messages(error: Exception) -> dict[str, list[str]]:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return error.message_dict
        return {"": error.messages}
    return {"": [str(error)]}


def _check_organisation(actor, organisation: Organisation) -> None:
    if actor is not None:
        if not permissions.can_create_listing(actor, organisation):
            raise PermissionDenied
    elif not permissions.is_supplier(organisation):
        raise ListingError(
            _("%(org)s is not a verified university or research institute, so it cannot list technologies.")
            % {"org": organisation.name_zh}
        )


def _read_file(data: bytes) -> tuple[list[_Row], dict[str, str], list[str]]:
    """The data rows with their spreadsheet row numbers, the headers as written, the ignored headers."""
    try:
        table = csvfile.read_table(
            data, columns=COLUMNS, required=REQUIRED_COLUMNS, max_bytes=max_bytes(), max_rows=max_rows()
        )
    except FileRefused as refusal:
        if refusal.code == "no_header":  # most likely not made from the template, which the page offers
            advice = _("Download the template to start from.")
            raise FileRefused(f"{refusal} {advice}", code=refusal.code) from None
        raise
    rows = []
    for record in table.rows:
        row = _Row(number=record.number, cells=record.cells)
        if record.problem:
            row.problem("", record.problem)
        rows.append(row)
    return rows, table.headers, table.ignored


def listings_import(
    *,
    actor,
    organisation: Organisation,
    data: bytes,
    filename: str = "",
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Create a draft listing of ``organisation`` for every row of a CSV file: all of them, or none.

    ``actor`` is the member importing (checked like the listing form), or None for the platform itself (the
    management command, which checks the organisation). Every row is tried, so that every bad row is reported;
    if any is bad, or in a dry run, everything is rolled back. ``progress(done, total)`` follows the rows.
    Raises PermissionDenied, or ListingError when the organisation may not list technologies.
    """
    _check_organisation(actor, organisation)
    report = ImportReport(dry_run=dry_run)
    try:
        rows, headers, report.ignored_columns = _read_file(data)
    except FileRefused as refusal:
        report.errors = [RowError(None, str(refusal))]
        return report
    seen: dict[str, int] = {}
    created: list[Listing] = []
    with transaction.atomic():
        # One import per organisation at a time: a second one (a double-clicked confirmation) waits here, then
        # sees the first one's titles and refuses the duplicates.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        reader = _Reader(organisation, headers)
        for done, row in enumerate(rows, start=1):
            reader.read(row)
            title = row.fields.get("title_zh", "")
            _check_duplicate(row, title, seen, reader.titles)
            # Cells already reported are not reported again from the service; nor, when the kind is not
            # understood, the patents and deal modes, whose rules depend on it.
            reported = set(row.problems) - {""}
            if "kind" in reported:
                reported |= {"patents", "terms"}
            try:
                created.append(
                    listing_create(
                        actor=actor, organisation=organisation, terms=row.terms, patents=row.patents, **row.fields
                    )
                )
            except (ValidationError, IntegrityError, ListingError) as error:
                for name, messages in _messages(error).items():
                    column = _FIELD_COLUMN.get(name, "")
                    if column not in reported:
                        for message in messages:
                            row.problem(column, message)
            report.rows.append(_row_report(row, reader))
            if progress:
                progress(done, len(rows))
        report.errors = [error for row_report in report.rows for error in row_report.errors]
        if report.errors or dry_run:
            transaction.set_rollback(True)
        if report.errors:
            return report
        report.created = [listing.title_zh for listing in created]
        if not dry_run:
            audit_record(
                actor=actor,
                action="listing.import",
                target=organisation,
                summary=ngettext(
                    "%(count)d listing imported as a draft from %(file)s",
                    "%(count)d listings imported as drafts from %(file)s",
                    len(created),
                )
                % {"count": len(created), "file": filename or _("a CSV file")},
                data={
                    "file": filename,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "listings": [listing.pk for listing in created],
                },
            )
    return report


def _check_duplicate(row: _Row, title: str, seen: dict[str, int], existing: dict[str, str]) -> None:
    if not title:
        return
    if title in seen:
        row.problem("title_zh", _("Row %(row)d has the same title.") % {"row": seen[title]})
    elif title in existing:
        row.problem(
            "title_zh",
            _("Your organisation already has a listing with this title (%(status)s); this row would duplicate it.")
            % {"status": Listing(status=existing[title]).get_status_display()},
        )
    seen.setdefault(title, row.number)


def _row_report(row: _Row, reader: _Reader) -> RowReport:
    order = ["", *COLUMNS]
    errors = [
        RowError(row.number, message, column=reader.header(column) if column else "")
        for column in sorted(row.problems, key=order.index)
        for message in row.problems[column]
    ]
    cells = row.cells
    return RowReport(
        row=row.number, title=cells.get("title_zh", "").strip(), kind=cells.get("kind", "").strip(), errors=errors
    )


# The template ----------------------------------------------------------------------------------------------------


def import_template(organisation: Organisation) -> str:
    """A CSV file with the header and one example row, with a patent the organisation holds if it has one."""
    patent = Patent.objects.held_by(organisation).order_by("application_number").first()
    technology_field = TechnologyField.objects.active().first()
    example = {
        "kind": KIND_WORDS[ListingKind.PATENT][0] if patent else KIND_WORDS[ListingKind.KNOW_HOW][0],
        "title_zh": "一种高镍三元锂电池正极材料的制备方法",
        "title_en": "Preparation of a high-nickel ternary cathode material for lithium batteries",
        "summary_zh": "采用共沉淀与两段烧结工艺制备高镍三元正极材料，循环寿命较现有产品提高约30%，适合规模化生产。",
        "summary_en": "",
        "problem": "高镍正极材料循环过程中容量衰减快、热稳定性差。",
        "advantages": "工艺与现有产线兼容，无需新增设备；原料成本降低约10%。",
        "applications": "动力电池、储能电站、电动工具电池。",
        "field": technology_field.name_zh if technology_field else "",
        "trl": "6",
        "patents": patent.application_number if patent else "",
        "terms": "转让:800000；普通许可:面议",
        "contact_name": "王老师",
        "contact_phone": "",
        "contact_email": "tech-transfer@example.edu.cn",
        "co_owner_consent": "",
    }
    # Through the one CSV writer: the field's name and the patent number come from the database.
    return csvexport.csv_text([[COLUMNS[name][0] for name in COLUMNS], [example[name] for name in COLUMNS]])
