"""Writing CSV files that people open in a spreadsheet: the one writer behind every download.

The registry's tables, the listings import template and every export to come
write through here (:func:`csv_response`, or :func:`csv_text` for a file built
elsewhere), so that one rule protects them all.

The rule (OWASP "CSV injection"): Excel, WPS and LibreOffice read a cell that
begins with ``=``, ``+``, ``-`` or ``@`` as a formula, and a tab or a carriage
return in front does not stop them. A party or a field that someone named
``=HYPERLINK("http://x","y")`` would otherwise become a live link, or worse a
formula that calls out, in the spreadsheet of whoever downloads the table. Such
a *text* cell is written with a single quote in front, which makes the
spreadsheet keep it as text.

Numbers (``int``, ``float``, ``Decimal``) are written as they are, never
escaped: a count or a negative amount stays a number the spreadsheet can add
up. Only text is escaped, so a figure that must stay a number must be passed as
a number, not as a string. Anything else (dates, translated labels) is written
as its text and escaped like text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse

# What a spreadsheet takes for the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"  # Excel reads a UTF-8 file as UTF-8 only when it begins with one


def safe_cell(value: object) -> object:
    """The value as a spreadsheet should see it: numbers unchanged, text that would start a formula quoted."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in row]


def write_rows(out, rows: Iterable[Iterable[object]], *, lineterminator: str = "\r\n") -> None:
    """Write the rows as CSV to a text stream (or an HttpResponse), every cell through :func:`safe_cell`."""
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerows(safe_row(row) for row in rows)


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """The whole file as text, with the byte-order mark in front."""
    out = io.StringIO()
    write_rows(out, rows)
    return BYTE_ORDER_MARK + out.getvalue()


def csv_response(rows: Iterable[Iterable[object]], *, filename: str) -> HttpResponse:
    """A download of the rows: UTF-8 with a byte-order mark, saved as ``filename`` rather than shown."""
    response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
