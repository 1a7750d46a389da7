"""The ledger head row every append locks, and the targets of the regional plan for 2025."""

import datetime

from django.db import migrations

PLAN = "《长三角科技创新共同体建设发展规划》(国科发规〔2020〕352号)"
TARGETS = [
    # (metric, region, value): the plan's figures for the Delta, over the plan period 2021-2025.
    ("cross_province_transfers", "yrd", 15000),
    ("cross_province_joint_applications", "yrd", 3500),
]


def seed(apps, schema_editor):
    apps.get_model("ip_registry", "LedgerHead").objects.get_or_create(pk=1)
    Target = apps.get_model("ip_registry", "Target")
    for metric, region, value in TARGETS:
        Target.objects.get_or_create(
            metric=metric,
            region=region,
            period_start=datetime.date(2021, 1, 1),
            period_end=datetime.date(2025, 12, 31),
            defaults={"value": value, "source": PLAN},
        )


class Migration(migrations.Migration):
    dependencies = [("ip_registry", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
