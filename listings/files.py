"""Images and PDF files uploaded to listings: the checks every path shares, and the cleaning on save.

The checks are validators on the model fields (:func:`validate_image`,
:func:`validate_pdf`), so forms, the API, the admin and imports all run them
through ``full_clean``. They look at the content, never the name: a renamed
HTML or SVG file is refused, and so are images whose header promises more
pixels than the configured limit (a decompression bomb is refused before it is
decoded). A file that passes is decoded completely once, so a truncated image
is refused here and never reaches a page.

:class:`ListingImageField` re-encodes each new image on save: EXIF (with any
GPS position) and other metadata are dropped after the orientation is applied,
the file gets a random name with the extension of its real format, and the
thumbnail and detail renditions are written once, with their sizes, so that
pages never open an image file while rendering.
"""

from __future__ import annotations

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
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> file extension. Everything else is refused.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# name -> (width, height, crop): thumbnails fill their box; the detail size fits inside it.
RENDITIONS = {"thumb": (480, 360, True), "detail": (1200, 900, False)}
PDF_MAGIC = b"%PDF-"


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
    """A complete PDF by its content, within the size limit."""
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
    if not head.lstrip().startswith(PDF_MAGIC):
        raise ValidationError(
            _("This file is not a PDF document. Attach PDF files only (save other documents as PDF first)."),
            code="not_a_pdf",
        )
    if b"%%EOF" not in tail:
        raise ValidationError(
            _("The PDF file is incomplete (it has no end-of-file marker). Save it again and upload the new file."),
            code="pdf_damaged",
        )


def _encode(image: Image.Image, fmt: str) -> bytes:
    """Encode without metadata: Pillow writes EXIF, XMP or ICC data only when asked to, and we never ask."""
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
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA" if "transparency" in image.info or image.mode == "PA" else "RGB")
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
