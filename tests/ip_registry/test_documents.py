"""Supporting documents: checked by content, hashed into the entry's details, kept as uploaded, or nothing at all."""

import datetime
import hashlib
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation
from pypdf.actions import JavaScript

from ip_registry import services
from ip_registry.choices import LicenceType
from ip_registry.documents import document_intact, record_with_document
from ip_registry.exceptions import LedgerIsAppendOnly, RegistryError
from ip_registry.models import RegistryDocument, RegistryEntry
from ip_registry.selectors import patent_chain_status
from tests.factories import make_patent
from tests.listings.conftest import MINIMAL_PDF, image_bytes, pdf_bytes

from .conftest import JS, SH, stored_files, upload

D = datetime.date
H = services.Holding

pytestmark = pytest.mark.django_db


@pytest.fixture
def patent(orgs):
    return make_patent(orgs[SH])


def assign(patent, to, document, actor, **arguments):
    return record_with_document(
        services.patent_assign,
        actor=actor,
        document=document,
        patent=patent,
        assignees=[H(to)],
        registration_date=D(2024, 3, 1),
        **arguments,
    )


def test_the_document_is_hashed_into_the_entry_and_kept_as_uploaded(patent, orgs, clerk, media_root):
    entry = assign(patent, orgs[JS], upload(name="转让登记通知书.pdf"), clerk)

    digest = hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert entry.details["document"] == {"sha256": digest, "size": len(MINIMAL_PDF), "content_type": "application/pdf"}
    document = RegistryDocument.objects.get(entry=entry)
    assert (document.sha256, document.size, document.name) == (digest, len(MINIMAL_PDF), "转让登记通知书.pdf")
    assert document.uploaded_by == clerk
    assert document.file.name.startswith("registry/documents/") and document.file.name.endswith(".pdf")
    assert "转让" not in document.file.name  # stored under a random name
    with document.file.open("rb") as handle:
        assert handle.read() == MINIMAL_PDF
    assert document_intact(document)
    assert patent_chain_status(patent).intact


def test_a_scan_is_kept_byte_for_byte_not_re_encoded(patent, orgs, clerk, media_root):
    scan = image_bytes("JPEG", size=(1240, 1754))

    entry = assign(patent, orgs[JS], upload(scan, "scan.pdf"), clerk)

    document = entry.document
    assert (document.content_type, document.file.name[-4:]) == ("image/jpeg", ".jpg")
    with document.file.open("rb") as handle:
        assert handle.read() == scan


def test_a_document_changed_in_storage_no_longer_matches_its_entry(patent, orgs, clerk, media_root):
    document = assign(patent, orgs[JS], upload(), clerk).document
    with open(document.file.path, "ab") as handle:
        handle.write(b"\n% changed")

    assert not document_intact(document)


def test_the_chain_covers_the_documents_hash(patent, orgs, clerk, media_root):
    entry = assign(patent, orgs[JS], upload(), clerk)
    forged = {**entry.details, "document": {**entry.details["document"], "sha256": "0" * 64}}
    with connection.cursor() as cursor:  # someone swapping the document and its hash in the database
        cursor.execute(
            f"UPDATE {RegistryEntry._meta.db_table} SET details = %s WHERE id = %s",  # noqa: S608
            [json.dumps(forged), entry.pk],
        )

    status = patent_chain_status(patent)

    assert not status.intact and status.broken.pk == entry.pk


def test_kept_documents_are_never_changed_or_deleted(patent, orgs, clerk, media_root):
    document = assign(patent, orgs[JS], upload(), clerk).document
    with pytest.raises(LedgerIsAppendOnly):
        document.save()
    with pytest.raises(LedgerIsAppendOnly):
        document.delete()
    with pytest.raises(LedgerIsAppendOnly):
        RegistryDocument.objects.all().delete()


