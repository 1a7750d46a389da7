"""Statistics: flow matrix, outflow and inflow, yearly trend and target progress, on whichever database runs."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ip_registry.choices import EntryKind, TargetMetric
from ip_registry.models import Target
from ip_registry.selectors import FlowFilter, flow_matrix, ipc_breakdown, target_progress, yearly_trend
from tests.factories import make_patent, organisation_in

pytestmark = pytest.mark.django_db
D = datetime.date
SH, JS, ZJ, AH, BJ = "310000", "320000", "330000", "340000", "110000"


def test_flow_matrix_counts_each_transfer_once_from_its_region_to_its_region(history):
    matrix = flow_matrix()
    assert matrix.total == 5
    assert matrix.cross_province == 4
    assert matrix.count(SH, JS) == 1
    assert matrix.count(JS, ZJ) == 1
    assert matrix.count(SH, SH) == 1
    assert matrix.count(SH, "other") == 1
    assert matrix.count(AH, SH) == 1
    assert matrix.by_region[SH].outflow == 2
    assert matrix.by_region[SH].inflow == 1
    assert matrix.by_region[SH].within == 1
    assert matrix.by_region["other"].inflow == 1
    assert sum(row[3] for row in matrix.rows()) == 5


def test_filters_by_date_type_and_ipc_section(history):
    assert flow_matrix(FlowFilter(start=D(2022, 1, 1), end=D(2022, 12, 31))).total == 2
    assert flow_matrix(FlowFilter(kinds=(EntryKind.LICENCE,))).total == 1
    assert flow_matrix(FlowFilter(kinds=(EntryKind.ASSIGNMENT,))).total == 4
    assert flow_matrix(FlowFilter(ipc_section="G")).count(AH, SH) == 1
    assert flow_matrix(FlowFilter(ipc_section="G")).total == 1
    assert ipc_breakdown() == {"G": {"all": 1, "cross": 1}, "H": {"all": 4, "cross": 3}}


def test_yearly_trend(history):
    trend = yearly_trend()
    assert [(y.year, y.transfers, y.cross_province) for y in trend] == [(2021, 1, 1), (2022, 2, 1), (2023, 2, 2)]
    assert [y.year for y in yearly_trend(FlowFilter(start=D(2019, 1, 1), end=D(2023, 12, 31)))][:2] == [2019, 2020]


def test_empty_registry_gives_zeros():
    assert flow_matrix().total == 0
    assert yearly_trend() == []


def test_progress_against_the_plan_target_counts_cross_province_assignments_within_the_delta(history):
    target = Target.objects.get(metric=TargetMetric.CROSS_PROVINCE_TRANSFERS, region="yrd", period_start__year=2021)
    assert (target.value, target.kinds) == (15000, ["assignment"])
    progress = target_progress(target)
    assert progress.achieved == 2  # SH->JS, JS->ZJ; not SH->SH, not SH->Beijing, not the AH->SH licence
    assert progress.percent == 0.0
    shanghai = Target.objects.create(
        metric=TargetMetric.CROSS_PROVINCE_TRANSFERS,
        region=SH,
        period_start=D(2021, 1, 1),
        period_end=D(2025, 12, 31),
        value=4,
        kinds=[EntryKind.ASSIGNMENT, EntryKind.LICENCE],
    )
    assert target_progress(shanghai).achieved == 3  # SH->JS, SH->Beijing, AH->SH (a licence, named by this target)
    assert target_progress(shanghai).percent == 75.0


def test_joint_application_progress(orgs):
    make_patent(orgs[SH], orgs[JS], year=2022)  # cross-province joint invention
    make_patent(orgs[SH], organisation_in(SH), year=2022)  # same province
    make_patent(orgs[SH], orgs[ZJ], year=2022, type_digit="2")  # utility model: not counted
    target = Target.objects.get(
        metric=TargetMetric.CROSS_PROVINCE_JOINT_APPLICATIONS, region="yrd", period_start__year=2021
    )
    assert target_progress(target).achieved == 1


def test_statistics_are_single_aggregate_queries(history):
    with CaptureQueriesContext(connection) as queries:
        flow_matrix()
        yearly_trend(FlowFilter(start=D(2019, 1, 1), end=D(2025, 12, 31)))
    assert len(queries) == 2
    assert all("GROUP BY" in q["sql"] or "COUNT" in q["sql"] for q in queries.captured_queries)
