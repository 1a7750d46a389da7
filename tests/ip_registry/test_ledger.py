"""The ledger: events through the services, the hash chain, append-only rows, derived owners, the law's refusals."""

import datetime
import itertools
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from ip_registry import services
from ip_registry.choices import EntryKind, LegalStatus, LicenceType
from ip_registry.exceptions import LedgerIsAppendOnly, RegistryError
from ip_registry.ledger import entry_hash
from ip_registry.models import LedgerHead, Patent, RegistryEntry, RightHolder
from ip_registry.selectors import patent_chain_status
from tests.factories import make_application_number, make_patent, organisation_in

pytestmark = pytest.mark.django_db
D = datetime.date
H = services.Holding


@pytest.fixture
def fudan():
    return organisation_in("310000", name_zh="复旦大学")


@pytest.fixture
def nanjing_firm():
    return organisation_in("320000", name_zh="南京测试科技有限公司")


@pytest.fixture
def patent(fudan):
    return make_patent(fudan)


ASSIGNED_ON = D(2023, 5, 10)


def assign(patent, *assignees, on=ASSIGNED_ON, **kwargs):
    return services.patent_assign(
        actor=None, patent=patent, assignees=[H(org) for org in assignees], registration_date=on, **kwargs
    )


def test_registering_a_granted_patent_records_application_and_grant(patent, fudan):
    entries = list(patent.entries.all())
    assert [entry.kind for entry in entries] == [EntryKind.APPLICATION, EntryKind.GRANT]
    assert entries[0].to_parties[0]["name"] == "复旦大学"
    assert entries[0].to_parties[0]["province"] == "310000"
    assert list(patent.right_holders.values_list("organisation", "share")) == [(fudan.pk, Decimal("100.00"))]


def test_entries_chain_by_sha256(patent, nanjing_firm):
    assign(patent, nanjing_firm)
    entries = list(RegistryEntry.objects.order_by("sequence"))
    assert [entry.sequence for entry in entries] == [1, 2, 3]
    assert entries[0].previous_hash == RegistryEntry.GENESIS_HASH
    for before, entry in itertools.pairwise(entries):
        assert entry.previous_hash == before.hash
    for entry in entries:
        assert entry.hash == entry_hash(entry.previous_hash, entry)
    head = LedgerHead.objects.get()
    assert (head.sequence, head.hash) == (3, entries[-1].hash)


def test_assignment_moves_ownership_and_counts_cross_province(patent, fudan, nanjing_firm):
    entry = assign(patent, nanjing_firm, execution_date=D(2023, 4, 1), registration_number="2023320000123")
    assert entry.from_parties[0]["organisation"] == fudan.pk
    assert entry.to_parties[0]["organisation"] == nanjing_firm.pk
    assert (entry.from_region, entry.to_region, entry.cross_province) == ("310000", "320000", True)
    assert entry.ipc_section == "H"
    assert list(patent.right_holders.values_list("organisation", flat=True)) == [nanjing_firm.pk]
    assert list(Patent.objects.held_by(nanjing_firm)) == [patent]
    assert not Patent.objects.held_by(fudan).exists()


def test_transfer_within_one_province_is_not_cross_province(patent):
    other_shanghai = organisation_in("310000")
    entry = assign(patent, other_shanghai)
    assert entry.cross_province is False


def test_any_party_in_another_province_makes_it_cross_province(fudan):
    jiaoda = organisation_in("310000", name_zh="上海交通大学")
    hefei = organisation_in("340000")
    patent = make_patent(fudan, hefei)
    entry = assign(patent, jiaoda, consents=[fudan.pk, hefei.pk])
    assert entry.from_region == "310000"  # the first-named assignor
    assert entry.cross_province is True  # 合肥 is in another province than the assignee


def test_parties_outside_the_delta_count_as_other(patent):
    beijing = organisation_in("110000")
    entry = assign(patent, beijing)
    assert (entry.to_region, entry.cross_province) == ("other", True)
    assert entry.to_parties[0]["province"] == "110000"


