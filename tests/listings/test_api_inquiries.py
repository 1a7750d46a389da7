"""The inquiries API under /api/v1/inquiries/: sending, the caller's inquiries, the thread, replies and closing.

Messages are compared in English (the client asks for it with Accept-Language).
The permission matrix per role is in test_api_permissions.py.
"""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from listings.choices import InquiryStatus
from listings.models import Inquiry, InquiryMessage
from listings.services import inquiries as services
from listings.services.listings import listing_assign_broker
from techmarket.accounts.choices import MembershipRole
from techmarket.audit.models import AuditEvent
from tests.factories import OrganisationFactory, add_member, make_broker, make_listing, university_in

pytestmark = pytest.mark.django_db
URL = "/api/v1/inquiries/"
INTENDED_USE = "用于我司动力电池产线的正极材料升级，预计年产 2000 吨。"


@pytest.fixture
def api():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def world():
    owner = university_in("330000", name_zh="浙江大学", name_en="Zhejiang University")
    listing = make_listing(owner, status="published", title_zh="高镍三元正极材料制备技术")
    broker = make_broker(name="李经理")
    listing_assign_broker(actor=None, listing=listing, broker=broker)
    firm = OrganisationFactory(name_zh="宁波新材料科技有限公司")
    return {
        "owner": owner,
        "listing": listing,
        "broker": broker.user,
        "firm": firm,
        "sender": add_member(firm),
        "admin": add_member(owner, role=MembershipRole.ADMIN),
        "member": add_member(owner),
    }


def _ask(world, sender=None, listing=None):
    return services.inquiry_create(
        actor=sender or world["sender"],
        listing=listing or world["listing"],
        intended_use=INTENDED_USE,
        budget="10-50",
        timeline="3m",
    )


def _body(about, **overrides):
    return {"listing": about.pk, "intended_use": INTENDED_USE, "budget": "10-50", "timeline": "3m", **overrides}


# Sending -------------------------------------------------------------------------------------------------------


