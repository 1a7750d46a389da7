"""The registry clerks' pages: who may use them, what each form records, and what it refuses (writing nothing)."""

import datetime
import hashlib

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from ip_registry import recordals, services
from ip_registry.choices import LicenceType
from ip_registry.documents import record_with_document
from ip_registry.models import LicenceRecordal, Patent, RegistryDocument, RegistryEntry
from techmarket.accounts.choices import MembershipRole
from techmarket.accounts.models import Organisation, User
from tests.factories import (
    UserFactory,
    add_member,
    make_patent,
    organisation_in,
    platform_staff_user,
    registry_clerk_user,
)
from tests.listings.conftest import MINIMAL_PDF, image_bytes
from tests.worlds import built_once

from .conftest import JS, SH, ZJ, stored_files, upload

D = datetime.date
H = services.Holding
TODAY = timezone.localdate

pytestmark = pytest.mark.django_db


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"ip_registry:{name}", args=args)


def record_url(patent, kind, language="en"):
    return url("entry_record", patent.application_number, kind, language=language)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# Who may use the pages ------------------------------------------------------------------------------------------

ROLES = ["anonymous", "ordinary_user", "holder_admin", "platform_staff", "clerk"]
LOGIN = "login"


def _row(*statuses):
    return dict(zip(ROLES, statuses, strict=True))


CLERKS_ONLY = _row(LOGIN, 403, 403, 403, 200)
CLERKS_RECORD = _row(LOGIN, 403, 403, 403, 302)
MATRIX = [
    ("patent page", "get", _row(200, 200, 200, 200, 200)),
    ("assignment", "get", CLERKS_ONLY),
    ("assignment", "post", CLERKS_RECORD),
    ("licence", "get", CLERKS_ONLY),
    ("licence", "post", CLERKS_RECORD),
    ("pledge", "get", CLERKS_ONLY),
    ("pledge", "post", CLERKS_RECORD),
    ("legal-status", "get", CLERKS_ONLY),
    ("legal-status", "post", CLERKS_RECORD),
    ("pledge-release", "get", CLERKS_ONLY),
    ("pledge-release", "post", CLERKS_RECORD),
    ("recordals", "get", CLERKS_ONLY),
    ("recordal", "get", CLERKS_ONLY),
    ("recordal", "post", CLERKS_RECORD),
    ("document", "get", CLERKS_ONLY),
    ("api recordals", "get", _row(403, 403, 403, 403, 200)),
]


def _make_world():
    """A university's patent with a contract awaiting recordal, another one pledged, a firm, a user per role."""
    university = organisation_in(SH, name_zh="复旦大学")
    firm = organisation_in(JS, name_zh="南京锂电科技有限公司")
    bank = organisation_in(ZJ, name_zh="杭州银行股份有限公司")
    patent, pledged = make_patent(university), make_patent(university)
    pledge = record_with_document(
        services.pledge_record,
        actor=None,
        document=upload(),
        patent=pledged,
        pledgees=[H(bank)],
        registration_date=D(2024, 1, 5),
    )
    recordal = recordals.licence_recordal_open(
        actor=None,
        patent=patent,
        licensees=[firm],
        licence_type=LicenceType.ORDINARY,
        term_start=D(2024, 1, 1),
        term_end=D(2026, 12, 31),
        effective_date=TODAY() - datetime.timedelta(days=30),
    )
    users = {
        "anonymous": None,
        "ordinary_user": UserFactory(),
        "holder_admin": add_member(university, role=MembershipRole.ADMIN),
        "platform_staff": platform_staff_user(),
        "clerk": registry_clerk_user(),
    }
    rows = {"patent": patent, "pledged": pledged, "pledge": pledge, "recordal": recordal, "firm": firm, "bank": bank}
    return rows, users


def _post_data(page, world) -> dict:
    firm, today = world["firm"], TODAY().isoformat()
    common = {"registration_date": today, "registration_number": "2024990000123", "document": upload()}
    return {
        "assignment": {**common, "assignees": firm.credit_code},
        "licence": {
            **common,
            "licensees": firm.name_zh,
            "licence_type": LicenceType.ORDINARY,
            "term_start": "2024-01-01",
            "term_end": "2026-12-31",
            "effective_date": "2024-01-01",
        },
        "pledge": {**common, "pledgees": firm.name_zh},
        "pledge-release": {**common, "pledge": world["pledge"].pk},
        "legal-status": {"registration_date": today, "document": upload(), "status": "invalidated_in_part"},
        "recordal": common,
    }[page]


