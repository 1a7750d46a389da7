"""import_patents: CNIPA bibliographic data in, each patent with its applicants; all rows or none, every bad row
named, importing again adds nothing; and the service that writes it in bulk."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import translation
from stdnum.cn import uscc

from ip_registry import services
from ip_registry.choices import EntryKind, LegalStatus
from ip_registry.exceptions import RegistryError
from ip_registry.imports import patents_import
from ip_registry.ledger import derive_state
from ip_registry.models import Patent, RegistryEntry, RightHolder
from ip_registry.numbers import check_character, parse_application_number
from ip_registry.selectors import patent_chain_status
from techmarket.accounts.choices import OrganisationKind, VerificationStatus
from techmarket.accounts.models import Organisation
from techmarket.audit.models import AuditEvent
from tests.factories import UserFactory, make_patent, organisation_in, platform_staff_user, registry_clerk_user

pytestmark = pytest.mark.django_db
D = datetime.date
SAMPLE = Path(__file__).resolve().parents[2] / "ip_registry" / "samples" / "patents-sample.csv"
HEADER = ["申请号", "申请日", "名称", "申请（专利权）人", "地址", "IPC分类号", "法律状态", "授权公告日"]
FUDAN_ADDRESS = "200433 上海市杨浦区邯郸路220号"
USTC_ADDRESS = "230026 安徽省合肥市包河区金寨路96号"


def joint_regions(patent) -> set[str]:
    """The target regions the patent counts for as a cross-province joint application (none if it is not one)."""
    return set(patent.joint_application_regions.values_list("region", flat=True))


def number(serial: int, year: int = 2019, type_digit: str = "1") -> str:
    digits = f"{year}{type_digit}{serial:07d}"
    return f"{digits}.{check_character(digits)}"


def credit_code(area: str, serial: int) -> str:
    body = f"91{area}MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


def line(patent_number, applicants, address="", *, status="有效", granted="2021-06-01", filed=None, **cells):
    """A row in HEADER's order: a patent filed on 1 March of its number's year, granted unless told otherwise."""
    year = parse_application_number(patent_number).filing_year
    title = cells.get("title", "一种锂离子电池正极材料的制备方法")
    return [patent_number, filed or f"{year}-03-01", title, applicants, address, cells.get("ipc", ""), status, granted]


def csv_file(rows, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def run(data: bytes, **kwargs):
    with translation.override("en"):
        return patents_import(data=data, **kwargs)


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Patent, RegistryEntry, RightHolder, Organisation, AuditEvent))


def application(patent_number: str) -> RegistryEntry:
    return RegistryEntry.objects.get(patent__application_number=patent_number, kind=EntryKind.APPLICATION)


@pytest.fixture
def fudan():
    return organisation_in("310000", name_zh="复旦大学")


@pytest.fixture
def nju():
    return organisation_in("320000", name_zh="南京大学")


@pytest.fixture
def zju():
    return organisation_in("330000", name_zh="浙江大学")


# The acceptance: a thousand rows, five bad ----------------------------------------------------------------------


def thousand_rows() -> list[list[str]]:
    """Rows 2 to 1001: registered universities, and three organisations the registry lacks, each placed otherwise:
    华创精密仪器有限公司 by its address, 中国科学技术大学 by the second of two addresses, 苏州… by its name."""
    rows = []
    for serial in range(1, 1001):
        granted = serial % 2 == 0
        applicants, address = {
            0: ("复旦大学", FUDAN_ADDRESS),
            1: ("南京大学；浙江大学", ""),
            2: ("华创精密仪器有限公司", "230088 安徽省合肥市高新区望江西路800号"),
            3: ("复旦大学;中国科学技术大学", f"{FUDAN_ADDRESS}；{USTC_ADDRESS}"),
            4: ("苏州纳微光电科技有限公司", ""),
        }[serial % 5]
        rows.append(
            line(
                number(serial, year=2018),
                applicants,
                address,
                status="有效" if granted else "审中/实质审查",
                granted=f"2020-{serial % 12 + 1:02d}-15" if granted else "",
                ipc="H01M10/0525;H01M4/525" if serial % 3 else "G06N3/08",
            )
        )
    return rows


# (row, column, the wrong value, the right one), the row as a spreadsheet numbers it (the header is row 1).
BAD_CELLS = [
    (12, "申请号", "201810000011.1", number(11, year=2018)),
    (250, "申请日", "2018-02-30", "2018-02-28"),
    (501, "法律状态", "存续", "有效"),
    (777, "申请（专利权）人", "华东精密仪器有限公司", "南京大学；浙江大学"),
    (1001, "授权公告日", "2017-12-31", "2020-05-15"),
]


def test_1000_rows_with_five_bad_ones_each_named_nothing_written_fixed_they_import_and_again_add_nothing(
    fudan, nju, zju
):
    make_patent(fudan)  # the registry is not empty: nothing in it may change either
    rows = thousand_rows()
    for row_number, column, wrong, _right in BAD_CELLS:
        rows[row_number - 2][HEADER.index(column)] = wrong
    before = counts()

    result = run(csv_file(rows))

    assert not result.ok
    assert [error.row for error in result.errors] == [row for row, *_ in BAD_CELLS]
    for error, (_row, column, wrong, _right) in zip(result.errors, BAD_CELLS, strict=True):
        assert column in error.message, error.message
        assert wrong in error.message, error.message
    with translation.override("en"):
        assert str(result.errors[0]).startswith("row 12: 申请号 201810000011.1: The check character is wrong")
    assert result.errors[3].message.startswith("申请（专利权）人: the province of 华东精密仪器有限公司 cannot be told")
    assert (result.created, result.completed, result.entries) == (0, 0, 0)
    assert counts() == before

    for row_number, column, _wrong, right in BAD_CELLS:
        rows[row_number - 2][HEADER.index(column)] = right
    fixed = run(csv_file(rows))

    assert fixed.ok, fixed.errors
    assert (fixed.rows, fixed.created, fixed.completed, fixed.skipped) == (1000, 1000, 0, 0)
    assert fixed.entries == 1000 + 500  # an application entry each, a grant entry for the 500 granted
    assert sorted(org.name_zh for org in fixed.organisations) == [
        "中国科学技术大学",
        "华创精密仪器有限公司",
        "苏州纳微光电科技有限公司",
    ]
    places = {
        org.name_zh: (org.province, org.city) for org in Organisation.objects.filter(verification_status="pending")
    }
    assert places == {
        "华创精密仪器有限公司": ("340000", "340100"),  # by its address
        "中国科学技术大学": ("340000", "340100"),  # by its own address, the second in the cell
        "苏州纳微光电科技有限公司": ("320000", "320500"),  # by its name
    }
    joint = application(number(3, year=2018))
    assert [(p["name"], p["province"]) for p in joint.to_parties] == [
        ("复旦大学", "310000"),
        ("中国科学技术大学", "340000"),
    ]
    assert joint_regions(Patent.objects.get(application_number=number(3, year=2018))) == {"yrd", "310000", "340000"}
    assert joint_regions(Patent.objects.get(application_number=number(5, year=2018))) == set()
    assert patent_chain_status(joint.patent).intact
    after = counts()

    again = run(csv_file(rows))

    assert again.ok, again.errors
    assert (again.created, again.completed, again.updated, again.skipped, again.entries) == (0, 0, 0, 1000, 0)
    assert again.organisations == []
    assert counts() == after


# Reading the file ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_utf8_with_or_without_bom_and_gb18030_files_import_alike(encoding, fudan):
    data = csv_file([line(number(1), "复旦大学", FUDAN_ADDRESS, ipc="H01M10/0525")], encoding=encoding)
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")

    result = run(data)

    assert result.ok, result.errors
    patent = Patent.objects.get(application_number=number(1))
    assert (patent.title, patent.filing_date, patent.ipc_codes) == (
        "一种锂离子电池正极材料的制备方法",
        D(2019, 3, 1),
        ["H01M 10/0525"],
    )
    assert (patent.legal_status, patent.grant_date) == (LegalStatus.VALID, D(2021, 6, 1))


def test_the_headers_people_use_are_accepted():
    header = [
        "专利号",
        "申请日",
        "专利名称",
        "申请(专利权)人",
        "申请人地址",
        "主分类号",
        "分类号",
        "当前法律状态",
        "授权日",
    ]
    row = ["ZL 2019 1000 0001." + number(1)[-1], "2019/3/1", "一种传感器", "苏州纳微光电科技有限公司", "", "G01N33/18",
           "G01N33/18;G06N3/08", "审中", ""]  # fmt: skip

    result = run(csv_file([row], header=header))

    assert result.ok, result.errors
    patent = Patent.objects.get(application_number=number(1))
    assert patent.ipc_codes == ["G01N 33/18", "G06N 3/08"]  # the main one first, each once
    assert patent.legal_status == LegalStatus.PENDING


@pytest.mark.parametrize("separator", [";", "；", " ； "])
def test_applicants_are_separated_by_either_semicolon(separator, fudan, nju, zju):
    result = run(csv_file([line(number(2), separator.join(["复旦大学", "南京大学", "浙江大学"]))]))

    assert result.ok, result.errors
    entry = application(number(2))
    assert [p["name"] for p in entry.to_parties] == ["复旦大学", "南京大学", "浙江大学"]
    assert [p["share"] for p in entry.to_parties] == ["33.34", "33.33", "33.33"]
    assert joint_regions(entry.patent) == {"yrd", "310000", "320000", "330000"}


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("申请号", "", "申请号 is empty."),
        ("申请日", "", "申请日 is empty."),
        ("申请日", "2020-03-01", "申请日 2020-03-01 is not in 2019, the year application number"),
        ("申请日", "2099-01-01", "申请日 2099-01-01 is in the future."),
        ("名称", "", "名称 is empty."),
        ("名称", "长" * 301, "名称 is too long."),
        ("申请（专利权）人", "；", "申请（专利权）人 is empty."),
        ("申请（专利权）人", "复旦大学；复旦大学", "申请（专利权）人 names 复旦大学 twice."),
        ("地址", f"{FUDAN_ADDRESS}；{USTC_ADDRESS}", "地址 lists 2 addresses for 1 applicants in 申请（专利权）人"),
        ("IPC分类号", "H01M10/0525;电池", "电池 is not an IPC code"),
        ("法律状态", "驳回中", "法律状态: unknown legal status 驳回中; use one of"),
        ("授权公告日", "2019-02-01", "授权公告日 2019-02-01 is before the patent was filed."),
    ],
)
def test_a_bad_cell_is_named_by_its_row_and_column_and_nothing_is_written(column, value, reason, fudan):
    bad = line(number(4), "复旦大学", FUDAN_ADDRESS)
    bad[HEADER.index(column)] = value
    before = counts()

    result = run(csv_file([line(number(3), "复旦大学"), bad]))

    assert [error.row for error in result.errors] == [3]
    assert reason in result.errors[0].message
    assert counts() == before


def test_a_grant_date_with_a_status_that_was_never_granted_is_a_row_error(fudan):
    result = run(csv_file([line(number(4), "复旦大学", status="视为撤回", granted="2021-06-01")]))

    assert [(error.row, error.message) for error in result.errors] == [
        (2, "授权公告日 2021-06-01: a patent whose legal status is 视为撤回 has not been granted.")
    ]


def test_a_file_without_a_required_column_is_refused_as_a_whole():
    header = [name for name in HEADER if name != "申请日"]
    result = run(csv_file([["x"] * len(header)], header=header))

    assert [(error.row, error.message) for error in result.errors] == [(None, "The header lacks the columns 申请日.")]


def test_a_row_given_twice_is_imported_once_and_a_contradicting_one_is_an_error(fudan, nju):
    same = line(number(5), "复旦大学")
    result = run(csv_file([same, same]))
    assert (result.created, result.skipped) == (1, 1)

    other = line(number(6), "复旦大学")
    contradicting = line(number(6), "南京大学")
    result = run(csv_file([other, contradicting]))
    assert [(error.row, error.message) for error in result.errors] == [
        (3, f"申请号 {number(6)} is also in row 2, with other details; keep one of the two rows.")
    ]


# Placing the applicants ------------------------------------------------------------------------------------------


def test_applicants_are_matched_by_credit_code_then_by_exact_name(fudan, nju):
    header = [*HEADER, "申请人统一社会信用代码"]
    rows = [
        [*line(number(7), "复旦大学（邯郸校区）；南京大学"), f"{fudan.credit_code}；"],  # the code says 复旦大学
    ]
    before = Organisation.objects.count()

    result = run(csv_file(rows, header=header))

    assert result.ok, result.errors
    assert Organisation.objects.count() == before
    assert [p["organisation"] for p in application(number(7)).to_parties] == [fudan.pk, nju.pk]


def test_a_new_applicant_is_placed_by_credit_code_then_address_then_name(fudan):
    header = [*HEADER, "申请人统一社会信用代码"]
    rows = [
        # The code's area (320506, 苏州吴中区) wins over the address in Shanghai.
        [*line(number(8), "星河精密仪器有限公司", FUDAN_ADDRESS), credit_code("320506", 1)],
        # No code: the address, a postcode first, in a municipality's district.
        [*line(number(9), "华创精密仪器有限公司", "200120 上海市浦东新区张江路100号"), ""],
        # Neither: the place the name begins with.
        [*line(number(10), "杭州云栖智能科技有限公司"), ""],
    ]

    result = run(csv_file(rows, header=header))

    assert result.ok, result.errors
    placed = {org.name_zh: (org.province, org.city, org.credit_code) for org in result.organisations}
    assert placed == {
        "星河精密仪器有限公司": ("320000", "320500", credit_code("320506", 1)),
        "华创精密仪器有限公司": ("310000", "310115", None),
        "杭州云栖智能科技有限公司": ("330000", "330100", None),
    }
    assert all(org.verification_status == VerificationStatus.PENDING for org in result.organisations)
    assert all(org.kind == OrganisationKind.ENTERPRISE for org in result.organisations)
    assert application(number(9)).to_parties[0]["province"] == "310000"
    event = AuditEvent.objects.get(action="organisation.create", target_id=str(result.organisations[0].pk))
    assert event.data == {"source": "import_patents"}


def test_the_address_places_the_first_applicant_only(fudan):
    # 中国科学技术大学's name places it nowhere, and the one address is 复旦大学's.
    result = run(csv_file([line(number(11), "复旦大学；中国科学技术大学", FUDAN_ADDRESS)]))

    assert [error.row for error in result.errors] == [2]
    message = result.errors[0].message
    assert "中国科学技术大学" in message and "地址" in message and "申请人统一社会信用代码" in message

    result = run(csv_file([line(number(11), "复旦大学；中国科学技术大学", f"{FUDAN_ADDRESS}；{USTC_ADDRESS}")]))

    assert result.ok, result.errors
    ustc = Organisation.objects.get(name_zh="中国科学技术大学")
    assert (ustc.province, ustc.city, ustc.kind) == ("340000", "340100", OrganisationKind.UNIVERSITY)


def test_an_organisation_the_file_places_once_is_placed_in_every_row(fudan):
    rows = [
        line(number(12), "华创精密仪器有限公司", "230088 安徽省合肥市高新区望江西路800号"),
        line(number(13), "复旦大学；华创精密仪器有限公司", FUDAN_ADDRESS),  # second here: placed by row 2
    ]

    result = run(csv_file(rows))

    assert result.ok, result.errors
    assert [org.name_zh for org in result.organisations] == ["华创精密仪器有限公司"]
    assert [p["province"] for p in application(number(13)).to_parties] == ["310000", "340000"]


# Patents the registry already has ---------------------------------------------------------------------------------


def test_a_patent_known_from_an_assignment_gains_its_applicants_and_keeps_its_holders(fudan, nju):
    patent = services.patent_register(actor=None, application_number=number(14))  # by number, as a transfer import
    services.patent_assign(
        actor=None,
        patent=patent,
        assignors=[services.Holding(fudan)],
        assignees=[services.Holding(nju)],
        registration_date=D(2023, 5, 10),
    )
    row = line(number(14), "复旦大学；中国科学技术大学", f"{FUDAN_ADDRESS}；{USTC_ADDRESS}", ipc="H01M10/0525")

    result = run(csv_file([row]))

    assert result.ok, result.errors
    assert (result.created, result.completed, result.updated, result.entries) == (0, 1, 1, 1)
    patent.refresh_from_db()
    assert (patent.filing_date, patent.title, patent.ipc_codes) == (D(2019, 3, 1), row[2], ["H01M 10/0525"])
    assert (patent.grant_date, patent.legal_status) == (D(2021, 6, 1), "valid")
    assert joint_regions(patent)
    kinds = list(patent.entries.order_by("sequence").values_list("kind", "registration_date"))
    assert kinds == [(EntryKind.ASSIGNMENT, D(2023, 5, 10)), (EntryKind.APPLICATION, D(2019, 3, 1))]
    # The applicants are the patent's history; the assignee still holds it.
    assert [holder.organisation for holder in patent.right_holders.all()] == [nju]
    assert derive_state(patent.entries.order_by("sequence"), D.today()).holder_ids == {nju.pk}
    assert patent_chain_status(patent).intact
    update = AuditEvent.objects.get(action="patent.update", target_id=str(patent.pk))
    assert update.data["filing_date"] == ["None", "2019-03-01"]

    again = run(csv_file([row]))

    assert (again.completed, again.skipped, again.entries) == (0, 1, 0)
    assert patent.entries.filter(kind=EntryKind.APPLICATION).count() == 1


def test_a_patent_whose_applicants_are_recorded_gains_nothing_but_its_new_status(fudan):
    patent = make_patent(fudan, granted=False, year=2019)
    entries = patent.entries.count()

    result = run(csv_file([line(patent.application_number, "复旦大学", filed=patent.filing_date.isoformat())]))

    assert result.ok, result.errors
    assert (result.skipped, result.updated, result.entries) == (1, 1, 0)
    assert patent.entries.count() == entries
    patent.refresh_from_db()
    assert (patent.legal_status, patent.grant_date) == (LegalStatus.VALID, D(2021, 6, 1))


def test_other_applicants_or_another_filing_date_for_a_recorded_patent_are_row_errors(fudan, nju):
    patent = make_patent(fudan, year=2019)
    filed = patent.filing_date.isoformat()

    result = run(csv_file([line(patent.application_number, "南京大学", filed=filed)]))
    assert [error.row for error in result.errors] == [2]
    assert "the registry records the applicants of" in result.errors[0].message
    assert "复旦大学" in result.errors[0].message
    result = run(csv_file([line(patent.application_number, "复旦大学", filed="2019-12-31")]))
    assert result.errors[0].message == (
        f"申请日 2019-12-31: the registry has {patent.application_number} filed on {filed}."
    )


# Dry run, the actor, the command ------------------------------------------------------------------------------


def test_the_sample_file_imports_and_importing_it_again_adds_nothing():
    first = run(SAMPLE.read_bytes())

    assert first.ok, first.errors
    assert (first.rows, first.created, first.skipped) == (10, 10, 0)
    joint = Patent.objects.get(application_number="202310287451.7")
    assert joint_regions(joint) and joint.legal_status == LegalStatus.PENDING
    before = counts()

    again = run(SAMPLE.read_bytes())

    assert (again.created, again.completed, again.skipped, again.updated) == (0, 0, 10, 0)
    assert counts() == before


def test_dry_run_counts_what_would_be_written_and_writes_nothing():
    before = counts()

    result = run(SAMPLE.read_bytes(), dry_run=True)

    assert result.ok and result.dry_run
    assert (result.created, result.organisations_created) == (10, 13)
    with translation.override("en"):
        assert result.summary().startswith("Dry run: 10 rows are valid; 10 patents would be registered")
    assert counts() == before


def test_the_actor_is_recorded_and_must_be_allowed_to_record_entries(fudan):
    clerk = registry_clerk_user()
    result = run(csv_file([line(number(15), "复旦大学")]), actor=clerk)

    assert result.ok, result.errors
    assert application(number(15)).actor == clerk
    assert AuditEvent.objects.filter(action="registry.application", actor=clerk).count() == 1
    for not_a_clerk in (UserFactory(), platform_staff_user()):
        with pytest.raises(PermissionDenied):
            run(csv_file([line(number(16), "复旦大学")]), actor=not_a_clerk)


def test_a_file_too_long_for_the_page_is_refused(fudan):
    result = run(csv_file([line(number(serial), "复旦大学") for serial in range(20, 24)]), max_rows=3)

    assert [(error.row, error.message) for error in result.errors] == [
        (None, "The file has more than 3 rows; at most 3 can be imported at once.")
    ]


def test_the_command_imports_with_a_dry_run_first(tmp_path):
    path = tmp_path / "patents.csv"
    path.write_bytes(SAMPLE.read_bytes())
    out = io.StringIO()

    with translation.override("en"):
        call_command("import_patents", str(path), "--dry-run", stdout=out)
    assert "Dry run: 10 rows are valid" in out.getvalue()
    assert "Would add 中国科学院合肥物质科学研究院 (Anhui 合肥市), without a credit code" in out.getvalue()
    assert not Patent.objects.exists()

    out = io.StringIO()
    with translation.override("zh-hans"):
        call_command("import_patents", str(path), stdout=out)
    assert Patent.objects.count() == 10
    assert (
        "新增 中国科学院合肥物质科学研究院（安徽省 合肥市），暂无统一社会信用代码，待其机构注册认领" in out.getvalue()
    )


def test_the_command_prints_each_bad_row_and_writes_nothing(tmp_path, capsys, fudan):
    path = tmp_path / "patents.csv"
    path.write_bytes(
        csv_file(
            [
                line(number(17), "复旦大学", status="存续"),
                ["2019100000", "2019-03-01", "一种传感器", "复旦大学", "", "", "有效", ""],
            ]
        )
    )

    with translation.override("en"), pytest.raises(CommandError, match="2 problem"):
        call_command("import_patents", str(path))

    printed = capsys.readouterr().err
    assert "row 2: 法律状态: unknown legal status 存续" in printed
    assert "row 3: 申请号 2019100000:" in printed
    assert not Patent.objects.exists()


# The service under it ----------------------------------------------------------------------------------------


def test_the_bulk_service_refuses_a_patent_whose_applicants_are_recorded_and_writes_nothing(fudan, nju):
    patent = make_patent(fudan, year=2019)
    before = counts()
    filings = [
        services.Filing(number(18), D(2019, 3, 1), [services.Holding(nju)], {"title": "一种传感器"}),
        services.Filing(patent.application_number, patent.filing_date, [services.Holding(nju)]),
    ]

    with translation.override("en"), pytest.raises(RegistryError, match="already records the applicants"):
        services.patents_record_filings(actor=None, filings=filings)

    assert counts() == before


def test_the_bulk_service_chains_its_entries_like_one_by_one(fudan, nju):
    make_patent(fudan)
    recorded = services.patents_record_filings(
        actor=None,
        filings=[
            services.Filing(
                number(19),
                D(2019, 3, 1),
                [services.Holding(fudan), services.Holding(nju)],
                {"grant_date": D(2021, 1, 5)},
            ),
            services.Filing(number(20, type_digit="2"), D(2019, 4, 1), [services.Holding(nju)]),
        ],
    )

    assert [patent.application_number for patent in recorded.created] == [number(19), number(20, type_digit="2")]
    assert recorded.entries == 3
    first, second = recorded.created
    assert list(first.entries.values_list("kind", flat=True)) == [EntryKind.APPLICATION, EntryKind.GRANT]
    assert joint_regions(first) and not joint_regions(second)
    assert [holder.share for holder in first.right_holders.all()] == [50, 50]
    assert patent_chain_status(first).intact and patent_chain_status(second).intact
    call_command("verify_registry", stdout=io.StringIO())


def test_a_bad_row_is_reported_alone_even_when_it_alone_places_an_organisation_others_name(fudan):
    rows = [
        line(number(21), "中国科学技术大学", USTC_ADDRESS, status="存续"),  # bad, but its address still counts
        line(number(22), "复旦大学；中国科学技术大学", FUDAN_ADDRESS),
    ]

    result = run(csv_file(rows))

    assert [error.row for error in result.errors] == [2]