def test_a_firm_sends_an_inquiry_and_the_owner_side_is_told(api, world, django_capture_on_commit_callbacks):
    api.force_authenticate(world["sender"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(URL, _body(world["listing"]), format="json")
    assert response.status_code == 201, response.json()
    inquiry = Inquiry.objects.get()
    body = response.json()
    assert body["id"] == inquiry.pk
    assert body["url"] == f"http://testserver/en/inquiries/{inquiry.pk}/"
    assert body["listing"]["id"] == world["listing"].pk
    assert body["listing"]["organisation"] == {"id": world["owner"].pk, "name": "Zhejiang University"}
    assert body["organisation"]["id"] == world["firm"].pk
    assert (body["budget"], body["budget_label"]) == ("10-50", "100,000 to 500,000 yuan")
    assert (body["timeline"], body["timeline_label"]) == ("3m", "within 3 months")
    assert body["status"] == "open" and body["side"] == "sent"
    assert body["broker"] == "李经理" and body["messages"] == [] and body["reply_count"] == 0
    assert inquiry.sender == world["sender"] and inquiry.intended_use == INTENDED_USE
    assert AuditEvent.objects.filter(action="inquiry.create").count() == 1
    [email] = mail.outbox
    assert world["admin"].email in email.to and world["broker"].email in email.to


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"intended_use": ""}, "intended_use"),
        ({"intended_use": "x" * 2001}, "intended_use"),
        ({"budget": "a lot"}, "budget"),
        ({"timeline": "never"}, "timeline"),
        ({"listing": "abc"}, "listing"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, world, overrides, field):
    api.force_authenticate(world["sender"])
    response = api.post(URL, _body(world["listing"], **overrides), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Inquiry.objects.exists()


def test_a_listing_the_caller_may_not_see_is_answered_as_one_that_does_not_exist(api, world):
    draft = make_listing(world["owner"], status="draft", title_zh="未公开的草稿")
    api.force_authenticate(world["sender"])
    hidden = api.post(URL, _body(draft), format="json")
    missing = api.post(URL, {**_body(draft), "listing": 99999}, format="json")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json() == missing.json() == {"listing": ["No such listing."]}
    assert not Inquiry.objects.exists()


def test_the_owner_side_cannot_inquire_about_its_own_listing(api, world):
    api.force_authenticate(world["member"])
    response = api.post(URL, _body(world["listing"]), format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "You cannot send an inquiry about this listing."}
    assert not Inquiry.objects.exists()


def test_one_open_inquiry_per_listing(api, world):
    _ask(world)
    api.force_authenticate(world["sender"])
    response = api.post(URL, _body(world["listing"]), format="json")
    assert response.status_code == 400
    assert "You already have an open inquiry about this listing." in response.json()["non_field_errors"][0]
    assert Inquiry.objects.count() == 1


def test_the_rate_limit_is_a_429_saying_when_to_try_again(api, world, settings):
    settings.INQUIRY_DAILY_LIMIT = 2
    listings = [make_listing(world["owner"], status="published") for _ in range(3)]
    _ask(world, listing=listings[0])
    _ask(world, listing=listings[1])
    api.force_authenticate(world["sender"])
    response = api.post(URL, _body(listings[2]), format="json")
    assert response.status_code == 429
    assert "You have sent 2 inquiries in the last 24 hours" in response.json()["detail"]
    assert Inquiry.objects.count() == 2


def test_anonymous_callers_get_a_403(api, world):
    assert api.get(URL).status_code == 403
    assert api.post(URL, _body(world["listing"]), format="json").status_code == 403
    assert not Inquiry.objects.exists()


# Reading -------------------------------------------------------------------------------------------------------


def test_each_side_lists_its_inquiries(api, world):
    sent = _ask(world)
    other_listing = make_listing(university_in("320000", name_zh="南京大学"), status="published")
    elsewhere = _ask(world, listing=other_listing)
    stranger = add_member(OrganisationFactory())
    theirs = _ask(world, sender=stranger, listing=other_listing)
    api.force_authenticate(world["sender"])
    rows = api.get(URL).json()["results"]
    assert {(row["id"], row["side"]) for row in rows} == {(sent.pk, "sent"), (elsewhere.pk, "sent")}
    for caller in ("member", "admin", "broker"):
        api.force_authenticate(world[caller])
        rows = api.get(URL).json()["results"]
        assert [(row["id"], row["side"]) for row in rows] == [(sent.pk, "received")], caller
        assert rows[0]["sender"] == {"name": world["sender"].name, "email": world["sender"].email}
        assert api.get(URL, {"box": "sent"}).json()["results"] == [], caller
    api.force_authenticate(stranger)
    assert [row["id"] for row in api.get(URL).json()["results"]] == [theirs.pk]


def test_the_list_filters_by_box_and_status(api, world):
    inquiry = _ask(world)
    # The broker also sends one, about someone else's listing: it has both boxes.
    other = make_listing(university_in("320000", name_zh="南京大学"), status="published")
    own = _ask(world, sender=world["broker"], listing=other)
    api.force_authenticate(world["broker"])
    ids = lambda query: [row["id"] for row in api.get(URL, query).json()["results"]]  # noqa: E731
    assert sorted(ids({})) == sorted([inquiry.pk, own.pk])
    assert ids({"box": "received"}) == [inquiry.pk]
    assert ids({"box": "sent"}) == [own.pk]
    services.inquiry_close(actor=None, inquiry=own)
    assert ids({"status": "closed"}) == [own.pk]
    assert ids({"status": "open", "box": "received"}) == [inquiry.pk]


@pytest.mark.parametrize("query", [{"box": "inbox"}, {"status": "pending"}])
def test_bad_list_parameters_are_a_400(api, world, query):
    api.force_authenticate(world["sender"])
    response = api.get(URL, query)
    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_the_thread_shows_every_message_with_its_side(api, world):
    inquiry = _ask(world)
    services.inquiry_reply(actor=world["member"], inquiry=inquiry, body="可以，欢迎来校交流。")
    services.inquiry_reply(actor=world["broker"], inquiry=inquiry, body="我来安排时间。")
    services.inquiry_reply(actor=world["sender"], inquiry=inquiry, body="好的，谢谢。")
    api.force_authenticate(world["sender"])
    body = api.get(f"{URL}{inquiry.pk}/").json()
    assert [(m["side"], m["body"]) for m in body["messages"]] == [
        ("owner", "可以，欢迎来校交流。"),
        ("broker", "我来安排时间。"),
        ("sender", "好的，谢谢。"),
    ]
    assert body["messages"][1]["author"] == "李经理"
    assert body["reply_count"] == 3 and body["status"] == "open"


def test_only_the_parties_see_the_thread(api, world):
    inquiry = _ask(world)
    for outsider in (add_member(OrganisationFactory()), add_member(university_in("340000"))):
        api.force_authenticate(outsider)
        response = api.get(f"{URL}{inquiry.pk}/")
        assert response.status_code == 404
        assert INTENDED_USE not in response.content.decode()
    api.force_authenticate(world["sender"])
    assert api.get(f"{URL}99999/").status_code == 404


# Replying and closing ------------------------------------------------------------------------------------------


def test_replies_move_the_status_and_tell_the_other_side(api, world, django_capture_on_commit_callbacks):
    inquiry = _ask(world)
    api.force_authenticate(world["member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{URL}{inquiry.pk}/reply/", {"body": "欢迎来校交流。"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "answered"
    assert response.json()["messages"][-1]["body"] == "欢迎来校交流。"
    assert mail.outbox[-1].to == [world["sender"].email]
    api.force_authenticate(world["sender"])
    response = api.post(f"{URL}{inquiry.pk}/reply/", {"body": "请问价格可以商量吗？"}, format="json")
    assert response.json()["status"] == "open" and response.json()["reply_count"] == 2
    assert InquiryMessage.objects.count() == 2


def test_an_empty_reply_is_a_400(api, world):
    inquiry = _ask(world)
    api.force_authenticate(world["member"])
    response = api.post(f"{URL}{inquiry.pk}/reply/", {"body": ""}, format="json")
    assert response.status_code == 400 and "body" in response.json()
    assert not InquiryMessage.objects.exists()


def test_a_closed_inquiry_takes_no_replies(api, world):
    inquiry = _ask(world)
    api.force_authenticate(world["sender"])
    response = api.post(f"{URL}{inquiry.pk}/close/")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    response = api.post(f"{URL}{inquiry.pk}/reply/", {"body": "还在吗？"}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith("This inquiry is closed, so it takes no more replies.")
    response = api.post(f"{URL}{inquiry.pk}/close/")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This inquiry is already closed."]}
    assert not InquiryMessage.objects.exists()
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.CLOSED
    # Closed, the sender may ask again.
    assert api.post(URL, _body(world["listing"]), format="json").status_code == 201


# Queries -------------------------------------------------------------------------------------------------------


def _inquiries_from_new_senders(world, count):
    for _ in range(count):
        _ask(world, sender=add_member(OrganisationFactory()))


def test_the_list_makes_the_same_queries_for_5_and_25_inquiries(api, world, django_assert_max_num_queries):
    _inquiries_from_new_senders(world, 5)
    counts = {}
    for box in ("", "received"):
        api.force_authenticate(world["admin"])
        with django_assert_max_num_queries(8) as captured:
            assert len(api.get(URL, {"box": box} if box else {}).json()["results"]) == 5
        counts[box] = len(captured.captured_queries)
    _inquiries_from_new_senders(world, 20)
    for box, count in counts.items():
        with django_assert_max_num_queries(count):
            assert len(api.get(URL, {"box": box} if box else {}).json()["results"]) == 20


def test_the_thread_makes_the_same_queries_whatever_its_length(api, world, django_assert_max_num_queries):
    inquiry = _ask(world)
    services.inquiry_reply(actor=world["member"], inquiry=inquiry, body="第一条回复")
    api.force_authenticate(world["sender"])
    with django_assert_max_num_queries(12) as captured:
        api.get(f"{URL}{inquiry.pk}/")
    for i in range(10):
        author = world["sender"] if i % 2 else world["broker"]
        services.inquiry_reply(actor=author, inquiry=inquiry, body=f"第{i}条")
    with django_assert_max_num_queries(len(captured.captured_queries)):
        assert len(api.get(f"{URL}{inquiry.pk}/").json()["messages"]) == 11


def test_the_schema_documents_the_inquiry_endpoints(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ["inquiries/", "inquiries/{id}/", "inquiries/{id}/reply/", "inquiries/{id}/close/"]:
        assert f"/api/v1/{path}" in schema["paths"], path
    parameters = {p["name"] for p in schema["paths"]["/api/v1/inquiries/"]["get"]["parameters"]}
    assert parameters == {"box", "status", "page"}
    assert "InquiryStatusEnum" in schema["components"]["schemas"]