def _request(client, page, method, world):
    patent = world["patent"]
    urls = {
        "patent page": patent.get_absolute_url(),
        "recordals": url("recordal_list"),
        "recordal": url("recordal_record", world["recordal"].pk),
        "document": world["pledge"].document.get_absolute_url(),
        "api recordals": "/api/v1/registry/recordals/",
    }
    target = urls.get(page) or record_url(world["pledged"] if page == "pledge-release" else patent, page)
    return client.post(target, _post_data(page, world)) if method == "post" else client.get(target)


class TestMatrix:
    """One world for the class; each case runs in its own savepoint and fetches its rows and user afresh."""

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, django_db_setup, django_db_blocker, tmp_path_factory):
        with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), built_once(django_db_blocker):
            rows, users = _make_world()
            yield {name: row.pk for name, row in rows.items()}, {role: user and user.pk for role, user in users.items()}

    @pytest.mark.parametrize(("page", "method", "expected"), MATRIX)
    @pytest.mark.parametrize("role", ROLES)
    def test_permission_matrix(self, world, client, page, method, expected, role):
        pks, user_pks = world
        rows = {
            "patent": Patent.objects.get(pk=pks["patent"]),
            "pledged": Patent.objects.get(pk=pks["pledged"]),
            "pledge": RegistryEntry.objects.get(pk=pks["pledge"]),
            "recordal": LicenceRecordal.objects.get(pk=pks["recordal"]),
            "firm": Organisation.objects.get(pk=pks["firm"]),
            "bank": Organisation.objects.get(pk=pks["bank"]),
        }
        if user_pks[role]:
            client.force_login(User.objects.get(pk=user_pks[role]))
        entries = RegistryEntry.objects.count()
        response = _request(client, page, method, rows)
        want = expected[role]
        if want == LOGIN:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
        else:
            assert response.status_code == want, f"{role} {method} {page}: {response.status_code}"
        if method == "post":
            assert RegistryEntry.objects.count() == entries + (1 if want == 302 else 0)


# The forms ------------------------------------------------------------------------------------------------------


@pytest.fixture
def university():
    return organisation_in(SH, name_zh="复旦大学")


@pytest.fixture
def firm():
    return organisation_in(JS, name_zh="南京锂电科技有限公司")


@pytest.fixture
def bank():
    return organisation_in(ZJ, name_zh="杭州银行股份有限公司")


@pytest.fixture
def patent(university):
    return make_patent(university)


@pytest.fixture
def clerk_client(client, clerk, media_root):
    client.force_login(clerk)
    return client


def post(client, patent, kind, **data):
    data.setdefault("registration_date", "2024-03-01")
    data.setdefault("document", upload())
    return client.post(record_url(patent, kind), data)


def assert_kept(entry, content=MINIMAL_PDF):
    document = RegistryDocument.objects.get(entry=entry)
    assert document.sha256 == hashlib.sha256(content).hexdigest() == entry.details["document"]["sha256"]
    with document.file.open("rb") as handle:
        assert handle.read() == content
    return document


def assert_recorded(response, entry, message):
    assert response.status_code == 302
    assert response["Location"] == f"{entry.patent.get_absolute_url()}#entry-{entry.sequence}"
    assert messages_of(response) == [message % entry.sequence]


def test_a_clerk_records_an_assignment_with_shares_and_its_document(clerk_client, clerk, patent, firm, bank):
    response = post(
        clerk_client,
        patent,
        "assignment",
        assignees=f"{firm.credit_code} 60\n{bank.name_zh}，40%",
        execution_date="2024-02-01",
        registration_number="2024310000123",
    )

    entry = RegistryEntry.objects.get(kind="assignment")
    assert_recorded(response, entry, "The assignment has been recorded as entry #%s.")
    assert [(p["organisation"], p["share"]) for p in entry.to_parties] == [(firm.pk, "60.00"), (bank.pk, "40.00")]
    assert (entry.registration_date, entry.execution_date) == (D(2024, 3, 1), D(2024, 2, 1))
    assert (entry.registration_number, entry.actor) == ("2024310000123", clerk)
    assert assert_kept(entry).uploaded_by == clerk


