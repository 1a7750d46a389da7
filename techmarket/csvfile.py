"""Reading an uploaded CSV file into rows: the one reader behind every import (listings, registry transfers).

What a file may be
------------------
Text in UTF-8 (with or without a byte-order mark) or GB18030, values separated
by commas (a tab-separated file is read too), the first row naming the columns.
Headers are compared loosely (:func:`key`): full-width characters folded, spaces
and case ignored, a trailing ``*`` (a spreadsheet's "required" mark) dropped, so
that ``申请号``, ``申请号 *`` and ``申请号`` typed in full width are one column.
Blank rows are skipped. Rows are numbered as a spreadsheet numbers them: the
header is row 1, and a row whose quoted cell holds a line break is still one row.

A file that cannot be read as a whole raises :class:`FileRefused`, whose message
says what to do; what is wrong with one row is the importer's to say, as a
:class:`RowError`. Every message here is translated, and the same for every
import, whatever the file is for.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Files that are not text, by their first bytes: each one is named, so that the user knows what they picked.
_SIGNATURES = (
    (b"PK\x03\x04", gettext_lazy("This is a spreadsheet workbook (or another zip file), not CSV text.")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("This is an Excel 97-2003 workbook, not CSV text.")),
    (b"%PDF", gettext_lazy("This is a PDF document, not CSV text.")),
    (b"\x89PNG", gettext_lazy("This is an image, not CSV text.")),
    (b"\xff\xd8\xff", gettext_lazy("This is an image, not CSV text.")),
    (b"GIF8", gettext_lazy("This is an image, not CSV text.")),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # no text file has these


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why and what to do.

    ``code`` tells the kinds apart for a caller that adds advice of its own (``"no_header"``: the first row
    names no known column, so the file was probably not made from the importer's template).
    """

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RowError:
    """One problem: the row (``None`` for the file as a whole), the message, the column as headed in the file."""

    row: int | None
    message: str
    column: str = ""

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _("row %(row)d, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class Row:
    """One data row: its spreadsheet row number and its cells by column name, as written ("" when missing)."""

    number: int
    cells: dict[str, str]
    problem: str = ""  # what is wrong with the row as a whole, if anything; its cells are then not to be trusted


@dataclass
class Table:
    """A file read: the header of each known column as written, the headers not known, the data rows."""

    headers: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def fold(text: str) -> str:
    """Full-width characters (ＣＮ２０２３，１２３) to their ordinary forms, surrounding spaces removed."""
    return unicodedata.normalize("NFKC", text or "").strip()


def key(text: str) -> str:
    """What a header (or a word of the file's vocabulary) is compared by: folded, without spaces, case or a ``*``."""
    return re.sub(r"\s+", "", fold(text).lstrip("\ufeff")).rstrip("*").lower()


def _save_as_csv() -> str:
    return _("Save the sheet as CSV (UTF-8) and upload that file.")


def decode(data: bytes, *, max_bytes: int | None = None) -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped), else GB18030. Raises FileRefused for anything else."""
    if not data.strip():
        raise FileRefused(_("The file is empty."), code="empty")
    if max_bytes is not None and len(data) > max_bytes:
        raise FileRefused(
            _("The file is %(size)s; at most %(limit)s can be imported at once. Split it into several files.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    for signature, message in _SIGNATURES:
        if data.startswith(signature):
            raise FileRefused(f"{message} {_save_as_csv()}", code="not_text")
    not_text = _("The file is not CSV text in UTF-8 or GB18030. Save the sheet as CSV (UTF-8) and upload that file.")
    if b"\x00" in data:  # UTF-16 or binary: GB18030 would otherwise decode it "successfully"
        raise FileRefused(not_text, code="not_text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise FileRefused(not_text, code="not_text") from None
    if _CONTROL.search(text):
        raise FileRefused(not_text, code="not_text")
    if text.lstrip().startswith("<"):
        raise FileRefused(
            _("This is a web page or an XML document, not CSV text.") + " " + _save_as_csv(), code="not_text"
        )
    return text


def _dialect(text: str) -> type[csv.Dialect]:
    """Tab-separated when the header has tabs and no commas (a sheet copied out of a spreadsheet), else commas."""
    first_line = text.split("\n", 1)[0]
    return csv.excel_tab if "\t" in first_line and "," not in first_line else csv.excel


def _columns(
    header: list[str], accepted: Mapping[str, Sequence[str]], required: Sequence[str]
) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Where each known column is, its header as written, and the headers not known. Raises FileRefused."""
    aliases = {key(alias): name for name, headers in accepted.items() for alias in headers}
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[str] = []
    for index, cell in enumerate(header):
        written = cell.strip().lstrip("\ufeff").strip()
        name = aliases.get(key(cell))
        if name is None:
            if written:
                ignored.append(written)
            continue
        if name in columns:
            problems.append(_("The column %(column)s appears twice.") % {"column": written})
        columns[name] = index
        headers[name] = written
    if not columns:
        raise FileRefused(
            _("The first row does not name the columns. It should be the header, e.g. %(example)s.")
            % {"example": ", ".join(accepted[name][0] for name in required)},
            code="no_header",
        )
    missing = [accepted[name][0] for name in required if name not in columns]
    if missing:
        problems.append(_("The header lacks the columns %(columns)s.") % {"columns": ", ".join(missing)})
    if problems:
        raise FileRefused(" ".join(problems), code="header")
    return columns, headers, ignored


def read_table(
    data: bytes,
    *,
    columns: Mapping[str, Sequence[str]],
    required: Sequence[str],
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> Table:
    """Decode the file and read its header and rows. Raises FileRefused when the file cannot be read as a whole.

    ``columns`` maps each column's name to the headers accepted for it, the first one the template's (and the one
    messages name); ``required`` lists the columns a file must have. Other columns are left out, their headers
    listed in ``Table.ignored``.
    """
    text = decode(data, max_bytes=max_bytes)
    records = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    table = Table()
    try:
        header = next(records, None)
        if header is None or not any(cell.strip() for cell in header):
            raise FileRefused(_("The file is empty."), code="empty")
        positions, table.headers, table.ignored = _columns(header, columns, required)
        for number, record in enumerate(records, start=2):
            if not any(cell.strip() for cell in record):
                continue
            cells = {name: record[index] if index < len(record) else "" for name, index in positions.items()}
            row = Row(number=number, cells=cells)
            if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
                row.problem = _(
                    "This row has more cells than the header has columns; a cell with a comma in it must be "
                    "in double quotes."
                )
            table.rows.append(row)
            if max_rows is not None and len(table.rows) > max_rows:
                raise FileRefused(
                    _("The file has more than %(limit)d rows; at most %(limit)d can be imported at once.")
                    % {"limit": max_rows},
                    code="too_many_rows",
                )
    except csv.Error as error:
        raise FileRefused(_("The file is not valid CSV: %(error)s") % {"error": error}, code="not_csv") from None
    if not table.rows:
        raise FileRefused(_("The file has a header but no rows below it."), code="no_rows")
    return table