@pytest.mark.parametrize(
    ("content", "name", "code", "message"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "notice.pdf", "not_a_document", "neither a PDF"),
        (b"<html>" + MINIMAL_PDF, "notice.pdf", "pdf_prefixed", "before its PDF header"),
        (MINIMAL_PDF[: len(MINIMAL_PDF) // 2], "notice.pdf", "pdf_damaged", "incomplete"),
        (pdf_bytes(lambda w: w.add_open_action(JavaScript("app.alert(1)"))), "a.pdf", "pdf_javascript", "JavaScript"),
        (image_bytes()[:4000], "scan.jpg", "image_damaged", "damaged or incomplete"),
        (image_bytes("GIF", mode="P"), "scan.jpg", "image_format", "GIF images are not accepted"),
        (b"", "empty.pdf", "required", "Upload the document"),
    ],
    ids=["html-named-pdf", "html-before-pdf", "truncated-pdf", "pdf-javascript", "truncated-jpeg", "gif", "empty"],
)
def test_bad_documents_are_refused_and_nothing_is_written(
    patent, orgs, clerk, media_root, content, name, code, message
):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        assign(patent, orgs[JS], upload(content, name), clerk)

    (error,) = caught.value.error_dict["document"]
    assert error.code == code
    with translation.override("en"):
        assert message in " ".join(error.messages)
    assert not RegistryEntry.objects.filter(kind="assignment").exists()
    assert stored_files(media_root) == []


def test_a_document_over_the_limit_is_refused_with_the_limit(patent, orgs, clerk, media_root, settings):
    settings.REGISTRY_DOCUMENT_MAX_BYTES = len(MINIMAL_PDF) - 1

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        assign(patent, orgs[JS], upload(), clerk)

    assert f"may be at most {len(MINIMAL_PDF) - 1}\xa0bytes" in " ".join(caught.value.message_dict["document"])
    assert stored_files(media_root) == []


def test_a_refusal_by_the_ledger_stores_no_file(patent, orgs, clerk, media_root):
    services.pledge_record(actor=None, patent=patent, pledgees=[H(orgs[JS])], registration_date=D(2024, 1, 5))

    with translation.override("en"), pytest.raises(RegistryError, match="pledgee's consent"):
        assign(patent, orgs[JS], upload(), clerk)

    assert not RegistryEntry.objects.filter(kind="assignment").exists()
    assert not RegistryDocument.objects.exists()
    assert stored_files(media_root) == []


def test_someone_without_the_permission_records_nothing(patent, orgs, user, staff_user, media_root):
    for actor in (user, staff_user):
        with pytest.raises(PermissionDenied):
            assign(patent, orgs[JS], upload(), actor)
    assert stored_files(media_root) == []


def test_every_service_a_clerk_uses_takes_the_documents_fingerprint(patent, orgs, clerk, media_root):
    licence = record_with_document(
        services.licence_record,
        actor=clerk,
        document=upload(),
        patent=patent,
        licensees=[H(orgs[JS])],
        licence_type=LicenceType.ORDINARY,
        registration_date=D(2024, 3, 1),
        term_start=D(2024, 1, 1),
        term_end=D(2026, 12, 31),
        effective_date=D(2024, 1, 1),
    )
    pledge = record_with_document(
        services.pledge_record,
        actor=clerk,
        document=upload(),
        patent=patent,
        pledgees=[H(orgs[JS])],
        registration_date=D(2024, 3, 2),
    )
    release = record_with_document(
        services.pledge_release, actor=clerk, document=upload(), pledge=pledge, registration_date=D(2024, 3, 3)
    )

    for entry in (licence, pledge, release):
        assert entry.document_sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
        assert entry.document.sha256 == entry.document_sha256
    assert patent_chain_status(patent).intact


def test_pledgee_consent_and_the_document_are_both_recorded(patent, orgs, clerk, media_root):
    services.pledge_record(actor=None, patent=patent, pledgees=[H(orgs[JS])], registration_date=D(2024, 1, 5))

    entry = assign(patent, orgs[JS], upload(), clerk, consents=[orgs[JS].pk])

    assert entry.details["consents"] == [orgs[JS].pk]
    assert entry.details["document"]["sha256"] == hashlib.sha256(MINIMAL_PDF).hexdigest()


def test_verify_registry_rehashes_the_documents(patent, orgs, clerk, media_root):
    document = assign(patent, orgs[JS], upload(), clerk).document
    call_command("verify_registry", stdout=(out := io.StringIO()))
    assert "supporting documents" in out.getvalue()

    with open(document.file.path, "wb") as handle:
        handle.write(MINIMAL_PDF.replace(b"/MediaBox", b"/MediaBox "))

    with pytest.raises(CommandError, match=rf"1 supporting document\(s\).*entry #{document.entry.sequence}"):
        call_command("verify_registry", stdout=io.StringIO())


def test_staff_look_documents_and_recordals_up_in_the_django_admin(admin_client, patent, orgs, clerk, media_root):
    document = assign(patent, orgs[JS], upload(), clerk).document

    for path in ("registrydocument/", f"registrydocument/{document.pk}/change/", "licencerecordal/"):
        assert admin_client.get(f"/django-admin/ip_registry/{path}").status_code == 200
    assert admin_client.get("/django-admin/ip_registry/registrydocument/add/").status_code == 403