def test_a_clerk_records_a_licence_with_its_effective_date(clerk_client, patent, firm):
    response = post(
        clerk_client,
        patent,
        "licence",
        licensees=firm.name_zh,
        licence_type=LicenceType.EXCLUSIVE,
        term_start="2024-01-01",
        term_end="2026-12-31",
        effective_date="2023-11-20",
        document=upload(image_bytes("PNG"), "扫描件.png"),
    )

    entry = RegistryEntry.objects.get(kind="licence")
    assert_recorded(response, entry, "The licence has been recorded as entry #%s.")
    assert (entry.licence_type, entry.term_start, entry.term_end) == ("exclusive", D(2024, 1, 1), D(2026, 12, 31))
    assert entry.effective_date == D(2023, 11, 20) and entry.recorded_late  # deadline 2024-02-20
    assert assert_kept(entry, image_bytes("PNG")).content_type == "image/png"


def test_a_clerk_records_a_pledge_and_its_release(clerk_client, patent, bank):
    response = post(clerk_client, patent, "pledge", pledgees=bank.name_zh, registration_date="2024-01-05")
    pledge = RegistryEntry.objects.get(kind="pledge")
    assert_recorded(response, pledge, "The pledge has been recorded as entry #%s.")
    assert_kept(pledge)

    page = clerk_client.get(record_url(patent, "pledge-release"))
    assert page.status_code == 200
    assert page.context["form"]["pledge"].initial == pledge.pk  # the only pledge in force is chosen already

    response = post(clerk_client, patent, "pledge-release", pledge=pledge.pk, registration_date="2024-06-30")
    release = RegistryEntry.objects.get(kind="pledge_release")
    assert_recorded(response, release, "The release of the pledge has been recorded as entry #%s.")
    assert release.related_entry == pledge
    assert_kept(release)


def test_a_clerk_records_an_assignment_of_a_pledged_patent_with_the_pledgees_consent(clerk_client, patent, firm, bank):
    services.pledge_record(actor=None, patent=patent, pledgees=[H(bank)], registration_date=D(2024, 1, 5))
    page = clerk_client.get(record_url(patent, "assignment"))
    assert [choice.data["value"].value for choice in page.context["form"]["consents"]] == [bank.pk]

    response = post(clerk_client, patent, "assignment", assignees=firm.name_zh, consents=[bank.pk])

    entry = RegistryEntry.objects.get(kind="assignment")
    assert_recorded(response, entry, "The assignment has been recorded as entry #%s.")
    assert entry.details["consents"] == [bank.pk]


def test_a_sole_owners_form_asks_no_consent(clerk_client, patent):
    assert "consents" not in clerk_client.get(record_url(patent, "licence")).context["form"].fields


def test_a_clerk_records_a_change_of_legal_status_with_its_reason(clerk_client, patent):
    response = post(
        clerk_client,
        patent,
        "legal-status",
        status="invalidated_in_part",
        registration_date="2025-04-01",
        reason="无效宣告请求审查决定第567890号：维持权利要求1-3有效",
    )

    entry = RegistryEntry.objects.get(kind="legal_status")
    assert_recorded(response, entry, "The change of legal status has been recorded as entry #%s.")
    assert entry.details["to"] == "invalidated_in_part" and "567890" in entry.details["reason"]
    patent.refresh_from_db()
    assert patent.legal_status == "invalidated_in_part"
    assert_kept(entry)


def test_a_change_of_legal_status_the_law_refuses_is_shown_on_the_form(clerk_client, patent, media_root):
    response = post(clerk_client, patent, "legal-status", status="expired", registration_date="2025-04-01")

    assert response.status_code == 400
    (error,) = response.context["form"].non_field_errors()
    assert "has not expired" in error
    assert not RegistryEntry.objects.filter(kind="legal_status").exists()
    assert not RegistryDocument.objects.exists()


