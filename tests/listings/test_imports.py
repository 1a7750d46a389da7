"""Bulk import of listings: all rows as drafts or nothing, every bad row reported by row and column, the command and
the two-step web page."""

import base64
import csv
import datetime
import io
import re
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import connections
from django.urls import reverse
from django.utils import translation

from ip_registry import services as registry
from ip_registry.numbers import check_character
from listings.choices import DealMode, ListingStatus
from listings.models import DealTerm, Listing
from listings.services.imports import COLUMNS, import_template, listings_import
from listings.views.imports import SALT
from techmarket.accounts.choices import OrganisationKind, VerificationStatus
from techmarket.audit.models import AuditEvent
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    add_member,
    declare_open_licence,
    make_listing,
    university_in,
)

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "listings" / "samples" / "listings_example.csv"
SAMPLE_NUMBERS = ("202311432805.9", "202211640990.6", "201710601862.3", "201080063196.9")
SAMPLE_TITLES = [
    "一种高镍三元锂电池正极材料的制备方法",
    "面向边缘计算的低功耗神经网络加速芯片专利组合",
    "一种用于城市污水处理的厌氧氨氧化脱氮工艺",
    "高通量单细胞测序样本前处理技术",
]


def register(number: str, *holders):
    """A granted patent with a given application number, held by the organisations."""
    year = int(number[:4])
    return registry.patent_register(
        actor=None,
        application_number=number,
        title="一种测试专利",
        filing_date=datetime.date(year, 3, 1),
        grant_date=datetime.date(year + 1, 6, 1),
        legal_status="valid",
        holders=[registry.Holding(holder) for holder in holders],
    )


@pytest.fixture
def fudan():
    university = university_in("310000", name_zh="复旦大学")
    patents = [register(number, university) for number in SAMPLE_NUMBERS]
    declare_open_licence(patents[3:])  # the sample offers an open licence of its fourth patent
    return university


@pytest.fixture
def member(fudan):
    return add_member(fudan)


def sample_rows() -> list[list[str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def csv_bytes(rows, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def with_cell(rows, row: int, header: str, value: str) -> list[list[str]]:
    """The rows with one cell changed; ``row`` counts as a spreadsheet does (the header is row 1)."""
    rows = [list(r) for r in rows]
    rows[row - 1][rows[0].index(header)] = value
    return rows


def run(organisation, data: bytes, **kwargs):
    with translation.override("en"):
        return listings_import(actor=kwargs.pop("actor", None), organisation=organisation, data=data, **kwargs)


def places(report) -> list[tuple]:
    return [(error.row, error.column) for error in report.errors]


def message(report, row: int, column: str) -> str:
    return " ".join(e.message for e in report.errors if e.row == row and e.column == column)


def nothing_written() -> bool:
    return (
        not Listing.objects.exists()
        and not DealTerm.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="listing.").exists()
    )


# A good file -----------------------------------------------------------------------------------------------------


def test_the_sample_file_imports_every_row_as_a_draft_with_its_patents_and_terms(fudan):
    report = run(fudan, SAMPLE.read_bytes(), filename="listings_example.csv")

    assert report.ok, [str(e) for e in report.errors]
    assert report.created == SAMPLE_TITLES
    assert [row.row for row in report.rows] == [2, 3, 4, 5]
    listings = {listing.title_zh: listing for listing in Listing.objects.all()}
    assert sorted(listings) == sorted(SAMPLE_TITLES)
    assert {listing.status for listing in listings.values()} == {ListingStatus.DRAFT}
    assert {listing.organisation_id for listing in listings.values()} == {fudan.pk}

    battery = listings[SAMPLE_TITLES[0]]
    assert battery.kind == "patent" and battery.field.slug == "new-energy" and battery.trl == 6
    assert battery.title_en == "Preparation of a high-nickel ternary cathode material"
    assert battery.contact_phone == "13812345678"
    assert [p.application_number for p in battery.patents.all()] == ["202311432805.9"]
    assert battery.ipc_codes == []  # the patents were registered without IPC codes
    assert [(t.mode, t.price) for t in battery.deal_terms.all()] == [
        (DealMode.ASSIGNMENT, Decimal("800000")),
        (DealMode.ORDINARY_LICENCE, None),
    ]
    chips = listings[SAMPLE_TITLES[1]]
    assert chips.kind == "portfolio" and chips.field.slug == "integrated-circuits"
    assert sorted(p.application_number for p in chips.patents.all()) == ["201710601862.3", "202211640990.6"]
    water = listings[SAMPLE_TITLES[2]]
    assert [(t.mode, t.price, t.note) for t in water.deal_terms.all()] == [
        (DealMode.OPEN_LICENCE, Decimal("20000"), "每年，许可期三年"),
        (DealMode.PAY_LATER, None, ""),
    ]
    cells = listings[SAMPLE_TITLES[3]]
    assert cells.kind == "know_how" and not cells.patents.exists() and cells.province == "310000"

    event = AuditEvent.objects.get(action="listing.import")
    assert event.target_id == str(fudan.pk) and event.actor is None
    assert "listings_example.csv" in event.summary
    assert sorted(event.data["listings"]) == sorted(listing.pk for listing in listings.values())
    assert AuditEvent.objects.filter(action="listing.create").count() == 4


def test_a_dry_run_reports_what_it_would_create_and_writes_nothing(fudan):
    report = run(fudan, SAMPLE.read_bytes(), dry_run=True)

    assert report.ok and report.dry_run
    assert report.created == SAMPLE_TITLES
    assert nothing_written()


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("utf-8", b"")],
    ids=["bom", "gb18030", "utf8"],
)
def test_utf8_with_or_without_a_bom_and_gb18030_read_alike(fudan, encoding, prefix):
    data = prefix + csv_bytes(sample_rows(), encoding)
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # the test means something: this file is not UTF-8

    report = run(fudan, data)

    assert report.ok, [str(e) for e in report.errors]
    assert sorted(Listing.objects.values_list("title_zh", flat=True)) == sorted(SAMPLE_TITLES)


