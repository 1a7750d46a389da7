"""Two assignments of one patent at the same moment: the patent row lock lets exactly one succeed."""

import datetime
import threading

import pytest
from django.db import close_old_connections, connection

from ip_registry import services
from ip_registry.exceptions import RegistryError
from ip_registry.models import RegistryEntry
from ip_registry.selectors import patent_chain_status
from tests.factories import make_patent, organisation_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL's row locks; SQLite serialises whole-database writes instead",
    ),
]


def test_two_concurrent_assignments_of_one_patent_cannot_both_succeed():
    holder = organisation_in("310000")
    patent = make_patent(holder)
    buyers = [organisation_in("320000"), organisation_in("330000")]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def assign(buyer):
        try:
            start.wait()
            services.patent_assign(
                actor=None,
                patent=patent,
                assignees=[services.Holding(buyer)],
                assignors=[services.Holding(holder)],
                registration_date=datetime.date(2024, 1, 2),
            )
            outcomes.append("assigned")
        except RegistryError:
            outcomes.append("refused")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=assign, args=(buyer,)) for buyer in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["assigned", "refused"]
    assignments = RegistryEntry.objects.filter(patent=patent, kind="assignment")
    assert assignments.count() == 1
    winner = assignments.get().to_parties[0]["organisation"]
    assert list(patent.right_holders.values_list("organisation", flat=True)) == [winner]
    assert patent_chain_status(patent).intact