def test_the_release_page_says_so_when_nothing_is_pledged(clerk_client, patent):
    response = clerk_client.get(record_url(patent, "pledge-release"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="no-pledge"' in html and 'id="entry-form"' not in html


def test_a_refusal_of_the_ledger_is_shown_on_the_form_and_nothing_is_written(
    clerk_client, patent, firm, bank, media_root
):
    services.pledge_record(actor=None, patent=patent, pledgees=[H(bank)], registration_date=D(2024, 1, 5))
    files_before = stored_files(media_root)

    response = post(clerk_client, patent, "assignment", assignees=firm.name_zh)

    assert response.status_code == 400
    form = response.context["form"]
    (error,) = form.non_field_errors()
    assert "pledged" in error
    assert 'class="form-errors" role="alert"' in response.content.decode()
    assert messages_of(response) == ["Nothing was recorded; see the messages below."]
    assert not RegistryEntry.objects.filter(kind="assignment").exists()
    assert not RegistryDocument.objects.exists()
    assert stored_files(media_root) == files_before


def test_shares_that_do_not_add_up_are_refused_on_the_form(clerk_client, patent, firm, bank):
    response = post(clerk_client, patent, "assignment", assignees=f"{firm.name_zh} 60\n{bank.name_zh} 30")

    assert response.status_code == 400
    assert "add up to 90.00%, not 100%" in " ".join(response.context["form"].non_field_errors())
    assert not RegistryEntry.objects.filter(kind="assignment").exists()


def test_an_exclusive_licence_over_another_is_refused_on_the_form(clerk_client, patent, firm, bank):
    services.licence_record(
        actor=None,
        patent=patent,
        licensees=[H(bank)],
        licence_type=LicenceType.EXCLUSIVE,
        registration_date=D(2024, 1, 10),
        term_start=D(2024, 1, 1),
        term_end=D(2027, 1, 1),
    )
    response = post(
        clerk_client,
        patent,
        "licence",
        licensees=firm.name_zh,
        licence_type=LicenceType.ORDINARY,
        term_start="2024-06-01",
        term_end="2025-06-01",
        effective_date="2024-02-01",
    )

    assert response.status_code == 400
    assert "no other licence can be granted" in " ".join(response.context["form"].non_field_errors())
    assert RegistryEntry.objects.filter(kind="licence").count() == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<!DOCTYPE html><html><body onload=alert(1)></body></html>", "通知书.pdf", "neither a PDF document nor"),
        (MINIMAL_PDF[:-40], "通知书.pdf", "The PDF file is incomplete"),
        (image_bytes()[:3000], "scan.jpg", "damaged or incomplete"),
    ],
    ids=["disguised-html", "truncated-pdf", "truncated-jpeg"],
)
def test_bad_uploads_are_refused_with_a_clear_message_on_the_field(
    clerk_client, patent, firm, media_root, content, name, message
):
    response = post(clerk_client, patent, "pledge", pledgees=firm.name_zh, document=upload(content, name))

    assert response.status_code == 400
    errors = response.context["form"].errors["document"]
    assert len(errors) == 1 and message in errors[0]
    assert message in response.content.decode()
    assert not RegistryEntry.objects.filter(kind="pledge").exists()
    assert stored_files(media_root) == []


def test_a_bad_document_is_reported_with_the_forms_other_errors(clerk_client, patent):
    response = post(clerk_client, patent, "pledge", pledgees="某某银行", document=upload(b"<html></html>", "a.pdf"))

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"pledgees", "document"}
    assert response.context["form"].errors.as_data()["document"][0].code == "not_a_document"