def test_english_headers_in_any_order_and_a_tab_separated_file_are_read(fudan):
    rows = sample_rows()
    aliases = {accepted[0]: accepted[-1] if accepted[-1].isascii() else accepted[0] for accepted in COLUMNS.values()}
    header = [aliases[name] for name in rows[0]]
    assert "kind" in header and "terms" in header
    order = list(reversed(range(len(header))))
    rows = [[row[i] for i in order] for row in [header, *rows[1:]]]
    out = io.StringIO()
    csv.writer(out, dialect=csv.excel_tab).writerows(rows)

    report = run(fudan, out.getvalue().encode())

    assert report.ok, [str(e) for e in report.errors]
    assert Listing.objects.count() == 4


def test_the_template_imports_once_its_example_row_is_kept(fudan):
    template = import_template(fudan)
    assert template.startswith("\ufeff类型,标题,英文标题,")
    assert "单项专利" in template and "201080063196.9" in template  # the example names a patent the org holds

    report = run(fudan, template.encode("utf-8"))

    assert report.ok, [str(e) for e in report.errors]
    assert Listing.objects.get().patents.get().application_number in SAMPLE_NUMBERS


# Bad rows: nothing is written, every bad row is reported ------------------------------------------------------


def test_bad_rows_among_good_ones_write_nothing_and_each_is_reported_by_row_and_column(fudan):
    rows = with_cell(sample_rows(), 3, "技术成熟度", "十")
    rows = with_cell(rows, 5, "技术领域", "纳米科技")
    rows = with_cell(rows, 5, "交易方式", "赠送:100")

    report = run(fudan, csv_bytes(rows))

    assert not report.ok
    assert places(report) == [(3, "技术成熟度"), (5, "技术领域"), (5, "交易方式")]
    assert "十 is not a technology readiness level" in message(report, 3, "技术成熟度")
    assert "纳米科技 is not a technology field" in message(report, 5, "技术领域")
    assert [row.ok for row in report.rows] == [True, False, True, False]
    assert report.created == []
    assert nothing_written()
    with translation.override("en"):
        assert str(report.errors[0]) == (
            "row 3, column 技术成熟度: 十 is not a technology readiness level; write a number from 1 to 9."
        )


