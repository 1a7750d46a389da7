"""The events' registrations and waiting lists in the editorial admin: platform staff see who registered for which
event, filtered by event and status; nobody changes them there; an editor does not see them."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from cms import services
from cms.models import EventRegistration
from tests.factories import UserFactory

from .conftest import event

pytestmark = pytest.mark.django_db

REGISTRATIONS = "/cms-admin/event-registrations/"


@pytest.fixture
def events(event_index):
    """A fair with one place (one member in it, one waiting) and a roadshow with one member registered."""
    soon = timezone.now() + datetime.timedelta(days=7)
    fair = event(event_index, "高校专利对接会", "fair", soon)
    fair.capacity = 1
    fair.save_revision().publish()
    roadshow = event(event_index, "新能源成果路演", "roadshow", soon)
    for name, page in (("张明", fair), ("李华", fair), ("王芳", roadshow)):
        services.event_register(user=UserFactory(name=name), event=page)
    return fair, roadshow


def rows(html: str) -> list[str]:
    """The list's rows (each registration's cells), without the heading."""
    return [row for row in re.findall(r"<tr>(.*?)</tr>", html, re.S) if "<th" not in row]


def test_staff_see_each_events_registrations_and_its_waiting_list(client, staff_user, events):
    fair, _roadshow = events
    client.force_login(staff_user)
    dashboard = client.get("/cms-admin/").content.decode()
    assert REGISTRATIONS in dashboard

    response = client.get(REGISTRATIONS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "活动报名" in html.split("<h1")[1].split("</h1>")[0]
    assert "张明" in html and "李华" in html and "王芳" in html
    statuses = {name: [row for row in rows(html) if name in row] for name in ("张明", "李华", "王芳")}
    assert {name: [("已确认" in row, "候补中" in row) for row in found] for name, found in statuses.items()} == {
        "张明": [(True, False)],
        "李华": [(False, True)],  # the fair's only place is taken: on its waiting list
        "王芳": [(True, False)],
    }

    fair_only = client.get(REGISTRATIONS, {"event": fair.pk}).content.decode()
    assert "张明" in fair_only and "李华" in fair_only and "王芳" not in fair_only
    waiting = client.get(REGISTRATIONS, {"event": fair.pk, "status": "waiting"}).content.decode()
    assert [("李华" in row, "张明" in row) for row in rows(waiting)] == [(True, False)]


def test_nobody_changes_a_registration_in_the_admin(client, staff_user, admin_user, events):
    registration = EventRegistration.objects.get(user__name="李华")
    for user in (staff_user, admin_user):
        client.force_login(user)
        assert f"{REGISTRATIONS}new/" not in client.get(REGISTRATIONS).content.decode()  # no "add" button
        assert client.get(f"{REGISTRATIONS}edit/{registration.pk}/").status_code == 403
        assert client.post(f"{REGISTRATIONS}edit/{registration.pk}/", {"status": "confirmed"}).status_code == 403
        assert client.get(f"{REGISTRATIONS}new/").status_code == 403
        assert client.post(f"{REGISTRATIONS}delete/{registration.pk}/").status_code == 403
        assert client.get(f"{REGISTRATIONS}inspect/{registration.pk}/").status_code == 200
    registration.refresh_from_db()
    assert registration.status == "waiting"


def test_an_editor_does_not_see_the_registrations(client, events):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert REGISTRATIONS not in client.get("/cms-admin/").content.decode()
    assert client.get(REGISTRATIONS).status_code == 403
