"""The listing pages as visitors and owners use them: filters, pagination, the page's content, the forms."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from listings.choices import ListingStatus
from listings.models import Listing
from listings.services import listings as services
from techmarket.accounts.choices import OrganisationKind
from techmarket.regions.models import TechnologyField
from tests.factories import OrganisationFactory, add_member, make_listing, make_patent

from .conftest import image_bytes

pytestmark = pytest.mark.django_db


def university(province="310000", city="310115", name="复旦大学"):
    return OrganisationFactory(kind=OrganisationKind.UNIVERSITY, province=province, city=city, name_zh=name)


def _with_image(listing):
    services.listing_image_add(
        actor=None, listing=listing, image=SimpleUploadedFile("a.png", image_bytes("PNG", size=(64, 48)))
    )
    return listing


def test_the_list_filters_by_province_field_kind_and_deal_mode(client):
    fudan, nju = university(), university("320000", "320100", "南京大学")
    shanghai = make_listing(fudan, status="published", title_zh="上海的电池技术")
    nanjing = make_listing(
        nju,
        status="published",
        title_zh="南京的芯片技术",
        field_slug="integrated-circuits",
        kind="software",
        terms=[services.Term("ordinary_licence", 30000)],
    )
    make_listing(nju, status="draft", title_zh="草稿不公开")
    url = reverse("listings:listing_list")
    page = client.get(url).content.decode()
    assert "上海的电池技术" in page and "南京的芯片技术" in page and "草稿不公开" not in page
    for query, shown, hidden in [
        ({"province": "320000"}, nanjing, shanghai),
        ({"field": "new-energy"}, shanghai, nanjing),
        ({"kind": "software"}, nanjing, shanghai),
        ({"deal_mode": "assignment"}, shanghai, nanjing),
    ]:
        page = client.get(url, query).content.decode()
        assert shown.title_zh in page and hidden.title_zh not in page, query


def test_bad_filters_and_pages_are_not_errors(client):
    make_listing(university(), status="published")
    response = client.get(reverse("listings:listing_list"), {"province": "999999", "page": "abc"})
    assert response.status_code == 200
    assert "已忽略" in response.content.decode()
    assert client.get(reverse("listings:listing_list"), {"page": "9999"}).status_code == 200


def test_the_list_is_paginated_with_an_empty_state(client):
    org = university()
    for number in range(14):
        make_listing(org, status="published", title_zh=f"技术成果{number:02d}")
    first = client.get(reverse("listings:listing_list")).content.decode()
    second = client.get(reverse("listings:listing_list"), {"page": 2}).content.decode()
    assert first.count('class="card listing-card"') == 12 and second.count('class="card listing-card"') == 2
    assert "第 1 页，共 2 页" in first
    empty = client.get(reverse("listings:listing_list"), {"field": "quantum-information"}).content.decode()
    assert "没有符合" in empty


def test_list_and_detail_queries_do_not_grow_with_the_page(client, django_assert_max_num_queries):
    org = university()
    first = _with_image(make_listing(org, status="published"))
    _with_image(make_listing(org, status="published"))  # a related listing, so the page's related block is drawn
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("listings:listing_list"))
    with django_assert_max_num_queries(14) as detail_few:
        client.get(first.get_absolute_url())
    for _ in range(10):
        listing = _with_image(make_listing(org, status="published", kind="portfolio"))
        services.listing_image_add(
            actor=None, listing=listing, image=SimpleUploadedFile("b.png", image_bytes("PNG", size=(64, 48)))
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("listings:listing_list"))
    with django_assert_max_num_queries(len(detail_few.captured_queries)):
        client.get(listing.get_absolute_url())


def test_the_page_shows_gallery_patents_terms_owner_related_and_open_graph(client):
    org = university()
    patent = make_patent(org, title="一种高镍正极材料")
    listing = _with_image(make_listing(org, status="published", patents=[patent], title_zh="高镍正极材料成果"))
    sibling = make_listing(org, status="published", title_zh="同领域的另一项成果")
    page = client.get(listing.get_absolute_url()).content.decode()
    image = listing.images.get()
    assert '<meta property="og:title" content="高镍正极材料成果">' in page
    assert f"{image.detail.url}" in page and f'width="{image.detail.width}"' in page
    assert f'href="{patent.get_absolute_url()}"' in page
    assert "转让" in page and "面议" in page and "20 万元" in page
    assert f'href="{org.get_absolute_url()}"' in page
    assert sibling.title_zh in page.split('id="related-heading"')[1]
    assert "TRL 6" in page or "实际系统" in page or "样机" in page


def test_contact_details_are_for_signed_in_visitors(client):
    listing = make_listing(university(), status="published", contact_email="secret-contact@example.cn")
    assert "secret-contact@example.cn" not in client.get(listing.get_absolute_url()).content.decode()
    client.force_login(add_member(OrganisationFactory()))
    assert "secret-contact@example.cn" in client.get(listing.get_absolute_url()).content.decode()


def test_a_member_creates_a_listing_through_the_form(client):
    org = university()
    member = add_member(org)
    patent = make_patent(org)
    client.force_login(member)
    data = {
        "org": org.pk,
        "kind": "patent",
        "field": TechnologyField.objects.get(slug="biomedicine").pk,
        "title_zh": "一种新型抗体药物偶联物",
        "summary_zh": "靶向递送，降低毒副作用。",
        "trl": 4,
        "contact_name": "刘老师",
        "contact_phone": "138 0013 8000",
        "patent_numbers": patent.application_number.replace(".", ""),
        "offer_exclusive_licence": "on",
        "price_exclusive_licence": "1200000",
        "offer_open_licence": "",
    }
    response = client.post(reverse("listings:listing_create"), data)
    listing = Listing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("listings:listing_files", args=[listing.pk])
    assert listing.status == ListingStatus.DRAFT and list(listing.patents.all()) == [patent]
    assert listing.contact_phone == "13800138000"
    assert [(t.mode, int(t.price)) for t in listing.deal_terms.all()] == [("exclusive_licence", 1200000)]


def test_the_form_refuses_a_foreign_or_unknown_patent_with_the_number(client):
    org = university()
    client.force_login(add_member(org))
    foreign = make_patent(university("340000", "340100", "中国科学技术大学"))
    data = {
        "org": org.pk,
        "kind": "patent",
        "field": TechnologyField.objects.get(slug="biomedicine").pk,
        "title_zh": "别人的专利",
        "summary_zh": "摘要",
        "trl": 4,
        "contact_name": "刘老师",
        "contact_email": "liu@example.cn",
        "offer_assignment": "on",
    }
    page = client.post(reverse("listings:listing_create"), {**data, "patent_numbers": foreign.application_number})
    assert page.status_code == 200 and foreign.application_number in page.content.decode()
    assert "不是" in page.content.decode() and "权利人" in page.content.decode()
    page = client.post(reverse("listings:listing_create"), {**data, "patent_numbers": "202311432805.9"})
    assert "202311432805.9" in page.content.decode()
    page = client.post(reverse("listings:listing_create"), {**data, "patent_numbers": "20231143280X"})
    assert page.status_code == 200
    assert not Listing.objects.exists()


def test_the_organisation_page_lists_its_published_listings(client):
    org = university()
    make_listing(org, status="published", title_zh="已发布的成果")
    make_listing(org, status="draft", title_zh="还在草稿")
    page = client.get(org.get_absolute_url()).content.decode()
    assert "已发布的成果" in page and "还在草稿" not in page


def test_moderator_review_queue_approves_and_returns_to_the_queue(client):
    from tests.factories import platform_staff_user

    listing = make_listing(university(), status="submitted", title_zh="待审核的成果")
    client.force_login(platform_staff_user())
    assert "待审核的成果" in client.get(reverse("listings:review_queue")).content.decode()
    response = client.post(
        reverse("listings:listing_transition", args=[listing.pk, "approve"]), {"next": "queue"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("listings:review_queue")
    assert Listing.objects.get().status == ListingStatus.PUBLISHED
    assert "没有待审核" in response.content.decode()


def test_rejecting_without_a_reason_shows_a_message_and_changes_nothing(client):
    from tests.factories import platform_staff_user

    listing = make_listing(university(), status="submitted")
    client.force_login(platform_staff_user())
    response = client.post(
        reverse("listings:listing_transition", args=[listing.pk, "reject"]), {"reason": ""}, follow=True
    )
    assert "原因" in response.content.decode()
    assert Listing.objects.get().status == ListingStatus.SUBMITTED


def test_a_broker_finds_the_listings_assigned_to_them(client):
    from listings.services.listings import listing_assign_broker
    from tests.factories import make_broker

    broker = make_broker()
    assigned = make_listing(university(), status="draft", title_zh="指派给经理人的草稿")
    make_listing(university("320000", "320100", "东南大学"), status="published", title_zh="别人的项目")
    listing_assign_broker(actor=None, listing=assigned, broker=broker)
    client.force_login(broker.user)
    page = client.get(reverse("listings:my_listings")).content.decode()
    assert "指派给经理人的草稿" in page and "别人的项目" not in page


def test_the_organisation_page_shows_its_published_listings_only(client):
    fudan = university()
    make_listing(fudan, status="published", title_zh="复旦的电池技术")
    make_listing(fudan, status="draft", title_zh="复旦的草稿成果")
    page = client.get(fudan.get_absolute_url()).content.decode()
    assert "复旦的电池技术" in page
    assert "复旦的草稿成果" not in page
    assert "1 个挂牌项目" in page


def test_an_organisation_without_published_listings_shows_no_market_section(client):
    fudan = university()
    make_listing(fudan, status="draft", title_zh="复旦的草稿成果")
    page = client.get(fudan.get_absolute_url()).content.decode()
    assert "org-listings-heading" not in page
