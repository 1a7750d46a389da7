"""The platform staff in the editorial admin: their queues and the technology fields, shown and open to them only."""

import pytest
from django.contrib.auth.models import Group
from wagtail.users.models import UserProfile

from techmarket.accounts.choices import VerificationStatus
from techmarket.regions.models import TechnologyField
from tests.factories import OrganisationFactory, UserFactory, make_listing, organisation_in

pytestmark = pytest.mark.django_db

LISTINGS = "/cms-admin/platform-listings/"
ORGANISATIONS = "/cms-admin/platform-organisations/"
FIELDS = "/cms-admin/technology-fields/"


@pytest.fixture
def editor():
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def submitted(title: str):
    return make_listing(organisation_in("330000"), status="submitted", title_zh=title)


def pending_organisation(name: str):
    return OrganisationFactory(name_zh=name, verification_status=VerificationStatus.PENDING)


def in_english(user):
    """The admin speaks each user's chosen language (the site's, Chinese, until they choose)."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def test_staff_see_the_platform_menu_and_an_editor_does_not(client, staff_user, editor):
    client.force_login(in_english(staff_user))
    dashboard = client.get("/cms-admin/").content.decode()
    for url in (LISTINGS, ORGANISATIONS, FIELDS):
        assert url in dashboard, url
    assert "Listings awaiting review" in dashboard and "Technology fields" in dashboard

    client.force_login(editor)
    dashboard = client.get("/cms-admin/").content.decode()
    for url in (LISTINGS, ORGANISATIONS, FIELDS):
        assert url not in dashboard, url


def test_an_editor_is_refused_each_platform_page_with_403(client, editor):
    client.force_login(in_english(editor))
    field = TechnologyField.objects.first()
    for url in (LISTINGS, ORGANISATIONS, FIELDS, f"{FIELDS}new/", f"{FIELDS}edit/{field.pk}/"):
        response = client.get(url)
        assert response.status_code == 403, url
    page = client.get(LISTINGS).content.decode()
    assert "You do not have permission to use this page" in page
    response = client.post(f"{FIELDS}edit/{field.pk}/", {"name_zh": "改名", "name_en": "x", "slug": field.slug})
    assert response.status_code == 403
    field.refresh_from_db()
    assert field.name_zh != "改名"


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(LISTINGS)
    assert response.status_code == 302 and "login" in response.url


def test_the_listing_queue_shows_submitted_listings_and_links_to_the_moderation_page(
    client, staff_user, django_assert_max_num_queries
):
    listing = submitted("高效钙钛矿太阳能电池制备方法")
    make_listing(organisation_in("320000"), status="draft", title_zh="草稿中的成果")
    client.force_login(in_english(staff_user))
    page = client.get(LISTINGS).content.decode()
    assert listing.title_zh in page and listing.get_absolute_url() in page
    assert "草稿中的成果" not in page
    assert '/listings/review/"' in page  # in the admin's language: /en/listings/review/
    assert "1 listing awaits review." in page


def test_the_listing_queue_makes_as_many_queries_with_many_listings(client, staff_user, django_assert_max_num_queries):
    submitted("第一项成果")
    client.force_login(staff_user)
    client.get(LISTINGS)
    with django_assert_max_num_queries(20) as one:
        assert client.get(LISTINGS).status_code == 200
    for n in range(5):
        submitted(f"成果{n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(LISTINGS).status_code == 200


def test_the_organisation_queue_shows_those_awaiting_verification(client, staff_user, django_assert_max_num_queries):
    waiting = pending_organisation("待核验的研究院")
    client.force_login(in_english(staff_user))
    client.get(ORGANISATIONS)
    with django_assert_max_num_queries(20) as one:
        page = client.get(ORGANISATIONS).content.decode()
    assert waiting.name_zh in page and waiting.get_absolute_url() in page
    assert "/organisations/review/" in page
    assert "1 organisation awaits verification." in page
    for n in range(5):
        pending_organisation(f"待核验{n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(ORGANISATIONS).status_code == 200


def test_staff_add_and_retire_a_technology_field(client, staff_user):
    client.force_login(staff_user)
    assert client.get(FIELDS).status_code == 200
    data = {"name_zh": "量子测量", "name_en": "Quantum metrology", "slug": "quantum-metrology", "position": 90}
    response = client.post(f"{FIELDS}new/", {**data, "is_active": "on"})
    assert response.status_code == 302, response.context["form"].errors
    field = TechnologyField.objects.get(slug="quantum-metrology")
    assert field.name_zh == "量子测量" and field.is_active
    response = client.post(f"{FIELDS}edit/{field.pk}/", data)
    assert response.status_code == 302
    field.refresh_from_db()
    assert not field.is_active
    assert "量子测量" in client.get(FIELDS).content.decode()


def test_a_duplicate_field_name_is_refused_with_a_message(client, staff_user):
    existing = TechnologyField.objects.first()
    client.force_login(in_english(staff_user))
    data = {"name_zh": existing.name_zh, "name_en": "Again", "slug": "again", "position": 1, "is_active": "on"}
    response = client.post(f"{FIELDS}new/", data)
    assert response.status_code == 200  # the form again, with its error
    assert "already exists" in response.content.decode()
    assert not TechnologyField.objects.filter(slug="again").exists()


def test_staff_cannot_delete_a_field(client, staff_user):
    field = TechnologyField.objects.first()
    client.force_login(staff_user)
    assert client.post(f"{FIELDS}delete/{field.pk}/").status_code == 403
    assert TechnologyField.objects.filter(pk=field.pk).exists()
