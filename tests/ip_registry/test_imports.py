"""import_transfers: CNIPA assignment records in, all rows or none, row numbers for every bad row, idempotent."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import connections
from django.utils import translation
from stdnum.cn import uscc

from ip_registry.choices import EntryKind, LegalStatus
from ip_registry.imports import legal_status_of, parse_date, transfers_import
from ip_registry.models import Patent, RegistryEntry, TransferTally
from ip_registry.numbers import check_character
from ip_registry.selectors import patent_chain_status
from techmarket.accounts.choices import OrganisationKind, VerificationStatus
from techmarket.accounts.models import Organisation
from techmarket.audit.models import AuditEvent
from tests.factories import make_patent, organisation_in, registry_clerk_user

pytestmark = pytest.mark.django_db
D = datetime.date
SAMPLE = Path(__file__).resolve().parents[2] / "ip_registry" / "samples" / "transfers-sample.csv"
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
HEADER = ["申请号", "转让人", "受让人", "转让执行日", "转让登记日", "当前法律状态", "授权公告日"]


def number(serial: int, year: int = 2019) -> str:
    digits = f"{year}1{serial:07d}"
    return f"{digits}.{check_character(digits)}"


def credit_code(area: str, serial: int) -> str:
    body = f"91{area}MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def csv_file(rows, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def row(patent_number, assignors, assignees, registered="2023-05-10", status="有效", granted="2021-06-01"):
    executed = (parse_date(registered) - datetime.timedelta(days=40)).isoformat()
    return [patent_number, assignors, assignees, executed, registered, status, granted]


def run(data: bytes, **kwargs):
    with translation.override("en"):
        return transfers_import(data=data, **kwargs)


def counts() -> tuple[int, int, int]:
    return RegistryEntry.objects.count(), Patent.objects.count(), Organisation.objects.count()


@pytest.fixture
def fudan():
    return organisation_in("310000", name_zh="复旦大学")


@pytest.fixture
def nju():
    return organisation_in("320000", name_zh="南京大学")


@pytest.fixture
def zju():
    return organisation_in("330000", name_zh="浙江大学")


@pytest.fixture
def hefei_firm():
    return organisation_in("340000", name_zh="合肥滨湖储能科技有限公司")


# Reading the file ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_utf8_with_or_without_bom_and_gb18030_files_import_alike(encoding, fudan, hefei_firm):
    written = "ZL " + number(1).replace(".", "").translate(FULL_WIDTH)  # as a patent number, in full-width digits
    data = csv_file([row(written, "复旦大学", "合肥滨湖储能科技有限公司")], encoding=encoding)
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")

    result = run(data)

    assert result.ok, result.errors
    assert (result.created, result.skipped, result.patents_created) == (1, 0, 1)
    entry = RegistryEntry.objects.get()
    assert entry.kind == EntryKind.ASSIGNMENT
    assert entry.patent.application_number == number(1)
    assert [p["name"] for p in entry.from_parties] == ["复旦大学"]
    assert [p["name"] for p in entry.to_parties] == ["合肥滨湖储能科技有限公司"]
    assert (entry.registration_date, entry.execution_date) == (D(2023, 5, 10), D(2023, 3, 31))
    assert entry.cross_province
    assert list(entry.patent.right_holders.values_list("organisation", flat=True)) == [hefei_firm.pk]


def test_registration_date_may_be_headed_生效日_and_several_parties_share_a_cell(fudan, nju, zju, hefei_firm):
    header = [name if name != "转让登记日" else "转让登记日／生效日" for name in HEADER]
    data = csv_file([row(number(2), "复旦大学；南京大学", "浙江大学;合肥滨湖储能科技有限公司")], header=header)

    result = run(data)

    assert result.ok, result.errors
    entry = RegistryEntry.objects.get()
    assert [p["name"] for p in entry.from_parties] == ["复旦大学", "南京大学"]
    assert [p["name"] for p in entry.to_parties] == ["浙江大学", "合肥滨湖储能科技有限公司"]
    assert [p["share"] for p in entry.to_parties] == ["50.00", "50.00"]


@pytest.mark.parametrize(
    "text", ["2023-05-01", "2023/5/1", "2023.05.01", "20230501", "2023年5月1日", "２０２３-０５-０１"]
)
def test_dates_in_every_written_form(text):
    assert parse_date(text) == D(2023, 5, 1)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("有效", LegalStatus.VALID),
        ("专利权维持", LegalStatus.VALID),
        ("审中", LegalStatus.PENDING),
        ("未缴年费专利权终止", LegalStatus.LAPSED),
        ("失效", LegalStatus.LAPSED),
        ("期限届满", LegalStatus.EXPIRED),
        ("无效", LegalStatus.INVALIDATED),
        ("专利权全部无效", LegalStatus.INVALIDATED),
        ("部分无效", LegalStatus.PARTLY_INVALIDATED),
        ("驳回", LegalStatus.REJECTED),
        ("发明专利申请公布后的驳回", LegalStatus.REJECTED),
        ("年费滞纳期", LegalStatus.GRACE_PERIOD),
        ("等年费滞纳金", LegalStatus.GRACE_PERIOD),
        ("专利权的终止（未缴年费）", LegalStatus.LAPSED),
        ("撤回", LegalStatus.WITHDRAWN),
        ("视为撤回", LegalStatus.WITHDRAWN),
        # Both imports read CNIPA's wording through this one mapping (imports.reading.LEGAL_STATUS_TEXT).
        ("实质审查", LegalStatus.PENDING),
        ("审中/实质审查", LegalStatus.PENDING),
        ("审中／实质审查", LegalStatus.PENDING),
        ("未缴年费终止", LegalStatus.LAPSED),
        ("届满", LegalStatus.EXPIRED),
        ("全部无效", LegalStatus.INVALIDATED),
        ("有效/视为撤回", None),  # parts that disagree name no status
        ("存续", None),
    ],
)
def test_legal_status_texts(text, status):
    assert legal_status_of(text) == status


# Bad rows: every one named by its row, nothing written ------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("申请号", "202311432805.8", "申请号 202311432805.8: The check character is wrong: expected 9, got 8."),
        ("申请号", "2023114328", "has 12 digits and a check character"),
        ("转让登记日", "2023-13-01", "转让登记日 2023-13-01 is not a date"),
        ("转让执行日", "明天", "转让执行日 明天 is not a date"),
        ("当前法律状态", "存续", "当前法律状态: unknown legal status 存续; use one of 有效"),
        ("受让人", "", "受让人 is empty."),
        ("转让人", " ； ", "转让人 is empty."),
        ("授权公告日", "2018-12-31", "授权公告日 2018-12-31 is before the patent was filed."),
    ],
)
def test_a_bad_row_is_named_by_its_row_and_reason_and_nothing_is_written(column, value, reason, fudan, nju):
    bad = row(number(4), "复旦大学", "南京大学")
    bad[HEADER.index(column)] = value
    data = csv_file([row(number(3), "复旦大学", "南京大学"), bad])
    before = counts()

    result = run(data)

    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.row == 3  # the header is row 1, the good row row 2
    assert reason in error.message
    with translation.override("en"):
        assert str(error).startswith("row 3: ")
    assert (result.created, result.skipped) == (0, 0)
    assert counts() == before


def test_a_row_with_several_problems_reports_each_of_them(fudan):
    data = csv_file([["202311432805.8", "复旦大学", "", "2023-04-01", "2023-02-30", "有效", "2024-01-01"]])

    result = run(data)

    assert [error.row for error in result.errors] == [2, 2, 2]
    reasons = " | ".join(error.message for error in result.errors)
    assert "expected 9, got 8" in reasons
    assert "2023-02-30 is not a date" in reasons
    assert "受让人 is empty" in reasons


def test_a_missing_column_is_named(fudan, nju):
    header = [name for name in HEADER if name != "当前法律状态"]
    data = csv_file([[*row(number(5), "复旦大学", "南京大学")[:-2], "2021-06-01"]], header=header)

    result = run(data)

    assert [(error.row, error.message) for error in result.errors] == [
        (None, "The header lacks the columns 当前法律状态.")
    ]
    assert RegistryEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "The file is empty."),
        (csv_file([]), "The file has a header but no rows below it."),
        ("申请号,转让人".encode("utf-16"), "not CSV text in UTF-8 or GB18030"),
        (b"\x81\x30\xff\xfe", "not CSV text in UTF-8 or GB18030"),
    ],
)
def test_files_that_cannot_be_read_say_why(data, reason):
    result = run(data)

    assert len(result.errors) == 1
    assert result.errors[0].row is None
    assert reason in result.errors[0].message


def test_one_bad_row_among_1000_writes_nothing_and_names_the_row(fudan, nju, zju, hefei_firm):
    make_patent(fudan)  # the registry is not empty: nothing in it may change either
    names = ["复旦大学", "南京大学", "浙江大学", "合肥滨湖储能科技有限公司"]
    new_firm, new_code = "宁波甬江新能源有限公司", credit_code("330212", 1)
    header = [*HEADER, "受让人统一社会信用代码"]
    rows = []
    for serial in range(1, 1001):
        assignee = new_firm if serial % 10 == 0 else names[(serial + 1) % 4]
        code = new_code if assignee == new_firm else ""
        rows.append([*row(number(serial, year=2018), names[serial % 4], assignee), code])
    bad_line = 638
    rows[bad_line - 2][0] = rows[bad_line - 2][0][:-1] + ("0" if rows[bad_line - 2][0][-1] != "0" else "1")
    before = counts()

    result = run(csv_file(rows, header=header))

    assert [error.row for error in result.errors] == [bad_line]
    assert "The check character is wrong" in result.errors[0].message
    assert result.created == 0
    assert counts() == before
    assert not Organisation.objects.filter(name_zh=new_firm).exists()
    # Without that row the same rows are all importable: they were held back by the bad one alone.
    del rows[bad_line - 2]
    assert run(csv_file(rows, header=header), dry_run=True).created == 999


# Writing --------------------------------------------------------------------------------------------------------


def test_the_sample_file_imports_and_importing_it_again_adds_nothing():
    first = run(SAMPLE.read_bytes())

    assert first.ok, first.errors
    assert (first.rows, first.created, first.skipped) == (10, 10, 0)
    assert (first.patents_created, first.organisations_created) == (9, 13)
    chain_patent = Patent.objects.get(application_number="201811260374.1")
    assert [h.organisation.name_zh for h in chain_patent.right_holders.all()] == ["合肥滨湖储能科技有限公司"]
    assert patent_chain_status(chain_patent).intact
    lapsed = Patent.objects.get(application_number="202020841196.8")
    assert (lapsed.legal_status, lapsed.grant_date) == (LegalStatus.LAPSED, D(2021, 3, 9))
    assert Patent.objects.get(application_number="202210335871.3").legal_status == LegalStatus.PENDING
    before = counts()

    again = run(SAMPLE.read_bytes())

    assert again.ok, again.errors
    assert (again.created, again.skipped, again.patents_created, again.organisations_created) == (0, 10, 0, 0)
    assert again.statuses_updated == 0
    assert counts() == before


def test_the_same_row_twice_in_one_file_is_recorded_once(fudan, nju):
    line = row(number(6), "复旦大学", "南京大学")
    result = run(csv_file([line, line]))

    assert (result.created, result.skipped) == (1, 1)
    assert RegistryEntry.objects.count() == 1


def test_organisations_are_matched_by_credit_code_then_by_exact_name(fudan, nju):
    header = [*HEADER, "转让人统一社会信用代码"]
    data = csv_file(
        [
            # Named differently from the registry, but the credit code says it is 复旦大学.
            [*row(number(7), "复旦大学（邯郸校区）", "南京大学"), fudan.credit_code],
            [*row(number(8), "南京大学", "复旦大学", registered="2023-06-01"), ""],
        ],
        header=header,
    )
    before = Organisation.objects.count()

    result = run(data)

    assert result.ok, result.errors
    assert result.organisations_created == 0
    assert Organisation.objects.count() == before
    first, second = RegistryEntry.objects.order_by("sequence")
    assert [p["organisation"] for p in first.from_parties] == [fudan.pk]
    assert [p["organisation"] for p in second.from_parties] == [nju.pk]
    assert [p["organisation"] for p in second.to_parties] == [fudan.pk]


def test_unknown_organisations_are_added_unverified_with_their_province(fudan):
    header = [*HEADER, "受让人统一社会信用代码", "受让人省份"]
    ningbo_code, hefei_code = credit_code("330212", 2), credit_code("310115", 3)
    data = csv_file(
        [
            [*row(number(9), "复旦大学", "宁波甬江新能源有限公司"), ningbo_code, ""],
            # The province column wins over the credit code's area (this firm moved to Hefei).
            [*row(number(10), "复旦大学", "合肥工业大学"), hefei_code, "安徽"],
            # Named again without its code: found through the row that gave it.
            [*row(number(11), "复旦大学", "宁波甬江新能源有限公司"), "", ""],
        ],
        header=header,
    )

    result = run(data)

    assert result.ok, result.errors
    assert result.organisations_created == 2
    ningbo = Organisation.objects.get(name_zh="宁波甬江新能源有限公司")
    assert (ningbo.credit_code, ningbo.province, ningbo.city) == (ningbo_code, "330000", "330200")
    assert ningbo.verification_status == VerificationStatus.PENDING
    assert ningbo.kind == OrganisationKind.ENTERPRISE
    hfut = Organisation.objects.get(name_zh="合肥工业大学")
    # The code's district is in Shanghai, so the city comes from the name.
    assert (hfut.province, hfut.city, hfut.kind) == ("340000", "340100", OrganisationKind.UNIVERSITY)
    assert hfut.verification_status == VerificationStatus.PENDING
    entry = RegistryEntry.objects.filter(patent__application_number=number(10)).get()
    assert entry.to_parties[0]["province"] == "340000"


def test_an_organisation_the_import_adds_has_its_audit_row_once_however_many_rows_name_it(fudan):
    staff = registry_clerk_user()
    data = csv_file(
        [
            row(number(15), "复旦大学", "无锡太湖半导体有限公司"),
            row(number(16), "复旦大学", "无锡太湖半导体有限公司", registered="2023-06-10"),
        ]
    )

    result = run(data, actor=staff)

    assert result.ok, result.errors
    wuxi = Organisation.objects.get(name_zh="无锡太湖半导体有限公司")
    assert result.organisations == [wuxi]
    event = AuditEvent.objects.get(action="organisation.create")
    assert (event.actor, event.target_id, event.summary) == (staff, str(wuxi.pk), "无锡太湖半导体有限公司")
    assert event.data == {"source": "import_transfers"}
    # Both rows' entries name the one organisation added.
    entries = RegistryEntry.objects.filter(patent__application_number__in=[number(15), number(16)])
    assert {entry.to_parties[0]["organisation"] for entry in entries} == {wuxi.pk}


def test_an_unknown_organisation_without_credit_code_is_placed_by_its_name(fudan):
    data = csv_file(
        [
            row(number(12), "复旦大学", "无锡太湖半导体有限公司"),
            row(number(14), "复旦大学", "江苏省南京市江北新区产业技术研究院"),
        ]
    )

    result = run(data)

    assert result.ok, result.errors
    wuxi = Organisation.objects.get(name_zh="无锡太湖半导体有限公司")
    assert (wuxi.credit_code, wuxi.province, wuxi.city) == (None, "320000", "320200")
    assert wuxi.verification_status == VerificationStatus.PENDING
    institute = Organisation.objects.get(name_zh="江苏省南京市江北新区产业技术研究院")
    assert (institute.province, institute.city, institute.kind) == ("320000", "320100", OrganisationKind.INSTITUTE)
    entry = RegistryEntry.objects.get(patent__application_number=number(12))
    assert entry.cross_province
    assert (entry.to_parties[0]["province"], entry.to_parties[0]["credit_code"]) == ("320000", "")
    assert patent_chain_status(entry.patent).intact
    # Waiting for someone from it to register, not for staff to verify it.
    assert list(Organisation.objects.claimable().order_by("pk")) == [wuxi, institute]


def test_the_command_lists_the_organisations_it_adds_with_their_place(fudan, tmp_path):
    path = tmp_path / "transfers.csv"
    path.write_bytes(csv_file([row(number(12), "复旦大学", "无锡太湖半导体有限公司")]))
    out = io.StringIO()

    with translation.override("zh-hans"):
        call_command("import_transfers", str(path), stdout=out)

    assert "新增 无锡太湖半导体有限公司（江苏省 无锡市），暂无统一社会信用代码，待其机构注册认领" in out.getvalue()


def test_a_later_file_finds_an_organisation_added_without_a_code_by_name_even_with_its_code(fudan):
    run(csv_file([row(number(12), "复旦大学", "无锡太湖半导体有限公司")]))
    header = [*HEADER, "受让人统一社会信用代码"]
    code = credit_code("320214", 5)

    result = run(csv_file([[*row(number(15), "复旦大学", "无锡太湖半导体有限公司"), code]], header=header))

    assert result.ok, result.errors
    assert result.organisations_created == 0
    assert Organisation.objects.filter(name_zh="无锡太湖半导体有限公司").count() == 1


def test_an_unknown_organisation_whose_province_cannot_be_told_is_a_row_error(fudan):
    data = csv_file([row(number(12), "复旦大学", "华东精密仪器有限公司")])

    result = run(data)

    assert [error.row for error in result.errors] == [2]
    reason = result.errors[0].message
    assert "华东精密仪器有限公司" in reason
    assert "受让人省份" in reason and "受让人统一社会信用代码" in reason
    assert Organisation.objects.count() == 1
    assert not RegistryEntry.objects.exists()


def test_a_credit_code_that_contradicts_the_registry_is_a_row_error(fudan, nju):
    header = [*HEADER, "受让人统一社会信用代码"]
    wrong = credit_code("320106", 4)
    result = run(csv_file([[*row(number(13), "复旦大学", "南京大学"), wrong]], header=header))

    assert [error.row for error in result.errors] == [2]
    assert f"南京大学 is registered with the credit code {nju.credit_code}, not {wrong}." in result.errors[0].message


def test_a_chain_is_recorded_in_date_order_whatever_the_file_order(fudan, nju, zju):
    patent_number = number(14)
    data = csv_file(
        [
            row(patent_number, "南京大学", "浙江大学", registered="2023-08-01"),  # B -> C, listed first
            row(patent_number, "复旦大学", "南京大学", registered="2021-03-15"),  # A -> B
        ]
    )

    result = run(data)

    assert result.ok, result.errors
    entries = list(RegistryEntry.objects.filter(patent__application_number=patent_number).order_by("sequence"))
    assert [(e.from_parties[0]["name"], e.to_parties[0]["name"]) for e in entries] == [
        ("复旦大学", "南京大学"),
        ("南京大学", "浙江大学"),
    ]
    patent = entries[0].patent
    assert list(patent.right_holders.values_list("organisation", flat=True)) == [zju.pk]
    assert patent_chain_status(patent).intact


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry run"])
def test_a_refusal_by_the_ledger_rolls_everything_back_and_names_the_row(fudan, nju, zju, dry_run):
    held_by_fudan = make_patent(fudan)
    header = [*HEADER, "受让人统一社会信用代码"]
    data = csv_file(
        [
            [*row(number(15), "复旦大学", "宁波甬江新能源有限公司", registered="2023-01-05"), credit_code("330212", 5)],
            # 南京大学 does not hold this patent, so the ledger refuses the assignment.
            [*row(held_by_fudan.application_number, "南京大学", "浙江大学", registered="2023-02-01"), ""],
        ],
        header=header,
    )
    before = counts()

    result = run(data, dry_run=dry_run)

    assert [error.row for error in result.errors] == [3]
    assert "The assignors must be all the current right holders: 复旦大学." in result.errors[0].message
    assert (result.created, result.patents_created, result.organisations_created) == (0, 0, 0)
    assert counts() == before
    assert not Patent.objects.filter(application_number=number(15)).exists()


def test_a_granted_patent_without_its_grant_date_is_known_as_granted(fudan, nju):
    data = csv_file([row(number(16), "复旦大学", "南京大学", status="有效", granted="")])

    result = run(data)

    assert result.ok, result.errors
    patent = Patent.objects.get(application_number=number(16))
    assert (patent.legal_status, patent.grant_date, patent.is_granted) == (LegalStatus.VALID, None, True)


def test_a_known_patent_keeps_its_grant_date_and_takes_the_files_status(fudan, nju):
    patent = make_patent(fudan)
    data = csv_file([row(patent.application_number, "复旦大学", "南京大学", status="期限届满", granted="")])

    result = run(data)

    assert result.ok, result.errors
    assert result.statuses_updated == 1
    patent.refresh_from_db()
    assert (patent.legal_status, patent.grant_date) == (LegalStatus.EXPIRED, D(2022, 6, 1))
    assert list(patent.right_holders.values_list("organisation", flat=True)) == [nju.pk]


def test_the_actor_is_recorded_on_the_entries(fudan, nju):
    staff = registry_clerk_user()
    result = run(csv_file([row(number(16), "复旦大学", "南京大学")]), actor=staff)

    assert result.ok, result.errors
    assert RegistryEntry.objects.get().actor == staff


# The command ----------------------------------------------------------------------------------------------------


@pytest.fixture
def bad_file(tmp_path, fudan, nju):
    path = tmp_path / "transfers.csv"
    path.write_bytes(
        csv_file(
            [row(number(17), "复旦大学", "南京大学"), row("202311432805.8", "复旦大学", "南京大学")], encoding="gb18030"
        )
    )
    return path


def test_the_command_prints_each_bad_row_to_stderr_and_exits_1(bad_file, capsys, monkeypatch):
    # As from the shell, but the command's closing of connections would end the test's PostgreSQL transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with translation.override("en"), pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_transfers", str(bad_file)]).execute()

    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "row 3: 申请号 202311432805.8: The check character is wrong: expected 9, got 8." in err
    assert "nothing was written" in err
    assert RegistryEntry.objects.count() == 0


def test_the_command_reports_what_it_imported(tmp_path):
    first, second = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_transfers", str(SAMPLE), stdout=first)
        call_command("import_transfers", str(SAMPLE), stdout=second)

    summary, *added = first.getvalue().splitlines()
    assert "10 assignments imported, 0 already there" in summary
    assert f"{len(added)} organisations (awaiting verification) added" in summary
    assert len(added) == Organisation.objects.count() > 0
    assert all(line.startswith("  Added ") for line in added)
    (again,) = second.getvalue().splitlines()
    assert "0 assignments imported, 10 already there" in again
    assert "0 organisations" in again
    assert RegistryEntry.objects.count() == 10


def test_dry_run_checks_and_counts_but_writes_nothing():
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_transfers", str(SAMPLE), "--dry-run", stdout=out)

    assert "10 assignments would be imported" in out.getvalue()
    assert counts() == (0, 0, 0)
    assert not AuditEvent.objects.exists()
    assert not TransferTally.objects.exists()


def test_dry_run_still_reports_bad_rows(bad_file):
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="nothing was written"):
        call_command("import_transfers", str(bad_file), "--dry-run", stderr=err)
    assert err.getvalue().startswith("row 3: ")


def test_the_actor_must_be_allowed_to_record_entries(fudan, nju, user, tmp_path):
    path = tmp_path / "transfers.csv"
    path.write_bytes(csv_file([row(number(18), "复旦大学", "南京大学")]))
    staff = registry_clerk_user()
    with translation.override("en"):
        with pytest.raises(CommandError, match=r"No user has the e-mail address nobody@example\.cn"):
            call_command("import_transfers", str(path), "--actor", "nobody@example.cn", stdout=io.StringIO())
        with pytest.raises(CommandError, match=f"{re.escape(user.email)} may not record registry entries"):
            call_command("import_transfers", str(path), "--actor", user.email, stdout=io.StringIO())
        assert RegistryEntry.objects.count() == 0
        call_command("import_transfers", str(path), "--actor", staff.email.upper(), stdout=io.StringIO())
    assert RegistryEntry.objects.get().actor == staff
