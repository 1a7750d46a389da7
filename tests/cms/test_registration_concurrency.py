"""Two members asking for an event's last place at the same moment: the lock on the event serves them one after
the other, so exactly one gets the place and the other the waiting list."""

import datetime
import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from cms import services
from cms.choices import RegistrationStatus
from cms.models import EventRegistration
from tests.factories import UserFactory

from .conftest import event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL's row locks; SQLite serialises whole-database writes instead",
    ),
]


def test_two_members_asking_for_the_last_place_at_once_get_one_place_and_one_waiting_list_place(event_index):
    fair = event(event_index, "高校专利对接会", "fair", timezone.now() + datetime.timedelta(days=7))
    fair.capacity = 2
    fair.save_revision().publish()
    services.event_register(user=UserFactory(), event=fair)  # one place of two taken
    members = UserFactory.create_batch(2)
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}
    errors: list[BaseException] = []

    def register(member):
        try:
            start.wait()
            outcomes[member.pk] = services.event_register(user=member, event=fair).status
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=register, args=(member,)) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(outcomes.values()) == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
    assert EventRegistration.objects.filter(event=fair, status=RegistrationStatus.CONFIRMED).count() == 2
    waiting = EventRegistration.objects.get(event=fair, status=RegistrationStatus.WAITING)
    assert outcomes[waiting.user_id] == RegistrationStatus.WAITING