def test_assignors_must_be_the_current_holders(patent, nanjing_firm):
    stranger = organisation_in("330000")
    with pytest.raises(RegistryError, match="复旦大学"):
        assign(patent, nanjing_firm, assignors=[H(stranger)])
    assert patent.entries.count() == 2


def test_chain_of_assignments(patent, fudan, nanjing_firm):
    hangzhou = organisation_in("330000")
    assign(patent, nanjing_firm, on=D(2023, 1, 5))
    second = assign(patent, hangzhou, on=D(2024, 2, 1))
    assert second.from_parties[0]["organisation"] == nanjing_firm.pk
    with pytest.raises(RegistryError):
        assign(patent, nanjing_firm, assignors=[H(fudan)])


def test_shares_must_add_up_to_100(patent):
    a, b = organisation_in("320000"), organisation_in("330000")
    with pytest.raises(RegistryError, match=r"90\.00"):
        services.patent_assign(
            actor=None,
            patent=patent,
            assignees=[H(a, Decimal(60)), H(b, Decimal(30))],
            registration_date=D(2023, 1, 1),
        )
    entry = services.patent_assign(
        actor=None, patent=patent, assignees=[H(a, Decimal(70)), H(b, Decimal(30))], registration_date=D(2023, 1, 1)
    )
    assert [party["share"] for party in entry.to_parties] == ["70.00", "30.00"]


def test_equal_shares_when_none_given(fudan):
    patent = make_patent(fudan, organisation_in("320000"), organisation_in("330000"))
    shares = list(patent.right_holders.values_list("share", flat=True))
    assert shares == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    # A joint application of three Delta provinces: it counts for each of them and for the Delta.
    regions = set(patent.joint_application_regions.values_list("region", flat=True))
    assert regions == {fudan.province, "320000", "330000", "yrd"}


def test_entries_refuse_update_and_delete(patent):
    entry = patent.entries.first()
    entry.registration_number = "changed"
    with pytest.raises(LedgerIsAppendOnly):
        entry.save()
    with pytest.raises(LedgerIsAppendOnly):
        entry.delete()
    with pytest.raises(LedgerIsAppendOnly):
        RegistryEntry.objects.filter(pk=entry.pk).update(registration_number="changed")
    with pytest.raises(LedgerIsAppendOnly):
        RegistryEntry.objects.all().delete()
    assert RegistryEntry.objects.get(pk=entry.pk).registration_number == ""


def test_only_registry_clerks_record(patent, nanjing_firm, user, staff_user, clerk):
    """The platform staff who verify organisations are not clerks by that alone: recording is a role of its own."""
    for refused in (user, staff_user):
        with pytest.raises(PermissionDenied):
            services.patent_assign(
                actor=refused, patent=patent, assignees=[H(nanjing_firm)], registration_date=D(2023, 1, 1)
            )
    entry = services.patent_assign(
        actor=clerk, patent=patent, assignees=[H(nanjing_firm)], registration_date=D(2023, 1, 1)
    )
    assert entry.actor == clerk


def test_bad_patent_data_is_refused_with_nothing_written(fudan):
    with pytest.raises(ValidationError) as error:
        services.patent_register(
            actor=None,
            application_number="202311432805.8",
            holders=[H(fudan)],
            filing_date=D(2023, 1, 1),
            ipc_codes=["H01M10"],
        )
    assert set(error.value.message_dict) == {"application_number", "ipc_codes"}
    assert not Patent.objects.exists()
    assert not RegistryEntry.objects.exists()


def test_patent_type_and_year_come_from_the_number(fudan):
    patent = services.patent_register(
        actor=None,
        application_number="ZL 2023 2001 2345 3",
        holders=[H(fudan)],
        filing_date=D(2023, 2, 1),
    )
    assert patent.application_number == "202320012345.3"
    assert patent.patent_type == "utility_model"
    with pytest.raises(ValidationError, match="filing_date"):
        services.patent_register(
            actor=None,
            application_number=make_application_number(2022),
            holders=[H(fudan)],
            filing_date=D(2021, 2, 1),
        )


