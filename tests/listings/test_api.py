"""The listings API under /api/v1/listings/: what callers read, what owners write, and what is refused and why.

Messages are compared in English (the client asks for it with Accept-Language),
so the tests do not depend on the state of the Chinese catalogue.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation
from rest_framework.test import APIClient

from listings.choices import ListingStatus
from listings.models import DealTerm, Listing, ListingAttachment, ListingImage
from listings.services import listings as services
from techmarket.accounts.choices import MembershipRole, OrganisationKind, VerificationStatus
from techmarket.audit.models import AuditEvent
from tests.factories import (
    OrganisationFactory,
    add_member,
    make_listing,
    make_patent,
    platform_staff_user,
    university_in,
)

from .conftest import MINIMAL_PDF, image_bytes

pytestmark = pytest.mark.django_db
URL = "/api/v1/listings/"


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def fudan():
    return university_in("310000", name_zh="复旦大学", name_en="Fudan University")


@pytest.fixture
def member(fudan):
    return add_member(fudan)


def _files(root) -> list:
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _with_image(listing, caption=""):
    services.listing_image_add(
        actor=None,
        listing=listing,
        image=SimpleUploadedFile("a.png", image_bytes("PNG", size=(64, 48))),
        caption=caption,
    )
    return listing


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title_zh"] for row in response.json()["results"]]


def payload(owner, **overrides):
    patent = overrides.pop("patent", None) or make_patent(owner)
    return {
        "organisation": owner.pk,
        "kind": "patent",
        "title_zh": "一种固态电解质及其制备方法",
        "title_en": "A solid-state electrolyte",
        "summary_zh": "硫化物固态电解质，室温离子电导率高。",
        "field": "new-energy",
        "trl": 5,
        "contact_name": "王老师",
        "contact_phone": "138 1234 5678",
        # Any written form of the number: a prefix, no dot.
        "patents": ["CN" + patent.application_number.replace(".", "")],
        "deal_terms": [
            {"mode": "assignment", "price": None},
            {"mode": "ordinary_licence", "price": "50000.00", "note": "每年"},
        ],
        **overrides,
    }


# Reading -------------------------------------------------------------------------------------------------------


def test_the_list_shows_published_listings_with_everything_a_card_needs(api, fudan):
    patent = make_patent(fudan, title="一种高镍正极材料")
    listing = _with_image(
        make_listing(fudan, status="published", patents=[patent], title_zh="高镍正极材料"), caption="样机"
    )
    make_listing(fudan, status="draft", title_zh="草稿")
    make_listing(fudan, status="submitted", title_zh="待审")
    make_listing(fudan, status="closed", title_zh="已转让")
    response = api.get(URL)
    assert _titles(response) == ["高镍正极材料"]
    [row] = response.json()["results"]
    image = listing.images.get()
    assert row["url"] == f"http://testserver/en/listings/{listing.pk}/"
    assert row["organisation"] == {"id": fudan.pk, "name": "Fudan University"}
    assert row["province"] == {"code": "310000", "name": "Shanghai"}  # the client asks for English
    assert row["field"] == {"slug": "new-energy", "name": "New energy"}
    assert row["trl"] == {"level": 6, "meaning": "TRL 6: prototype system demonstrated in a relevant environment"}
    assert row["ipc_codes"] == ["H01M 10/0525"]
    assert row["patents"] == [
        {
            "application_number": patent.application_number,
            "title": "一种高镍正极材料",
            "url": f"http://testserver/en/registry/patents/{patent.application_number}/",
        }
    ]
    assert row["deal_terms"] == [
        {
            "mode": "assignment",
            "label": "assignment",
            "price": None,
            "negotiable": True,
            "note": "",
            "published_terms": "",
        },
        {
            "mode": "ordinary_licence",
            "label": "ordinary licence",
            "price": "200000.00",
            "negotiable": False,
            "note": "",
            "published_terms": "",
        },
    ]
    assert row["images"] == [
        {
            "id": image.pk,
            "thumb": {"url": f"http://testserver{image.thumb.url}", "width": 480, "height": 360},
            "detail": {"url": f"http://testserver{image.detail.url}", "width": 64, "height": 48},
            "caption": "样机",
        }
    ]
    assert row["status"] == "published" and row["published_at"]
    assert row["moderation_note"] is None


def test_contact_details_are_for_signed_in_callers_only(api, fudan, user):
    make_listing(fudan, status="published", contact_phone="13812345678", contact_email="tech@fudan.edu.cn")
    assert api.get(URL).json()["results"][0]["contact"] == {"name": "王老师", "phone": None, "email": None}
    api.force_authenticate(user)
    assert api.get(URL).json()["results"][0]["contact"] == {
        "name": "王老师",
        "phone": "13812345678",
        "email": "tech@fudan.edu.cn",
    }


def test_the_list_filters_by_province_field_kind_and_deal_mode(api, fudan):
    nju = university_in("320000", name_zh="南京大学")
    make_listing(fudan, status="published", title_zh="上海的电池技术")
    make_listing(
        nju,
        status="published",
        title_zh="南京的芯片技术",
        field_slug="integrated-circuits",
        kind="software",
        terms=[services.Term("ordinary_licence", 30000)],
    )
    make_listing(nju, status="draft", title_zh="草稿不公开", field_slug="integrated-circuits")
    assert sorted(_titles(api.get(URL))) == ["上海的电池技术", "南京的芯片技术"]
    for query, shown in [
        ({"province": "320000"}, ["南京的芯片技术"]),
        ({"field": "new-energy"}, ["上海的电池技术"]),
        ({"kind": "software"}, ["南京的芯片技术"]),
        ({"deal_mode": "assignment"}, ["上海的电池技术"]),
        ({"deal_mode": "ordinary_licence", "province": "310000"}, ["上海的电池技术"]),
        ({"province": "340000"}, []),
    ]:
        assert _titles(api.get(URL, query)) == shown, query


@pytest.mark.parametrize(
    ("query", "field", "hint"),
    [
        ({"province": "999999"}, "province", "999999"),
        ({"field": "no-such-field"}, "field", "no-such-field"),
        ({"field": "新能源"}, "field", ""),
        ({"kind": "car"}, "kind", "car"),
        ({"deal_mode": "barter"}, "deal_mode", "barter"),
        ({"mine": "perhaps"}, "mine", ""),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(api, fudan, user, query, field, hint):
    make_listing(fudan, status="published")
    api.force_authenticate(user)
    response = api.get(URL, query)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    [message] = response.json()[field]
    assert hint in message


def test_an_inactive_field_is_not_a_filter(api, fudan):
    from techmarket.regions.models import TechnologyField

    TechnologyField.objects.filter(slug="aerospace").update(is_active=False)
    assert api.get(URL, {"field": "aerospace"}).status_code == 400


def test_mine_lists_every_status_of_my_organisations_with_the_moderators_notes(api, fudan, member):
    make_listing(fudan, status="published", title_zh="已发布")
    draft = make_listing(fudan, status="submitted", title_zh="被退回")
    services.listing_transition(actor=None, listing=draft, name="reject", reason="请补充技术指标")
    make_listing(fudan, status="withdrawn", title_zh="已撤回")
    make_listing(university_in("330000", name_zh="浙江大学"), status="draft", title_zh="别人的草稿")
    api.force_authenticate(member)
    response = api.get(URL, {"mine": "1"})
    assert sorted(_titles(response)) == ["已发布", "已撤回", "被退回"]
    notes = {row["title_zh"]: row["moderation_note"] for row in response.json()["results"]}
    assert notes["被退回"] == "请补充技术指标"
    assert _titles(api.get(URL, {"mine": "true", "kind": "software"})) == []
    # An enterprise's staff have no listings of their own; the public list is not theirs.
    api.force_authenticate(add_member(OrganisationFactory()))
    assert _titles(api.get(URL, {"mine": "1"})) == []


def test_mine_needs_a_signed_in_caller(api):
    assert api.get(URL, {"mine": "1"}).status_code == 403


def test_a_draft_is_a_404_for_outsiders_and_shown_to_its_owner(api, fudan, member, user):
    draft = make_listing(fudan, status="draft", title_zh="尚未公开")
    for caller in (None, user):
        api.force_authenticate(caller)
        response = api.get(f"{URL}{draft.pk}/")
        assert response.status_code == 404
        assert "尚未公开" not in response.content.decode()
    api.force_authenticate(member)
    body = api.get(f"{URL}{draft.pk}/").json()
    assert body["title_zh"] == "尚未公开" and body["status"] == "draft"
    assert api.get(f"{URL}99999/").status_code == 404
    assert api.get(f"{URL}abc/").status_code == 404


def test_the_moderators_note_is_only_for_those_concerned(api, fudan, member, user):
    listing = make_listing(fudan, status="suspended")  # suspended with the reason 测试
    services.listing_transition(actor=None, listing=listing, name="reinstate")
    api.force_authenticate(user)
    assert api.get(f"{URL}{listing.pk}/").json()["moderation_note"] is None
    api.force_authenticate(member)
    assert api.get(f"{URL}{listing.pk}/").json()["moderation_note"] == "测试"


# Creating and editing ------------------------------------------------------------------------------------------


def test_a_member_creates_a_draft_through_the_service(api, fudan, member):
    api.force_authenticate(member)
    patent = make_patent(fudan)
    response = api.post(URL, payload(fudan, patent=patent), format="json")
    assert response.status_code == 201, response.json()
    listing = Listing.objects.get()
    assert response.json()["id"] == listing.pk
    assert response.json()["status"] == "draft"
    assert listing.organisation == fudan and listing.province == "310000"
    assert listing.created_by == member
    assert listing.contact_phone == "13812345678"
    assert list(listing.patents.all()) == [patent]
    assert {(t.mode, t.price, t.note) for t in listing.deal_terms.all()} == {
        ("assignment", None, ""),
        ("ordinary_licence", 50000, "每年"),
    }
    assert AuditEvent.objects.filter(action="listing.create", actor=member).count() == 1


def _nothing_written():
    assert not Listing.objects.exists()
    assert not DealTerm.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title_zh": ""}, "title_zh", "may not be blank"),
        ({"field": "no-such-field"}, "field", "There is no technology field"),
        ({"kind": "car"}, "kind", "not a valid choice"),
        ({"trl": 10}, "trl", "not a valid choice"),
        ({"contact_phone": "12345"}, "contact_phone", "mainland China mobile number"),
        ({"contact_phone": None, "contact_email": ""}, "contact_email", "mobile number or an e-mail address"),
        ({"patents": ["2021100000"]}, "patents", "2021100000"),
        ({"patents": ["202311432805.9"]}, "patents", "Not in the registry: 202311432805.9"),
        ({"patents": []}, "patents", "names exactly one patent"),
        ({"deal_terms": []}, "deal_terms", "at least one way"),
        ({"deal_terms": [{"mode": "barter"}]}, "deal_terms", "not a valid choice"),
        ({"deal_terms": [{"mode": "assignment", "price": "-1"}]}, "deal_terms", "greater than or equal to 0"),
        (
            {"deal_terms": [{"mode": "assignment"}, {"mode": "assignment", "price": "10"}]},
            "deal_terms",
            "Each deal mode may be offered once",
        ),
        (
            {"deal_terms": [{"mode": "open_licence"}, {"mode": "exclusive_licence"}]},
            "deal_terms",
            "cannot be offered together with an exclusive or sole licence",
        ),
        ({"organisation": 99999}, "organisation", "does not exist"),
    ],
)
def test_bad_input_is_a_400_with_the_message_and_writes_nothing(api, fudan, member, overrides, field, message):
    api.force_authenticate(member)
    response = api.post(URL, payload(fudan, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert message in str(response.json()[field])
    _nothing_written()


def test_a_patent_of_another_organisation_is_refused(api, fudan, member):
    zju = university_in("330000", name_zh="浙江大学")
    api.force_authenticate(member)
    response = api.post(URL, payload(fudan, patent=make_patent(zju)), format="json")
    assert response.status_code == 400
    assert "复旦大学 is not a right holder of patent" in response.json()["patents"][0]
    _nothing_written()


@pytest.mark.parametrize(
    "who",
    ["enterprise member", "member of another university", "pending university", "moderator"],
)
def test_only_members_of_a_verified_supplier_create_listings_for_it(api, fudan, who):
    organisation, caller = fudan, None
    if who == "enterprise member":
        organisation = OrganisationFactory(kind=OrganisationKind.ENTERPRISE)
        caller = add_member(organisation)
    elif who == "member of another university":
        caller = add_member(university_in("320000", name_zh="南京大学"))
    elif who == "pending university":
        organisation = university_in("340000", verification_status=VerificationStatus.PENDING)
        caller = add_member(organisation, role=MembershipRole.ADMIN)
    else:
        caller = platform_staff_user()
    api.force_authenticate(caller)
    response = api.post(URL, payload(organisation), format="json")
    assert response.status_code == 403
    _nothing_written()


def test_anonymous_callers_cannot_write(api, fudan):
    listing = make_listing(fudan, status="draft")
    assert api.post(URL, payload(fudan), format="json").status_code == 403
    assert api.patch(f"{URL}{listing.pk}/", {"title_zh": "x"}, format="json").status_code == 403
    assert Listing.objects.count() == 1


def test_patch_changes_only_what_it_names(api, fudan, member):
    listing = make_listing(fudan, status="published", title_zh="旧标题")
    api.force_authenticate(member)
    response = api.patch(f"{URL}{listing.pk}/", {"title_zh": "新标题", "trl": 7}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title_zh"] == "新标题" and response.json()["trl"]["level"] == 7
    listing.refresh_from_db()
    assert listing.title_zh == "新标题" and listing.status == ListingStatus.PUBLISHED
    assert listing.deal_terms.count() == 2 and listing.patents.count() == 1
    event = AuditEvent.objects.filter(action="listing.update").get()
    assert event.data == {"fields": ["title_zh", "trl"]}


def test_patch_replaces_the_deal_terms_and_patents(api, fudan, member):
    listing = make_listing(fudan, status="draft", kind="portfolio")
    first, second = make_patent(fudan), make_patent(fudan)
    api.force_authenticate(member)
    response = api.patch(
        f"{URL}{listing.pk}/",
        {
            "patents": [first.application_number, second.application_number],
            "deal_terms": [{"mode": "ordinary_licence", "price": "8000"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert [t["mode"] for t in response.json()["deal_terms"]] == ["ordinary_licence"]
    assert set(listing.patents.values_list("pk", flat=True)) == {first.pk, second.pk}


def test_a_bad_patch_changes_nothing(api, fudan, member):
    listing = make_listing(fudan, status="draft", title_zh="原标题")
    api.force_authenticate(member)
    response = api.patch(
        f"{URL}{listing.pk}/",
        {"title_zh": "新标题", "deal_terms": [{"mode": "open_licence"}], "kind": "software"},
        format="json",
    )
    assert response.status_code == 400
    assert "Open licences exist for patents only." in response.json()["deal_terms"]
    listing.refresh_from_db()
    assert listing.title_zh == "原标题" and listing.kind == "patent"
    assert sorted(listing.deal_terms.values_list("mode", flat=True)) == ["assignment", "ordinary_licence"]


def test_put_needs_the_whole_listing_and_keeps_the_owner(api, fudan, member):
    listing = make_listing(fudan, status="draft")
    other = university_in("320000", name_zh="南京大学")
    api.force_authenticate(member)
    body = payload(fudan, title_zh="整体替换", organisation=other.pk)
    response = api.put(f"{URL}{listing.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    listing.refresh_from_db()
    assert listing.title_zh == "整体替换" and listing.organisation == fudan
    response = api.put(f"{URL}{listing.pk}/", {"title_zh": "只有标题"}, format="json")
    assert response.status_code == 400
    assert {"summary_zh", "field", "contact_name", "deal_terms"} <= set(response.json())


def test_a_listing_under_review_cannot_be_changed(api, fudan, member):
    listing = make_listing(fudan, status="submitted", title_zh="审核中")
    api.force_authenticate(member)
    response = api.patch(f"{URL}{listing.pk}/", {"title_zh": "改了"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "You cannot change this listing now."}
    listing.refresh_from_db()
    assert listing.title_zh == "审核中"


def test_listings_are_not_deleted_but_withdrawn(api, fudan):
    listing = make_listing(fudan, status="draft")
    api.force_authenticate(add_member(fudan, role=MembershipRole.ADMIN))
    assert api.delete(f"{URL}{listing.pk}/").status_code == 405
    assert Listing.objects.filter(pk=listing.pk).exists()


# Workflow ------------------------------------------------------------------------------------------------------


def test_submit_approve_and_the_listing_appears_on_the_list(api, fudan, member):
    listing = make_listing(fudan, status="draft", title_zh="新成果")
    api.force_authenticate(member)
    response = api.post(f"{URL}{listing.pk}/transition/", {"name": "submit"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    api.force_authenticate(platform_staff_user())
    response = api.post(f"{URL}{listing.pk}/transition/", {"name": "approve"}, format="json")
    assert response.json()["status"] == "published"
    api.force_authenticate(None)
    assert _titles(api.get(URL)) == ["新成果"]
    assert AuditEvent.objects.filter(action__in=["listing.submit", "listing.approve"]).count() == 2


def test_a_rejection_needs_a_reason(api, fudan):
    listing = make_listing(fudan, status="submitted")
    api.force_authenticate(platform_staff_user())
    response = api.post(f"{URL}{listing.pk}/transition/", {"name": "reject", "reason": "  "}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": ["Give the owner a reason, so that they know what to change."]}
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SUBMITTED
    response = api.post(f"{URL}{listing.pk}/transition/", {"name": "reject", "reason": "请补充指标"}, format="json")
    assert response.json()["status"] == "draft" and response.json()["moderation_note"] == "请补充指标"


def test_a_transition_the_status_does_not_allow_is_a_400_saying_why(api, fudan):
    listing = make_listing(fudan, status="published")
    api.force_authenticate(platform_staff_user())
    response = api.post(f"{URL}{listing.pk}/transition/", {"name": "approve"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This listing is published; “Publish” is not possible now."]}


def test_submitting_an_incomplete_listing_is_refused_with_the_reason(api, fudan, member):
    listing = make_listing(fudan, status="draft")
    listing.patents.clear()  # as if the patent had been taken off since
    api.force_authenticate(member)
    response = api.post(f"{URL}{listing.pk}/transition/", {"name": "submit"}, format="json")
    assert response.status_code == 400
    assert "names exactly one patent" in response.json()["patents"][0]
    listing.refresh_from_db()
    assert listing.status == ListingStatus.DRAFT


@pytest.mark.parametrize("body", [{"name": "publish"}, {}, {"name": "submit", "reason": "x" * 501}])
def test_an_unknown_transition_is_a_400(api, fudan, member, body):
    listing = make_listing(fudan, status="draft")
    api.force_authenticate(member)
    assert api.post(f"{URL}{listing.pk}/transition/", body, format="json").status_code == 400
    listing.refresh_from_db()
    assert listing.status == ListingStatus.DRAFT


# Images and files ----------------------------------------------------------------------------------------------


def _upload(api, listing, content: bytes, name: str = "photo.jpg", caption: str = ""):
    return api.post(
        f"{URL}{listing.pk}/images/",
        {"image": SimpleUploadedFile(name, content), "caption": caption},
        format="multipart",
    )


def test_an_image_upload_is_cleaned_and_rendered(api, fudan, member, media_root):
    listing = make_listing(fudan, status="draft")
    api.force_authenticate(member)
    response = _upload(api, listing, image_bytes(size=(1600, 1200)), "IMG_0001.jpg", "样机照片")
    assert response.status_code == 201, response.json()
    image = ListingImage.objects.get()
    assert response.json() == {
        "id": image.pk,
        "thumb": {"url": f"http://testserver{image.thumb.url}", "width": 480, "height": 360},
        "detail": {"url": f"http://testserver{image.detail.url}", "width": 1200, "height": 900},
        "caption": "样机照片",
    }
    assert len(_files(media_root)) == 3
    assert api.get(f"{URL}{listing.pk}/").json()["images"][0]["id"] == image.pk


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "photo.jpg", "not a JPEG, PNG or WebP image"),
        (image_bytes()[:4000], "cut.jpg", "damaged or incomplete"),
        # 30,000 × 30,000 one-bit pixels: about 100 kB of PNG that would decode to 900 million pixels.
        (image_bytes("PNG", size=(30_000, 30_000), mode="1"), "bomb.png", "too many pixels"),
        (image_bytes("GIF", mode="P"), "anim.jpg", "GIF images are not accepted"),
    ],
    ids=["renamed-html", "truncated-jpeg", "decompression-bomb", "gif"],
)
def test_bad_images_are_a_400_with_the_message_and_nothing_is_written(
    api, fudan, member, media_root, content, name, message
):
    listing = make_listing(fudan, status="draft")
    api.force_authenticate(member)
    response = _upload(api, listing, content, name)
    assert response.status_code == 400
    [text] = response.json()["image"]
    assert message in text
    assert not ListingImage.objects.exists()
    assert _files(media_root) == []


def test_an_empty_or_missing_file_is_a_400(api, fudan, member, media_root):
    listing = make_listing(fudan, status="draft")
    api.force_authenticate(member)
    assert "image" in _upload(api, listing, b"", "empty.jpg").json()
    assert "image" in api.post(f"{URL}{listing.pk}/images/", {"caption": "x"}, format="multipart").json()
    response = api.post(f"{URL}{listing.pk}/images/", {"image": "aGVsbG8="}, format="json")
    assert response.status_code == 415
    assert not ListingImage.objects.exists() and _files(media_root) == []


def test_the_ninth_image_is_refused(api, fudan, member, settings):
    settings.LISTING_MAX_IMAGES = 2
    listing = _with_image(_with_image(make_listing(fudan, status="draft")))
    api.force_authenticate(member)
    response = _upload(api, listing, image_bytes(size=(64, 48)))
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["A listing has at most 2 images. Delete one before adding another."]
    }
    assert listing.images.count() == 2


def test_an_image_is_deleted_with_its_files(api, fudan, member, media_root, django_capture_on_commit_callbacks):
    listing = _with_image(make_listing(fudan, status="published"))
    image = listing.images.get()
    other = _with_image(make_listing(fudan, status="published")).images.get()
    api.force_authenticate(member)
    assert api.delete(f"{URL}{listing.pk}/images/{other.pk}/").status_code == 404  # not this listing's
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"{URL}{listing.pk}/images/{image.pk}/").status_code == 204
    assert list(ListingImage.objects.all()) == [other]
    assert len(_files(media_root)) == 3  # only the other listing's image and its renditions


def test_pdf_files_are_attached_and_removed(api, fudan, member, media_root):
    listing = make_listing(fudan, status="draft")
    api.force_authenticate(member)
    url = f"{URL}{listing.pk}/attachments/"
    response = api.post(url, {"file": SimpleUploadedFile("a.pdf", MINIMAL_PDF), "title": "技术简介"})
    assert response.status_code == 201, response.json()
    attachment = ListingAttachment.objects.get()
    assert response.json() == {
        "id": attachment.pk,
        "title": "技术简介",
        "url": f"http://testserver{attachment.get_absolute_url()}",
        "size": len(MINIMAL_PDF),
    }
    for content, message in [
        (b"<html><body>not a pdf</body></html>", "not a PDF document"),
        (MINIMAL_PDF[:60], "incomplete"),
    ]:
        response = api.post(url, {"file": SimpleUploadedFile("x.pdf", content), "title": "坏文件"})
        assert response.status_code == 400
        assert message in response.json()["file"][0]
    assert "title" in api.post(url, {"file": SimpleUploadedFile("b.pdf", MINIMAL_PDF)}).json()
    assert ListingAttachment.objects.count() == 1 and len(_files(media_root)) == 1
    assert api.delete(f"{url}{attachment.pk}/").status_code == 204
    assert not ListingAttachment.objects.exists()


# Queries, language, schema -------------------------------------------------------------------------------------


def _add_listings(org, count: int, statuses=("published",)):
    for i in range(count):
        listing = make_listing(org, status=statuses[i % len(statuses)], kind="portfolio" if i % 2 else "patent")
        if i % 3 == 0:
            _with_image(listing)
        if i % 4 == 0:
            services.listing_attachment_add(
                actor=None, listing=listing, file=SimpleUploadedFile("a.pdf", MINIMAL_PDF), title="简介"
            )


def test_the_lists_make_the_same_queries_for_5_and_25_listings(api, fudan, member, django_assert_max_num_queries):
    unpublished = ("draft", "submitted", "withdrawn")
    _add_listings(fudan, 5)
    _add_listings(fudan, 3, statuses=unpublished)
    counts = {}
    for name, caller, query, length in [
        ("public", None, {}, 5),
        ("signed-in", member, {}, 5),
        ("mine", member, {"mine": "1"}, 8),
    ]:
        api.force_authenticate(caller)
        with django_assert_max_num_queries(10) as captured:
            assert len(api.get(URL, query).json()["results"]) == length
        counts[name] = (caller, query, len(captured.captured_queries))
    _add_listings(fudan, 20)  # 25 published: a full page of 20
    _add_listings(fudan, 3, statuses=unpublished)
    for caller, query, count in counts.values():
        api.force_authenticate(caller)
        with django_assert_max_num_queries(count):
            assert len(api.get(URL, query).json()["results"]) == 20


def test_a_listing_makes_the_same_queries_whatever_it_holds(api, fudan, member, django_assert_max_num_queries):
    small = make_listing(fudan, status="published")
    big = make_listing(fudan, status="published", kind="portfolio", patents=[make_patent(fudan) for _ in range(4)])
    for _ in range(5):
        _with_image(big)
    for _ in range(3):
        services.listing_attachment_add(
            actor=None, listing=big, file=SimpleUploadedFile("a.pdf", MINIMAL_PDF), title="简介"
        )
    api.force_authenticate(member)
    with django_assert_max_num_queries(14) as captured:
        api.get(f"{URL}{small.pk}/")
    with django_assert_max_num_queries(len(captured.captured_queries)):
        body = api.get(f"{URL}{big.pk}/").json()
    assert (len(body["patents"]), len(body["images"]), len(body["attachments"])) == (4, 5, 3)


def test_chinese_by_default(fudan):
    make_listing(fudan, status="published")
    body = APIClient().get(URL).json()["results"][0]
    assert body["field"]["name"] == "新能源" and body["url"].endswith(f"/listings/{body['id']}/")
    assert "/en/" not in body["url"]
    with translation.override("zh-hans"):
        expected = translation.gettext("assignment")
    assert body["deal_terms"][0]["label"] == expected


def test_the_schema_documents_the_listing_endpoints_and_builds_without_warnings(api, tmp_path):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in [
        "listings/",
        "listings/{id}/",
        "listings/{id}/transition/",
        "listings/{id}/images/",
        "listings/{id}/images/{image_id}/",
        "listings/{id}/attachments/",
        "listings/{id}/attachments/{attachment_id}/",
    ]:
        assert f"/api/v1/{path}" in schema["paths"], path
    parameters = {p["name"] for p in schema["paths"]["/api/v1/listings/"]["get"]["parameters"]}
    assert parameters == {"province", "field", "kind", "deal_mode", "mine", "page"}
    assert "multipart/form-data" in schema["paths"]["/api/v1/listings/{id}/images/"]["post"]["requestBody"]["content"]
    # The whole API: a name collision between choice sets or an unresolvable field would be a warning.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_the_browsable_api_renders_for_a_browser(client, fudan, member):
    draft = make_listing(fudan, status="draft", title_zh="浏览器里的草稿")
    client.force_login(member)
    for url in (URL, f"{URL}?mine=1", f"{URL}{draft.pk}/"):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
    assert "浏览器里的草稿" in response.content.decode()
    client.logout()
    assert client.get(f"{URL}{draft.pk}/", HTTP_ACCEPT="text/html").status_code == 404