def test_a_row_the_service_refuses_is_reported_and_later_rows_are_still_checked(fudan):
    """The last row fails only in listing_create (the contact's details): it is reported next to a parse error."""
    rows = with_cell(sample_rows(), 2, "联系电话", "")
    rows = with_cell(rows, 2, "联系邮箱", "")
    rows = with_cell(rows, 4, "技术成熟度", "")

    report = run(fudan, csv_bytes(rows))

    assert places(report) == [(2, "联系邮箱"), (4, "技术成熟度")]
    assert "Give a mobile number or an e-mail address" in message(report, 2, "联系邮箱")
    assert nothing_written()


def test_a_row_with_several_problems_reports_each_column_once(fudan):
    rows = with_cell(sample_rows(), 2, "类型", "论文")
    rows = with_cell(rows, 2, "标题", "")
    rows = with_cell(rows, 2, "交易方式", "开放许可:1000")  # would be refused for a non-patent, but the kind is unknown

    report = run(fudan, csv_bytes(rows))

    assert places(report) == [(2, "类型"), (2, "标题")]
    assert "论文 is not a kind of listing" in message(report, 2, "类型")
    assert nothing_written()


def test_an_unknown_or_malformed_patent_number_is_reported(fudan):
    unknown = "202410000001." + check_character("202410000001")
    rows = with_cell(sample_rows(), 2, "专利申请号", f"ZL{unknown}")
    rows = with_cell(rows, 3, "专利申请号", "202211640990.6；201710601862.4")  # a wrong check character

    report = run(fudan, csv_bytes(rows))

    assert places(report) == [(2, "专利申请号"), (3, "专利申请号")]
    assert message(report, 2, "专利申请号") == (
        f"Not in the registry: {unknown}. Register the patent first or check the number."
    )
    assert message(report, 3, "专利申请号").startswith("201710601862.4: ")
    assert "check character" in message(report, 3, "专利申请号")
    assert nothing_written()


def test_a_patent_the_organisation_does_not_hold_is_refused(fudan):
    nju = university_in("320000", name_zh="南京大学")
    number = "202310000007." + check_character("202310000007")
    register(number, nju)
    rows = with_cell(sample_rows(), 2, "专利申请号", number)

    report = run(fudan, csv_bytes(rows))

    assert places(report) == [(2, "专利申请号")]
    assert message(report, 2, "专利申请号") == (
        f"复旦大学 is not a right holder of patent {number} in the registry, so it cannot list it."
    )
    assert nothing_written()


def test_a_single_patent_listing_with_two_patents_is_refused_by_the_listing_rules(fudan):
    rows = with_cell(sample_rows(), 2, "专利申请号", "202311432805.9；201080063196.9")

    report = run(fudan, csv_bytes(rows))

    assert places(report) == [(2, "专利申请号")]
    assert "exactly one patent" in message(report, 2, "专利申请号")


@pytest.mark.parametrize("value", ["0", "10", "高", "6.5", ""])
def test_a_bad_readiness_level_is_refused(fudan, value):
    report = run(fudan, csv_bytes(with_cell(sample_rows(), 4, "技术成熟度", value)))

    assert places(report) == [(4, "技术成熟度")]
    assert "1 to 9" in message(report, 4, "技术成熟度")
    assert nothing_written()


@pytest.mark.parametrize("value", ["TRL 7", "７", "7级", " 7 "])
def test_readiness_levels_are_read_as_people_write_them(fudan, value):
    report = run(fudan, csv_bytes(with_cell(sample_rows(), 4, "技术成熟度", value)))

    assert report.ok
    assert Listing.objects.get(title_zh=SAMPLE_TITLES[2]).trl == 7


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("赠送:100", "赠送:100 is not a deal mode"),
        ("转让:五十万", "五十万 is not a price"),
        ("转让:-5", "-5 is not a price"),
        ("", "Write at least one deal mode"),
        ("开放许可:1000；独占许可:2000", "cannot be offered together with an exclusive or sole licence"),
        ("转让:1；转让:2", "Each deal mode may be offered once"),
        ("转让:0.001", "decimal places"),
    ],
)
def test_a_bad_deal_mode_cell_is_refused(fudan, value, expected):
    report = run(fudan, csv_bytes(with_cell(sample_rows(), 2, "交易方式", value)))

    # One cell, maybe more than one problem in it (an open licence of an undeclared patent is one more).
    assert set(places(report)) == {(2, "交易方式")}
    assert expected in message(report, 2, "交易方式")
    assert nothing_written()


