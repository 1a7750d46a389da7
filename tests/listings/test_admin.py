"""The admin shares the model validators: a disguised file uploaded there is refused with the same message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from listings.models import ListingImage
from techmarket.accounts.choices import OrganisationKind
from tests.factories import OrganisationFactory, UserFactory, make_listing

from .conftest import image_bytes

pytestmark = pytest.mark.django_db


def _inline_data(listing, upload) -> dict:
    data = {
        "organisation": listing.organisation_id,
        "kind": listing.kind,
        "title_zh": listing.title_zh,
        "title_en": "",
        "summary_zh": listing.summary_zh,
        "summary_en": "",
        "problem": "",
        "advantages": "",
        "applications": "",
        "field": listing.field_id,
        "trl": listing.trl,
        "contact_name": listing.contact_name,
        "contact_phone": "",
        "contact_email": listing.contact_email,
        "patents": [p.pk for p in listing.patents.all()],
        "broker": "",
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-0-image": upload,
        "images-0-caption": "",
        "images-0-position": "0",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    terms = list(listing.deal_terms.all())
    data.update({"deal_terms-TOTAL_FORMS": str(len(terms)), "deal_terms-INITIAL_FORMS": str(len(terms))})
    for index, term in enumerate(terms):
        data.update(
            {
                f"deal_terms-{index}-id": term.pk,
                f"deal_terms-{index}-listing": listing.pk,
                f"deal_terms-{index}-mode": term.mode,
                f"deal_terms-{index}-price": term.price or "",
                f"deal_terms-{index}-note": "",
            }
        )
    return data


def test_admin_refuses_a_disguised_image_and_accepts_a_real_one(client, media_root):
    listing = make_listing(OrganisationFactory(kind=OrganisationKind.UNIVERSITY))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:listings_listing_change", args=[listing.pk])
    svg = SimpleUploadedFile("photo.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    response = client.post(url, _inline_data(listing, svg))
    assert response.status_code == 200
    assert "该文件不是 JPEG、PNG 或 WebP 图片" in response.content.decode()
    assert not ListingImage.objects.exists()
    response = client.post(url, _inline_data(listing, SimpleUploadedFile("p.png", image_bytes("PNG"))))
    assert response.status_code == 302
    image = ListingImage.objects.get()
    assert image.renditions["thumb"]["width"] == 480
