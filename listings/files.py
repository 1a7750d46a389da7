"""Images and PDF files uploaded to listings: the checks every path shares, and the cleaning on save.

The checks are validators on the model fields (:func:`validate_image`,
:func:`validate_pdf`), so forms, the API, the admin and imports all run them
through ``full_clean``. They look at the content, never the name: a renamed
HTML or SVG file is refused, and so are images whose header promises more
pixels than the configured limit (a decompression bomb is refused before it is
decoded). A file that passes is decoded completely once, so a truncated image
is refused here and never reaches a page.

A PDF is parsed with pypdf and refused, with the reason, when anything stands
before its header, when it is encrypted or cannot be parsed, or when it holds
JavaScript, embedded files, launch actions or form submit/import actions
(every object reachable from its catalog is looked at). PDFs are handed out
only as downloads, sandboxed (``techmarket/downloads.py``).

:class:`ListingImageField` re-encodes each new image on save, the stored
original included: after the orientation is applied, everything but the pixels
is dropped (EXIF with any GPS position, XMP, PNG text chunks, JPEG comments;
the colours are converted to sRGB with the ICC profile, which then goes too),
the file gets a random name with the extension of its real format, and the
thumbnail and detail renditions are written once, with their sizes, so that
pages never open an image file while rendering.
"""

from __future__ import annotations

import contextlib
import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Pillow format name -> file extension. Everything else is refused.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# name -> (width, height, crop): thumbnails fill their box; the detail size fits inside it.
RENDITIONS = {"thumb": (480, 360, True), "detail": (1200, 900, False)}
PDF_MAGIC = b"%PDF-"
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


def _limits() -> tuple[int, int]:
    return settings.LISTING_IMAGE_MAX_BYTES, settings.LISTING_IMAGE_MAX_PIXELS


def _open(file) -> Image.Image:
    """Open an uploaded file as an image, or raise a ValidationError that says what is wrong with it."""
    max_bytes, max_pixels = _limits()
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


def _decode(file) -> Image.Image:
    """The image, decoded completely (so truncation shows here), within the limits."""
    image = _open(file)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _damaged() from None
    finally:
        file.seek(0)
    return image


def validate_image(file) -> None:
    """A JPEG, PNG or WebP image by its content, within the byte and pixel limits, complete."""
    _decode(file)


def validate_pdf(file) -> None:
    """A complete PDF by its content, within the size limit, that is only a document.

    The file must begin with the PDF header (a web page with a PDF behind it is
    refused), must parse, must not be encrypted (it could not be checked), and
    must hold nothing that runs, opens or sends when it is read: JavaScript,
    embedded files, launch actions, form submission or import actions.
    """
    limit = settings.LISTING_ATTACHMENT_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; attachments may be at most %(limit)s."),
            code="file_too_big",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
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


def _pixels_only(image: Image.Image) -> Image.Image:
    """The picture and nothing else: its pixels in sRGB, with no metadata of any kind.

    Pillow keeps what it read beside the pixels in ``image.info`` (EXIF, XMP,
    the ICC profile, PNG tEXt/iTXt/zTXt chunks, the JPEG COM comment, DPI), and
    some of its writers copy part of it into the new file unless told otherwise
    (the JPEG comment, the PNG ICC profile). So ``info`` is emptied, and what
    was worth keeping is put into the pixels first:

    - the ICC profile: a picture in another colour space (a phone's Display P3,
      a camera's Adobe RGB, a CMYK scan) is converted to sRGB with it, then the
      profile goes. Browsers show an untagged image as sRGB, so its colours
      stay right without the profile (which can also name the device);
    - one transparent colour (PNG tRNS): becomes an alpha channel.
    """
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        # A profile that cannot be read or applied leaves the pixels as they are, as a browser would show them.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError, TypeError):
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGBA" if "A" in image.mode else "RGB")
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode == "PA" else "RGB")
    elif "transparency" in image.info:
        image = image.convert("RGBA" if image.mode.startswith("RGB") else "LA")
    image.info = {}
    return image


def _encode(image: Image.Image, fmt: str) -> bytes:
    """Encode the pixels alone: :func:`_pixels_only` emptied ``info``, so no writer finds metadata to copy."""
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    options = {"JPEG": {"quality": 90, "optimize": True}, "WEBP": {"quality": 88}, "PNG": {"optimize": True}}[fmt]
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _rendition(image: Image.Image, width: int, height: int, crop: bool) -> Image.Image:
    if crop:
        return ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
    copy = image.copy()
    copy.thumbnail((width, height), Image.Resampling.LANCZOS)
    return copy


class ListingImageField(models.ImageField):
    """An image field that cleans each new file on save and writes its renditions beside it.

    The model must have ``width``, ``height`` and ``renditions`` fields declared after this one
    (fields are saved in declaration order, so the values set here are the ones written).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_image])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        """A plain file field: the validators above give every form (the admin's too) the same specific messages."""
        from django import forms

        widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        return models.FileField.formfield(self, **{"form_class": forms.FileField, "widget": widget, **kwargs})

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            self._clean_and_render(model_instance, file)
        return super().pre_save(model_instance, add)

    def _clean_and_render(self, instance, file) -> None:
        image = _decode(file)
        fmt = image.format
        image = _pixels_only(ImageOps.exif_transpose(image))
        stem = uuid.uuid4().hex
        file.save(f"{stem}.{IMAGE_FORMATS[fmt]}", ContentFile(_encode(image, fmt)), save=False)
        instance.width, instance.height = image.width, image.height
        folder = file.name.rsplit("/", 1)[0]
        renditions = {}
        for name, (width, height, crop) in RENDITIONS.items():
            small = _rendition(image, width, height, crop)
            stored = self.storage.save(f"{folder}/{stem}.{name}.webp", ContentFile(_encode(small, "WEBP")))
            renditions[name] = {"name": stored, "width": small.width, "height": small.height}
        instance.renditions = renditions