def test_ipc_codes_are_normalised(fudan):
    patent = make_patent(fudan, ipc_codes=["h01m10/0525", "G06N  3/08"])
    assert patent.ipc_codes == ["H01M 10/0525", "G06N 3/08"]


# Licences, pledges, open licences ---------------------------------------------------------------------------------


LICENCE_START, LICENCE_END = D(2024, 1, 1), D(2026, 12, 31)


def licence(patent, licensee, licence_type, start=LICENCE_START, end=LICENCE_END):
    return services.licence_record(
        actor=None,
        patent=patent,
        licensees=[H(licensee)],
        licence_type=licence_type,
        registration_date=start,
        term_start=start,
        term_end=end,
    )


def test_exclusive_licence_shuts_out_other_licences_in_its_term(patent, nanjing_firm):
    licence(patent, nanjing_firm, LicenceType.EXCLUSIVE)
    with pytest.raises(RegistryError, match=r"exclusive|独占"):
        licence(patent, organisation_in("330000"), LicenceType.ORDINARY, start=D(2025, 1, 1))
    after = licence(patent, organisation_in("330000"), LicenceType.ORDINARY, start=D(2027, 1, 1), end=D(2028, 1, 1))
    assert after.licence_type == LicenceType.ORDINARY


def test_licences_need_a_granted_patent(fudan, nanjing_firm):
    pending = make_patent(fudan, granted=False)
    with pytest.raises(RegistryError):
        licence(pending, nanjing_firm, LicenceType.ORDINARY)


TERMS = {"fee_type": "fixed", "fee": "50000.00", "payment": "合同生效后30日内一次性支付"}


def declare(patent, on, **kwargs):
    """Declare an open licence for five years on ``TERMS``."""
    kwargs.setdefault("terms", TERMS)
    kwargs.setdefault("term_end", on.replace(year=on.year + 5))
    return services.open_licence_declare(actor=None, patent=patent, registration_date=on, **kwargs)


@pytest.fixture
def fees_paid(patent):
    return services.patent_update(actor=None, patent=patent, annual_fee_paid_until=D(2099, 3, 1))


def test_open_licence_rules(fees_paid, nanjing_firm):
    patent = fees_paid
    today = datetime.date.today()
    declaration = declare(patent, today)
    with pytest.raises(RegistryError):
        declare(patent, today)
    with pytest.raises(RegistryError):
        licence(patent, nanjing_firm, LicenceType.SOLE, start=today, end=today + datetime.timedelta(days=365))
    taken = licence(patent, nanjing_firm, LicenceType.OPEN, start=today, end=today + datetime.timedelta(days=365))
    assert taken.related_entry == declaration
    withdrawal = services.open_licence_withdraw(actor=None, patent=patent, registration_date=today)
    assert withdrawal.related_entry == declaration
    with pytest.raises(RegistryError):
        licence(patent, organisation_in("330000"), LicenceType.OPEN, start=today, end=today)


def test_open_licence_refused_while_exclusive_licence_in_force(fees_paid, nanjing_firm):
    today = datetime.date.today()
    licence(fees_paid, nanjing_firm, LicenceType.EXCLUSIVE, start=today - datetime.timedelta(days=1), end=today)
    with translation.override("en"), pytest.raises(RegistryError, match="exclusive or sole licence is in force"):
        declare(fees_paid, today)


