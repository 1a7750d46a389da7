"""Supporting documents of ledger entries: checked by content, hashed, and kept exactly as uploaded.

A clerk records an event with the document that proves it: CNIPA's notice of
recordal, the contract, the pledgee's release. :func:`record_with_document` runs
one of the registry's services (:mod:`ip_registry.services`, or a wrapper of one
such as :func:`ip_registry.recordals.licence_recordal_record`) with the
document's fingerprint (SHA-256, size, type) in the entry's ``details``, so the
hash chain covers the document, and then keeps the file beside the entry. If the
service refuses the event, or the file fails its checks, nothing is written and
nothing is stored.

A document is a PDF or a scan as a JPEG, PNG or WebP image, checked by its
content as every upload is (``techmarket/uploads.py``): a renamed web page, a
truncated file, a PDF with scripts, embedded files or actions are refused with
the reason. It is stored as uploaded, not cleaned like a listing's images: a
re-encoded scan would no longer match the hash on the ledger. The files are
private, handed out as downloads to registry clerks only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from techmarket.uploads import PDF_MAGIC, check_pdf_content, decode_image

from .models import RegistryDocument, RegistryEntry

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# The types a file input offers first (the content decides, whatever the name says).
ACCEPT = "application/pdf,image/jpeg,image/png,image/webp"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class CheckedDocument:
    """An upload that passed the checks, with what the ledger records of it."""

    upload: UploadedFile
    content_type: str
    size: int
    sha256: str

    @property
    def fingerprint(self) -> dict:
        """What the entry's details carry: enough to tell the kept file is the one recorded."""
        return {"sha256": self.sha256, "size": self.size, "content_type": self.content_type}


def _content_type(upload: UploadedFile) -> str:
    """The document's type by its content, after that type's checks; raises ValidationError naming the problem."""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if PDF_MAGIC in head:  # something before the header is refused by the PDF check, with its own message
        check_pdf_content(upload)
        return "application/pdf"
    limits = {"max_bytes": settings.REGISTRY_DOCUMENT_MAX_BYTES, "max_pixels": settings.REGISTRY_DOCUMENT_MAX_PIXELS}
    try:
        image = decode_image(upload, **limits)
    except ValidationError as error:
        if error.code != "not_an_image":
            raise
        raise ValidationError(
            _(
                "This file is neither a PDF document nor a JPEG, PNG or WebP image. "
                "Upload the document as a PDF, or a scan of it as an image."
            ),
            code="not_a_document",
        ) from None
    return IMAGE_TYPES[image.format]


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def document_check(upload: UploadedFile | None) -> CheckedDocument:
    """Check a supporting document and hash it. Raises ValidationError on the ``document`` field, saying why."""
    try:
        if not upload or not upload.size:
            raise ValidationError(_("Upload the document that supports this entry."), code="required")
        limit = settings.REGISTRY_DOCUMENT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is %(size)s; supporting documents may be at most %(limit)s."),
                code="file_too_big",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        content_type = _content_type(upload)
    except ValidationError as error:
        raise ValidationError({"document": error.error_list}) from None
    return CheckedDocument(upload=upload, content_type=content_type, size=upload.size, sha256=_sha256(upload))


@contextmanager
def _file_removed_on_error(document: RegistryDocument):
    """The file reaches storage when the row is saved; if the write fails after that, take it away again."""
    try:
        yield
    except Exception:
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise


@transaction.atomic
def record_with_document(
    service: Callable[..., RegistryEntry], *, actor, document: UploadedFile | CheckedDocument | None, **arguments
) -> RegistryEntry:
    """Record an event through ``service`` with its supporting document, checked, hashed and kept.

    ``service`` is a registry service that takes ``actor`` and ``details``
    (``patent_assign``, ``licence_record``, ``pledge_record``, ``pledge_release``,
    ``licence_recordal_record``, ...); ``arguments`` are its other arguments.
    The document's fingerprint joins any ``details`` given. The service checks the
    actor's permission and the registry's rules; a refusal (RegistryError,
    ValidationError, PermissionDenied) leaves nothing written and no file stored.
    A document a form has checked already (:func:`document_check`) is not checked again.
    """
    checked = document if isinstance(document, CheckedDocument) else document_check(document)
    details = {**(arguments.pop("details", None) or {}), "document": checked.fingerprint}
    entry = service(actor=actor, details=details, **arguments)
    kept = RegistryDocument(
        entry=entry,
        file=checked.upload,
        name=(checked.upload.name or "")[-255:],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    kept.full_clean()
    with _file_removed_on_error(kept):
        kept.save()
    return entry


def documents_not_matching() -> list[RegistryDocument]:
    """The kept documents whose file is missing or no longer hashes to what their entry recorded."""
    documents = RegistryDocument.objects.select_related("entry__patent").order_by("entry__sequence")
    return [document for document in documents.iterator(chunk_size=500) if not document_intact(document)]


def document_intact(document: RegistryDocument) -> bool:
    """The stored file still hashes to what its entry recorded (False if it is missing)."""
    try:
        with document.file.open("rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return False
    return digest.hexdigest() == document.sha256 == document.entry.document_sha256
