"""The monthly transfer tallies: kept by the services, checked by verify_registry, and exact for any period."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ip_registry import services
from ip_registry.choices import TRANSFER_KINDS, YRD, EntryKind, TargetMetric
from ip_registry.models import RegistryEntry, Target, TransferTally
from ip_registry.selectors import FlowFilter, flow_matrix, kind_breakdown, targets_progress, yearly_trend
from ip_registry.tallies import registry_differences, split_period
from tests.factories import make_patent, organisation_in

from .conftest import AH, JS, SH, ZJ, licence, transfer

pytestmark = pytest.mark.django_db
D = datetime.date

# Transfers on the days where months and years meet, and in the middle of months.
EDGE_DAYS = [D(2021, 12, 31), D(2022, 1, 1), D(2022, 1, 31), D(2022, 2, 1), D(2022, 2, 28), D(2022, 3, 1)]
EDGE_DAYS += [D(2022, 3, 15), D(2022, 6, 30), D(2022, 7, 1), D(2022, 12, 31), D(2023, 1, 1), D(2023, 2, 14)]


@pytest.fixture
def edge_ledger(orgs):
    """A patent passing around the Delta on EDGE_DAYS, and a second one licensed on some of them."""
    patent = make_patent(orgs[SH], year=2020)
    licensed = make_patent(orgs[AH], year=2020, ipc_codes=["G06N 3/08"])
    holders = [orgs[JS], orgs[ZJ], organisation_in(JS), orgs[AH], orgs[SH]]
    for number, day in enumerate(EDGE_DAYS):
        transfer(patent, holders[number % len(holders)], day)
        if number % 3 == 0:
            licence(licensed, holders[(number + 1) % len(holders)], day, years=1)
    services.pledge_record(
        actor=None, patent=patent, pledgees=[services.Holding(orgs[ZJ])], registration_date=D(2023, 3, 1)
    )


def ledger_transfers(start, end) -> list[RegistryEntry]:
    """The transfers in the period, read row by row: what the statistics must agree with."""
    entries = RegistryEntry.objects.filter(kind__in=TRANSFER_KINDS)
    if start:
        entries = entries.filter(registration_date__gte=start)
    if end:
        entries = entries.filter(registration_date__lte=end)
    return list(entries)


def test_services_count_each_transfer_in_its_month_and_nothing_else(edge_ledger):
    february = TransferTally.objects.filter(month=D(2022, 2, 1)).aggregate(n=Sum("transfers"))["n"]
    assert february == 2 + 1  # the assignments of 1 and 28 February, the licence of 1 February
    assert not TransferTally.objects.exclude(kind__in=TRANSFER_KINDS).exists()  # not the grants or the pledge
    assert set(TransferTally.objects.values_list("month__day", flat=True)) == {1}
    assert sum(TransferTally.objects.values_list("transfers", flat=True)) == len(ledger_transfers(None, None))
    assert not registry_differences()


days = st.one_of(st.none(), st.dates(min_value=D(2021, 11, 20), max_value=D(2023, 3, 10)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=days, end=days)
def test_statistics_of_any_period_match_the_ledger_row_by_row(edge_ledger, start, end):
    entries = ledger_transfers(start, end)
    filters = FlowFilter(start=start, end=end)
    matrix = flow_matrix(filters)
    assert matrix.cells == dict(Counter((entry.from_region, entry.to_region) for entry in entries))
    assert matrix.cross_province == sum(entry.cross_province for entry in entries)
    trend = {year.year: (year.transfers, year.cross_province) for year in yearly_trend(filters)}
    for year in {entry.registration_date.year for entry in entries}:
        in_year = [entry for entry in entries if entry.registration_date.year == year]
        assert trend[year] == (len(in_year), sum(entry.cross_province for entry in in_year))
    assert {kind: row["all"] for kind, row in kind_breakdown(filters).items()} == dict(
        Counter(entry.kind for entry in entries)
    )
    if start and end and start <= end:
        target = Target.objects.create(
            metric=TargetMetric.CROSS_PROVINCE_TRANSFERS,
            region=YRD,
            period_start=start,
            period_end=end,
            value=10,
            kinds=list(TRANSFER_KINDS),
        )
        try:
            [progress] = targets_progress([target])
            assert progress.achieved == sum(entry.cross_province for entry in entries)
        finally:
            target.delete()


def test_split_period_uses_the_tallies_for_whole_months_and_the_ledger_for_the_days_around_them():
    whole_years = split_period(D(2021, 1, 1), D(2025, 12, 31))
    assert whole_years.months is not None and whole_years.days is None
    open_ended = split_period(None, None)
    assert open_ended.months is not None and open_ended.days is None
    ragged = split_period(D(2022, 1, 31), D(2022, 3, 15))  # February whole; 31 January and 1-15 March from the ledger
    assert ragged.months is not None and ragged.days is not None
    within_a_month = split_period(D(2022, 2, 2), D(2022, 2, 27))
    assert within_a_month.months is None and within_a_month.days is not None


def test_a_period_of_whole_months_reads_only_the_tallies(edge_ledger):
    with CaptureQueriesContext(connection) as queries:
        flow_matrix(FlowFilter(start=D(2022, 1, 1), end=D(2022, 6, 30)))
    assert len(queries) == 1
    assert TransferTally._meta.db_table in queries.captured_queries[0]["sql"]
    with CaptureQueriesContext(connection) as queries:
        flow_matrix(FlowFilter(start=D(2022, 1, 15), end=D(2022, 6, 30)))
    assert len(queries) == 2  # the tallies of February to June, the ledger for 15-31 January


def test_verify_registry_notices_a_tally_changed_by_hand_and_the_rebuild_recounts_it(edge_ledger):
    cell = TransferTally.objects.filter(month=D(2022, 3, 1)).first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TransferTally._meta.db_table} SET transfers = transfers + 5 WHERE id = %s",  # noqa: S608
            [cell.pk],
        )
    before = flow_matrix().total
    with pytest.raises(CommandError, match=r"tallies disagree with the ledger in 1 cell.*2022-03") as failure:
        call_command("verify_registry", stdout=StringIO())
    assert failure.value.returncode == 1
    out = StringIO()
    call_command("rebuild_transfer_tallies", stdout=out)
    assert "recounted" in out.getvalue()
    assert flow_matrix().total == before - 5 == len(ledger_transfers(None, None))
    call_command("verify_registry", stdout=(out := StringIO()))
    assert "transfers, transfer tallies and joint applications agree" in out.getvalue()


def test_a_tally_counts_licences_and_assignments_apart(orgs):
    patent = make_patent(orgs[SH], year=2020)
    transfer(patent, orgs[JS], D(2022, 5, 2))
    licence(patent, orgs[ZJ], D(2022, 5, 20))
    tallies = TransferTally.objects.order_by("kind").values_list(
        "month", "kind", "from_region", "to_region", "transfers"
    )
    assert list(tallies) == [
        (D(2022, 5, 1), EntryKind.ASSIGNMENT, SH, JS, 1),
        (D(2022, 5, 1), EntryKind.LICENCE, JS, ZJ, 1),
    ]


def test_staff_can_look_up_tallies_in_the_admin_but_not_change_them(edge_ledger, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(email="root@example.cn", name="管理员", password="x"))
    page = client.get("/django-admin/ip_registry/transfertally/?month__year=2022")
    assert page.status_code == 200
    assert page.context["cl"].result_count == TransferTally.objects.filter(month__year=2022).count() > 0
    assert client.get("/django-admin/ip_registry/transfertally/add/").status_code == 403
    cell = TransferTally.objects.first()
    assert client.post(f"/django-admin/ip_registry/transfertally/{cell.pk}/delete/", {"post": "yes"}).status_code == 403
