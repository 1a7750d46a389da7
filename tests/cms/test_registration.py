"""Event registration: places up to the capacity, then a waiting list in order; a cancelled place goes to the first
waiting, who is e-mailed; a second registration and a visitor who is not signed in are refused; the iCal file."""

import datetime

import pytest
from django.utils import timezone, translation

from cms import services
from cms.calendar import fold
from cms.choices import RegistrationStatus
from cms.exceptions import AlreadyRegistered
from cms.models import EventRegistration
from tests.factories import UserFactory

from .conftest import event

pytestmark = pytest.mark.django_db


@pytest.fixture
def fair(event_index):
    page = event(event_index, "高校专利对接会", "fair", timezone.now() + datetime.timedelta(days=7))
    page.capacity = 2
    page.ends_at = page.starts_at + datetime.timedelta(hours=3)
    page.save_revision().publish()
    return page


def status(page, user) -> str:
    return EventRegistration.objects.get(event=page, user=user).status


def test_members_get_places_up_to_the_capacity_then_join_the_waiting_list_in_order(client, fair):
    first, second, third, fourth = UserFactory.create_batch(4)
    for user in (first, second, third, fourth):
        client.force_login(user)
        assert client.post("/events/fair/register/").status_code == 302
    assert [status(fair, user) for user in (first, second, third, fourth)] == [
        "confirmed",
        "confirmed",
        "waiting",
        "waiting",
    ]
    client.force_login(fourth)
    with translation.override("en"):
        html = client.get("/en/events/fair/").content.decode()
    assert "You are number 2 on the waiting list." in html
    assert "0 of 2 places left · waiting list: 2" in html
    assert "Cancel my registration" in html


def test_cancelling_a_place_moves_the_first_waiting_up_and_emails_them(
    client, fair, mailoutbox, django_capture_on_commit_callbacks
):
    first, second, third, fourth = UserFactory.create_batch(4)
    for user in (first, second, third, fourth):
        services.event_register(user=user, event=fair)
    mailoutbox.clear()
    client.force_login(second)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/events/fair/cancel/")
    assert response.status_code == 302
    assert [status(fair, user) for user in (first, second, third, fourth)] == [
        "confirmed",
        "cancelled",
        "confirmed",
        "waiting",
    ]
    assert [message.to for message in mailoutbox] == [[third.email]]
    assert "高校专利对接会" in mailoutbox[0].subject and "/events/fair/" in mailoutbox[0].body
    # A waiting member who cancels frees no place: nobody moves.
    services.event_registration_cancel(user=fourth, event=fair)
    assert status(fair, fourth) == "cancelled" and status(fair, third) == "confirmed"


def test_a_second_registration_is_refused_with_a_message_and_a_409(client, fair):
    member = UserFactory()
    client.force_login(member)
    client.post("/events/fair/register/")
    with translation.override("en"):
        response = client.post("/en/events/fair/register/")
    assert response.status_code == 409
    assert "You are already registered for this event." in response.content.decode()
    assert EventRegistration.objects.filter(event=fair, user=member).count() == 1
    with pytest.raises(AlreadyRegistered):
        services.event_register(user=member, event=fair)


def test_a_member_who_cancelled_can_register_again_at_the_back_of_the_queue(fair):
    first, second, third = UserFactory.create_batch(3)
    for user in (first, second, third):
        services.event_register(user=user, event=fair)
    services.event_registration_cancel(user=first, event=fair)  # third moves up
    again = services.event_register(user=first, event=fair)
    assert again.status == RegistrationStatus.WAITING and again.pk == EventRegistration.objects.get(user=first).pk


def test_a_visitor_is_sent_to_sign_in_and_bad_requests_get_a_4xx(client, fair):
    response = client.post("/events/fair/register/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "next=/events/fair/" in response["Location"]
    assert "Sign in to register" in client.get("/en/events/fair/").content.decode()
    client.force_login(UserFactory())
    assert client.get("/events/fair/register/").status_code == 405
    with translation.override("en"):
        response = client.post("/en/events/fair/cancel/")
    assert response.status_code == 400 and "You are not registered for this event." in response.content.decode()


def test_registration_is_closed_once_the_event_has_started(client, event_index):
    past = event(event_index, "去年的拍卖会", "auction", timezone.now() - datetime.timedelta(days=1))
    client.force_login(UserFactory())
    with translation.override("en"):
        response = client.post("/en/events/auction/register/")
    assert response.status_code == 400 and "Registration for this event is closed." in response.content.decode()
    assert not EventRegistration.objects.filter(event=past).exists()


def test_an_event_page_makes_a_bounded_number_of_queries(client, fair, django_assert_max_num_queries):
    members = UserFactory.create_batch(6)
    for member in members:
        services.event_register(user=member, event=fair)
    client.force_login(members[-1])
    with django_assert_max_num_queries(30):
        assert client.get("/events/fair/").status_code == 200


def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_the_ical_download_has_the_event_with_crlf_lines_folded_at_75_octets(client, fair):
    fair.place = "江苏省苏州市工业园区星湖街328号国际科技园五期会议中心二楼多功能厅，请从北门进入，凭预约码入场"
    fair.save_revision().publish()
    response = client.get("/events/fair/calendar/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert 'filename="fair.ics"' in response["Content-Disposition"]
    text = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR" and "BEGIN:VEVENT" in lines
    fields = dict(line.split(":", 1) for line in lines)
    assert fields["VERSION"] == "2.0"
    assert fields["UID"].startswith(f"event-{fair.pk}@")
    assert fields["DTSTART"] == fair.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert fields["DTEND"] == fair.ends_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert len(fields["DTSTAMP"]) == 16 and fields["DTSTAMP"].endswith("Z")
    assert fields["SUMMARY"] == "高校专利对接会"
    assert fields["LOCATION"] == fair.place  # folded over lines, put back whole; a full-width comma needs no escape
    assert fields["URL"].endswith("/events/fair/")


def test_folding_never_splits_a_character_and_escapes_text():
    from cms.calendar import escape

    line = "SUMMARY:" + "长三角" * 40
    folded = fold(line)
    assert all(len(piece.encode()) <= 75 for piece in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_a_member_is_emailed_a_confirmed_place_or_a_waiting_list_place(
    fair, mailoutbox, django_capture_on_commit_callbacks
):
    first, second, third = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        for user in (first, second, third):
            services.event_register(user=user, event=fair)
    assert [message.to for message in mailoutbox] == [[first.email], [second.email], [third.email]]
    confirmed, waiting = mailoutbox[0], mailoutbox[2]
    assert "高校专利对接会" in confirmed.subject and "/events/fair/" in confirmed.body
    assert confirmed.subject != waiting.subject and "高校专利对接会" in waiting.subject
