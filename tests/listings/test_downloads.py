"""A listing's PDF files are handed out only by their download view: saved, sandboxed, and only to those who may see
the listing; the media folder never serves them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from listings.services import listings as services
from tests.factories import OrganisationFactory, add_member, make_listing, platform_staff_user

from .conftest import image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()


@pytest.fixture
def university():
    return OrganisationFactory(kind="university", name_zh="复旦大学")


def _listing_with_file(university, status: str):
    listing = make_listing(university, status=status)
    attachment = services.listing_attachment_add(
        actor=None, listing=listing, file=SimpleUploadedFile("x.pdf", PDF), title="技术简介 2025"
    )
    return listing, attachment


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_published_listing_links_its_file_to_a_sandboxed_download(client, university):
    listing, attachment = _listing_with_file(university, "published")
    url = attachment.get_absolute_url()
    assert url == f"/listings/{listing.pk}/files/{attachment.pk}/"
    page = client.get(listing.get_absolute_url()).content.decode()
    assert f'href="{url}"' in page and attachment.file.url not in page

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%8A%80%E6%9C%AF%E7%AE%80%E4%BB%8B-2025.pdf" in response["Content-Disposition"]
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body(response) == PDF


def test_the_api_gives_the_download_not_the_storage_address(client, university):
    listing, attachment = _listing_with_file(university, "published")
    data = client.get(f"/api/v1/listings/{listing.pk}/").json()
    assert data["attachments"][0]["url"] == f"http://testserver{attachment.get_absolute_url()}"


@pytest.mark.parametrize(
    ("who", "status"),
    [("visitor", 404), ("outsider", 404), ("member", 200), ("moderator", 200), ("broker", 200)],
)
def test_a_hidden_listings_file_follows_the_listing_page_permissions(client, university, who, status):
    from listings.services.listings import listing_assign_broker
    from tests.factories import make_broker

    listing, attachment = _listing_with_file(university, "draft")
    broker = make_broker()
    listing_assign_broker(actor=None, listing=listing, broker=broker)
    user = {
        "visitor": None,
        "outsider": add_member(OrganisationFactory()),
        "member": add_member(university),
        "moderator": platform_staff_user(),
        "broker": broker.user,
    }[who]
    if user is not None:
        client.force_login(user)

    assert client.get(listing.get_absolute_url()).status_code == status
    assert client.get(attachment.get_absolute_url()).status_code == status


def test_a_file_of_another_listing_is_a_404(client, university):
    listing, _attachment = _listing_with_file(university, "published")
    _other, attachment = _listing_with_file(university, "published")
    assert client.get(f"/listings/{listing.pk}/files/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["{name}", "listings/{listing}/x/../files/{file}", "listings//{listing}/files/{file}", "./{name}"],
)
def test_the_media_folder_does_not_serve_listing_files(client, university, path):
    listing, attachment = _listing_with_file(university, "published")
    name = attachment.file.name
    path = path.format(name=name, listing=listing.pk, file=name.rsplit("/", 1)[1])
    assert client.get(f"/media/{path}").status_code == 404


def test_media_files_are_sandboxed(client, university):
    listing = make_listing(university, status="published")
    image = services.listing_image_add(
        actor=None, listing=listing, image=SimpleUploadedFile("a.png", image_bytes("PNG")), caption=""
    )

    response = client.get(image.image.url)

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
