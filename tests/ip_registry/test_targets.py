"""Saving plan targets, and their progress counted for many targets at once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ip_registry import services
from ip_registry.choices import TargetMetric
from ip_registry.models import Target
from ip_registry.selectors import targets_progress, targets_progress_at_once
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


def test_progress_at_once_agrees_with_one_target_at_a_time(django_assert_max_num_queries):
    orgs = {code: organisation_in(code) for code in (SH, JS, ZJ, AH, BJ)}
    for i, (source, target) in enumerate([(SH, JS), (JS, ZJ), (SH, BJ), (AH, SH), (ZJ, ZJ)]):
        patent = make_patent(orgs[source], year=2020)
        assignee = organisation_in(target)
        services.patent_assign(
            actor=None, patent=patent, assignees=[services.Holding(assignee)], registration_date=D(2021 + i, 5, 1)
        )
    make_patent(orgs[SH], orgs[JS], year=2022)  # a cross-province joint invention application
    make_patent(orgs[ZJ], orgs[AH], year=2024)
    for region in (SH, ZJ, "yrd"):
        for metric in TargetMetric.values:
            Target.objects.get_or_create(
                metric=metric, region=region, period_start=D(2022, 1, 1), period_end=D(2024, 12, 31), value=10
            )
    expected = [(p.target.pk, p.achieved) for p in targets_progress()]
    with django_assert_max_num_queries(3):
        at_once = [(p.target.pk, p.achieved) for p in targets_progress_at_once()]
    assert at_once == expected
    assert len(at_once) == 8
    assert any(achieved for _pk, achieved in at_once)
