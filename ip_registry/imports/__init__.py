"""Importing CNIPA's patent assignment records (专利权转移) from a CSV file, for ``manage.py import_transfers``.

(CNIPA's bibliographic data, who applied for which patent, is imported by :mod:`.patents` for
``manage.py import_patents``; both find and add organisations through :mod:`.parties`.)

The file
--------
Text in UTF-8 (with or without a byte-order mark) or GB18030, values separated
by commas (a tab-separated export is read too), the first row naming the columns;
read by :mod:`techmarket.csvfile`, as every import's file is.

Required columns, with the headers CNIPA publishes:

- ``转让人``: the assignors; ``受让人``: the assignees. Several parties in one cell
  are separated by ``；`` or ``;``, in the order the record names them.
- ``申请号`` (or ``专利号``): the application or patent number, in any form people
  write it (``CN``/``ZL`` prefix, with or without the dot, full-width digits).
- ``转让执行日``: the date the contract was executed (the cell may be empty).
- ``转让登记日`` (or ``生效日``, ``转让登记日/生效日``): the date CNIPA registered
  the assignment, when it took effect.
- ``当前法律状态``: the patent's legal status now, as CNIPA words it, e.g. 有效,
  专利权维持, 审中, 驳回, 撤回 or 视为撤回, 年费滞纳期 (or 等年费滞纳金),
  未缴年费专利权终止, 失效, 期限届满, 部分无效, 全部无效 (or 无效).

Optional columns:

- ``专利名称``: the title; ``主分类号`` (or ``IPC分类号``): the main IPC code, e.g.
  H01M 10/0525. Both are used when the registry does not know the patent yet.
- ``授权公告日``: the grant date, set on a patent that lacks one. Without it, a
  patent whose status says it was granted (有效, 年费滞纳期, 未缴年费专利权终止, 期限届满, 部分无效, 无效)
  is known as granted on a date not yet known.
- ``转让人统一社会信用代码``, ``受让人统一社会信用代码``: the parties' unified social
  credit codes, in the same order as the names, separated the same way.
- ``转让人省份``, ``受让人省份``: the parties' provinces, by name (上海, 江苏省) or
  GB/T 2260 code (320000), in the same order as the names; one value applies to
  every party in the cell.

Dates may be written 2023-05-01, 2023/5/1, 2023.05.01, 20230501 or 2023年5月1日.
Row numbers in messages count the header as row 1, as a spreadsheet numbers
its rows (a record with a line break inside a quoted cell is one row).

How it imports
--------------
Phase 1 reads and checks every row (reading the database, writing nothing) and
collects each bad row's number and reason; if there is any, nothing is
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
added awaiting verification. A new organisation's province comes from the
province column, else from the area code in characters 3 to 8 of its credit
code, else from the place its name begins with (浙江大学, 苏州某某科技有限公司,
江苏省南京市某某研究院); a row whose new party has none of these is refused
with the column to add. The command lists every organisation it adds with the
province it was given. One added with a credit code appears in the staff's
verification queue; one without waits until someone from it registers on the
platform, which takes the record over (see ``Organisation.objects.claimable``).

Importing is idempotent: a row is skipped when the patent already has an
assignment registered on the same date between the same assignors and
assignees (by organisation, or by the names as recorded), so importing the
same file again adds nothing.
"""

from .patents import PatentImportResult, patents_import
from .reading import COLUMNS, RowError, TransferFile, TransferRow, legal_status_of, parse_date, read_transfers
from .writing import ImportResult, ProgressCallback, transfers_import

__all__ = [
    "COLUMNS",
    "ImportResult",
    "PatentImportResult",
    "ProgressCallback",
    "RowError",
    "TransferFile",
    "TransferRow",
    "legal_status_of",
    "parse_date",
    "patents_import",
    "read_transfers",
    "transfers_import",
]
