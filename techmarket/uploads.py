"""Checking uploaded files by their content: images and PDF documents, whichever app receives them.

The checks look at the content, never the name: a renamed HTML or SVG file is
refused, and so are images whose header promises more pixels than the caller's
limit (a decompression bomb is refused before it is decoded). An image that
passes is decoded completely once, so a truncated one is refused here.

A PDF is parsed with pypdf and refused, with the reason, when anything stands
before its header, when it is incomplete, encrypted or cannot be parsed, or when
it holds JavaScript, embedded files, launch actions or form submit/import
actions (every object reachable from its catalog is looked at).

Each app sets its own limits and keeps what it does with a file that passes:
listings clean and re-encode their images (``listings/files.py``); the registry
keeps its supporting documents exactly as uploaded, since their hash is on the
ledger (``ip_registry/documents.py``). Either way, files are handed out only
sandboxed (``techmarket/downloads.py``).
"""

from __future__ import annotations

import warnings

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Pillow format name -> file extension. Everything else is refused.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PDF_MAGIC = b"%PDF-"


def open_image(file, *, max_bytes: int, max_pixels: int) -> Image.Image:
    """Open an uploaded file as an image, or raise a ValidationError that says what is wrong with it."""
    if file.size is not None and file.size > max_bytes:
        raise ValidationError(
            _("The image is %(size)s; images may be at most %(limit)s. Save it smaller and upload it again."),
            code="image_too_big",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
        )
    file.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(None, max_pixels) from None
        except UnidentifiedImageError:
            raise ValidationError(
                _("This file is not a JPEG, PNG or WebP image. Upload a photo or drawing in one of those formats."),
                code="not_an_image",
            ) from None
        except (OSError, SyntaxError, ValueError):
            raise _damaged() from None
    if image.format not in IMAGE_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted. Upload a JPEG, PNG or WebP image."),
            code="image_format",
            params={"format": image.format},
        )
    width, height = image.size
    if width * height > max_pixels:
        raise _too_many_pixels((width, height), max_pixels)
    return image


def _too_many_pixels(size: tuple[int, int] | None, max_pixels: int) -> ValidationError:
    params = {"limit": f"{max_pixels / 1_000_000:g}"}
    if size is None:
        return ValidationError(
            _("The image has too many pixels (the limit is %(limit)s million). Scale it down and upload it again."),
            code="image_too_many_pixels",
            params=params,
        )
    return ValidationError(
        _(
            "The image is %(width)s × %(height)s pixels; the limit is %(limit)s million pixels. "
            "Scale it down and upload it again."
        ),
        code="image_too_many_pixels",
        params={**params, "width": size[0], "height": size[1]},
    )


def _damaged() -> ValidationError:
    return ValidationError(
        _("The image file is damaged or incomplete and cannot be read. Export it again and upload the new file."),
        code="image_damaged",
    )