def test_an_open_licence_on_know_how_is_refused_by_the_deal_mode_rules(fudan):
    report = run(fudan, csv_bytes(with_cell(sample_rows(), 5, "交易方式", "开放许可:10000")))

    assert places(report) == [(5, "交易方式")]
    assert "Open licences exist for patents only." in message(report, 5, "交易方式")


def test_deal_mode_cells_are_read_as_people_write_them(fudan):
    cell = "专利转让：50万元（含三个月技术指导、培训）\n普通许可： 面议; 作价入股:1.5亿、合作开发"
    report = run(fudan, csv_bytes(with_cell(sample_rows(), 2, "交易方式", cell)))

    assert report.ok, [str(e) for e in report.errors]
    terms = Listing.objects.get(title_zh=SAMPLE_TITLES[0]).deal_terms.all()
    assert [(t.mode, t.price, t.note) for t in terms] == [
        (DealMode.ASSIGNMENT, Decimal("500000"), "含三个月技术指导、培训"),
        (DealMode.EQUITY, Decimal("150000000"), ""),
        (DealMode.JOINT_DEVELOPMENT, None, ""),
        (DealMode.ORDINARY_LICENCE, None, ""),
    ]


def test_a_technology_field_may_be_given_by_its_code(fudan):
    report = run(fudan, csv_bytes(with_cell(sample_rows(), 2, "技术领域", "Artificial-Intelligence")))

    assert report.ok
    assert Listing.objects.get(title_zh=SAMPLE_TITLES[0]).field.name_zh == "人工智能"


def test_a_title_twice_in_the_file_or_already_listed_is_refused(fudan):
    make_listing(fudan, kind="know_how", title_zh=SAMPLE_TITLES[3])
    rows = with_cell(sample_rows(), 3, "标题", SAMPLE_TITLES[0])

    report = run(fudan, csv_bytes(rows))

    assert places(report) == [(3, "标题"), (5, "标题")]
    assert message(report, 3, "标题") == "Row 2 has the same title."
    assert "already has a listing with this title" in message(report, 5, "标题")
    assert Listing.objects.count() == 1


def test_a_row_with_more_cells_than_the_header_is_reported(fudan):
    rows = sample_rows()
    rows[2] = [*rows[2], "多出来的内容"]

    report = run(fudan, csv_bytes(rows))

    assert places(report) == [(3, "")]
    assert "double quotes" in report.errors[0].message


def test_empty_rows_are_skipped_and_row_numbers_stay_the_spreadsheets(fudan):
    rows = sample_rows()
    rows.insert(2, [""] * len(rows[0]))  # row 3 is empty; the chips listing is now on row 4
    rows = with_cell(rows, 4, "技术成熟度", "11")

    report = run(fudan, csv_bytes(rows))

    assert places(report) == [(4, "技术成熟度")]
    assert len(report.rows) == 4


def test_unknown_columns_are_named_and_left_out(fudan):
    rows = [[*row, "x"] for row in sample_rows()]
    rows[0][-1] = "备注"

    report = run(fudan, csv_bytes(rows))

    assert report.ok
    assert report.ignored_columns == ["备注"]


# Files refused as a whole ----------------------------------------------------------------------------------------


def file_error(organisation, data: bytes) -> str:
    report = run(organisation, data)
    assert [error.row for error in report.errors] == [None]
    assert nothing_written()
    return report.errors[0].message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The file is empty."),
        (b"  \r\n", "The file is empty."),
        (b"<!DOCTYPE html><html><body>\xe7\xb1\xbb\xe5\x9e\x8b,\xe6\xa0\x87\xe9\xa2\x98</body></html>", "web page"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "web page or an XML document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is an image"),
        (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet workbook"),
        (b"%PDF-1.4\n", "PDF"),
        ("类型,标题\n".encode("utf-16"), "not CSV text in UTF-8 or GB18030"),
        (bytes(range(1, 40)) * 3, "not CSV text in UTF-8 or GB18030"),
        ("名称,价格\n苹果,5\n".encode(), "The first row does not name the columns"),
        ("类型,标题,摘要\n".encode(), "The header lacks the columns 技术领域, 技术成熟度, 交易方式, 联系人."),
        (",".join(c[0] for c in COLUMNS.values()).encode(), "The file has a header but no rows below it."),
        ("类型,类型,标题".encode(), "The column 类型 appears twice."),
    ],
    ids=[
        "empty",
        "blank",
        "html",
        "svg",
        "png",
        "xlsx",
        "pdf",
        "utf16",
        "binary",
        "other-csv",
        "missing-columns",
        "header-only",
        "twice",
    ],
)
def test_files_that_are_not_a_listings_csv_are_refused_with_a_clear_message(fudan, data, expected):
    assert expected in file_error(fudan, data)


