"""CSV downloads never hand a spreadsheet a formula: text that would start one is quoted, numbers stay numbers."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from ip_registry import services as registry
from ip_registry import tables
from ip_registry import views as registry_views
from techmarket import csvexport
from techmarket.regions.models import TechnologyField
from tests.factories import add_member, make_patent, organisation_in, university_in

HYPERLINK = '=HYPERLINK("http://x","y")'


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+86 21 5555 0000", "'+86 21 5555 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("复旦大学", "复旦大学"),
        ("a=b", "a=b"),  # only the first character starts a formula
        ("", ""),
        (-12, -12),
        (Decimal("-3.50"), Decimal("-3.50")),
        (2.5, 2.5),
        (None, None),
        (datetime.date(2024, 1, 2), "2024-01-02"),
    ],
)
def test_text_that_starts_a_formula_is_quoted_and_numbers_stay_numbers(value, written):
    assert csvexport.safe_cell(value) == written


def test_a_number_written_is_a_number_in_the_file():
    text = csvexport.csv_text([["name", "count", "change"], ["-1 (text)", 7, Decimal("-1.25")]])
    assert text.startswith("\ufeff")
    assert rows_of(text.encode()) == [["name", "count", "change"], ["'-1 (text)", "7", "-1.25"]]


@pytest.mark.django_db
def test_the_registry_csv_download_quotes_a_formula_in_a_text_cell():
    """What the registry's CSV downloads write through: a row named by a party called like a formula."""
    party = organisation_in("310000", name_zh=HYPERLINK)
    table = tables.Table(name="parties", caption="", columns=["party", "transfers"], rows=[[party.name_zh, 3]])

    response = registry_views._csv_response(table, "registry-parties.csv")

    assert response["Content-Disposition"] == 'attachment; filename="registry-parties.csv"'
    assert rows_of(response.content)[1] == ["'" + HYPERLINK, "3"]


@pytest.mark.django_db
def test_no_registry_csv_download_starts_a_formula_when_a_party_is_named_like_one(client):
    university = university_in("310000", name_zh=HYPERLINK)
    firm = organisation_in("320000", name_zh="-@苏州某某有限公司")
    patent = make_patent(university, year=2019)
    registry.patent_assign(
        actor=None,
        patent=patent,
        assignees=[registry.Holding(firm)],
        registration_date=datetime.date(2022, 5, 10),
    )
    for table in tables.TABLE_NAMES:
        response = client.get(reverse("ip_registry:dashboard"), {"format": "csv", "table": table})
        assert response.status_code == 200, table
        for row in rows_of(response.content):
            for cell in row:
                assert not cell.startswith(csvexport.FORMULA_STARTS), (table, cell)


@pytest.mark.django_db
def test_the_import_template_quotes_a_field_named_like_a_formula(client):
    TechnologyField.objects.update(is_active=False)
    TechnologyField.objects.create(slug="hostile", name_zh=HYPERLINK, name_en="Hostile", position=0)
    university = university_in("310000", name_zh="复旦大学")
    client.force_login(add_member(university))

    response = client.get(reverse("listings:listing_import_template", args=[university.pk]))

    assert response.status_code == 200
    header, example = rows_of(response.content)
    assert example[header.index("技术领域")] == "'" + HYPERLINK