def decode_image(file, *, max_bytes: int, max_pixels: int) -> Image.Image:
    """The image, decoded completely (so truncation shows here), within the limits."""
    image = open_image(file, max_bytes=max_bytes, max_pixels=max_pixels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _damaged() from None
    finally:
        file.seek(0)
    return image


def check_pdf_content(file) -> None:
    """A complete PDF by its content that is only a document (the caller checks its size).

    The file must begin with the PDF header (a web page with a PDF behind it is
    refused), must parse, must not be encrypted (it could not be checked), and
    must hold nothing that runs, opens or sends when it is read: JavaScript,
    embedded files, launch actions, form submission or import actions.
    """
    file.seek(0)
    head = file.read(1024)
    file.seek(max(0, (file.size or 0) - 2048))
    tail = file.read()
    file.seek(0)
    if not head.startswith(PDF_MAGIC):
        if PDF_MAGIC in head:
            # A reader looks for the header in the first kilobyte, so such a file opens as a PDF, while a
            # browser that sniffs it sees the web page (or whatever else) in front of it.
            raise ValidationError(
                _(
                    "This file has something else before its PDF header (%PDF-), such as a web page. "
                    "Upload the PDF exactly as the program that made it saved it."
                ),
                code="pdf_prefixed",
            )
        raise ValidationError(
            _("This file is not a PDF document. Attach PDF files only (save other documents as PDF first)."),
            code="not_a_pdf",
        )
    if b"%%EOF" not in tail:
        raise ValidationError(
            _("The PDF file is incomplete (it has no end-of-file marker). Save it again and upload the new file."),
            code="pdf_damaged",
        )
    try:
        found = _pdf_active_content(file)
    finally:
        file.seek(0)
    if found:
        raise ValidationError(
            [ValidationError(PDF_REFUSALS[kind], code=f"pdf_{kind}") for kind in PDF_REFUSALS if kind in found]
        )


# What a PDF may not hold, in the order the messages are given, each with the message that names it.
PDF_REFUSALS = {
    "javascript": gettext_lazy(
        "This PDF contains JavaScript, which would run on the reader's computer. "
        "Save it again without scripts (for example by printing it to a new PDF) and upload that file."
    ),
    "embedded_file": gettext_lazy(
        "This PDF carries embedded files. Attach each document as a PDF of its own, "
        "or save this one again without the embedded files."
    ),
    "launch": gettext_lazy(
        "This PDF contains an action that starts a program on the reader's computer. "
        "Save it again without that action and upload the new file."
    ),
    "form_action": gettext_lazy(
        "This PDF contains a form action that sends or imports data. "
        "Save it again without the form (for example by printing it to a new PDF) and upload that file."
    ),
}
# Action types (/S) and what each one is.
_PDF_ACTIONS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "form_action",
    "/ImportData": "form_action",
}
# A bound on the objects read, far above any real document, so that a crafted file cannot keep the check busy.
PDF_MAX_OBJECTS = 200_000


def _pdf_active_content(file) -> set[str]:
    """What the PDF holds that could run, open or send (keys of PDF_REFUSALS); raise if it cannot be read.

    Every object reachable from the document catalog is looked at, not only the
    usual places (the catalog's /Names, /OpenAction and /AA, the pages' /AA, the
    annotations' /A): an action can hide in an outline item, a form field or the
    /Next of another action, and readers run it from there too.
    """
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _(
                    "This PDF is encrypted or protected by a password, so it cannot be checked. "
                    "Remove the protection, save it again and upload the new file."
                ),
                code="pdf_encrypted",
            )
        return _pdf_scan(dict.__getitem__(reader.trailer, "/Root"))
    except ValidationError:
        raise
    except Exception:  # hostile input breaks a parser in any way it can; a file that cannot be read is refused
        raise ValidationError(
            _(
                "This PDF cannot be read: its structure is damaged or not standard. "
                "Save it again from the program that made it and upload the new file."
            ),
            code="pdf_unreadable",
        ) from None


def _pdf_scan(root) -> set[str]:
    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise ValueError("too many objects to check")
        if isinstance(obj, DictionaryObject):
            found |= _pdf_dictionary_dangers(obj)
            stack.extend(dict.values(obj))  # the raw values: indirect references stay references until read here
        elif isinstance(obj, ArrayObject):
            stack.extend(list.__iter__(obj))
    return found


def _pdf_dictionary_dangers(dictionary: DictionaryObject) -> set[str]:
    found = set()
    keys = set(dictionary.keys())
    if keys & {"/JS", "/JavaScript"}:  # a script of an action, or the catalog's /Names tree of document scripts
        found.add("javascript")
    if keys & {"/EmbeddedFiles", "/EF"}:  # the /Names tree of embedded files, or a file specification holding one
        found.add("embedded_file")
    kind = dict.get(dictionary, "/S")
    if isinstance(kind, NameObject) and kind in _PDF_ACTIONS:
        found.add(_PDF_ACTIONS[kind])
    type_ = dict.get(dictionary, "/Type")
    subtype = dict.get(dictionary, "/Subtype")
    if (isinstance(type_, NameObject) and type_ == "/EmbeddedFile") or (
        isinstance(subtype, NameObject) and subtype == "/FileAttachment"
    ):
        found.add("embedded_file")
    return found
