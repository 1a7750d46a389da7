"""The staff's page for import_patents: who may use it, its dry run, and its report on every bad row."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from ip_registry.models import Patent, RegistryEntry
from techmarket.accounts.models import Organisation
from tests.factories import UserFactory, registry_clerk_user

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "ip_registry" / "samples" / "patents-sample.csv"


def url(name: str = "patent_import", language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"ip_registry:{name}")


def upload(data: bytes, name: str = "patents.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def with_bad_rows() -> bytes:
    """The sample with two rows spoilt: row 3's status, row 6's filing date."""
    lines = SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace(",有效,", ",存续,")
    lines[5] = lines[5].replace("2022-06-24", "2022-06-31")
    return "\n".join(lines).encode("utf-8")


@pytest.fixture
def staff_client(client):
    client.force_login(registry_clerk_user())
    return client


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_other_users_are_refused_and_nothing_is_written(client):
    client.force_login(UserFactory())

    assert client.get(url()).status_code == 403
    assert client.post(url(), {"file": upload(SAMPLE.read_bytes())}).status_code == 403
    assert not Patent.objects.exists()


def test_staff_see_the_form_the_columns_and_a_link_from_the_dashboard(staff_client, client):
    page = staff_client.get(url(language="zh-hans"))

    assert page.status_code == 200
    body = page.content.decode()
    assert "申请（专利权）人" in body and "授权公告日" in body  # the table of columns
    assert 'name="dry_run"' in body
    assert url(language="zh-hans") in staff_client.get(url("dashboard", "zh-hans")).content.decode()
    client.logout()
    assert url(language="zh-hans") not in client.get(url("dashboard", "zh-hans")).content.decode()


def test_a_dry_run_of_a_bad_file_lists_each_bad_row_and_writes_nothing(staff_client):
    response = staff_client.post(url(), {"file": upload(with_bad_rows()), "dry_run": "on"})

    assert response.status_code == 200
    report = response.context["result"]
    assert [error.row for error in report.errors] == [3, 6]
    body = response.content.decode()
    assert "2 problem(s) found; nothing was written." in body
    assert "法律状态: unknown legal status 存续" in body
    assert "申请日 2022-06-31 is not a date" in body
    assert "Upload the corrected file" in body
    assert not Patent.objects.exists()
    assert not Organisation.objects.exists()


def test_an_import_of_a_bad_file_writes_nothing_either(staff_client):
    response = staff_client.post(url(), {"file": upload(with_bad_rows())})

    assert [error.row for error in response.context["result"].errors] == [3, 6]
    assert not Patent.objects.exists()


def test_a_dry_run_of_a_good_file_says_what_would_be_imported_and_writes_nothing(staff_client):
    response = staff_client.post(url(), {"file": upload(SAMPLE.read_bytes()), "dry_run": "on"})

    body = response.content.decode()
    assert "Dry run: 10 rows are valid; 10 patents would be registered with their applicants" in body
    assert "Would add 中国科学院合肥物质科学研究院 (Anhui 合肥市)" in body
    assert not Patent.objects.exists()
    assert not Organisation.objects.exists()


def test_staff_import_a_file_and_importing_it_again_adds_nothing(staff_client):
    response = staff_client.post(url(), {"file": upload(SAMPLE.read_bytes())})

    body = response.content.decode()
    assert "10 rows: 10 patents registered with their applicants" in body
    assert "Added 中国科学院合肥物质科学研究院 (Anhui 合肥市)" in body
    assert Patent.objects.count() == 10
    entries = RegistryEntry.objects.count()
    assert response.context["form"].is_bound is False  # ready for the next file

    again = staff_client.post(url(), {"file": upload(SAMPLE.read_bytes())})

    assert "0 patents registered with their applicants" in again.content.decode()
    assert "10 already there" in again.content.decode()
    assert RegistryEntry.objects.count() == entries


def test_the_page_takes_no_more_rows_than_its_limit(staff_client, settings):
    settings.PATENT_IMPORT_PAGE_ROWS = 5

    response = staff_client.post(url(), {"file": upload(SAMPLE.read_bytes())})

    assert "The file has more than 5 rows; at most 5 can be imported at once." in response.content.decode()
    assert not Patent.objects.exists()


def test_a_post_without_a_file_asks_for_one(staff_client):
    response = staff_client.post(url(), {"dry_run": "on"})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["result"] is None
