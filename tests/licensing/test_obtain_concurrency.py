"""Two acceptances of an open licence racing one withdrawal of its declaration (PostgreSQL).

Both sides lock the declaration's row first, so they run one after the other: an acceptance that comes first is a
valid licence (and stays valid after the withdrawal, 专利法第五十条); one that comes after the withdrawal is refused.
The registry's ledger orders everything: no licence entry follows the withdrawal entry.
"""

import threading

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import translation

from ip_registry.choices import EntryKind
from ip_registry.models import RegistryEntry
from licensing.choices import DeclarationStatus, FeeType, LicenceStatus
from licensing.exceptions import LicensingError
from licensing.models import Declaration, OpenLicence
from licensing.services.licences import licence_obtain
from techmarket.accounts.choices import FirmSize
from tests.factories import add_member, organisation_in

from .conftest import AH, JS, TODAY, declare, patent_in_force
from .test_obtain import withdraw

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL's row locks; SQLite serialises whole-database writes instead",
    ),
]


def _race(declaration, withdrawal) -> dict[str, str]:
    """Two firms accept while the patentee withdraws, released together; what each side ended with."""
    firms = [
        organisation_in(AH, firm_size=FirmSize.SMALL),
        organisation_in(JS, firm_size=FirmSize.MICRO),
    ]
    members = [add_member(firm) for firm in firms]
    start = threading.Barrier(3)
    outcomes: dict[str, str] = {}

    def accept(i: int) -> None:
        try:
            start.wait()
            with translation.override("en"):
                licence_obtain(actor=members[i], declaration=declaration, licensee=firms[i], on=TODAY)
            outcomes[f"accept{i}"] = "obtained"
        except LicensingError as error:
            outcomes[f"accept{i}"] = str(error)
        finally:
            close_old_connections()

    def withdraw_it() -> None:
        try:
            start.wait()
            withdrawal()
            outcomes["withdraw"] = "withdrawn"
        except Exception as error:  # reported by the assertion below
            outcomes["withdraw"] = repr(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(2)]
    threads.append(threading.Thread(target=withdraw_it))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _check(declaration, outcomes: dict[str, str]) -> None:
    assert outcomes["withdraw"] == "withdrawn"
    obtained = [key for key in ("accept0", "accept1") if outcomes[key] == "obtained"]
    for key in ("accept0", "accept1"):
        assert outcomes[key] == "obtained" or "withdrew this open licence declaration" in outcomes[key]
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.WITHDRAWN
    licences = OpenLicence.objects.filter(declaration=declaration)
    assert licences.count() == len(obtained)
    assert all(licence.status == LicenceStatus.IN_FORCE for licence in licences)
    # The ledger puts each licence before the withdrawal: none was granted after it.
    withdrawal = RegistryEntry.objects.get(kind=EntryKind.OPEN_LICENCE_WITHDRAWAL)
    for entry in RegistryEntry.objects.filter(kind=EntryKind.LICENCE):
        assert entry.sequence < withdrawal.sequence


@pytest.mark.parametrize("run", range(3))
def test_acceptances_racing_a_withdrawal_are_before_it_or_refused(university, run):
    """The declarations part's withdrawal, as it locks the declaration's row first."""
    declarations = pytest.importorskip(
        "licensing.services.declarations", reason="declaration_withdraw is another part's, not merged yet"
    )
    admin = add_member(university, role="admin")
    declaration = declare(university, [patent_in_force(university)], fee_type=FeeType.FREE)

    def withdrawal():
        declarations.declaration_withdraw(actor=admin, declaration=declaration, reason="停止开放许可", on=TODAY)

    _check(declaration, _race(declaration, withdrawal))


@pytest.mark.parametrize("run", range(3))
def test_acceptances_racing_a_row_locked_withdrawal_are_before_it_or_refused(university, run):
    """The same race against a withdrawal that keeps the declarations part's contract (the row locked first, then
    the registry's withdrawal entries): it tests this part's side of the lock on its own."""
    declaration = declare(university, [patent_in_force(university)], fee_type=FeeType.FREE)

    def withdrawal():
        with transaction.atomic():
            locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
            withdraw(locked, TODAY)

    _check(declaration, _race(declaration, withdrawal))