def test_a_file_not_made_from_the_template_is_pointed_to_it(fudan):
    message = file_error(fudan, "名称,价格\n苹果,5\n".encode())

    assert message.startswith("The first row does not name the columns. It should be the header, e.g. 类型, 标题,")
    assert message.endswith(" Download the template to start from.")


def test_a_file_over_the_size_limit_is_refused(fudan, settings):
    settings.LISTING_IMPORT_MAX_BYTES = 1024
    data = SAMPLE.read_bytes()
    assert len(data) > 1024

    assert file_error(fudan, data).startswith("The file is ")
    assert "at most 1.0\xa0KB can be imported at once" in file_error(fudan, data)


def test_a_file_with_too_many_rows_is_refused_saying_the_limit(fudan, settings):
    settings.LISTING_IMPORT_MAX_ROWS = 3

    assert file_error(fudan, SAMPLE.read_bytes()) == (
        "The file has more than 3 rows; at most 3 can be imported at once."
    )


def test_an_organisation_that_may_not_list_is_refused(fudan):
    from listings.exceptions import ListingError

    firm = OrganisationFactory(kind=OrganisationKind.ENTERPRISE)
    pending = university_in("320000", verification_status=VerificationStatus.PENDING)
    for organisation in (firm, pending):
        with pytest.raises(ListingError, match="is not a verified university or research institute"):
            run(organisation, SAMPLE.read_bytes())
    assert nothing_written()


def test_a_member_import_records_the_member(fudan, member):
    report = run(fudan, SAMPLE.read_bytes(), actor=member)

    assert report.ok
    assert set(Listing.objects.values_list("created_by", flat=True)) == {member.pk}
    assert AuditEvent.objects.get(action="listing.import").actor == member


def test_someone_outside_the_organisation_may_not_import(fudan):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(fudan, SAMPLE.read_bytes(), actor=UserFactory())
    assert nothing_written()


# The command ------------------------------------------------------------------------------------------------------


