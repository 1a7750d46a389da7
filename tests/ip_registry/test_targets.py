"""Saving plan targets, and their progress counted for many targets at once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ip_registry import services
from ip_registry.choices import TargetMetric
from ip_registry.models import Target
from ip_registry.selectors import targets_progress
from ip_registry.targets import target_save
from techmarket.audit.models import AuditEvent
from tests.factories import UserFactory, make_patent, organisation_in, platform_staff_user

pytestmark = pytest.mark.django_db
D = datetime.date
SH, JS, ZJ, AH, BJ = "310000", "320000", "330000", "340000", "110000"
FIELDS = {
    "metric": TargetMetric.CROSS_PROVINCE_TRANSFERS,
    "region": JS,
    "period_start": D(2021, 1, 1),
    "period_end": D(2025, 12, 31),
    "value": 3000,
}


def test_staff_save_a_target_with_an_audit_row():
    staff = platform_staff_user()
    target = target_save(actor=staff, **FIELDS)
    assert Target.objects.get(pk=target.pk).value == 3000
    target_save(actor=staff, target=target, value=3200)
    assert Target.objects.get(pk=target.pk).value == 3200
    events = AuditEvent.objects.filter(action="target.save", target_id=str(target.pk)).order_by("pk")
    assert [event.actor for event in events] == [staff, staff]
    assert events.last().data == {"value": ["3000", "3200"]}


def test_others_may_not_save_targets():
    with pytest.raises(PermissionDenied):
        target_save(actor=UserFactory(), **FIELDS)
    assert not Target.objects.filter(region=JS).exists()


def test_an_invalid_target_is_refused_whole():
    with pytest.raises(ValidationError) as error:
        target_save(actor=platform_staff_user(), **{**FIELDS, "period_end": D(2020, 1, 1)})
    assert "period_end" in error.value.message_dict
    assert not Target.objects.filter(region=JS).exists()
    assert not AuditEvent.objects.filter(action="target.save").exists()


def test_unknown_fields_are_a_programming_error():
    with pytest.raises(ValueError, match="not a target field: colour"):
        target_save(actor=None, colour="red", **FIELDS)


def test_progress_of_every_target_in_three_queries(django_assert_max_num_queries):
    orgs = {code: organisation_in(code) for code in (SH, JS, ZJ, AH, BJ)}
    for i, (source, target) in enumerate([(SH, JS), (JS, ZJ), (SH, BJ), (AH, SH), (ZJ, ZJ)]):
        patent = make_patent(orgs[source], year=2020)
        assignee = organisation_in(target)
        services.patent_assign(
            actor=None, patent=patent, assignees=[services.Holding(assignee)], registration_date=D(2021 + i, 5, 1)
        )
    make_patent(orgs[SH], orgs[JS], year=2022)  # cross-province joint invention applications
    make_patent(orgs[ZJ], orgs[AH], year=2024)
    for region in (SH, ZJ, "yrd"):
        for metric in TargetMetric.values:
            Target.objects.get_or_create(
                metric=metric, region=region, period_start=D(2022, 1, 1), period_end=D(2024, 12, 31), value=10
            )
    with django_assert_max_num_queries(3):
        progress = targets_progress()
    achieved = {(p.target.metric, p.target.region, p.target.period_start.year): p.achieved for p in progress}
    transfers, joint = TargetMetric.CROSS_PROVINCE_TRANSFERS, TargetMetric.CROSS_PROVINCE_JOINT_APPLICATIONS
    assert achieved == {
        # 2022-2024: JS->ZJ, SH->Beijing, AH->SH cross a border; SH->JS was 2021, ZJ->ZJ stays home.
        (transfers, SH, 2022): 2,
        (transfers, ZJ, 2022): 1,
        (transfers, "yrd", 2022): 2,  # both sides in the Delta: JS->ZJ, AH->SH
        (joint, SH, 2022): 1,
        (joint, ZJ, 2022): 1,
        (joint, "yrd", 2022): 2,
        # The plan's targets from the migrations, for 2021-2025 and for the year 2025.
        (transfers, "yrd", 2021): 3,
        (joint, "yrd", 2021): 2,
        (transfers, "yrd", 2025): 0,
        (joint, "yrd", 2025): 0,  # both were filed before 2025
    }
