import io

import pytest
from PIL import Image
from pypdf import PdfWriter


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh directory per test, so tests can see exactly what was written."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (800, 600), mode: str = "RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "steelblue" if mode == "RGB" else 0).save(buffer, fmt, **save)
    return buffer.getvalue()


def pdf_bytes(build=None) -> bytes:
    """A one-page PDF written by pypdf; ``build(writer)`` adds to it first (a script, an attachment, an action)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if build is not None:
        build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# The smallest PDF a real program writes: one blank page (uploads are parsed, so hand-made bytes without a
# cross-reference table would be refused as unreadable).
MINIMAL_PDF = pdf_bytes()
