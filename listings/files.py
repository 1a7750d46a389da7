"""Images and PDF files uploaded to listings: the checks every path shares, and the cleaning on save.

The checks are validators on the model fields (:func:`validate_image`,
:func:`validate_pdf`), so forms, the API, the admin and imports all run them
through ``full_clean``. They are the project's content checks
(``techmarket/uploads.py``: by content, never the name; decompression bombs
refused before decoding, truncated images and PDFs refused, PDFs with scripts,
embedded files, launch or form actions refused) with the listings' limits.
PDFs are handed out only as downloads, sandboxed (``techmarket/downloads.py``).

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
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps

from techmarket.uploads import IMAGE_FORMATS, check_pdf_content, decode_image

# name -> (width, height, crop): thumbnails fill their box; the detail size fits inside it.
RENDITIONS = {"thumb": (480, 360, True), "detail": (1200, 900, False)}
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


def _limits() -> dict[str, int]:
    return {"max_bytes": settings.LISTING_IMAGE_MAX_BYTES, "max_pixels": settings.LISTING_IMAGE_MAX_PIXELS}


def _decode(file) -> Image.Image:
    """The image, decoded completely (so truncation shows here), within the listings' limits."""
    return decode_image(file, **_limits())


def validate_image(file) -> None:
    """A JPEG, PNG or WebP image by its content, within the byte and pixel limits, complete."""
    _decode(file)


def validate_pdf(file) -> None:
    """A complete PDF by its content, within the size limit, that is only a document (see ``techmarket.uploads``)."""
    limit = settings.LISTING_ATTACHMENT_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; attachments may be at most %(limit)s."),
            code="file_too_big",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    check_pdf_content(file)


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
