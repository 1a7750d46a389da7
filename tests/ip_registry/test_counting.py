"""The plan's two figures counted as the plan means them, checked against a hand count on a small ledger.

- A transfer is cross-province when the provinces of its giving side and of its receiving side differ as sets,
  and the entries of one kind on one patent registered on one day are one transfer.
- The transfer target counts assignments unless it names licences too; "超过" is more than, "达到" at least.
- A joint application counts from its applicants at filing, per Delta province and for the Delta.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ip_registry import services
from ip_registry.choices import EntryKind, LicenceType, TargetComparison, TargetMetric
from ip_registry.ledger import entry_hash, is_cross_province
from ip_registry.models import JointApplication, LedgerHead, RegistryEntry, Target, Transfer
from ip_registry.selectors import FlowFilter, flow_matrix, target_progress, targets_progress
from ip_registry.tallies import registry_differences, tally_rebuild
from tests.factories import OrganisationFactory, make_patent, organisation_in

pytestmark = pytest.mark.django_db
D = datetime.date
SH, JS, ZJ, AH, BJ, GD = "310000", "320000", "330000", "340000", "110000", "440000"
H = services.Holding
ASSIGNMENTS = [EntryKind.ASSIGNMENT]
TRANSFERS = [EntryKind.ASSIGNMENT, EntryKind.LICENCE]


@pytest.fixture
def org():
    """Two organisations in each Delta province, one in Beijing and one in Guangdong."""
    made = {f"{code}/{n}": organisation_in(code) for code in (SH, JS, ZJ, AH) for n in (1, 2)}
    made[BJ] = organisation_in(BJ)
    made[GD] = OrganisationFactory(province=GD, city="440300")
    return lambda code, n=1: made[code if code in (BJ, GD) else f"{code}/{n}"]


def assign(patent, assignees, on):
    """Every co-owner agrees (Patent Law art. 14): the statistics are what these tests are about."""
    owners = list(patent.right_holders.values_list("organisation", flat=True))
    return services.patent_assign(
        actor=None, patent=patent, assignees=[H(a) for a in assignees], registration_date=on, consents=owners
    )


def utility_model(*holders):
    """A granted utility model: transfers of it count, but it is never a joint invention application."""
    return make_patent(*holders, year=2020, type_digit="2")


@pytest.fixture
def ledger(org):
    """Nine transfers in eleven transfer entries (A-I), and seven joint applications (J1-J7).

    A  SH+JS -> SH+JS  assignment 2023   co-owners to co-owners: the same provinces, not cross-province
    B  SH -> SH+JS     assignment 2023   cross-province
    C  SH+JS -> SH     assignment 2023   cross-province
    D  ZJ -> JS -> AH  two assignments on one day: one transfer ZJ -> AH, cross-province
    E  SH -> JS -> SH  two assignments on one day: one transfer SH -> SH, not cross-province
    F  AH -> SH        licence 2023      cross-province; counted only where a target names licences
    G  SH -> Beijing   assignment 2023   cross-province, not within the Delta
    H  JS -> ZJ        assignment 2025   cross-province
    I  SH+ZJ -> AH     assignment 2023   of J1, cross-province

    J1 SH+ZJ invention 2022 (later assigned to Anhui: I)   J2 Beijing+Guangdong invention 2022
    J3 SH+Beijing invention 2023   J4 JS+JS invention 2023   J5 JS+AH utility model 2023
    J6 ZJ+AH PCT invention filed 2025   J7 SH+JS+Beijing invention 2024
    """
    sh, sh2, js, js2 = org(SH), org(SH, 2), org(JS), org(JS, 2)
    zj, ah, bj, gd = org(ZJ), org(AH), org(BJ), org(GD)
    rows = {}
    rows["A"] = assign(utility_model(sh, js), [sh2, js2], D(2023, 3, 10))
    rows["B"] = assign(utility_model(sh), [sh2, js], D(2023, 4, 10))
    rows["C"] = assign(utility_model(sh, js), [sh2], D(2023, 5, 10))
    chain = utility_model(zj)
    rows["D"] = [assign(chain, [js], D(2023, 6, 15)), assign(chain, [ah], D(2023, 6, 15))]
    back = utility_model(sh)
    rows["E"] = [assign(back, [js], D(2023, 7, 20)), assign(back, [sh2], D(2023, 7, 20))]
    rows["F"] = services.licence_record(
        actor=None,
        patent=utility_model(ah),
        licensees=[H(sh)],
        licence_type=LicenceType.ORDINARY,
        registration_date=D(2023, 8, 1),
        term_start=D(2023, 8, 1),
        term_end=D(2026, 7, 31),
    )
    rows["G"] = assign(utility_model(sh), [bj], D(2023, 9, 1))
    rows["H"] = assign(utility_model(js), [zj], D(2025, 2, 3))
    joint = {
        "J1": make_patent(sh, zj, year=2022, granted=False),
        "J2": make_patent(bj, gd, year=2022, granted=False),
        "J3": make_patent(sh, bj, year=2023, granted=False),
        "J4": make_patent(js, js2, year=2023, granted=False),
        "J5": make_patent(js, ah, year=2023, type_digit="2", granted=False),
        "J6": make_patent(zj, ah, year=2025, type_digit="8", granted=False),
        "J7": make_patent(sh, js, bj, year=2024, granted=False),
    }
    rows["I"] = assign(joint["J1"], [ah], D(2023, 10, 10))
    return {**rows, **joint}


def plan_target(metric, year):
    return Target.objects.get(metric=metric, region="yrd", period_start=D(year, 1, 1), period_end=D(2025, 12, 31))


PLAN_START = D(2021, 1, 1)


def target(metric, region, *, start=PLAN_START, kinds=ASSIGNMENTS, value=10):
    return Target.objects.create(
        metric=metric, region=region, period_start=start, period_end=D(2025, 12, 31), value=value, kinds=kinds
    )


# The rule on two sides ------------------------------------------------------------------------------------------


def sides(*provinces):
    return [{"organisation": n, "province": province} for n, province in enumerate(provinces)]


@pytest.mark.parametrize(
    ("giving", "receiving", "cross"),
    [
        ((SH, JS), (SH, JS), False),  # co-owners to co-owners in the same provinces
        ((SH, JS), (JS, SH), False),  # the order parties are named in does not matter
        ((SH,), (SH, JS), True),
        ((SH, JS), (SH,), True),
        ((SH,), (SH,), False),
        ((BJ,), (GD,), True),  # outside the Delta, still two provinces
        ((), (SH,), False),  # an application or a grant moves nothing between provinces
    ],
)
def test_cross_province_means_the_two_sides_provinces_differ_as_sets(giving, receiving, cross):
    assert is_cross_province(sides(*giving), sides(*receiving)) is cross


def test_new_entries_record_cross_province_by_the_set_rule(ledger):
    assert (ledger["A"].cross_province, ledger["B"].cross_province, ledger["C"].cross_province) == (False, True, True)


# Transfers: a hand count ----------------------------------------------------------------------------------------


def test_a_batch_of_rows_for_one_change_counts_once_and_a_chain_counts_from_its_first_giver_to_its_last_receiver(
    ledger,
):
    chain, back = ledger["D"][0].patent, ledger["E"][0].patent
    assert [(t.entries, t.from_region, t.to_region, t.cross_province) for t in chain.transfers.all()] == [
        (2, ZJ, AH, True)
    ]
    assert [(t.entries, t.from_region, t.to_region, t.cross_province) for t in back.transfers.all()] == [
        (2, SH, SH, False)
    ]


def test_the_flow_matrix_agrees_with_the_hand_count(ledger):
    matrix = flow_matrix()
    assert RegistryEntry.objects.filter(kind__in=TRANSFERS).count() == 11
    assert (matrix.total, matrix.cross_province) == (9, 7)  # A-I; B, C, D, F, G, H, I
    assert matrix.cells == {(SH, SH): 4, (ZJ, AH): 1, (AH, SH): 1, (SH, "other"): 1, (JS, ZJ): 1, (SH, AH): 1}
    assert matrix.cross_cells[(SH, SH)] == 2  # B and C; not A, not E
    assert flow_matrix(FlowFilter(kinds=(EntryKind.ASSIGNMENT,))).cross_province == 6
    assert flow_matrix(FlowFilter(start=D(2023, 6, 15), end=D(2023, 7, 20))).total == 2  # D and E, from the days


def test_the_plans_transfer_targets_count_cross_province_assignments_within_the_delta(ledger, org):
    cumulative = plan_target(TargetMetric.CROSS_PROVINCE_TRANSFERS, 2021)
    year = plan_target(TargetMetric.CROSS_PROVINCE_TRANSFERS, 2025)
    assert target_progress(cumulative).achieved == 5  # B, C, D, H, I; not F (a licence), not G (to Beijing)
    assert target_progress(year).achieved == 1  # H
    # Starting on 2 January, the first days come from the transfers and the rest from the monthly tallies.
    with_licences = target(TargetMetric.CROSS_PROVINCE_TRANSFERS, "yrd", start=D(2021, 1, 2), kinds=TRANSFERS)
    shanghai = target(TargetMetric.CROSS_PROVINCE_TRANSFERS, SH)
    shanghai_with_licences = target(TargetMetric.CROSS_PROVINCE_TRANSFERS, SH, start=D(2023, 8, 1), kinds=TRANSFERS)
    achieved = [p.achieved for p in targets_progress([with_licences, shanghai, shanghai_with_licences])]
    assert achieved == [6, 4, 3]  # + F; B, C, G, I; F, G, I from August 2023


# Joint applications: a hand count -------------------------------------------------------------------------------


def test_joint_applications_count_from_the_applicants_at_filing(ledger):
    regions = {
        name: set(ledger[name].joint_application_regions.values_list("region", flat=True))
        for name in ("J1", "J2", "J3", "J4", "J5", "J6", "J7")
    }
    assert regions == {
        "J1": {SH, ZJ, "yrd"},  # still, though Anhui holds it now
        "J2": set(),  # Beijing + Guangdong: no Delta target
        "J3": {SH},  # one Delta province: Shanghai's target, not the Delta's
        "J4": set(),  # one province
        "J5": set(),  # a utility model
        "J6": {ZJ, AH, "yrd"},  # a PCT invention application
        "J7": {SH, JS, "yrd"},
    }
    assert list(ledger["J1"].right_holders.values_list("organisation__province", flat=True)) == [AH]


def test_joint_application_targets_agree_with_the_hand_count(ledger):
    joint = TargetMetric.CROSS_PROVINCE_JOINT_APPLICATIONS
    assert target_progress(plan_target(joint, 2021)).achieved == 3  # J1, J6, J7
    assert target_progress(plan_target(joint, 2025)).achieved == 1  # J6, filed in 2025
    provinces = [target(joint, code) for code in (SH, JS, ZJ, AH)]
    assert [p.achieved for p in targets_progress(provinces)] == [3, 1, 2, 1]  # J1 J3 J7; J7; J1 J6; J6


def test_a_later_application_entry_does_not_change_the_applicants_at_filing(ledger, org):
    patent = ledger["J4"]
    services._append(  # what a corrected bibliographic record would append; the first entry stays the filing one
        actor=None,
        patent=patent,
        kind=EntryKind.APPLICATION,
        registration_date=patent.filing_date,
        to_parties=services._owners([H(org(SH)), H(org(ZJ))]),
    )
    assert not JointApplication.objects.filter(patent=patent).exists()
    assert not registry_differences()


# Targets: what "超过" and "达到" mean -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparison", "value", "achieved", "reached", "remaining"),
    [
        (TargetComparison.MORE_THAN, 15000, 15000, False, 1),
        (TargetComparison.MORE_THAN, 15000, 15001, True, 0),
        (TargetComparison.AT_LEAST, 3500, 3499, False, 1),
        (TargetComparison.AT_LEAST, 3500, 3500, True, 0),
    ],
)
def test_more_than_is_reached_above_the_value_and_at_least_at_it(comparison, value, achieved, reached, remaining):
    from ip_registry.selectors import Progress

    progress = Progress(Target(value=value, comparison=comparison), achieved)
    assert (progress.reached, progress.remaining) == (reached, remaining)


def test_the_plans_targets_are_seeded_for_the_year_2025_and_for_2021_2025_with_the_plans_sentence():
    seeded = Target.objects.filter(region="yrd").values_list("metric", "period_start", "value", "comparison", "kinds")
    transfers, joint = TargetMetric.CROSS_PROVINCE_TRANSFERS, TargetMetric.CROSS_PROVINCE_JOINT_APPLICATIONS
    assert sorted(seeded) == [
        (joint, D(2021, 1, 1), 3500, TargetComparison.AT_LEAST, ["application"]),
        (joint, D(2025, 1, 1), 3500, TargetComparison.AT_LEAST, ["application"]),
        (transfers, D(2021, 1, 1), 15000, TargetComparison.MORE_THAN, ["assignment"]),
        (transfers, D(2025, 1, 1), 15000, TargetComparison.MORE_THAN, ["assignment"]),
    ]
    for source in Target.objects.values_list("source", flat=True):
        assert "国科发规〔2020〕352号" in source
        assert "跨省域国内发明专利合作申请量达到3500件，跨省域专利转移数量超过1.5万件" in source


# Kept beside the ledger, checked against it ---------------------------------------------------------------------


def append_as_written_before(patent, giving, receiving, on) -> RegistryEntry:
    """An assignment entry as the services wrote it before the set rule: cross-province if any two parties differ."""
    head = LedgerHead.objects.select_for_update().get(pk=1)
    from_parties = [services._party(H(party), None) for party in giving]
    to_parties = [services._party(H(party), services.HUNDRED / len(receiving)) for party in receiving]
    entry = RegistryEntry(
        sequence=head.sequence + 1,
        previous_hash=head.hash,
        patent=patent,
        kind=EntryKind.ASSIGNMENT,
        registration_date=on,
        parties={"from": from_parties, "to": to_parties},
        recorded_at=timezone.now(),
        from_region=giving[0].province,
        to_region=receiving[0].province,
        cross_province=True,  # the old rule: Shanghai differs from Jiangsu
        ipc_section=patent.ipc_section,
    )
    entry.hash = entry_hash(head.hash, entry)
    entry.save()
    head.sequence, head.hash = entry.sequence, entry.hash
    head.save()
    return entry


def test_the_migration_recounts_entries_written_under_the_old_rule_and_verify_registry_agrees(org):
    patent = utility_model(org(SH), org(JS))
    old = append_as_written_before(patent, [org(SH), org(JS)], [org(SH, 2), org(JS, 2)], D(2022, 5, 5))
    assert old.cross_province  # its recorded column, hashed with it, stays as written
    with pytest.raises(CommandError, match=r"transfers disagree with the ledger in 1 row"):
        call_command("verify_registry", stdout=StringIO())  # nothing counted it yet

    # The data migration, run with the models as they are at that migration.
    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration("ip_registry", "0007_stats_transfers")
    state_apps = executor.loader.project_state(("ip_registry", "0007_stats_transfers")).apps
    migration.operations[-1].code(state_apps, None)

    [counted] = patent.transfers.all()
    assert (counted.cross_province, counted.from_region, counted.to_region) == (False, SH, SH)
    assert flow_matrix().cross_province == 0
    call_command("verify_registry", stdout=(out := StringIO()))
    assert "agree with them" in out.getvalue()


def test_verify_registry_notices_a_transfer_or_joint_application_changed_by_hand_and_the_rebuild_mends_them(
    ledger,
):
    assert not registry_differences()  # kept entry by entry by the services
    counted = Transfer.objects.get(patent=ledger["B"].patent)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Transfer._meta.db_table} SET cross_province = %s WHERE id = %s",  # noqa: S608
            [False, counted.pk],
        )
    JointApplication.objects.filter(patent=ledger["J3"]).delete()
    with pytest.raises(CommandError) as failure:
        call_command("verify_registry", stdout=StringIO())
    message = str(failure.value)
    assert "the transfers disagree with the ledger in 1 row(s)" in message
    assert "the joint applications disagree with the ledger in 1 row(s)" in message
    assert "rebuild_transfer_tallies" in message
    rebuilt = tally_rebuild()
    assert (rebuilt.transfers, rebuilt.joint_applications) == (9, 3 + 1 + 3 + 3)  # A-I; J1, J3, J6, J7
    assert not registry_differences()
    assert Transfer.objects.get(patent=ledger["B"].patent).cross_province
