"""techmarket.csvfile: the one reader of uploaded CSV files behind the listings and the registry imports."""

import pytest
from django.utils import translation

from techmarket import csvfile
from techmarket.csvfile import FileRefused, RowError

COLUMNS = {"number": ("申请号", "专利号"), "title": ("标题", "title"), "note": ("备注",)}
REQUIRED = ("number", "title")


def read(data: bytes, **limits) -> csvfile.Table:
    return csvfile.read_table(data, columns=COLUMNS, required=REQUIRED, **limits)


@pytest.mark.parametrize(
    "data",
    [
        "申请号,标题\n2023,电池\n".encode(),
        "\ufeff申请号,标题\n2023,电池\n".encode(),
        "申请号,标题\n2023,电池\n".encode("gb18030"),
        "申请号\t标题\n2023\t电池\n".encode(),
    ],
    ids=["utf-8", "bom", "gb18030", "tabs"],
)
def test_utf8_bom_gb18030_and_tabs_read_alike(data):
    table = read(data)

    assert table.headers == {"number": "申请号", "title": "标题"}
    assert [(row.number, row.cells) for row in table.rows] == [(2, {"number": "2023", "title": "电池"})]


def test_headers_are_folded_and_unknown_ones_listed():
    table = read("专 利 号 *,ＴＩＴＬＥ,其他\n2023,电池,x\n".encode())

    assert table.headers == {"number": "专 利 号 *", "title": "ＴＩＴＬＥ"}
    assert table.ignored == ["其他"]
    assert csvfile.key(" 申请号 ＊") == csvfile.key("申请号") == "申请号"


def test_rows_are_numbered_as_a_spreadsheet_numbers_them():
    data = '申请号,标题\n1,"两行\n的标题"\n\n3,电池\n4,a,overflow\n'.encode()

    with translation.override("en"):
        rows = read(data).rows

    assert [row.number for row in rows] == [2, 4, 5]
    assert rows[0].cells["title"] == "两行\n的标题"
    assert [bool(row.problem) for row in rows] == [False, False, True]
    assert "double quotes" in rows[2].problem


@pytest.mark.parametrize(
    ("data", "code", "expected"),
    [
        (b" \r\n", "empty", "The file is empty."),
        (b"PK\x03\x04\x14\x00", "not_text", "spreadsheet workbook"),
        ("申请号,标题\n".encode("utf-16"), "not_text", "not CSV text in UTF-8 or GB18030"),
        ("名称,价格\n苹果,5\n".encode(), "no_header", "It should be the header, e.g. 申请号, 标题."),
        ("申请号,备注\n1,x\n".encode(), "header", "The header lacks the columns 标题."),
        ("申请号,专利号,标题\n1,2,x\n".encode(), "header", "The column 专利号 appears twice."),
        ("申请号,标题\n".encode(), "no_rows", "The file has a header but no rows below it."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(data, code, expected):
    with translation.override("en"), pytest.raises(FileRefused) as refused:
        read(data)

    assert refused.value.code == code
    assert expected in str(refused.value)


def test_the_limits_are_the_callers():
    data = "申请号,标题\n1,a\n2,b\n3,c\n".encode()
    assert len(read(data).rows) == 3

    with translation.override("en"), pytest.raises(FileRefused, match="more than 2 rows"):
        read(data, max_rows=2)
    with translation.override("en"), pytest.raises(FileRefused, match="at most 10"):
        read(data, max_bytes=10)


def test_a_row_error_names_the_row_and_the_column():
    with translation.override("en"):
        assert str(RowError(3, "is empty.", column="标题")) == "row 3, column 标题: is empty."
        assert str(RowError(3, "is empty.")) == "row 3: is empty."
        assert str(RowError(None, "The file is empty.")) == "The file is empty."