def command(*args) -> tuple[int, str, str]:
    """Run ``manage.py import_listings`` as from the shell: the exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        try:
            call_command("import_listings", *args, stdout=out, stderr=err)
        except CommandError as error:
            err.write(f"CommandError: {error}\n")
            return 1, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_command_imports_the_file_and_says_what_it_created(fudan, tmp_path):
    code, out, err = command(str(SAMPLE), "--org", fudan.credit_code.lower())

    assert code == 0, err
    assert "4 draft listings of 复旦大学 created" in out
    for title in SAMPLE_TITLES:
        assert title in out
    assert Listing.objects.filter(status=ListingStatus.DRAFT).count() == 4


def test_the_command_dry_run_writes_nothing(fudan):
    code, out, _err = command(str(SAMPLE), "--org", fudan.credit_code, "--dry-run")

    assert code == 0
    assert "Dry run: every row is valid; 4 draft listings of 复旦大学 would be created. Nothing was written." in out
    assert nothing_written()


def test_the_command_prints_each_bad_row_and_exits_1(fudan, tmp_path, capsys, monkeypatch):
    bad = tmp_path / "bad.csv"
    rows = with_cell(sample_rows(), 3, "技术成熟度", "十")
    bad.write_bytes(csv_bytes(with_cell(rows, 5, "交易方式", "赠送")))
    # As from the shell, but the command's closing of connections would end the test's PostgreSQL transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    with translation.override("en"), pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_listings", "--org", fudan.credit_code, str(bad)]).execute()

    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "row 3, column 技术成熟度: 十 is not a technology readiness level" in err
    assert "row 5, column 交易方式: 赠送 is not a deal mode" in err
    assert "2 of 4 rows have problems; nothing was written." in err
    assert nothing_written()


@pytest.mark.parametrize(
    ("org", "expected"),
    [
        ("91310000MA1FL8XQ30", "No organisation has the credit code 91310000MA1FL8XQ30."),
        ("firm", "is not a verified university or research institute"),
    ],
)
def test_the_command_refuses_an_unknown_or_unfit_organisation(org, expected):
    if org == "firm":
        org = OrganisationFactory(kind=OrganisationKind.ENTERPRISE).credit_code

    code, _out, err = command(str(SAMPLE), "--org", org)

    assert code == 1
    assert expected in err
    assert nothing_written()


def test_the_command_says_when_the_file_cannot_be_read_or_is_not_csv(fudan, tmp_path):
    code, _out, err = command(str(tmp_path / "missing.csv"), "--org", fudan.credit_code)
    assert code == 1 and "Cannot read" in err

    page = tmp_path / "listings.csv"
    page.write_bytes(b"<html><body>Not found</body></html>")
    code, _out, err = command(str(page), "--org", fudan.credit_code)
    assert code == 1
    assert "This is a web page or an XML document, not CSV text." in err
    assert "Nothing was written." in err


# The web page ----------------------------------------------------------------------------------------------------


def page_url(organisation) -> str:
    with translation.override("en"):
        return reverse("listings:listing_import", args=[organisation.pk])


def upload(client, organisation, data: bytes, name: str = "listings.csv"):
    return client.post(page_url(organisation), {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def payload_of(response) -> str:
    match = re.search(r'name="payload" value="([^"]+)"', response.content.decode())
    assert match, "no confirmation form"
    return match[1]


def test_the_page_offers_the_upload_and_the_template(client, fudan, member, django_assert_max_num_queries):
    client.force_login(member)
    with django_assert_max_num_queries(12):
        response = client.get(page_url(fudan))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="file"' in page and 'name="file"' in page
    assert reverse("listings:listing_import_template", args=[fudan.pk]) in page
    assert "交易方式" in page  # the column reference


def test_the_template_downloads_as_csv_with_a_bom(client, fudan, member):
    client.force_login(member)

    response = client.get(reverse("listings:listing_import_template", args=[fudan.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf" + "类型,标题".encode())
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 2


def test_upload_shows_every_row_then_confirming_creates_the_drafts(client, fudan, member):
    client.force_login(member)

    preview = upload(client, fudan, SAMPLE.read_bytes())

    assert preview.status_code == 200
    page = preview.content.decode()
    for title in SAMPLE_TITLES:
        assert title in page
    assert "All 4 rows are ready to import." in page
    assert nothing_written()

    response = client.post(page_url(fudan), {"payload": payload_of(preview)})

    assert response.status_code == 302 and response["Location"].endswith(reverse("listings:my_listings"))
    assert sorted(Listing.objects.values_list("title_zh", flat=True)) == sorted(SAMPLE_TITLES)
    assert set(Listing.objects.values_list("created_by", flat=True)) == {member.pk}
    event = AuditEvent.objects.get(action="listing.import")
    assert event.actor == member and "listings.csv" in event.summary
    followed = client.get(response["Location"])
    assert "4 listings were imported as drafts." in followed.content.decode()


def test_a_file_with_bad_rows_shows_them_and_offers_no_confirmation(client, fudan, member):
    client.force_login(member)
    rows = with_cell(sample_rows(), 3, "技术成熟度", "十")

    response = upload(client, fudan, csv_bytes(rows))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="payload"' not in page
    assert "十 is not a technology readiness level" in page
    assert re.search(r"<th scope=\"row\">3</th>.*?技术成熟度", page, re.S)
    assert "1 of 4 rows has a problem" in page
    assert nothing_written()


def test_a_file_that_is_not_csv_is_refused_on_the_page(client, fudan, member):
    client.force_login(member)

    response = upload(client, fudan, b"<html><script>alert(1)</script></html>", "listings.csv")

    assert response.status_code == 200
    assert "This is a web page or an XML document, not CSV text." in response.content.decode()
    assert 'name="payload"' not in response.content.decode()
    assert nothing_written()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, fudan, member, settings):
    settings.LISTING_IMPORT_MAX_BYTES = 100
    client.force_login(member)

    response = upload(client, fudan, SAMPLE.read_bytes())

    assert response.status_code == 200
    assert "can be imported at once" in response.content.decode()
    assert nothing_written()


def test_a_tampered_confirmation_is_refused_and_writes_nothing(client, fudan, member):
    client.force_login(member)
    token = payload_of(upload(client, fudan, SAMPLE.read_bytes()))
    original = signing.loads(token, salt=SALT)
    other = csv_bytes(with_cell(sample_rows(), 2, "标题", "被篡改的标题"))
    forged = dict(original, data=base64.b64encode(zlib.compress(other)).decode())
    content, timestamp, signature = token.rsplit(":", 2)
    swapped = signing.dumps(forged, salt=SALT).rsplit(":", 2)[0] + f":{timestamp}:{signature}"
    elsewhere = signing.dumps(forged)  # signed by the site, but for another purpose
    assert content and swapped != token

    for bad in (f"{content}:{timestamp}:{signature[:-4]}AAAA", swapped, elsewhere, "", "not-a-payload"):
        response = client.post(page_url(fudan), {"payload": bad})
        assert response.status_code == 400
        assert "does not match a file previewed here" in response.content.decode()
    assert nothing_written()


def test_a_confirmation_for_another_user_or_organisation_is_refused(client, fudan, member):
    client.force_login(member)
    token = payload_of(upload(client, fudan, SAMPLE.read_bytes()))
    colleague = add_member(fudan)
    client.force_login(colleague)

    assert client.post(page_url(fudan), {"payload": token}).status_code == 400

    other = university_in("330000")
    add_member(other, member)
    client.force_login(member)
    assert client.post(page_url(other), {"payload": token}).status_code == 400
    assert nothing_written()


def test_an_expired_confirmation_is_refused(client, fudan, member, monkeypatch):
    client.force_login(member)
    token = payload_of(upload(client, fudan, SAMPLE.read_bytes()))
    monkeypatch.setattr("listings.views.imports.PAYLOAD_MAX_AGE", -1)

    response = client.post(page_url(fudan), {"payload": token})

    assert response.status_code == 400
    assert "The preview has expired" in response.content.decode()
    assert nothing_written()


def test_confirming_a_file_that_no_longer_passes_is_refused(client, fudan, member):
    client.force_login(member)
    token = payload_of(upload(client, fudan, SAMPLE.read_bytes()))
    make_listing(fudan, kind="know_how", title_zh=SAMPLE_TITLES[3])  # a colleague lists one of them meanwhile

    response = client.post(page_url(fudan), {"payload": token})

    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "already has a listing with this title" in page
    assert 'name="payload"' not in page
    assert Listing.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "firm_member", "pending_member"])
def test_only_members_of_a_verified_university_may_import(client, fudan, who):
    if who == "outsider":
        user = add_member(university_in("320000"))
        organisation = fudan
    elif who == "firm_member":
        organisation = OrganisationFactory(kind=OrganisationKind.ENTERPRISE)
        user = add_member(organisation)
    else:
        organisation = university_in("340000", verification_status=VerificationStatus.PENDING)
        user = add_member(organisation)
    client.force_login(user)

    for response in (
        client.get(page_url(organisation)),
        client.get(reverse("listings:listing_import_template", args=[organisation.pk])),
        upload(client, organisation, SAMPLE.read_bytes()),
    ):
        assert response.status_code == 403
    assert nothing_written()


def test_an_unverified_organisation_is_not_found_by_others_and_anonymous_users_sign_in(client, fudan):
    pending = university_in("340000", verification_status=VerificationStatus.PENDING)
    client.force_login(add_member(fudan))

    assert client.get(page_url(pending)).status_code == 404
    with translation.override("en"):
        assert client.get(reverse("listings:listing_import", args=[pending.pk + 1000])).status_code == 404
    client.logout()
    response = client.get(page_url(fudan))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_import_link_is_shown_on_the_organisation_page_to_members_only(client, fudan, member):
    link = reverse("listings:listing_import", args=[fudan.pk])
    for user, shown in ((member, True), (add_member(university_in("320000")), False), (None, False)):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(fudan.get_absolute_url())
        assert response.status_code == 200
        assert (link in response.content.decode()) is shown


def test_a_preview_whose_confirmation_would_not_fit_in_a_request_offers_none(client, fudan, member, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5000
    client.force_login(member)

    response = upload(client, fudan, SAMPLE.read_bytes())

    assert "too large to confirm through the page" in response.content.decode()
    assert 'name="payload"' not in response.content.decode()