def test_a_form_without_a_document_is_refused(clerk_client, patent, firm):
    response = clerk_client.post(
        record_url(patent, "pledge"), {"registration_date": "2024-03-01", "pledgees": firm.name_zh}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["document"] == ["This field is required."]
    assert not RegistryEntry.objects.filter(kind="pledge").exists()


def test_organisations_not_on_the_platform_are_named_on_the_field(clerk_client, patent, firm):
    response = post(clerk_client, patent, "pledge", pledgees=f"{firm.name_zh}\n某某银行\n91310000MA1FL0000X")

    assert response.status_code == 400
    (error,) = response.context["form"].errors["pledgees"]
    assert "某某银行、91310000MA1FL0000X" in error
    assert not RegistryEntry.objects.filter(kind="pledge").exists()


def test_form_checks_on_dates(clerk_client, patent, firm):
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = post(
        clerk_client,
        patent,
        "licence",
        licensees=firm.name_zh,
        licence_type=LicenceType.ORDINARY,
        term_start="2025-01-01",
        term_end="2024-01-01",
        effective_date="2024-01-01",
        registration_date=tomorrow,
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["registration_date"] == ["The registration date cannot be in the future."]
    assert errors["term_end"] == ["The licence term cannot end before it starts."]
    assert "effective_date" not in errors


def test_the_form_is_accessible(clerk_client, patent):
    response = clerk_client.get(record_url(patent, "licence", language="zh-hans"))

    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    for name in ("licensees", "licence_type", "term_start", "term_end", "effective_date", "document"):
        assert f'<label for="id_{name}"' in html
    for name in ("licensees", "effective_date", "document"):  # the fields with a help text are described by it
        assert f'aria-describedby="id_{name}_helptext"' in html
    assert 'accept="application/pdf,image/jpeg,image/png,image/webp"' in html


def test_an_unknown_kind_or_patent_is_a_404(clerk_client, patent):
    assert clerk_client.get(record_url(patent, "grant")).status_code == 404
    assert clerk_client.get(url("entry_record", "202311432805.9", "licence")).status_code == 404
    assert clerk_client.get(url("entry_record", "not-a-number", "licence")).status_code == 404


# The patent page ------------------------------------------------------------------------------------------------


def test_clerks_find_the_forms_and_documents_on_the_patent_page(client, clerk, patent, bank, media_root):
    record_with_document(
        services.pledge_record,
        actor=clerk,
        document=upload(),
        patent=patent,
        pledgees=[H(bank)],
        registration_date=D(2024, 1, 5),
    )
    public = client.get(patent.get_absolute_url()).content.decode()
    client.force_login(clerk)
    html = client.get(patent.get_absolute_url()).content.decode()

    for kind in ("assignment", "licence", "pledge", "pledge-release"):
        assert record_url(patent, kind, language="zh-hans") in html
        assert record_url(patent, kind, language="zh-hans") not in public
    document = RegistryDocument.objects.get()
    assert document.get_absolute_url() in html and document.get_absolute_url() not in public


def test_everyone_sees_a_licence_recorded_late(client, patent, firm):
    services.licence_record(
        actor=None,
        patent=patent,
        licensees=[H(firm)],
        licence_type=LicenceType.ORDINARY,
        registration_date=D(2024, 6, 1),
        term_start=D(2024, 1, 1),
        term_end=D(2026, 1, 1),
        effective_date=D(2024, 1, 1),
    )

    html = client.get(patent.get_absolute_url()).content.decode()

    assert 'data-test="recorded-late"' in html and "2024-01-01" in html


# Documents ------------------------------------------------------------------------------------------------------


@pytest.fixture
def document(patent, bank, clerk, media_root):
    entry = record_with_document(
        services.pledge_record,
        actor=clerk,
        document=upload(),
        patent=patent,
        pledgees=[H(bank)],
        registration_date=D(2024, 1, 5),
    )
    return entry.document


def test_clerks_download_a_document_as_a_sandboxed_attachment(client, clerk, document, patent):
    client.force_login(clerk)

    response = client.get(document.get_absolute_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert f"{patent.application_number}-{document.entry.sequence}-pledge.pdf" in response["Content-Disposition"]
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_documents_are_never_served_from_media(client, clerk, document):
    client.force_login(clerk)
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_a_missing_file_is_a_404(client, clerk, document):
    document.file.storage.delete(document.file.name)
    client.force_login(clerk)
    assert client.get(document.get_absolute_url()).status_code == 404


# Licences awaiting recordal -------------------------------------------------------------------------------------


def open_recordal(patent, licensee, days_ago: int, **fields):
    return recordals.licence_recordal_open(
        actor=None,
        patent=patent,
        licensees=[licensee],
        licence_type=fields.pop("licence_type", LicenceType.ORDINARY),
        term_start=D(2024, 1, 1),
        term_end=D(2030, 1, 1),
        effective_date=TODAY() - datetime.timedelta(days=days_ago),
        **fields,
    )


@pytest.fixture
def awaiting(patent, firm, bank):
    """One late (taken effect 100 days ago), one due in a few days (85 days ago), one due later (10 days ago)."""
    return {
        "late": open_recordal(patent, firm, 100),
        "soon": open_recordal(patent, bank, 85),
        "later": open_recordal(patent, firm, 10, reference="TM-2025-0007"),
    }


def rows(response) -> list[int]:
    return [recordal.pk for recordal in response.context["page"].object_list]


def test_the_list_shows_due_and_late_contracts_nearest_deadline_first(clerk_client, awaiting):
    response = clerk_client.get(url("recordal_list"))

    assert response.status_code == 200
    assert rows(response) == [awaiting[name].pk for name in ("late", "soon", "later")]
    html = response.content.decode()
    assert html.count('data-test="recordal-late"') == 1 and html.count('data-test="recordal-due"') == 2
    assert f'href="{url("recordal_record", awaiting["late"].pk)}"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "late"}, ["late"]),
        ({"status": "due"}, ["soon", "later"]),
        ({"status": "due", "within": 30}, ["soon"]),
    ],
)
def test_the_list_filters_due_and_late(clerk_client, awaiting, query, expected):
    response = clerk_client.get(url("recordal_list"), query)

    assert rows(response) == [awaiting[name].pk for name in expected]


def test_the_list_refuses_a_bad_filter_and_says_why(clerk_client, awaiting):
    response = clerk_client.get(url("recordal_list"), {"within": "0"})

    assert response.status_code == 400
    assert "within" in response.context["form"].errors


def test_the_list_has_an_empty_state_and_pages(clerk_client, patent, firm):
    html = clerk_client.get(url("recordal_list")).content.decode()
    assert "No licence contract is awaiting recordal." in html

    for days in range(30):
        open_recordal(patent, firm, days)
    first = clerk_client.get(url("recordal_list"))
    second = clerk_client.get(url("recordal_list"), {"page": 2})
    assert len(rows(first)) == 25 and len(rows(second)) == 5
    assert 'rel="next"' in first.content.decode()


def test_recording_a_contract_from_the_list(clerk_client, awaiting):
    recordal = awaiting["later"]
    page = clerk_client.get(url("recordal_record", recordal.pk))
    assert page.status_code == 200 and "TM-2025-0007" in page.content.decode()

    response = clerk_client.post(
        url("recordal_record", recordal.pk),
        {"registration_date": TODAY().isoformat(), "registration_number": "2025310000456", "document": upload()},
    )

    recordal.refresh_from_db()
    entry = recordal.entry
    assert_recorded(response, entry, "The licence has been recorded as entry #%s.")
    assert entry.effective_date == recordal.effective_date and not entry.recorded_late
    assert entry.details["contract"] == "TM-2025-0007"
    assert_kept(entry)
    assert recordal.pk not in rows(clerk_client.get(url("recordal_list")))

    again = clerk_client.get(url("recordal_record", recordal.pk))
    assert again.status_code == 302 and again["Location"].endswith(f"#entry-{entry.sequence}")


def test_a_contract_the_ledger_refuses_is_shown_on_its_form_and_stays_listed(clerk_client, patent, bank, awaiting):
    services.licence_record(
        actor=None,
        patent=patent,
        licensees=[H(bank)],
        licence_type=LicenceType.EXCLUSIVE,
        registration_date=TODAY(),
        term_start=D(2024, 1, 1),
        term_end=D(2031, 1, 1),
    )
    recordal = awaiting["later"]

    response = clerk_client.post(
        url("recordal_record", recordal.pk), {"registration_date": TODAY().isoformat(), "document": upload()}
    )

    assert response.status_code == 400
    assert "no other licence can be granted" in " ".join(response.context["form"].non_field_errors())
    recordal.refresh_from_db()
    assert recordal.entry is None and not RegistryDocument.objects.exists()


def test_the_licence_form_points_to_the_contracts_awaiting_recordal(clerk_client, patent, awaiting):
    html = clerk_client.get(record_url(patent, "licence")).content.decode()

    assert 'id="awaiting-recordal"' in html
    for recordal in awaiting.values():
        assert url("recordal_record", recordal.pk) in html


def test_the_dashboard_links_clerks_to_the_list(client, clerk):
    assert url("recordal_list") not in client.get(url("dashboard")).content.decode()
    client.force_login(clerk)
    assert url("recordal_list") in client.get(url("dashboard")).content.decode()
