"""Targets name what they count and how the figure must compare; the plan's targets for the year 2025 and 2021-2025.

A transfer target counts assignments (the plan's "专利转移" are 权利人变更), and
licences only where a target says so; a joint-application target counts
application entries. "超过" means more than (15,000 is reached at 15,001),
"达到" at least (3,500 at 3,500). The plan does not say whether its 2025
figures are for the year or the whole plan period, so each is set both ways,
with the plan's sentence and document number as the source. Targets staff have
edited keep their source and value.
"""

import datetime

from django.db import migrations, models

import ip_registry.choices

OLD_SOURCE = "《长三角科技创新共同体建设发展规划》(国科发规〔2020〕352号)"
SOURCE = (
    "《长三角科技创新共同体建设发展规划》（国科发规〔2020〕352号）：“到2025年……"
    "长三角地区跨省域国内发明专利合作申请量达到3500件，跨省域专利转移数量超过1.5万件。”"
)
PERIODS = [
    (datetime.date(2021, 1, 1), datetime.date(2025, 12, 31)),  # the plan period, cumulative
    (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),  # the year 2025
]
TARGETS = [
    # (metric, value, comparison, kinds)
    ("cross_province_transfers", 15000, "more_than", ["assignment"]),
    ("cross_province_joint_applications", 3500, "at_least", ["application"]),
]


def seed(apps, schema_editor):
    Target = apps.get_model("ip_registry", "Target")
    Target.objects.filter(metric="cross_province_joint_applications").update(kinds=["application"])
    for metric, value, comparison, kinds in TARGETS:
        for start, end in PERIODS:
            target, created = Target.objects.get_or_create(
                metric=metric,
                region="yrd",
                period_start=start,
                period_end=end,
                defaults={"value": value, "comparison": comparison, "kinds": kinds, "source": SOURCE},
            )
            if not created and target.source in (OLD_SOURCE, SOURCE):
                target.comparison, target.kinds, target.source = comparison, kinds, SOURCE
                target.save(update_fields=["comparison", "kinds", "source"])


class Migration(migrations.Migration):
    dependencies = [("ip_registry", "0007_stats_transfers")]

    operations = [
        migrations.AlterModelOptions(
            name="target",
            options={
                "ordering": ["period_end", "metric", "region", "-period_start"],
                "verbose_name": "target",
                "verbose_name_plural": "targets",
            },
        ),
        migrations.AddField(
            model_name="target",
            name="comparison",
            field=models.CharField(
                choices=[("more_than", "more than"), ("at_least", "at least")],
                default="at_least",
                help_text="“超过” means more than: a target of 15,000 is reached at 15,001. “达到” means at least.",
                max_length=10,
                verbose_name="reached when the figure is",
            ),
        ),
        migrations.AddField(
            model_name="target",
            name="kinds",
            field=models.JSONField(
                blank=True,
                default=ip_registry.choices.default_target_kinds,
                help_text="The transfers it counts: assignments (权利人变更), and licences if the plan counts them too.",
                verbose_name="counts",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