def test_open_licence_refused_for_unpaid_fee_or_missing_evaluation_report(fudan):
    today = datetime.date.today()
    lapsed_fee = make_patent(fudan, annual_fee_paid_until=today - datetime.timedelta(days=1))
    with translation.override("en"), pytest.raises(RegistryError, match="unpaid"):
        declare(lapsed_fee, today)
    utility = make_patent(fudan, type_digit="2", annual_fee_paid_until=D(2030, 3, 1))
    with translation.override("en"), pytest.raises(RegistryError, match="evaluation report"):
        declare(utility, today, term_end=D(2030, 1, 1))
    utility = services.patent_update(actor=None, patent=utility, has_evaluation_report=True)
    assert declare(utility, today, term_end=D(2030, 1, 1))


def test_pledge_blocks_assignment_until_released(patent, nanjing_firm):
    bank = organisation_in("310000", name_zh="上海测试银行")
    pledge = services.pledge_record(actor=None, patent=patent, pledgees=[H(bank)], registration_date=D(2023, 3, 1))
    with translation.override("en"), pytest.raises(RegistryError, match="pledged"):
        assign(patent, nanjing_firm)
    services.patent_update(actor=None, patent=patent, annual_fee_paid_until=D(2099, 3, 1))
    with translation.override("en"), pytest.raises(RegistryError, match="pledged"):
        declare(patent, datetime.date.today())
    services.pledge_release(actor=None, pledge=pledge, registration_date=D(2023, 4, 1))
    with pytest.raises(RegistryError):
        services.pledge_release(actor=None, pledge=pledge, registration_date=D(2023, 4, 2))
    assert assign(patent, nanjing_firm).kind == EntryKind.ASSIGNMENT


def test_name_change_keeps_ownership(patent, fudan):
    entry = services.holder_rename(
        actor=None, patent=patent, organisation=fudan, new_name="复旦大学（新名）", registration_date=D(2024, 1, 1)
    )
    assert entry.to_parties[0]["name"] == "复旦大学（新名）"
    assert entry.cross_province is False
    assert list(patent.right_holders.values_list("organisation", flat=True)) == [fudan.pk]


def test_ended_patents_cannot_be_assigned(patent, nanjing_firm):
    services.patent_update(actor=None, patent=patent, legal_status=LegalStatus.EXPIRED)
    with pytest.raises(RegistryError):
        assign(patent, nanjing_firm)


# Verifying the chain ----------------------------------------------------------------------------------------------


def test_verify_registry_passes_on_an_intact_chain(patent, nanjing_firm):
    assign(patent, nanjing_firm)
    out = StringIO()
    call_command("verify_registry", stdout=out)
    assert "3" in out.getvalue()
    assert patent_chain_status(patent).intact


def test_verify_registry_names_the_first_entry_changed_by_hand(patent, nanjing_firm):
    assign(patent, nanjing_firm)
    assign(patent, organisation_in("330000"), on=D(2024, 1, 1))
    second = RegistryEntry.objects.get(sequence=3)
    with connection.cursor() as cursor:  # what someone editing the database directly would do
        cursor.execute(
            f"UPDATE {RegistryEntry._meta.db_table} SET registration_date = %s WHERE id = %s",  # noqa: S608
            [D(2020, 1, 1), second.pk],
        )
    with pytest.raises(CommandError, match=r"entry #3 .*content does not match") as failure:
        call_command("verify_registry", stdout=StringIO())
    assert failure.value.returncode == 1  # the exit status `manage.py verify_registry` ends with
    status = patent_chain_status(patent)
    assert status.broken.sequence == 3


def test_verify_registry_notices_a_deleted_last_entry(patent, nanjing_firm):
    last = assign(patent, nanjing_firm)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {RegistryEntry._meta.db_table} WHERE id = %s", [last.pk])  # noqa: S608
    with pytest.raises(CommandError, match="ledger head"):
        call_command("verify_registry", stdout=StringIO())


def test_right_holders_follow_the_ledger(patent, nanjing_firm):
    assign(patent, nanjing_firm)
    holders = RightHolder.objects.filter(patent=patent)
    assert [holder.organisation_id for holder in holders] == [nanjing_firm.pk]
